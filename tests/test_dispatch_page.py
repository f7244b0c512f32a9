"""AppTest of the 周调度 page (issue #8) on the bundled sample: the page, the projector view, the sheet.

The page is reached through the router (tests/apptest.py), with the URL's query parameters set first.
"""

from __future__ import annotations

import datetime as dt
import io

from apptest import download_data, download_name
from apptest import open_page as _open
from docx import Document
from streamlit.testing.v1 import AppTest

from lulong_data import dispatch


def open_page(**query) -> AppTest:
    return _open("dispatch", query=query)


def shown_headlines(at: AppTest) -> list[list[str]]:
    """(label, value, change) of every tile, as the page shows them."""
    return [[m.label, m.value, m.delta] for m in at.metric]


def expected_headlines(d: dispatch.Dispatch) -> list[list[str]]:
    # The tile's delta carries an ASCII minus (Streamlit reads the arrow from it).
    return [[h.title(), h.fmt(h.now), h.fmt_change().replace("−", "-")] for h in d.headlines]


def township_frame(at: AppTest):
    found = [df.value for df in at.dataframe if "原因" in df.value.columns]
    assert len(found) == 1
    return found[0]


def test_default_date(sample_bundle):
    at = open_page()
    assert at.title[0].value == "周调度"
    d = dispatch.prepare(sample_bundle, as_of=sample_bundle.as_of, comparison="week")
    assert at.date_input(key="dispatch_date").value == sample_bundle.as_of
    assert shown_headlines(at) == expected_headlines(d)
    assert any("会议日期 2022-07-26" in c.value and "上周(2022-07-19)" in c.value for c in at.caption)
    table = township_frame(at)
    assert len(table) == 12
    assert table.values.tolist() == dispatch.township_table(d).values.tolist()
    order = [dispatch.STATUS_ORDER.index(s) for s in d.townships["status"]]
    assert order == sorted(order) and table.iloc[0, 0] == "✖ 落后"  # worst first, cue in words
    text = " ".join(m.value for m in at.markdown)
    assert "需会商的批次" in text and "2022-07-22 县级审定10户" in text


def test_june_30_against_june_23(sample_bundle):
    at = open_page(date="2022-06-30")
    assert at.date_input(key="dispatch_date").value == dt.date(2022, 6, 30)
    assert at.segmented_control(key="dispatch_compare").value == "week"
    d = dispatch.prepare(sample_bundle, as_of=dt.date(2022, 6, 30), comparison="week")
    assert d.since == dt.date(2022, 6, 23)
    assert shown_headlines(at) == expected_headlines(d)
    assert dict((r[0], r[1]) for r in shown_headlines(at))["监测帮扶中"] == "424户"
    assert township_frame(at).values.tolist() == dispatch.township_table(d).values.tolist()

    # The Word sheet the button would download: its name carries the date, its figures equal the page's.
    assert download_name(at, "dispatch_docx") == "周调度_2022-06-30.docx"
    doc = Document(io.BytesIO(download_data(at, "周调度_2022-06-30.docx")))
    heads = [[c.text for c in row.cells] for row in doc.tables[0].rows][1:]
    printed = {r[0]: r[1:4] for r in heads} | {r[4]: r[5:8] for r in heads if r[4]}
    for label, value, _ in shown_headlines(at):
        assert printed[label][0] == value
    towns = [[c.text for c in row.cells] for row in doc.tables[1].rows][1:]
    assert towns == township_frame(at).values.tolist()


def test_comparison_changes_the_period(sample_bundle):
    at = open_page(date="2022-06-30")
    at.segmented_control(key="dispatch_compare").set_value("quarter").run()
    assert not at.exception
    assert at.query_params.get("compare") in ("quarter", ["quarter"])
    assert any("季初(2022-03-31)" in c.value for c in at.caption)
    d = dispatch.prepare(sample_bundle, as_of=dt.date(2022, 6, 30), comparison="quarter")
    assert shown_headlines(at) == expected_headlines(d)


def test_presentation_mode():
    at = open_page(present="1", date="2022-06-30")
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "stSidebar" in html and "display: none" in html  # the sidebar is hidden for this view only
    assert "dp-grid" in html and "424户" in html and "会议日期 2022-06-30" in html
    # Large HTML, not the page's tiles and grid (the header's problem list stays, hidden by the CSS).
    assert not at.metric and not [df for df in at.dataframe if "原因" in df.value.columns]
    assert at.button(key="dispatch_next").proto.shortcut.lower() == "right"
    assert at.button(key="dispatch_pgdn").proto.shortcut.lower() == "pagedown"  # what a clicker sends
    at.button(key="dispatch_next").click().run()
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "dp-table" in html and "刘田各庄镇" in html and "✖ 落后" in html
    at.button(key="dispatch_slide_2").click().run()
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "需研究决定的事项" in html and "连续上黑榜需约谈的村" in html
    assert at.button(key="dispatch_next").disabled
    at.button(key="dispatch_leave").click().run()
    assert not at.exception
    assert "present" not in at.query_params
    assert at.title[0].value == "周调度" and len(at.metric) == 9
