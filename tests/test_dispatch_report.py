"""The dispatch sheet (issue #8): one A4 page, the page's figures, the dates, the file name."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from lulong_data import dispatch, dispatch_report

MEETING = dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def meeting(sample_bundle):
    return dispatch.prepare(sample_bundle, as_of=MEETING, comparison="week")


@pytest.fixture(scope="module")
def docx_bytes(meeting):
    return dispatch_report.build(meeting)


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


def test_fits_one_page_estimate(docx_bytes):
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
    assert height < usable_mm, (height, usable_mm)


@pytest.mark.skipif(dispatch_report.soffice() is None, reason="LibreOffice not installed")
def test_pdf_is_one_page(docx_bytes):
    pdf = dispatch_report.to_pdf(docx_bytes)
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert dispatch_report.pdf_pages(pdf) == 1


def test_same_figures_and_dates_as_the_page(meeting, docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "会议日期 2022-06-30" in text and "数据截至 2022-07-26" in text and "上周(2022-06-23)" in text
    heads, towns, decisions = doc.tables
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
    printed = "\n".join(c.text for row in doc.tables[2].rows for c in row.cells)
    assert "另有22条,详见看板" in printed
