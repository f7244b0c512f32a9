"""The press office's Word files: the 通稿 and the 发布会 documents, in the office's format.

The format follows the office's habit for 新闻通稿 and GB/T 9704 for 公文: A4 with 公文 margins, the title
in 方正小标宋简体 二号 (22 pt), headings in 黑体 and 楷体_GB2312 三号, body text in 仿宋_GB2312 三号 (16 pt)
with an exact 28-point line spacing and a two-character first-line indent. The font names are written into
the styles; each has a fallback in the font table (仿宋, 宋体, 楷体) so Word on a PC without the GB2312 fonts
still picks a Chinese font, and tests and images render with Noto CJK.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from lulong_data import exports

# The byline of a 通稿 whose data folder names no issuing office (manifest ``press_office``): said, not guessed.
NO_ISSUER = "〔发稿单位未设置〕"
PICTURE_WIDTH_MM = 150  # A4 minus 公文 margins leaves 156 mm
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
LINE_PT = 28  # exact line spacing of body text
OFFICE_FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", HEADING_FONT: "SimHei"}


@dataclass(frozen=True)
class Picture:
    caption: str
    png: bytes


@dataclass(frozen=True)
class CheckSheet:
    """The 核对单 appended to an exported text: every number, its check and source (textcheck.findings_table).

    ``confirmed_by``/``confirmed_at`` are set when the officer exported although numbers disagree.
    """

    table: pd.DataFrame
    summary: str
    contradictions: int = 0
    confirmed_by: str = ""
    confirmed_at: dt.datetime | None = None


def office_document():
    """An empty document in the office's format (fonts, sizes, exact 28-point lines, fallbacks)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    doc = exports.new_document(body_font=BODY_FONT, body_pt=BODY_PT)
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing = Pt(LINE_PT)
    normal.space_before = normal.space_after = Pt(0)
    for name, font, size in (
        ("Title", TITLE_FONT, TITLE_PT),
        ("Heading 1", HEADING_FONT, BODY_PT),
        ("Heading 2", SUBHEADING_FONT, BODY_PT),
    ):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = False  # 方正小标宋 and 黑体 are heavy already; 公文 headings are not bolded
        exports.set_fonts(style.element, font)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(max(LINE_PT, size + 8))
        fmt.space_before, fmt.space_after = Pt(0), Pt(0 if name != "Title" else LINE_PT // 2)
    # The stock template underlines the title with a blue rule: a 公文 title has none.
    from docx.oxml.ns import qn

    ppr = doc.styles["Title"].element.find(qn("w:pPr"))
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:
        ppr.remove(border)
    exports.declare_fallbacks(doc, OFFICE_FALLBACKS)
    return doc


def add_demo_header(doc, mark: str) -> None:
    """ "样例数据" in red in the header of every page: a document made from the fictitious sample says so."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    for section in doc.sections:
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(f"{mark}(虚构,仅供演示,不得引用)")
        run.font.size = Pt(14)
        run.font.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        exports.set_fonts(run._r, HEADING_FONT)


def add_title(doc, text: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Title")
    exports.set_fonts(p.add_run(text)._r, TITLE_FONT)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def add_heading(doc, text: str, level: int = 1):
    p = doc.add_paragraph(style="Heading 1" if level == 1 else "Heading 2")
    exports.set_fonts(p.add_run(text)._r, HEADING_FONT if level == 1 else SUBHEADING_FONT)
    return p


def add_body(doc, text: str, *, indent: bool = True, align: str | None = None, font: str = BODY_FONT):
    """Body text, one Word paragraph per line of ``text``, indented two characters."""
    from docx.shared import Pt

    last = None
    for block in filter(None, (s.strip() for s in text.split("\n"))):
        last = exports.add_paragraph(doc, block, align=align, font=font)
        if indent and align is None:
            last.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    return last


def add_table(
    doc,
    df: pd.DataFrame,
    *,
    font_pt: float = 10.5,
    shares: dict[str, float] | None = None,
    quiet: Sequence[str] = (),
):
    """A table in body font, single-spaced (28-point lines would make every row a double line); the
    ``quiet`` columns' cells (not their headers) small and grey."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    table = exports.add_table(doc, df, font_pt=font_pt, font=BODY_FONT)
    hushed = {i for i, c in enumerate(df.columns) if c in quiet}
    for r, row in enumerate(table.rows):
        for i, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in p.runs if r and i in hushed else ():
                    run.font.size = Pt(QUIET_PT)
                    run.font.color.rgb = RGBColor(*QUIET_RGB)
    if shares:
        _widen(doc, table, list(df.columns), shares)
    return table


def add_picture(doc, png: bytes, caption: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm

    doc.add_picture(io.BytesIO(png), width=Mm(PICTURE_WIDTH_MM))
    p = doc.paragraphs[-1]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would crop it
    add_body(doc, caption, align="center", font=SUBHEADING_FONT)


def briefing_docx(
    *,
    title: str,
    as_of: dt.date,
    paragraphs: Sequence[tuple[str, str]],
    figures: pd.DataFrame | None = None,
    pictures: Sequence[Picture] = (),
    issued_by: str = "",
    prepared_by: str = "",
    check: CheckSheet | None = None,
    headings: bool = False,
    watermark: str | None = None,
) -> bytes:
    """The 通稿: ``title`` (the chosen headline), the byline, then ``paragraphs`` — (heading, text) pairs as
    edited on the page, the lead first; a 通稿 prints no headings unless ``headings`` — then the appendices:
    the figures with their 口径, the charts, and the 核对单 of the text's numbers (a page of its own).

    The byline is the issuing office, ``issued_by`` (the county's 发稿单位, briefing.byline): without one it
    reads :data:`NO_ISSUER` in red, never another office's name. The text cites each figure's own
    department; ``prepared_by`` (the office that prepared the data) is credited in the figures' annex.
    """
    doc = office_document()
    if watermark:
        add_demo_header(doc, watermark)
    add_title(doc, title)
    by = add_body(doc, issued_by or NO_ISSUER, align="center", font=SUBHEADING_FONT)
    if not issued_by:
        from docx.shared import RGBColor

        by.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    add_body(doc, f"(数据截至{_date_zh(as_of)})", align="center", font=SUBHEADING_FONT)
    for heading, text in paragraphs:
        if not text.strip():
            continue
        if headings:
            add_heading(doc, heading, level=2)
        add_body(doc, text)
    if figures is not None and not figures.empty:
        add_heading(doc, "附件1:数据口径")
        credit = f"数据由{prepared_by}汇总整理(数据截至{_date_zh(as_of)})。" if prepared_by else ""
        add_body(doc, f"表中各项数字由“来源”栏所列单位负责。{credit}")
        add_table(doc, figures, font_pt=9, shares=_SHARES)
    if pictures:
        add_heading(doc, "附件2:图表")
    for i, pic in enumerate(pictures, start=1):
        add_picture(doc, pic.png, f"图{i} {pic.caption}")
    if check is not None:
        add_check_sheet(doc, check)
    return exports.docx_bytes(doc)


def _date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def add_check_sheet(doc, check: CheckSheet) -> None:
    """A new page: 核对单 — the summary, who confirmed an export with contradictions, and one row per number."""
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    add_heading(doc, "核对单")
    add_body(doc, check.summary)
    if check.contradictions:
        when = check.confirmed_at.strftime("%Y年%m月%d日%H:%M") if check.confirmed_at else ""
        add_body(
            doc,
            f"文中{check.contradictions}个数字与数据或已发布数字不一致,经{check.confirmed_by or '经办人'}"
            f"{'于' + when if when else ''}确认后导出。",
        )
    if not check.table.empty:
        add_table(doc, check.table, font_pt=9, shares=_CHECK_SHARES, quiet=(QUIET_COLUMN,))


# Shares of the text width by column: the definitions need room, the numbers little (else 5 pages of table).
_SHARES = {"指标": 0.22, "数值": 0.09, "单位": 0.07, "口径": 0.42, "来源": 0.2}
_CHECK_SHARES = {
    "序号": 0.075,  # two bold 9-point characters and the cell margins: narrower wraps 序/号
    "文中数字": 0.11,
    "核对结果": 0.11,
    "正确值": 0.09,
    "指标": 0.14,
    "来源": 0.18,
    "说明": 0.185,
    "指标代码": 0.11,
}
# The metric code of the 核对单: for the data office, so last, small and grey.
QUIET_COLUMN = "指标代码"
QUIET_PT = 7
QUIET_RGB = (0x80, 0x80, 0x80)


def _widen(doc, table, columns: list[str], shares: dict[str, float]) -> None:
    """Column widths by ``shares`` (unknown columns share what is left equally)."""
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    unknown = [c for c in columns if c not in shares]
    rest = max(0.0, 1 - sum(shares[c] for c in columns if c in shares))
    parts = [shares.get(c, rest / len(unknown) if unknown else 0) for c in columns]
    total = sum(parts) or 1
    widths = [int(usable * x / total) for x in parts]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: LibreOffice and WPS read it, Word reads the cells
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
