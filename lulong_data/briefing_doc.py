"""The briefing as a Word document: title, as-of date, paragraphs, the figures table and chart pictures.

Built on the Word helpers of ``lulong_data.exports`` (A4, 公文 margins, East Asian fonts on every run), so
the file opens with the right Chinese fonts on the press office's Windows PCs.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from lulong_data import exports

PICTURE_WIDTH_MM = 150  # A4 minus 公文 margins leaves 156 mm


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


def briefing_docx(
    *,
    title: str,
    as_of: dt.date,
    paragraphs: Sequence[tuple[str, str]],
    figures: pd.DataFrame | None = None,
    pictures: Sequence[Picture] = (),
    prepared_by: str = "",
    check: CheckSheet | None = None,
) -> bytes:
    """``paragraphs`` are (heading, text) pairs as edited on the page; ``figures`` the table with 口径;
    ``check`` the 核对单 of the paragraphs' numbers (a page of its own at the end)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = exports.new_document()
    exports.add_title(doc, title)
    stamp = f"数据截至:{as_of.year}年{as_of.month}月{as_of.day}日"
    exports.add_paragraph(doc, f"{prepared_by}    {stamp}" if prepared_by else stamp, align="center")
    for heading, text in paragraphs:
        if not text.strip():
            continue
        exports.add_heading(doc, heading, level=2)
        for block in filter(None, (s.strip() for s in text.split("\n"))):
            p = exports.add_paragraph(doc, block)
            p.paragraph_format.first_line_indent = Mm(11)  # two characters, as 公文 body text
    if figures is not None and not figures.empty:
        exports.add_heading(doc, "附:数据口径", level=2)
        table = exports.add_table(doc, figures, font_pt=9)
        _widen(doc, table, list(figures.columns))
    if pictures:
        exports.add_heading(doc, "附:图表", level=2)
    for i, pic in enumerate(pictures, start=1):
        doc.add_picture(io.BytesIO(pic.png), width=Mm(PICTURE_WIDTH_MM))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        exports.add_paragraph(doc, f"图{i} {pic.caption}", align="center", font=exports.HEADING_FONT)
    if check is not None:
        add_check_sheet(doc, check)
    return exports.docx_bytes(doc)


def add_check_sheet(doc, check: CheckSheet) -> None:
    """A new page: 核对单 — the summary, who confirmed an export with contradictions, and one row per number."""
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    exports.add_heading(doc, "核对单", level=1)
    exports.add_paragraph(doc, check.summary)
    if check.contradictions:
        when = check.confirmed_at.strftime("%Y年%m月%d日%H:%M") if check.confirmed_at else ""
        exports.add_paragraph(
            doc,
            f"文中{check.contradictions}个数字与数据或已发布数字不一致,经{check.confirmed_by or '经办人'}"
            f"{'于' + when if when else ''}确认后导出。",
            bold=True,
        )
    if not check.table.empty:
        exports.add_table(doc, check.table, font_pt=9)


# Shares of the text width by column: the definitions need room, the numbers little (else 5 pages of table).
_SHARES = {"指标": 0.25, "数值": 0.1, "单位": 0.08, "口径": 0.45, "来源": 0.12}


def _widen(doc, table, columns: list[str]) -> None:
    """Column widths by :data:`_SHARES` (unknown columns share what is left equally)."""
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    unknown = [c for c in columns if c not in _SHARES]
    rest = max(0.0, 1 - sum(_SHARES[c] for c in columns if c in _SHARES))
    shares = [_SHARES.get(c, rest / len(unknown) if unknown else 0) for c in columns]
    total = sum(shares) or 1
    widths = [int(usable * x / total) for x in shares]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
