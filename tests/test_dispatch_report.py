"""The dispatch sheet (issues #8, 18): one sheet of A4 (front and back), 本周要点 first, the page's figures,
the dates, the items with their owners, a line per bureau, the file name; the 乡镇一页纸."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from lulong_data import dispatch, dispatch_items, dispatch_report

MEETING = dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def meeting(sample_bundle):
    return dispatch.prepare(sample_bundle, as_of=MEETING, comparison="week")


@pytest.fixture(scope="module")
def bureaus(sample_bundle, meeting):
    cands = dispatch_items.candidates(sample_bundle, as_of=meeting.data_as_of, since=meeting.since)
    return dispatch_items.bureau_lines(cands, [], county=meeting.county_zh)


@pytest.fixture(scope="module")
def docx_bytes(meeting, bureaus):
    return dispatch_report.build(meeting, bureaus=bureaus)


def _cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_file_name(meeting):
    assert dispatch_report.file_name(meeting) == "周调度_2022-06-30.docx"
    assert dispatch_report.file_name(meeting, "pdf") == "周调度_2022-06-30.pdf"


def test_a4_portrait_no_page_break(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    assert len(doc.sections) == 1
    s = doc.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(1) and abs(s.page_height - Mm(297)) < Mm(1)
    assert all(m >= Mm(10) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin))
    body = doc.element.body
    assert not body.findall(".//" + qn("w:br") + "[@" + qn("w:type") + "='page']")
    assert not body.findall(".//" + qn("w:pageBreakBefore"))


def test_fits_one_sheet_estimate(docx_bytes):
    """Crude height: every paragraph and table row as lines of its font size, wrapped at the cell width."""
    doc = Document(io.BytesIO(docx_bytes))
    s = doc.sections[0]
    usable_mm = (s.page_height - s.top_margin - s.bottom_margin) / Mm(1)
    width_mm = (s.page_width - s.left_margin - s.right_margin) / Mm(1)

    def lines(text: str, pt: float, width: float) -> int:
        per_line = max(1, int(width / (pt * 0.3528)))  # a CJK glyph is about one em wide
        return max(1, -(-sum(1 if ord(ch) > 0x2E80 else 0.55 for ch in text) // per_line))

    height = 0.0
    for p in doc.paragraphs:
        pt = max((r.font.size.pt for r in p.runs if r.font.size), default=10.5)
        height += lines(p.text, pt, width_mm) * pt * 0.3528 * 1.3 + 1
    for table in doc.tables:
        for row in table.rows:
            cells = row.cells
            row_lines = [
                sum(lines(par.text, 9.5, c.width / Mm(1) - 2) for par in c.paragraphs)
                for c in cells
                if c.width
            ] or [1]
            height += max(row_lines) * 9.5 * 0.3528 * 1.3 + 0.6
    print(f"estimated height {height:.0f} of {usable_mm:.0f} mm")
    assert height < dispatch_report.MAX_PAGES * usable_mm, (height, usable_mm)


@pytest.mark.skipif(dispatch_report.soffice() is None, reason="LibreOffice not installed")
def test_pdf_is_one_sheet(docx_bytes):
    pdf = dispatch_report.to_pdf(docx_bytes)
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert dispatch_report.pdf_pages(pdf) <= dispatch_report.MAX_PAGES


def test_same_figures_and_dates_as_the_page(meeting, docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    paragraphs = [p.text for p in doc.paragraphs]
    text = "\n".join(paragraphs)
    # The meeting's date is the figures' date (the data reach beyond it): never the data folder's own date.
    assert "会议日期 2022-06-30" in text and "数据截至 2022-06-30" in text and "上周(2022-06-23)" in text
    assert "(草稿,未印发)" in text
    # 本周要点 first, then 上周交办落实情况, then the figures.
    first = paragraphs.index("本周要点")
    assert paragraphs[first + 1] == dispatch.key_points(meeting)[0]
    assert paragraphs.index("一、上周交办落实情况") > first and "四、交办事项" in text
    heads, towns, items, decisions = doc.tables
    assert _cells(items)[1][1] == "本次会议尚无交办事项"
    # Headline table: folded in two halves; every (indicator, now, then, change) row of the page's table.
    folded = _cells(heads)[1:]
    printed = [r[:4] for r in folded] + [r[4:] for r in folded if r[4]]
    assert printed == dispatch.headline_table(meeting).values.tolist()
    # Township table: the very frame the page shows, worst first.
    page = dispatch.township_table(meeting)
    assert _cells(towns)[0] == list(page.columns)
    assert _cells(towns)[1:] == page.values.tolist()
    # Decision items: each section's title and its lines.
    printed = "\n".join(c.text for row in decisions.rows for c in row.cells)
    for s in dispatch.decision_sections(meeting):
        assert s.title in printed
        for line in s.lines[: dispatch_report.MAX_LINES]:
            assert line in printed


def test_no_household_names(meeting, docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    masked = set(meeting.decisions.overdue_items["head_masked"])
    assert masked and not any(name in text for name in masked if len(name) > 1)


def test_long_lists_are_capped(meeting):
    many = dispatch.Decisions(
        overdue=meeting.decisions.overdue,
        overdue_items=meeting.decisions.overdue_items,
        jobs_behind=meeting.decisions.jobs_behind,
        talks=meeting.decisions.talks.sample(n=30, replace=True, random_state=1),
        batches=meeting.decisions.batches,
    )
    crowded = dispatch.Dispatch(**{**meeting.__dict__, "decisions": many})
    doc = Document(io.BytesIO(dispatch_report.build(crowded)))
    printed = "\n".join(c.text for row in doc.tables[3].rows for c in row.cells)
    assert "另有22条,详见看板" in printed


def test_a_line_per_bureau(meeting, docx_bytes, bureaus):
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs)
    assert "五、各部门事项" in text
    assert len(bureaus) == 6
    for b in bureaus:  # each bureau's line starts with what the data say is its business this week
        shown = "；".join(c.line_zh for c in b.lines[:3]) or "无"
        more = f"等{len(b.lines)}条" if len(b.lines) > 3 else ""
        assert f"{b.name}:{shown}{more};交办0项。" in text
    # A bureau the data give nothing to still has its line, saying so (the meeting hears that too).
    cands = [c for b in bureaus for c in b.lines if b.key != "jiaoyu"]
    quiet = dispatch_items.bureau_lines(cands, [], county=meeting.county_zh)
    text = "\n".join(
        p.text for p in Document(io.BytesIO(dispatch_report.build(meeting, bureaus=quiet))).paragraphs
    )
    assert "卢龙县教育局:无;交办0项。" in text


def test_township_one_page(sample_bundle, meeting):
    code = "130324105"
    cands = dispatch_items.candidates(sample_bundle, as_of=meeting.data_as_of, since=meeting.since)
    mine = [c for c in cands if c.township_code == code]
    doc = Document(io.BytesIO(dispatch_report.township_sheet(meeting, code, lines=mine)))
    text = "\n".join(p.text for p in doc.paragraphs)
    row = meeting.townships.set_index("township_code").loc[code]
    assert text.startswith("石门镇巩固拓展脱贫攻坚成果情况")
    assert f"状态:{dispatch.status_label(row['status'])}" in text and row["reasons_zh"] in text
    figures, cases, items = doc.tables
    assert _cells(figures)[1:] == [[c, v] for c, v in zip(dispatch.township_table(meeting).columns[2:-1],
        dispatch.township_table(meeting).set_index("乡镇").loc["石门镇"].iloc[1:-1], strict=True)]  # fmt: skip
    overdue = meeting.decisions.overdue_items
    assert len(_cells(cases)) - 1 == min(25, int((overdue["township_code"] == code).sum()))
    assert all(line.line_zh in text for line in mine)
    assert dispatch_report.township_file_name(meeting, "石门镇") == "石门镇_一页纸_2022-06-30.docx"
