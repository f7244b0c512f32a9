"""周调度材料: the dispatch meeting on one sheet of A4, front and back (Word, and PDF when LibreOffice is
installed), and the 乡镇一页纸 of one township.

The sheet prints the very tables and sentences the page shows (``dispatch.key_points``, ``headline_table``,
``township_table``, ``decision_sections``, the ledger's items), so paper and screen cannot disagree. It
opens with 本周要点 and 上周交办落实情况, then the figures, then 交办事项 with their owners and deadlines. It
names no household: it is handed round. Lists are capped (:data:`MAX_LINES`) with "another N" pointing to
the dashboard. An issued paper carries its number (第N期) and issuing office and is kept as issued
(lulong_data.store.papers); a draft says it is one.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lulong_data import exports
from lulong_data.dispatch import Dispatch, decision_sections, headline_table, key_points, township_table
from lulong_data.figures import Caveat

MAX_LINES = 8  # per decision list: keeps the sheet on one sheet whatever the week brings
MAX_ITEMS = 14  # 交办事项 rows printed; the rest on the dashboard
MAX_PAGES = 2  # one sheet of A4, front and back
# Status colours repeat the icon and word (print may be black and white): Okabe-Ito, as on screen.
_STATUS_RGB = {"×": (0xD5, 0x5E, 0x00), "▲": (0xB0, 0x78, 0x00), "√": (0x00, 0x72, 0xB2)}
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
_TOWNSHIP_MM = (16, 20, 14, 16, 15, 29, 22)


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
        run = head.add_run(s.heading(lang))
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
        for note in s.notes:  # what the list rests on (a calendar estimated, cases not judged)
            r = cell.add_paragraph().add_run(_t(lang, "注:", "Note: ") + note)
            r.font.size = Pt(TABLE_PT - 1)
            exports.set_fonts(r._r, exports.BODY_FONT)
    full = 210 - 2 * MARGIN_MM
    _set_widths(table, (full / 2,), full)
    _compact(table)


@dataclass(frozen=True)
class Issue:
    """The paper's masthead: 第N期 and the issuing office (None fields = a draft, not issued)."""

    label: str | None = None  # 2022年第12期
    office: str | None = None


def _heading(doc: Any, text: str) -> None:
    _paragraph(doc, text, pt=12, bold=True, font=exports.HEADING_FONT, after=2)


def _items_table(doc: Any, items: Sequence, on: dt.date, lang: str) -> None:
    cols = [_t(lang, *c) for c in (("编号", "No."), ("事项", "Item"), ("责任单位", "Unit"), ("责任人", "Person"),
                                   ("包联县领导", "Leader"), ("办结时限", "Due"), ("状态", "Status"))]  # fmt: skip
    rows = [
        [str(i.id), i.title, i.unit, i.person, i.leader or "", f"{i.due_on:%m-%d}", _state(i.state(on), lang)]
        for i in items[:MAX_ITEMS]
    ]
    if not rows:
        rows = [["", _t(lang, "本次会议尚无交办事项", "No item assigned"), "", "", "", "", ""]]
    table = exports.add_table(doc, pd.DataFrame(rows, columns=cols), font_pt=TABLE_PT)
    _set_widths(table, (10, 62, 30, 16, 18, 14), 210 - 2 * MARGIN_MM)
    _compact(table)
    if len(items) > MAX_ITEMS:
        more = len(items) - MAX_ITEMS
        _paragraph(doc, _t(lang, f"另有{more}项,详见看板。", f"{more} more on the dashboard."), pt=8)


def _state(state: str, lang: str) -> str:
    from lulong_data.store.ledger import STATE_EN

    return STATE_EN[state] if lang == "en" else state


def build(
    d: Dispatch,
    lang: str = "zh",
    *,
    review: Any = None,
    items: Sequence = (),
    bureaus: Sequence = (),
    issue: Issue | None = None,
) -> bytes:
    """The dispatch sheet as .docx bytes. ``review``: the ledger's 上周交办落实情况; ``items``: this
    meeting's 交办事项; ``bureaus``: lulong_data.dispatch_items.BureauLine of the six bureaus."""
    from docx.shared import Mm, Pt

    doc = exports.new_document(body_pt=10.5)
    for section in doc.sections:
        # A handout, not a 公文: narrow margins so the whole meeting fits one sheet.
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
    issue = issue or Issue()
    if issue.label:
        masthead = (
            f"{issue.label}    {issue.office}    {d.meeting.year}年{d.meeting.month}月{d.meeting.day}日"
        )
        _paragraph(doc, masthead if lang != "en" else f"{issue.label} · {issue.office} · {d.meeting:%Y-%m-%d}",
                   pt=10.5, align="center", after=1)  # fmt: skip
    else:
        _paragraph(doc, _t(lang, "(草稿,未印发)", "(draft, not issued)"), pt=10, align="center", after=1)
    _paragraph(doc, d.dates_line(lang), pt=10, align="center", after=4)

    _heading(doc, _t(lang, "本周要点", "This week"))
    for point in key_points(d, lang, review=review):
        p = _paragraph(doc, point, pt=10.5, after=1)
        p.paragraph_format.first_line_indent = Pt(21)

    _heading(doc, _t(lang, "一、上周交办落实情况", "1. Last meeting's items"))
    if review is not None:
        from lulong_data.dispatch_ledger import review_summary

        _paragraph(doc, review_summary(review, lang), pt=TABLE_PT + 0.5, after=1)
        late_first = sorted(review.items, key=lambda i: (i.state(d.meeting) != "逾期", i.id))
        for i in late_first[:MAX_LINES]:
            note = f"({i.progress})" if i.progress else ""
            _paragraph(
                doc,
                f"· [{_state(i.state(d.meeting), lang)}] {i.title} — {i.unit}{note}",
                pt=TABLE_PT,
                after=0,
            )
        if len(review.items) > MAX_LINES:
            more = len(review.items) - MAX_LINES
            _paragraph(doc, _t(lang, f"另有{more}项,详见看板。", f"{more} more on the dashboard."), pt=8)
    else:
        _paragraph(doc, _t(lang, "未接入交办事项台账。", "No ledger."), pt=TABLE_PT)

    _heading(doc, _t(lang, "二、主要指标变化", "2. Headline figures"))
    _compact(exports.add_table(doc, _side_by_side(headline_table(d, lang)), font_pt=TABLE_PT))

    env = f"{d.env_period}" if d.env_period else _t(lang, "无", "none")
    _heading(
        doc,
        _t(
            lang,
            f"三、各乡镇情况(按问题严重程度排序;人居环境为{env}月榜)",
            f"3. Townships, worst first (environment: {env} list)",
        ),
    )
    towns = exports.add_table(doc, township_table(d, lang), font_pt=TABLE_PT)
    _set_widths(towns, _TOWNSHIP_MM, 210 - 2 * MARGIN_MM)
    _compact(towns)
    _colour_status(towns)
    _paragraph(doc, d.rule_text(lang), pt=8, after=4)

    _heading(doc, _t(lang, "四、交办事项", "4. Assigned items"))
    _items_table(doc, list(items), d.meeting, lang)

    if bureaus:
        _heading(doc, _t(lang, "五、各部门事项", "5. By bureau"))
        for b in bureaus:
            lines = "；".join(c.line_zh for c in b.lines[:3]) + (
                f"等{len(b.lines)}条" if len(b.lines) > 3 else ""
            )
            owned = _t(lang, f"交办{len(b.items)}项", f"{len(b.items)} item(s)")
            text = f"{b.name}:{lines or _t(lang, '无', 'none')};{owned}。"
            _paragraph(
                doc,
                text if lang != "en" else f"{b.name_en}: {len(b.lines)} line(s); {owned}.",
                pt=TABLE_PT,
                after=0,
            )

    _heading(doc, _t(lang, "六、需研究决定的事项", "6. Items that need a decision"))
    _decisions(doc, d, lang)
    notes = [
        _t(
            lang,
            "说明:数字由工作看板按统一口径在数据日期和对比日期分别计算;新纳入、消除为本期内县级审定、"
            "风险消除的户数;逾期按规则文件中的办理时限。" + d.yardstick.text("zh"),
            "Note: every figure is computed by the dashboard with the same definitions at the data and "
            "comparison dates; new/eliminated = households approved/eliminated in the period; overdue per the "
            "deadlines in the rules file. " + d.yardstick.text("en"),
        ),
        *d.revisions(lang),
    ]
    for note in notes:
        _paragraph(doc, note, pt=8, after=0)
    return exports.docx_bytes(doc)


def township_file_name(d: Dispatch, township: str, ext: str = "docx") -> str:
    """石门镇_一页纸_2022-07-25.docx"""
    return f"{township}_一页纸_{d.meeting:%Y-%m-%d}.{ext}"


def township_sheet(
    d: Dispatch,
    code: str,
    *,
    items: Sequence = (),
    lines: Sequence = (),
    caveats: Sequence[Caveat] = (),
    lang: str = "zh",
) -> bytes:
    """乡镇一页纸: one township's status and why, its figures, its overdue cases (village and masked head
    name, for the township's own head), the lists that concern it and its 交办事项. ``caveats``: the
    township's own deadline caveats (lulong_data.metrics.monitoring.deadline_caveats with ``township``),
    printed under its overdue cases."""
    from docx.shared import Mm, Pt

    from lulong_data.metrics.monitoring import CHECK_LABELS
    from lulong_data.status import label

    row = d.townships.set_index("township_code").loc[code]
    name = row["township"]
    doc = exports.new_document(body_pt=10.5)
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
        section.left_margin = section.right_margin = Mm(MARGIN_MM)
    title = exports.add_title(doc, _t(lang, f"{name}巩固拓展脱贫攻坚成果情况", f"{name}: one page"))
    for run in title.runs:
        run.font.size = Pt(16)
    _paragraph(doc, d.dates_line(lang, period=False), pt=10, align="center", after=4)
    reasons = row["reasons_en" if lang == "en" else "reasons_zh"]
    _paragraph(doc, f"{_t(lang, '状态', 'Status')}:{label(row['status'], lang)}" + (f"({reasons})" if reasons else ""),
               pt=12, bold=True, after=4)  # fmt: skip
    whole = township_table(d, lang)
    mine = whole[whole.iloc[:, 1] == name]
    figures = pd.DataFrame({_t(lang, "指标", "Indicator"): list(mine.columns[2:-1]),
                            _t(lang, "本乡镇", "Township"): mine.iloc[0, 2:-1].tolist()})  # fmt: skip
    _compact(exports.add_table(doc, figures, font_pt=TABLE_PT + 0.5))

    _heading(doc, _t(lang, "逾期未办事项", "Overdue items"))
    overdue = d.decisions.overdue_items
    overdue = overdue[overdue["township_code"] == code]
    if overdue.empty:
        _paragraph(doc, _t(lang, "无。", "None."), pt=TABLE_PT)
    else:
        check = {k: _t(lang, *v) for k, v in CHECK_LABELS.items()}
        cases = pd.DataFrame({
            _t(lang, "事项", "Item"): overdue["check"].map(check),
            _t(lang, "村", "Village"): overdue["village_name"],
            _t(lang, "户主", "Head"): overdue["head_masked"],
            _t(lang, "应办日期", "Due"): overdue["due_on"].dt.strftime("%Y-%m-%d"),
            _t(lang, "逾期天数", "Days over"): overdue["days_over"].astype(str),
        })  # fmt: skip
        _compact(exports.add_table(doc, cases.head(25), font_pt=TABLE_PT))
        if len(cases) > 25:
            _paragraph(doc, _t(lang, f"另有{len(cases) - 25}项,详见看板。", f"{len(cases) - 25} more."), pt=8)
    for c in caveats:
        _paragraph(doc, _t(lang, "注:", "Note: ") + c.text(lang), pt=8, after=0)
    if lines:
        _heading(doc, _t(lang, "需跟进的情况", "To follow up"))
        for c in lines:
            _paragraph(doc, "· " + (c.line_en if lang == "en" else c.line_zh), pt=TABLE_PT, after=0)
    _heading(doc, _t(lang, "交办事项", "Assigned items"))
    _items_table(doc, list(items), d.meeting, lang)
    _paragraph(doc, d.rule_text(lang), pt=8, after=0)
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
