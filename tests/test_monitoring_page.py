"""AppTest of the monitoring page (issue #4) on the bundled sample, through the router (tests/apptest.py)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from apptest import download_data
from apptest import open_page as _open
from streamlit.testing.v1 import AppTest

from lulong_data.metrics import monitoring as mon

T = "130324100"  # 卢龙镇


def open_page(**state) -> AppTest:
    return _open("monitoring", session=state)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def table(at: AppTest, marker: str):
    """The one table with column ``marker`` (dataframes without selection carry no key in AppTest)."""
    found = [df for df in tables(at) if marker in df.columns]
    assert len(found) == 1, [list(df.columns) for df in tables(at)]
    return found[0]


def has_table(at: AppTest, marker: str) -> bool:
    return any(marker in df.columns for df in tables(at))


def number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def test_renders_at_the_default_date(sample_bundle):
    at = open_page()
    assert at.title[0].value == "防返贫动态监测"
    s = mon.summary(sample_bundle, as_of=sample_bundle.as_of)
    shown = tiles(at)
    assert number(shown["未消除风险户"]) == s.monitored_households > 0
    assert number(shown["已消除风险户"]) == s.eliminated_households
    assert number(shown["逾期未办事项"]) == mon.overdue_items(sample_bundle, as_of=sample_bundle.as_of).value
    assert len(at.tabs) == 4
    assert len(table(at, "农村人口")) == 12


def test_renders_at_an_earlier_date(sample_bundle):
    day = dt.date(2022, 3, 31)
    at = open_page(as_of=day)
    s = mon.summary(sample_bundle, as_of=day)
    assert number(tiles(at)["未消除风险户"]) == s.monitored_households
    assert number(tiles(at)["认定程序中户数"]) == s.in_procedure_cases


def test_township_filter_narrows_every_figure(sample_bundle):
    county, town = open_page(), open_page(township=T)
    c, w = tiles(county), tiles(town)
    s = mon.summary(sample_bundle, as_of=sample_bundle.as_of, township=T)
    assert number(w["未消除风险户"]) == s.monitored_households < number(c["未消除风险户"])
    assert number(w["已消除风险户"]) == s.eliminated_households < number(c["已消除风险户"])
    assert number(w["逾期未办事项"]) <= number(c["逾期未办事项"])
    assert table(town, "农村人口")["乡镇"].tolist() == ["卢龙镇"]
    household_tables = [df for df in tables(town) if "户主" in df.columns]
    assert len(household_tables) >= 3
    for df in household_tables:
        assert set(df["乡镇"]) == {"卢龙镇"}, list(df.columns)
    overdue_town = len(mon.overdue_list(sample_bundle, as_of=sample_bundle.as_of, township=T))
    assert overdue_town < len(table(county, "逾期天数"))
    if overdue_town:
        assert len(table(town, "逾期天数")) == overdue_town
    else:  # nothing overdue in the township: no table at all, not the county's rows
        assert not has_table(town, "逾期天数")
    assert table(town, "措施(项)")["措施(项)"].sum() < table(county, "措施(项)")["措施(项)"].sum()
    assert table(town, "本范围户数")["本范围户数"].sum() < table(county, "本范围户数")["本范围户数"].sum()


def test_overdue_xlsx_has_the_rows_on_screen():
    at = open_page()
    on_screen = table(at, "逾期天数")
    assert len(on_screen) > 0
    data = download_data(at, "mon_overdue_xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "2022-07-26" in rows[0][0]  # title row says the as-of date
    header, body = rows[2], rows[3:]
    assert list(header) == list(on_screen.columns)
    assert len(body) == len(on_screen)
    assert [r[1] for r in body] == on_screen["监测编号"].tolist()
    assert [r[-1] for r in body] == on_screen["逾期天数"].tolist()


def test_press_role_sees_no_household_rows():
    # Issue #11: the press role is refused the topic pages (lulong_data.access.PAGES), rows and all.
    at = open_page(role="press")
    assert not any("户主" in df.columns for df in tables(at))
    assert any("无权访问" in e.value for e in at.error)


def test_township_role_sees_only_its_own_households():
    at = open_page(role="township", user_township=T)
    household_tables = [df for df in tables(at) if "户主" in df.columns]
    assert household_tables
    for df in household_tables:
        assert set(df["乡镇"]) == {"卢龙镇"}
    assert any("已隐藏" in c.value for c in at.caption)


def test_english_page_renders():
    at = open_page(lang="en")
    assert at.title[0].value == "Monitoring against relapse into poverty"
    assert "Overdue procedure items" in tiles(at)


@pytest.mark.slow
def test_figures_agree_with_the_overview_tiles():
    """Issue #4: the monitoring page and the overview show the same figures at the same date."""
    for state in ({}, {"as_of": dt.date(2022, 3, 31)}):
        page = tiles(open_page(**state))
        overview = tiles(_open("overview", session=state))
        assert number(page["未消除风险户"]) == number(overview["未消除风险户"])
        assert number(page["逾期未办事项"]) == number(overview["逾期未办事项"])
