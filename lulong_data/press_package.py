"""The 发布会 package (issue 19, item 3): 主持词, 发布词 draft and 答问口径 per bureau, as separate documents.

Written from the same theme sentences as the 通稿 (``lulong_data.briefing``), so every number comes from the
registry and is checked again by ``lulong_data.textcheck`` before it leaves. The shape follows the
2022-07-27 press conference (shared/seed): the host opens, introduces the speakers and hands over; the
deputy county head reads the statement (一、二、… by theme); each bureau answers one question, and its
答问口径 ends with the definition and date of every figure it quotes. Names of officials are not data: the
documents leave them as ×××.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lulong_data import briefing
from lulong_data.county import name_of

if TYPE_CHECKING:
    import pandas as pd

    from lulong_data.bundle import Bundle
    from lulong_data.chartkit import KitChart

CN_ORDINALS = "一二三四五六七八九十"
CONFERENCE = "巩固拓展脱贫攻坚成果同乡村振兴有效衔接新闻发布会"
# The reporter's question to each theme's bureau, in the conference's words.
QUESTIONS = {
    "monitoring": "{county}在防止返贫方面采取了哪些措施?",
    "employment": "近年来,{county}在就业帮扶方面做了哪些工作?",
    "welfare": "近年来,{county}兜底保障政策是如何落实的,具体的做法是什么?",
    "education": "{county}在教育帮扶方面有哪些举措?",
    "health": "{county}在健康帮扶和社会保障方面取得了哪些成效?",
    "environment": "{county}在农村人居环境整治方面是怎样做的?",
}


@dataclass(frozen=True)
class Document:
    """One document of the package: blocks of (kind, text), kind ∈ title, subtitle, heading, body, question,
    answer; ``definitions`` (答问口径) the 口径 of every figure it quotes."""

    key: str  # host, statement, qa_<theme>
    name: str  # 主持词 / 发布词 / 答问口径(卢龙县人力资源和社会保障局)
    blocks: tuple[tuple[str, str], ...]
    definitions: pd.DataFrame | None = None

    @property
    def text(self) -> str:
        """Everything the document says, one block per line (what the checker reads)."""
        return "\n".join(text for _, text in self.blocks)

    def file_name(self, county: str, as_of: dt.date) -> str:
        return f"{county}新闻发布会_{self.name}_{as_of.isoformat()}.docx"


def _themes(b: Bundle, as_of: dt.date) -> list[tuple[str, str, briefing.Paragraph, str]]:
    """(key, title, paragraph without attribution, answering bureau) of every theme that has sentences."""
    out = []
    for key, zh, en, build, specs in briefing.THEMES:
        p = briefing._paragraph(b, as_of, key, zh, en, build(b, as_of))
        if p.text:
            bureau = next(filter(None, (briefing.department_of(b, s) for s in specs)), "")
            out.append((key, zh, p, bureau))
    return out


def host(b: Bundle, as_of: dt.date, bureaus: list[str]) -> Document:
    county = name_of(b)
    speakers = ",".join([f"{county}人民政府副县长×××"] + [f"{name}负责同志×××" for name in bureaus])
    return Document(
        "host",
        "主持词",
        (
            ("title", f"{county}{CONFERENCE}"),
            ("subtitle", "主持词"),
            ("body", "各位媒体朋友:"),
            (
                "body",
                f"大家上午好!今天我们召开{county}{CONFERENCE},邀请{county}人民政府和相关单位的负责同志介绍情况,"
                "并回答大家感兴趣的问题。",
            ),
            ("body", f"出席今天发布会的有:{speakers}。"),
            ("body", "下面,先请×××副县长介绍总体情况。"),
            ("note", "(副县长发布)"),
            ("body", "谢谢×××副县长的介绍。下面欢迎大家提问,提问前请先通报所在的新闻机构。开始提问。"),
            ("note", "(答问)"),
            (
                "body",
                "请问,大家还有没有其他问题?如果没有,今天的发布会到此结束。感谢各位发布人,感谢各位媒体朋友,再见。",
            ),
        ),
    )


def statement(b: Bundle, as_of: dt.date, themes) -> Document:
    county = name_of(b)
    blocks: list[tuple[str, str]] = [
        ("title", f"{county}{CONFERENCE}"),
        ("subtitle", "发布词(草稿)"),
        ("body", "各位新闻媒体的朋友们:"),
        ("body", "大家上午好!"),
        ("body", f"欢迎参加今天的{county}{CONFERENCE}。下面,我将有关情况简要介绍如下:"),
    ]
    for i, (_, title, p, _) in enumerate(themes):
        blocks.append(("heading", f"{CN_ORDINALS[i]}、{title}"))
        blocks.append(("body", p.text))
    blocks.append(
        (
            "body",
            "下一步,我县将深入贯彻落实中央、省、市部署要求,健全防止返贫动态监测和帮扶机制,精准落实帮扶措施,"
            "牢牢守住不发生规模性返贫的底线。最后,对出席今天发布会的各位媒体朋友,表示衷心的感谢!",
        )
    )
    return Document("statement", "发布词", tuple(blocks))


def answer(b: Bundle, as_of: dt.date, key: str, p: briefing.Paragraph, bureau: str) -> Document:
    """The bureau's 答问口径: the theme's sentences as the bureau says them — another owner's figures cited
    ("据卢龙县医疗保障局统计,…"), never spoken as the bureau's own."""
    county = name_of(b)
    question = QUESTIONS.get(key, "{county}在" + p.title_zh + "方面做了哪些工作?").format(county=county)
    build = next(build for k, _, _, build, _ in briefing.THEMES if k == key)
    p = briefing._paragraph(
        b, as_of, key, p.title_zh, p.title_en, build(b, as_of), attribute=True, speaker=bureau
    )
    one = briefing.Draft(as_of, p.title_zh, (p,))
    table = briefing.figures_table(b, one, "zh")[["指标", "数值", "单位", "口径", "来源"]]
    return Document(
        f"qa_{key}",
        f"答问口径({bureau})",
        (
            ("title", "答问口径"),
            ("subtitle", f"({bureau})"),
            ("question", f"问:{question}"),
            ("answer", f"答:感谢这位记者的提问。{p.text}"),
            ("note", f"以上数字截至{as_of.year}年{as_of.month}月{as_of.day}日,口径见下表。"),
        ),
        table,
    )


def package(b: Bundle, as_of: dt.date) -> list[Document]:
    """主持词, 发布词 and one 答问口径 per theme's bureau, in the order of the conference."""
    themes = _themes(b, as_of)
    bureaus = list(dict.fromkeys(bureau for *_, bureau in themes if bureau))
    docs = [host(b, as_of, bureaus), statement(b, as_of, themes)]
    docs += [answer(b, as_of, key, p, bureau) for key, _, p, bureau in themes]
    return docs


def release_docx(
    b: Bundle,
    d: briefing.Draft,
    *,
    headline: str,
    texts: Sequence[str],
    charts: Sequence[KitChart] = (),
    check=None,
) -> bytes:
    """The 通稿 as Word: ``headline`` and the paragraphs as edited (``texts``, one per part of ``d``), the
    figures with their 口径, ``charts`` as print pictures and the 核对单 ``check``
    (lulong_data.briefing_doc.briefing_docx); from fictitious data, marked so (exports.demo_mark)."""
    from lulong_data import exports, images
    from lulong_data.briefing_doc import Picture, briefing_docx

    watermark = exports.demo_mark(b.folder)
    pictures = [
        Picture(
            c.title,
            images.chart_image(
                c.chart, title=c.title, unit=c.unit, source=c.source, as_of=d.as_of, watermark=watermark
            ),
        )
        for c in charts
    ]
    return briefing_docx(
        title=headline,
        as_of=d.as_of,
        paragraphs=[(p.title_zh, text) for p, text in zip(d.parts, texts, strict=True)],
        figures=briefing.figures_table(b, d, "zh").drop(columns=["指标代码", "更新频次"]),
        pictures=pictures,
        **briefing.byline(b),
        check=check,
        watermark=watermark,
    )


def document_docx(doc: Document, *, as_of: dt.date, check=None, watermark: str | None = None) -> bytes:
    """The document in the office's format (lulong_data.briefing_doc), with its 核对单 when given."""
    from lulong_data import briefing_doc as fmt
    from lulong_data import exports

    out = fmt.office_document()
    if watermark:
        fmt.add_demo_header(out, watermark)
    for kind, text in doc.blocks:
        if kind == "title":
            fmt.add_title(out, text)
        elif kind == "subtitle":
            fmt.add_body(out, text, align="center", font=fmt.SUBHEADING_FONT)
        elif kind == "heading" or kind == "question":
            fmt.add_body(out, text, font=fmt.HEADING_FONT)
        elif kind == "note":
            fmt.add_body(out, text, font=fmt.SUBHEADING_FONT)
        else:
            fmt.add_body(out, text)
    if doc.definitions is not None and not doc.definitions.empty:
        fmt.add_heading(out, "口径说明")
        fmt.add_table(out, doc.definitions, font_pt=9, shares=fmt._SHARES)
    if check is not None and not check.table.empty:
        fmt.add_check_sheet(out, check)
    return exports.docx_bytes(out)
