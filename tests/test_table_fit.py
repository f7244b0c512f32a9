"""Tables fit their screen (issue 22): each column as wide as its longest text, and on a narrow screen the
columns that matter most, the others one click away."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from apptest import open_page

from components import table, viewport
from components.context import TOWNSHIP_KEY


def test_chinese_needs_about_twice_the_width_of_digits():
    assert table.text_px("潘庄镇") == 3 * table._WIDE_PX
    assert table.text_px("1,241") == 5 * table._NARROW_PX


def test_a_column_is_as_wide_as_its_longest_value_or_header():
    df = pd.DataFrame({"原因": ["逾期未办7项;人居环境乡镇黑榜", "—"], "村": ["二百户村", "大陆家庄村"]})
    assert table.column_px(df, "原因") >= table.text_px("逾期未办7项;人居环境乡镇黑榜") + table._CELL_PX
    assert table.column_px(df, "村") >= table.text_px("大陆家庄村")


def test_choose_keeps_the_priority_columns_and_the_frame_order():
    widths = {"状态": 80, "乡镇": 110, "脱贫户": 90, "原因": 400, "务工就业": 100}
    assert table.choose_columns(widths, 2000, list(widths)) == list(widths)
    # narrow: status, township and reason matter most; a smaller column still fits after them
    chosen = table.choose_columns(widths, 700, ["状态", "乡镇", "原因"])
    assert chosen == ["状态", "乡镇", "脱贫户", "原因"]
    # the first priority column shows even when nothing fits
    assert table.choose_columns(widths, 10, ["原因"]) == ["原因"]


def _league(width: int):
    at = open_page("overview", session={viewport.KEY: {"width": width}})
    grid = next(df for df in at.dataframe if "原因" in df.value.columns)
    order = list(grid.proto.column_order) or list(grid.value.columns)
    toggles = [c for c in at.checkbox if c.key == "overview_league_all"]
    return grid, order, toggles


def test_the_overview_league_shows_what_matters_on_a_wide_screen_and_less_on_a_phone():
    grid, wide, toggles = _league(1400)
    assert len(grid.value) == 12 and grid.proto.row_height == table.ROW_HEIGHT  # height_for(12) shows all 12
    assert {"状态", "乡镇", "原因", "完成率", "逾期事项", "黑榜村"} <= set(
        wide
    )  # the registry's short labels
    _, phone, phone_toggles = _league(350)
    assert {"状态", "乡镇"} <= set(phone) and len(phone) < len(wide)
    # what does not fit is one click away
    hidden = len(grid.value.columns) - len(phone)
    assert [t.label for t in phone_toggles] == [f"显示全部{len(grid.value.columns)}列(另有{hidden}列)"]


def test_side_by_side_lists_stack_on_a_narrow_screen_so_the_black_list_shows_its_reasons():
    # 1024 px screen: about 630 pixels of main column. Two lists side by side would leave ~300 each and
    # hide 主要原因; stacked, each list has the whole width.
    at = open_page("environment", session={viewport.KEY: {"width": 600}})
    black = next(g for g in at.dataframe if "一票否决" in g.value.columns)
    assert "主要原因" in list(black.proto.column_order), list(black.proto.column_order)


@pytest.mark.parametrize("width", [950, 600], ids=["1366px", "1024px"])
def test_the_red_and_black_lists_always_show_the_township_and_the_reason(width):
    # 1366 px: the lists side by side (half the page each); 1024 px: stacked, each the whole width.
    at = open_page("environment", session={viewport.KEY: {"width": width}})
    share = (1 - viewport.GAP_PX["small"] / width) / 2 if width == 950 else 1.0
    lists = [g for g in at.dataframe if "主要原因" in g.value.columns]
    assert len(lists) == 2
    for grid in lists:
        assert {"村", "乡镇", "主要原因"} <= set(_fits(grid, int(width * share)))


def _fits(grid, budget: int) -> list[str]:
    """The columns a grid shows, asserting they fit ``budget`` pixels (widths as components.table set)."""
    shown = list(grid.proto.column_order) or list(grid.value.columns)
    config = json.loads(grid.proto.columns)
    used = sum(config[c]["width"] for c in shown)
    assert used <= budget, (shown, used, budget)
    return shown


def _map_profile(width: int):
    code = "130324105"  # 石门镇 in the sample
    return open_page("map", session={viewport.KEY: {"width": width}, TOWNSHIP_KEY: code})


@pytest.mark.parametrize(("screen", "width"), [(1366, 950), (1024, 600)])
def test_the_maps_township_profile_fits_beside_or_under_the_map(screen, width):
    at = _map_profile(width)
    assert any("石门镇概况" in h.value for h in at.subheader)
    profile = next(g for g in at.dataframe if "本乡镇" in g.value.columns)
    villages = next(g for g in at.dataframe if "村" in g.value.columns and "类型" in g.value.columns)
    # 1366: the map and the profile side by side, half the page each (less the gap); 1024: stacked.
    share = (1 - viewport.GAP_PX["large"] / width) / 2 if screen == 1366 else 1.0
    budget = int(width * share)
    # The township's value and its rank for every indicator; the rest one click away, never scrolled to.
    assert {"指标", "本乡镇", "排名"} <= set(_fits(profile, budget))
    assert {"村", "未消除风险", "脱贫户"} <= set(_fits(villages, budget))
    for grid, key in ((profile, "map_profile"), (villages, "map_villages")):
        hidden = len(grid.value.columns) - len(grid.proto.column_order or grid.value.columns)
        toggles = [c.label for c in at.checkbox if c.key == f"{key}_all"]
        assert toggles == ([f"显示全部{len(grid.value.columns)}列(另有{hidden}列)"] if hidden else [])


def test_the_press_check_shows_why_a_number_differs_at_1366px():
    # 1366 px: a main column of about 950 pixels; the check table is in a tab, the whole width.
    at = open_page("press", session={viewport.KEY: {"width": 950}})
    area = at.text_area(key="press_text_2022-07-26_employment")
    area.set_value(area.value.replace("4019", "4020")).run()
    check = next(g for g in at.dataframe if "文中数字" in g.value.columns)
    shown = _fits(check, 950)
    assert {"文中数字", "核对结果", "正确值", "说明"} <= set(shown), shown
    row = check.value[check.value["文中数字"] == "4020人"].iloc[0]
    assert row["说明"]  # the reason is there to read, not behind the toggle
