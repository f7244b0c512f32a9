"""The monthly 红黑榜通报 (notice) of the county's rural living-environment inspection.

The page and the notice show the same tables: both are built by the ``*_table`` functions here from the
metrics of :mod:`lulong_data.metrics.environment`, so a row on screen is a row in the Word file and the
spreadsheet. Table headers follow ``lang`` on screen; the notice itself is always Chinese (it is an
official document of 卢龙县农业农村局).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data import exports
from lulong_data.columns import TableView, header
from lulong_data.county import name_of
from lulong_data.metrics import environment as env

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.rules import Rules

__all__ = [
    "issuer",
    "NoticeData",
    "black_table",
    "notice_data",
    "notice_docx",
    "notice_title",
    "notice_xlsx",
    "period_label",
    "red_table",
    "rule_text",
    "talk_table",
    "township_table",
]

ISSUER_TAIL = "农业农村局"  # the issuer is the county's bureau: 卢龙县农业农村局 for Lulong


def _h(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def period_label(period: str, lang: str = "zh") -> str:
    """ "2022-07" -> "2022年7月" / "July 2022"."""
    d = dt.date.fromisoformat(period + "-01")
    return d.strftime("%B %Y") if lang == "en" else f"{d.year}年{d.month}月"


def _date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def issuer(b: Bundle) -> str:
    """The issuing bureau, named after the county whose data the notice holds."""
    return name_of(b) + ISSUER_TAIL


def notice_title(period: str, county: str) -> str:
    return f"{county}农村人居环境整治 {period_label(period)} 红黑榜通报"


def rule_text(rules: Rules, lang: str = "zh") -> str:
    """The ranking and tie-break rule in words, with the numbers of the rules in force."""
    rk = rules.ranking
    tie_zh = {
        "fewer_vetoes": "一票否决少者在前",
        "higher_upkeep": "长效管护得分高者在前",
        "village_code": "按村代码",
    }
    tie_en = {
        "fewer_vetoes": "fewer vetoes first",
        "higher_upkeep": "higher upkeep (长效管护) score first",
        "village_code": "by village code",
    }
    if lang == "en":
        veto = (
            " plus every village with a veto finding (一票否决), whatever its score" if rk.veto_black else ""
        )
        return (
            "Each village's monthly score is the sum of five items (garbage 25, toilets 20, sewage 15, "
            "appearance 25, upkeep 15). Villages are ranked county-wide; equal scores are ordered "
            f"{', then '.join(tie_en[k] for k in rk.tie_break)}. Red list: the top {rk.red_villages} "
            f"villages without a veto; black list: the bottom {rk.black_villages}{veto}. Townships are ranked "
            f"by the mean score of their inspected villages: top {rk.red_townships} red, bottom "
            f"{rk.black_townships} black; a township with no inspected village is not ranked. A village on "
            f"the black list {rk.talk_after_months} inspection months running is called to a formal talk."
        )
    veto = "，以及所有一票否决村（不论得分）" if rk.veto_black else ""
    return (
        "各村月度得分为垃圾治理（25分）、厕所革命（20分）、污水治理（15分）、村容村貌（25分）、长效管护（15分）"
        f"五项之和。全县统一排名，同分时{'，'.join(tie_zh[k] for k in rk.tie_break)}。"
        f"红榜：排名前{rk.red_villages}名且无一票否决的村；黑榜：排名后{rk.black_villages}名的村{veto}。"
        f"乡镇按所辖受检村平均得分排名，前{rk.red_townships}名上红榜、后{rk.black_townships}名上黑榜；"
        f"当月无受检村的乡镇不参加排名。连续{rk.talk_after_months}个检查月上黑榜的村，予以约谈。"
    )


# --- tables shown on screen and in the notice -----------------------------------------------------
# Keyed frames; headers from the one column-label table (lulong_data.columns), so page and paper agree.
LIST_COLUMNS = ("position", "rank", "village", "township", "score", "veto_text", "reason")
TOWNSHIP_COLUMNS = ("rank", "township", "villages", "mean_score", "list_text")
TALK_COLUMNS = ("village", "township", "months_running", "since")
# A list in half a page: which village, in which township, and why come first (a leader must see the
# township; a red list's reason carries its score), then the score and the veto; the rest one click away.
LIST_PRIORITY = ("village", "township", "reason", "score", "veto_text", "rank", "position")
# The red and black lists (file names: red_list_<list month>, black_list_<list month>).
LIST_TABLES = {
    name: TableView(f"{name}_list", LIST_COLUMNS, table="env_list", priority=LIST_PRIORITY)
    for name in ("red", "black")
}
TALK_TABLE = TableView("talks", TALK_COLUMNS, table="env_talks")  # file name: talks_<list month>
TOWNSHIP_TABLE = TableView("township_ranking", TOWNSHIP_COLUMNS, table="env_townships")
NOTICE_NOTE = (
    "通报为全县红黑榜(A4,仿宋),内容与本页表格一致。",
    "The notice carries the same tables as this page.",
)


def _yes(lang: str) -> str:
    return _h(lang, "是", "yes")


def list_rows(df: pd.DataFrame, lang: str = "zh", *, black: bool) -> pd.DataFrame:
    """A red or black list (MonthLists.red / .black) keyed by LIST_COLUMNS (veto only on the black list)."""
    out = pd.DataFrame(
        {
            "position": df["position"].astype("Int64"),
            "rank": df["rank"].astype("Int64"),
            "village": df["village"],
            "township": df["township"],
            "score": df["total"].astype(float).round(1),
        }
    )
    if black:
        out["veto_text"] = [_yes(lang) if v else "" for v in df["veto"]]
    out["reason"] = df["reason"]
    return out


def township_rows(ranking: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Every township keyed by TOWNSHIP_COLUMNS; the unranked ones (no inspected village) say so."""
    labels = {env.RED: _h(lang, "红榜", "red list"), env.BLACK: _h(lang, "黑榜", "black list")}
    status = [
        labels.get(row["list"], "")
        if row["inspected"]
        else _h(lang, "本月无受检村，不排名", "no inspection, not ranked")
        for _, row in ranking.iterrows()
    ]
    return pd.DataFrame(
        {
            "rank": ranking["rank"].astype("Int64"),
            "township": ranking["township"],
            "villages": ranking["villages"].astype("Int64"),
            "mean_score": ranking["mean_score"].astype(float).round(2),
            "list_text": status,
        }
    )


def talk_rows(talks: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village": talks["village"],
            "township": talks["township"],
            "months_running": talks["months_running"].astype("Int64"),
            "since": talks["since"],
        }
    )


def _labelled(df: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    return df.rename(columns={k: header(k, lang, table=table) for k in df.columns})


def red_table(lists: env.MonthLists, lang: str = "zh") -> pd.DataFrame:
    return _labelled(list_rows(lists.red, lang, black=False), "env_list", lang)


def black_table(lists: env.MonthLists, lang: str = "zh") -> pd.DataFrame:
    return _labelled(list_rows(lists.black, lang, black=True), "env_list", lang)


def township_table(ranking: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Every township; the unranked ones (no inspected village) say so instead of a rank."""
    return _labelled(township_rows(ranking, lang), "env_townships", lang)


def talk_table(talks: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    return _labelled(talk_rows(talks), "env_talks", lang)


# --- the notice -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeData:
    period: str
    as_of: dt.date
    lists: env.MonthLists
    townships: pd.DataFrame
    talks: pd.DataFrame
    rules: Rules


def notice_data(b: Bundle, *, as_of: dt.date, period: str | None = None) -> NoticeData | None:
    """Everything the notice says, county-wide; None when no month has inspections."""
    lists = env.month_lists(b, as_of=as_of, period=period)
    if lists.period is None:
        return None
    return NoticeData(
        period=lists.period,
        as_of=as_of,
        lists=lists,
        townships=env.township_ranking(b, as_of=as_of, period=lists.period),
        talks=env.talk_flags(b, as_of=as_of, period=lists.period),
        rules=b.rules,
    )


def _intro(data: NoticeData) -> str:
    lists = data.lists
    span = ""
    if lists.inspected_from and lists.inspected_to:
        span = f"于{_date_zh(lists.inspected_from)}至{_date_zh(lists.inspected_to)}"
    return (
        f"按照全县农村人居环境整治“红黑榜”工作机制，县农业农村局{span}对全县{lists.villages_ranked}个"
        f"行政村{period_label(data.period)}农村人居环境整治情况进行了检查评分。现将红黑榜通报如下："
    )


def notice_docx(
    b: Bundle, *, as_of: dt.date, period: str | None = None, issued_on: dt.date | None = None
) -> bytes:
    """The month's 红黑榜通报 as a Word (.docx) file: A4, 公文 margins, Chinese fonts set."""
    data = notice_data(b, as_of=as_of, period=period)
    doc = exports.new_document()
    if data is None:
        exports.add_title(doc, f"{name_of(b)}农村人居环境整治红黑榜通报")
        exports.add_paragraph(doc, f"截至{_date_zh(as_of)}尚无检查记录。")
        return exports.docx_bytes(doc)
    rk, lists = data.rules.ranking, data.lists
    exports.add_title(doc, notice_title(data.period, name_of(b)))
    exports.add_paragraph(
        doc, f"（检查月份：{period_label(data.period)}；数据截至{_date_zh(as_of)}）", align="center"
    )
    exports.add_paragraph(doc, "各乡镇人民政府，县直有关单位：")
    exports.add_paragraph(doc, _intro(data))

    exports.add_heading(doc, f"一、红榜村（{len(lists.red)}个）")
    exports.add_table(doc, red_table(lists))
    veto = f"，其中一票否决{lists.vetoes}个" if lists.vetoes and rk.veto_black else ""
    exports.add_heading(doc, f"二、黑榜村（{len(lists.black)}个{veto}）")
    exports.add_table(doc, black_table(lists))

    exports.add_heading(doc, "三、乡镇排名")
    exports.add_table(doc, township_table(data.townships))
    unranked = data.townships.loc[~data.townships["inspected"], "township"].tolist()
    if unranked:
        exports.add_paragraph(doc, f"注：{'、'.join(unranked)}本月无受检村，不参加排名。")

    exports.add_heading(doc, "四、约谈")
    if data.talks.empty:
        exports.add_paragraph(doc, f"本月无连续{rk.talk_after_months}个月上黑榜的村。")
    else:
        exports.add_paragraph(
            doc,
            f"以下{len(data.talks)}个村连续{rk.talk_after_months}个检查月及以上上黑榜，"
            "由县农业农村局约谈村党组织书记，所在乡镇督促限期整改：",
        )
        exports.add_table(doc, talk_table(data.talks))

    exports.add_heading(doc, "五、有关要求")
    exports.add_paragraph(
        doc,
        "红榜村要巩固成效、发挥示范带动作用；黑榜村要对照问题逐项整改，所在乡镇于下次检查前将整改情况"
        "报县农业农村局。",
    )
    exports.add_paragraph(doc, "排名规则：" + rule_text(data.rules))
    exports.add_paragraph(doc, "")
    exports.add_paragraph(doc, issuer(b), align="right")
    exports.add_paragraph(doc, _date_zh(issued_on or as_of), align="right")
    return exports.docx_bytes(doc)


def notice_xlsx(b: Bundle, *, as_of: dt.date, period: str | None = None) -> bytes:
    """The same tables as a workbook: 红榜, 黑榜, 乡镇排名, 约谈."""
    data = notice_data(b, as_of=as_of, period=period)
    if data is None:
        return exports.to_xlsx({"红榜": pd.DataFrame()}, title=f"截至{_date_zh(as_of)}尚无检查记录")
    sheets = {
        "红榜": red_table(data.lists),
        "黑榜": black_table(data.lists),
        "乡镇排名": township_table(data.townships),
        "约谈": talk_table(data.talks),
    }
    return exports.to_xlsx(
        sheets, title=f"{notice_title(data.period, name_of(b))}(数据截至 {as_of.isoformat()})"
    )
