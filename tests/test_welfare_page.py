"""AppTest of the 兜底保障与民生 page (issue #7) on the bundled sample, through the real router (tests/apptest.py)."""

from __future__ import annotations

import datetime as dt

from apptest import open_page as _open
from streamlit.testing.v1 import AppTest

from lulong_data.metrics import compute
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import welfare as wf

T = "130324100"  # 卢龙镇


def open_page(**state) -> AppTest:
    return _open("welfare", session=state)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def headers(at: AppTest) -> set[str]:
    return {c for df in (d.value for d in at.dataframe) for c in df.columns}


def test_published_figures_at_the_default_date(sample_bundle):
    at = open_page()
    shown = tiles(at)
    assert shown["今年新增农村低保"] == "183人"
    assert shown["今年新增特困人员"] == "61人"
    assert shown["今年给予渐退期的脱贫户"] == "940户"  # P20/P21: the flow of the year
    assert any("年内给予渐退期人数 1,721人" in c.value for c in at.caption)
    assert shown["农村低保覆盖率"] == "3.1%"
    assert shown["脱贫人口中低保特困占比"] == "73%"
    assert shown["2022年受资助学生"] == "6,572人"  # the registry's unit
    assert shown["2022年资助资金"] == "583.86万元"
    d = sample_bundle.as_of
    assert number(shown["农村低保"]) == wf.assistance_persons(sample_bundle, as_of=d, scheme="农村低保")
    # 应兜尽兜: the same function as the monitoring page.
    gap = mon.no_labour_without_cover(sample_bundle, as_of=d, scope="monitored")
    assert number(shown["整户无劳动能力但未纳入低保特困"]) == gap["household_id"].nunique()
    # The indicators panel says where its figures come from.
    assert any("没有台账" in i.value for i in at.info)
    assert {"指标", "数值", "统计时点或时段", "单位", "来源单位"} <= headers(at)


def test_student_aid_tiles_read_their_own_date():
    """Issue 17: student aid respects the date. The sample pays the spring term from mid-March (发放日期), so
    at 2022-02-15 nothing of 2022 is paid yet: the tiles read 0 for 1 January to 15 February, not the July
    total. (A ledger without payment dates reads "—" with the reason: tests/test_registry.py.)"""
    at = open_page(as_of=dt.date(2022, 2, 15))
    shown = tiles(at)
    assert number(shown["2022年受资助学生"]) == 0 and number(shown["2022年资助资金"]) == 0
    assert "1月1日至2月15日" in " ".join(c.value for c in at.caption)
    at = open_page()
    assert number(tiles(at)["2022年受资助学生"]) == 6572
    assert "1月1日至7月26日" in " ".join(c.value for c in at.caption)


def test_an_earlier_date(sample_bundle):
    day = dt.date(2022, 4, 30)
    at = open_page(as_of=day)
    shown = tiles(at)
    new = wf.assistance_new_persons(sample_bundle, as_of=day, scheme="农村低保", year=2022)
    assert number(shown["今年新增农村低保"]) == new < 183
    h = wf.phaseout_flow_households(sample_bundle, as_of=day, year=2022).value
    p = wf.phaseout_flow_persons(sample_bundle, as_of=day, year=2022).value
    assert shown["今年给予渐退期的脱贫户"] == f"{h:,}户" and h < 940
    assert any(f"年内给予渐退期人数 {p:,}人" in c.value for c in at.caption)
    assert number(shown["农村低保"]) == wf.assistance_persons(sample_bundle, as_of=day, scheme="农村低保")


def test_township_filter(sample_bundle):
    at = open_page(township=T)
    shown = tiles(at)
    d = sample_bundle.as_of
    assert number(shown["农村低保"]) == wf.assistance_persons(
        sample_bundle, as_of=d, scheme="农村低保", township=T
    )
    assert number(shown["2022年受资助学生"]) == compute(
        sample_bundle, f"student_aid_students:year=2022,township={T}", d
    )


def test_press_role_sees_no_household_rows():
    at = open_page(role="press")
    assert "户主" not in headers(at) and "户编号" not in headers(at)
    assert any("无权访问" in e.value for e in at.error)  # issue #11: press is refused the topic pages


def test_leader_sees_masked_names():
    at = open_page(role="leader")
    names = [v for df in (d.value for d in at.dataframe) if "户主" in df.columns for v in df["户主"]]
    assert names and all("*" in n for n in names if n)
