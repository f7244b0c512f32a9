"""AppTest of the 周调度 page (issue #8) on the bundled sample: the page, the projector view, the sheet.

The page is a callable ``st.Page`` (url_path "dispatch"): AppTest reaches it by the navigation hash of its
url_path, set before the first run so the app opens straight on it. The router runs from app.py's own
source; until the frame lists the page in components.nav, the test appends it to the navigation itself.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import streamlit as st
from docx import Document
from paths import ROOT
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from lulong_data import dispatch

APP = ROOT / "app.py"
HARNESS = f"""
import streamlit as st
from components import nav
from pages import dispatch as page

_navigation = nav.navigation


def navigation():
    sections = _navigation()
    if not any(p.url_path == "dispatch" for ps in sections.values() for p in ps):
        first = next(iter(sections))
        sections[first] = [*sections[first], st.Page(page.render, title="周调度", url_path="dispatch")]
    return sections


nav.navigation = navigation
exec(compile(open({str(APP)!r}, encoding="utf-8").read(), {str(APP)!r}, "exec"),
     {{"__file__": {str(APP)!r}, "__name__": "__main__"}})
"""


@pytest.fixture(autouse=True)
def _clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def downloads(monkeypatch):
    """Deferred download callables by file id, as a click would run them."""
    seen: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        seen[file_id] = (data_callable, args, kwargs)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return seen


def open_page(**query) -> AppTest:
    at = AppTest.from_string(HARNESS, default_timeout=240)
    for key, value in query.items():
        at.query_params[key] = value
    at._page_hash = calc_hash("dispatch")
    at.run()
    assert not at.exception, at.exception
    assert at._finished_page_script_hash == calc_hash("dispatch")
    return at


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


def test_june_30_against_june_23(sample_bundle, downloads):
    at = open_page(date="2022-06-30")
    assert at.date_input(key="dispatch_date").value == dt.date(2022, 6, 30)
    assert at.segmented_control(key="dispatch_compare").value == "week"
    d = dispatch.prepare(sample_bundle, as_of=dt.date(2022, 6, 30), comparison="week")
    assert d.since == dt.date(2022, 6, 23)
    assert shown_headlines(at) == expected_headlines(d)
    assert dict((r[0], r[1]) for r in shown_headlines(at))["监测帮扶中"] == "356户"
    assert township_frame(at).values.tolist() == dispatch.township_table(d).values.tolist()

    # The Word sheet the button would download: its name carries the date, its figures equal the page's.
    docs = [(fn, a, kw) for fn, a, kw in downloads.values() if "周调度_2022-06-30.docx" in (*a, *kw.values())]
    assert docs, list(downloads.values())
    doc = Document(io.BytesIO(docs[-1][0]()))
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
    assert "dp-grid" in html and "356户" in html and "会议日期 2022-06-30" in html
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
