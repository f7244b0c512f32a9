"""周调度材料: the dispatch meeting on one A4 page (Word, and PDF when LibreOffice is installed).

The sheet prints the very tables the page shows (``dispatch.headline_table``, ``township_table``,
``decision_sections``), so paper and screen cannot disagree. It names no household: it is handed round.
One page is a promise, so lists are capped (:data:`MAX_LINES`) with "another N" pointing to the dashboard.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from lulong_data import exports
from lulong_data.dispatch import Dispatch, decision_sections, headline_table, township_table

MAX_LINES = 8  # per decision list: keeps the sheet on one page whatever the week brings
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
# Status colours repeat the icon and word (print may be black and white): Okabe-Ito, as on screen.
_STATUS_RGB = {"✖": (0xD5, 0x5E, 0x00), "▲": (0xB0, 0x78, 0x00), "✔": (0x00, 0x72, 0xB2)}
MARGIN_MM = 15
TABLE_PT = 9


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def file_name(d: Dispatch, ext: str = "docx", lang: str = "zh") -> str:
    """周调度_2022-07-26.docx (the meeting date)."""
    return f"{_t(lang, '周调度', 'dispatch')}_{d.meeting:%Y-%m-%d}.{ext}"


def _paragraph(doc: Any, text: str, *, pt: float, bold: bool = False, font: str | None = None,
               align: str | None = None, after: float = 2) -> Any:  # fmt: skip
    from docx.shared import Pt

    p = exports.add_paragraph(doc, text, bold=bold, align=align, font=font)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.line_spacing = 1.0
    for run in p.runs:
        run.font.size = Pt(pt)
    return p


def _compact(table: Any) -> None:
    """Single-spaced cells with no paragraph gaps: a dense table the size a handout needs."""
    from docx.shared import Pt

    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_before = Pt(0)
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.line_spacing = 1.0


def _side_by_side(df: pd.DataFrame) -> pd.DataFrame:
    """The headline table folded into two halves next to each other (half the height)."""
    half = (len(df) + 1) // 2
    left, right = df.iloc[:half].reset_index(drop=True), df.iloc[half:].reset_index(drop=True)
    right = right.reindex(range(half)).fillna("")
    # A zero-width space keeps the repeated headers distinct for pandas; it prints as nothing.
    right.columns = [f"{c}\u200b" for c in right.columns]
    return pd.concat([left, right], axis=1)


# Township table column widths in mm (status, township, new, eliminated, overdue, jobs, environment,
# reasons): names and cues on one line each, so twelve townships take twelve lines; reasons get the rest.
_TOWNSHIP_MM = (16, 20, 15, 13, 15, 29, 22)


def _set_widths(table: Any, mm: tuple[float, ...], total_mm: float) -> None:
    from docx.shared import Mm

    widths = [*mm, total_mm - sum(mm)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)  # Word reads the cells, LibreOffice the grid


def _colour_status(table: Any) -> None:
    from docx.shared import RGBColor

    for row in table.rows[1:]:
        for run in row.cells[0].paragraphs[0].runs:
            rgb = _STATUS_RGB.get(run.text[:1])
            if rgb:
                run.font.color.rgb = RGBColor(*rgb)
                run.bold = True


def _decisions(doc: Any, d: Dispatch, lang: str) -> None:
    from docx.shared import Pt

    sections = decision_sections(d, lang)
    table = doc.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for cell, s in zip([c for row in table.rows for c in row.cells], sections, strict=True):
        head = cell.paragraphs[0]
        run = head.add_run(f"{s.title}({len(s.lines)})" if s.lines else s.title)
        run.bold = True
        run.font.size = Pt(TABLE_PT + 0.5)
        exports.set_fonts(run._r, exports.HEADING_FONT)
        lines = list(s.lines[:MAX_LINES]) or [s.none]
        if len(s.lines) > MAX_LINES:
            more = len(s.lines) - MAX_LINES
            lines.append(_t(lang, f"另有{more}条,详见看板", f"{more} more on the dashboard"))
        for line in lines:
            p = cell.add_paragraph()
            r = p.add_run(("· " if s.lines else "") + line)
            r.font.size = Pt(TABLE_PT)
            exports.set_fonts(r._r, exports.BODY_FONT)
    full = 210 - 2 * MARGIN_MM
    _set_widths(table, (full / 2,), full)
    _compact(table)


def build(d: Dispatch, lang: str = "zh") -> bytes:
    """The one-page dispatch sheet as .docx bytes."""
    from docx.shared import Mm, Pt

    doc = exports.new_document(body_pt=10.5)
    for section in doc.sections:
        # A handout, not a 公文: narrow margins so the whole meeting fits on one side of A4.
        section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
        section.left_margin = section.right_margin = Mm(MARGIN_MM)
    title = exports.add_title(
        doc,
        _t(
            lang,
            f"{d.county_zh}巩固拓展脱贫攻坚成果周调度",
            f"{d.county_en[:1].upper()}{d.county_en[1:]} weekly dispatch",
        ),
    )
    title.paragraph_format.space_after = Pt(2)
    for run in title.runs:
        run.font.size = Pt(18)
    _paragraph(doc, d.dates_line(lang), pt=10, align="center", after=4)

    _paragraph(doc, _t(lang, "一、主要指标变化", "1. Headline figures"), pt=12, bold=True,
               font=exports.HEADING_FONT)  # fmt: skip
    _compact(exports.add_table(doc, _side_by_side(headline_table(d, lang)), font_pt=TABLE_PT))

    env = f"{d.env_period}" if d.env_period else _t(lang, "无", "none")
    _paragraph(
        doc,
        _t(lang, f"二、各乡镇情况(问题多的在前;人居环境为{env}月榜)",
           f"2. Townships, worst first (environment: {env} list)"),
        pt=12, bold=True, font=exports.HEADING_FONT, after=2,
    )  # fmt: skip
    towns = exports.add_table(doc, township_table(d, lang), font_pt=TABLE_PT)
    _set_widths(towns, _TOWNSHIP_MM, 210 - 2 * MARGIN_MM)
    _compact(towns)
    _colour_status(towns)
    _paragraph(doc, d.rule_text(lang), pt=8, after=4)

    _paragraph(doc, _t(lang, "三、需研究决定的事项", "3. Items that need a decision"), pt=12, bold=True,
               font=exports.HEADING_FONT)  # fmt: skip
    _decisions(doc, d, lang)
    _paragraph(
        doc,
        _t(
            lang,
            "说明:数字由工作看板按统一口径在会议日期和对比日期分别计算;新纳入、消除为本期内县级审定、"
            "风险消除的户数;逾期按规则文件中的办理时限。" + d.yardstick.text("zh"),
            "Note: every figure is computed by the dashboard with the same definitions at the meeting and "
            "comparison dates; new/eliminated = households approved/eliminated in the period; overdue per the "
            "deadlines in the rules file. " + d.yardstick.text("en"),
        ),
        pt=8,
        after=0,
    )
    return exports.docx_bytes(doc)


# -- PDF through LibreOffice (optional) ------------------------------------------------------------


def soffice() -> str | None:
    """The LibreOffice binary, or None: the PDF is offered only where it can be made."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, *, timeout: float = 120) -> bytes | None:
    """Convert .docx bytes with ``soffice --headless``; None if LibreOffice is missing or fails."""
    exe = soffice()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="lulong_pdf_") as tmp:
        src = Path(tmp) / "dispatch.docx"
        src.write_bytes(docx)
        # A private profile: two conversions at once would otherwise fight over ~/.config/libreoffice.
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(src)]  # fmt: skip
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        out = src.with_suffix(".pdf")
        return out.read_bytes() if out.is_file() else None


def pdf_pages(pdf: bytes) -> int:
    """Page count of a PDF (LibreOffice writes one /Type /Page object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
