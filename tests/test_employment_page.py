"""AppTest of the 就业帮扶 page (issue #5) on the bundled sample, through the real router (tests/apptest.py)."""

from __future__ import annotations

import datetime as dt
import json

from apptest import open_page as _open
from apptest import vega_charts as charts
from streamlit.testing.v1 import AppTest

from lulong_data.metrics import employment as em

T = "130324100"  # 卢龙镇


def open_page(**state) -> AppTest:
    return _open("employment", session=state)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def chart_titled(at: AppTest, words: str) -> tuple[dict, list]:
    found = [c for c in charts(at) if words in json.dumps(c[0].get("title", ""), ensure_ascii=False)]
    assert len(found) == 1, [c[0].get("title") for c in charts(at)]
    return found[0]


def test_county_figures_at_the_default_date(sample_bundle):
    at = open_page()
    shown = tiles(at)  # the headline tiles carry the figures' short labels (the glossary's)
    assert shown["务工就业"] == "4,019人"
    assert shown["目标任务"] == "3,946人"
    assert shown["完成率"] == "102%"
    # The township bullets add up to the county figures.
    _, frames = chart_titled(at, "各乡镇就业目标完成情况")
    bullets = frames[0]
    assert len(bullets) == 12
    assert bullets["placed"].sum() == 4019
    assert bullets["target"].sum() == 3946
    # Channels and places add up to the same persons (each person in one channel).
    for title in ("按就业渠道", "按务工地点"):
        _, frames = chart_titled(at, title)
        data = frames[0]
        assert data[data["period"] == "2022年"]["value"].sum() == 4019
    # Cumulative line ends at the as-of figure.
    _, frames = chart_titled(at, "累计就业人数与序时进度")
    assert max(f["value"].max() for f in frames if "value" in f) == 4019


def test_welfare_post_comparison_and_training():
    at = open_page()
    shown, notes = tiles(at), captions(at)
    assert shown["2022年安置公益岗位"] == "2,434人"
    # Compared with the same period of last year (issue 17), each figure with its own period.
    assert any("2021年1月1日至7月26日 2,227人(+207)" in n for n in notes)
    assert shown["聘期(中位数)"] == "10个月" and any("2021年1月1日至7月26日 9个月" in n for n in notes)
    assert shown["月补贴(中位数)"] == "650元/人·月" and any(
        "2021年1月1日至7月26日 600元/人·月" in n for n in notes
    )
    assert shown["2022年培训期数"] == "12期"
    assert shown["2022年参训人数"] == "645人"


def test_an_earlier_date(sample_bundle):
    day = dt.date(2022, 3, 15)
    at = open_page(as_of=day)
    shown = tiles(at)
    placed = em.employment_placed(sample_bundle, as_of=day, year=2022)
    assert number(shown["务工就业"]) == placed < 4019
    assert shown["目标任务"] == "3,946人"
    pace = em.employment_pace(sample_bundle, as_of=day, year=2022)
    assert number(shown["序时进度"]) == round(pace)
    _, frames = chart_titled(at, "各乡镇就业目标完成情况")
    assert frames[0]["placed"].sum() == placed
    assert number(shown["2022年安置公益岗位"]) == em.welfare_post_persons(sample_bundle, as_of=day, year=2022)


def test_township_filter(sample_bundle):
    at = open_page(township=T)
    shown = tiles(at)
    d = sample_bundle.as_of
    assert number(shown["务工就业"]) == em.employment_placed(sample_bundle, as_of=d, year=2022, township=T)
    assert number(shown["目标任务"]) == em.employment_target(sample_bundle, as_of=d, year=2022, township=T)
    _, frames = chart_titled(at, "各乡镇就业目标完成情况")
    assert frames[0]["township_code"].tolist() == [T]


def test_press_role_sees_no_household_rows():
    at = open_page(role="press")
    assert any("无权访问" in e.value for e in at.error)  # issue #11: press is refused the topic pages
    headers = {c for df in (d.value for d in at.dataframe) for c in df.columns}
    assert "户主" not in headers and "户编号" not in headers


def test_data_office_sees_the_reconciliation_lists():
    at = open_page(role="data")
    headers = {c for df in (d.value for d in at.dataframe) for c in df.columns}
    assert {"户主", "户编号", "记录条数"} <= headers
    names = [v for df in (d.value for d in at.dataframe) if "户主" in df.columns for v in df["户主"]]
    assert names and all("*" in n for n in names if n)  # masked


def test_english():
    # Switch language on the page itself (the first run lands on the overview, not under test here).
    at = open_page()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title][-1] == "Employment assistance"
    assert tiles(at)["In work"] == "4,019"
