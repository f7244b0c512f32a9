"""AppTest of the press page (issue #9): figures, draft, checks, downloads; aggregates only.

The page is reached through the router (tests/apptest.py).
"""

from __future__ import annotations

import io
import re

import docx
from apptest import download_data, open_page, vega_charts
from PIL import Image
from streamlit.testing.v1 import AppTest

# Column names and values that would mean rows below township level.
HOUSEHOLD_COLUMNS = {
    "户主",
    "户编号",
    "人编号",
    "监测编号",
    "村",
    "村名",
    "行政村",
    "household_id",
    "person_id",
    "case_id",
}
BELOW_TOWNSHIP = re.compile(r"\b(H\d{15}|P\d{17}|JC\d{8}|\d{12})\b")


def open_press(**state) -> AppTest:
    return open_page("press", session=state)


def _charts(at: AppTest) -> list[list]:
    """The data frames of every Altair chart on the page."""
    return [frames for _, frames in vega_charts(at)]


def test_press_page_on_the_sample():
    at = open_press(role="press")
    assert at.title[0].value == "新闻发布"
    # The draft: one editable paragraph per theme, the press conference's numbers in it.
    assert len(at.text_area) == 5
    employment = at.text_area[1].value
    assert "全县脱贫劳动力实现就业4019人,完成市下目标任务3946人的102%" in employment
    assert any("文中每个数字都与数据和已发布口径一致" in s.value for s in at.success)
    # Every press-conference figure matches.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["✅ 一致"] == "43" and tiles["⚠️ 不一致"] == "0" and tiles["❔ 无法计算"] == "0"
    published = next(d.value for d in at.dataframe if "发布表述" in d.value.columns)
    assert set(published["状态"]) == {"✅ 一致"}
    # Aggregates only: no household or village column, no household, person, case or village code.
    for frame in (d.value for d in at.dataframe):
        assert not HOUSEHOLD_COLUMNS & set(map(str, frame.columns)), list(frame.columns)
        cells = " ".join(str(v) for v in frame.astype(str).to_numpy().ravel())
        assert not BELOW_TOWNSHIP.search(cells), BELOW_TOWNSHIP.search(cells)
    for area in at.text_area:
        assert not BELOW_TOWNSHIP.search(area.value)
    # Charts are township- or county-level, with print downloads.
    charts = _charts(at)
    assert len(charts) == 3
    for frames in charts:
        for frame in frames:
            assert not HOUSEHOLD_COLUMNS & set(map(str, frame.columns)), list(frame.columns)
            assert not BELOW_TOWNSHIP.search(" ".join(frame.astype(str).to_numpy().ravel()))
    png = download_data(at, "press_chart_0_png")
    assert Image.open(io.BytesIO(png)).width >= 1440
    svg = download_data(at, "press_chart_0_svg").decode()
    assert "数据来源:县人社局" in svg
    # The Word briefing: the edited text and the three charts as pictures.
    doc = docx.Document(io.BytesIO(download_data(at, "press_word")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert employment in text and "数据截至:2022年7月26日" in text
    assert len(doc.inline_shapes) == 3


def test_an_edited_number_is_flagged_and_exported_as_edited():
    at = open_press()
    original = at.text_area[1].value
    at.text_area[1].set_value(original.replace("4019", "4020")).run()
    assert not at.exception, at.exception
    assert any("需要核实" in w.value for w in at.warning)
    check = next(d.value for d in at.dataframe if "文中数字" in d.value.columns)
    row = check[check["文中数字"] == "4020"].iloc[0]
    assert row["状态"] == "⚠️ 与数据不一致" and row["数据"] == "4019"
    doc = docx.Document(io.BytesIO(download_data(at, "press_word")))
    assert "实现就业4020人" in "\n".join(p.text for p in doc.paragraphs)


def test_english_interface():
    at = open_press(lang="en")
    assert at.title[0].value == "Press office"
    assert {m.label for m in at.metric} >= {"✅ match", "⚠️ differ", "❔ not computable"}
