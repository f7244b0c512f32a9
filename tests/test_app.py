"""AppTest of the frame (issue #3): every page builds, the overview shows the metrics' own numbers, the
township filter filters, the map loads nothing from outside, a bad data folder shows a banner."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from apptest import ROOT, open_page, switch_to
from streamlit.testing.v1 import AppTest

from components import assets
from lulong_data.formatting import fmt_count, fmt_rate
from lulong_data.metrics import employment, monitoring, places

PAGES = ("overview", "map", "monitoring", "employment", "environment", "welfare")
TITLES = {
    "overview": "总览",
    "map": "乡镇地图",
    "monitoring": "防返贫",
    "employment": "就业",
    "environment": "人居环境",
    "welfare": "兜底",
}
EARLIER = dt.date(2022, 3, 31)
SHIMEN = "130324105"  # 石门镇


def titles(at: AppTest) -> list[str]:
    return [x.value for x in at.title]


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@pytest.mark.slow
@pytest.mark.parametrize("day", [None, EARLIER], ids=["data-as-of", "2022-03-31"])
def test_every_page_renders(day):
    at = open_page(PAGES[0], session={"as_of": day} if day else {}, check=False)
    for url_path in PAGES:
        if url_path != PAGES[0]:
            switch_to(at, url_path, check=False)
        assert not at.exception, f"{url_path}: {[e.value for e in at.exception]}"
        assert any(TITLES[url_path] in x for x in titles(at)), f"{url_path}: titles {titles(at)}"
        captions = " ".join(c.value for c in at.caption)
        assert "数据截至" in captions
        if day:
            assert f"查看日期{day:%Y-%m-%d}" in captions


def test_overview_tiles_are_the_metrics(sample_bundle):
    b, day = sample_bundle, sample_bundle.as_of
    at = open_page("overview", check=False)
    assert not at.exception
    tiles = metric_values(at)
    hh = places.poverty_households(b, as_of=day)
    persons = places.poverty_persons(b, as_of=day)
    assert tiles["脱贫人口"] == f"{persons:,}人"
    assert any(f"脱贫户 {hh:,}户" in c.value for c in at.caption)
    # Each tile prints its figures' own period, not the page's date alone (issue 17).
    captions = " ".join(c.value for c in at.caption)
    assert "截至7月26日" in captions and "1月1日至7月26日" in captions and "2022年全年" in captions
    # The league table says which period each column stands for (and so does its spreadsheet).
    assert "目标任务2022年全年" in captions and "红榜村、黑榜村7月" in captions
    assert tiles["未消除风险户"] == fmt_count(monitoring.monitored_households(b, as_of=day), "户")
    assert tiles["逾期未办事项"].endswith(fmt_count(monitoring.overdue_items(b, as_of=day).value, "项"))
    assert tiles["务工就业(本年)"] == fmt_count(
        employment.employment_placed(b, as_of=day, year=day.year), "人"
    )
    assert tiles["公益岗位安置(本年)"] == fmt_count(
        employment.welfare_post_persons(b, as_of=day, year=day.year), "人"
    )
    rate = fmt_rate(employment.employment_rate(b, as_of=day, year=day.year))  # "102%", as published
    assert any(rate in c.value for c in at.caption)


def test_choosing_a_township_filters(sample_bundle):
    b, day = sample_bundle, sample_bundle.as_of
    at = open_page("overview", check=False)
    at.sidebar.selectbox(key="township").set_value(SHIMEN).run()
    assert not at.exception
    assert any("范围:石门镇" in c.value for c in at.caption)
    placed = employment.employment_placed(b, as_of=day, year=day.year, township=SHIMEN)
    assert metric_values(at)["务工就业(本年)"] == fmt_count(placed, "人")
    county = employment.employment_placed(b, as_of=day, year=day.year)
    assert placed < county


@pytest.mark.slow
def test_league_table_agrees_with_per_township_metrics(sample_bundle):
    from lulong_data.metrics import overview
    from lulong_data.metrics.registry import evaluate

    b = sample_bundle
    league = overview.league(b, as_of=EARLIER)
    assert len(league) == 12
    for row in league.to_dict("records"):
        for name in overview.LEAGUE:
            expected = evaluate(b, name, as_of=EARLIER, township=row["township_code"]).value
            got = row[name]
            assert got == expected or (expected is None and got != got), (row["name"], name, got, expected)


def test_map_component_links_are_served_by_the_app():
    at = open_page("map", check=False)
    assert not at.exception
    maps = [c for c in at.get("component_instance") if "js_links" in json.loads(c.proto.json_args)]
    assert maps, "no folium map on the map page"
    args = json.loads(maps[0].proto.json_args)
    links = args["js_links"] + args["css_links"]
    assert links
    for link in links:
        assert "://" not in link and not link.startswith("//"), link
        assert link.startswith(assets.FROM_COMPONENT + "app/static/"), link
        assert (ROOT / link.removeprefix(assets.FROM_COMPONENT + "app/")).is_file(), link
    assert "d3js.org" not in args["script"] and "cdn" not in args["header"].lower()


def test_english_switch():
    at = open_page("overview", session={"lang": "en"}, check=False)
    assert not at.exception
    assert "Overview" in titles(at)
    assert any("Data as of" in c.value for c in at.caption)


def test_data_errors_show_a_banner_not_a_traceback(tmp_path, monkeypatch):
    # A folder whose townships file lacks required columns: errors, but the app must still frame them.
    (tmp_path / "townships.csv").write_text("乡镇代码,乡镇名称\n130324100,卢龙镇\n", encoding="utf-8")
    monkeypatch.setenv("LULONG_DATA_DIR", str(tmp_path))
    # Not the sample: open mode refuses it (issue #20), so a leader signs in through the SSO headers.
    from factories import LEADER_HEADERS, LEADER_ROLES

    from components import auth

    roles = tmp_path.parent / f"{tmp_path.name}-roles.toml"
    roles.write_text(LEADER_ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: dict(LEADER_HEADERS))
    at = open_page("overview", check=False)
    assert not at.exception
    banner = " ".join(e.value for e in at.error)
    assert "个错误" in banner and "python -m lulong_data check" in banner


def test_switching_to_english_keeps_the_overview_map_indicator():
    # Regression: options were translated labels, so after the switch the stored "脱贫户" was "not in list".
    at = open_page("overview")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Overview" in titles(at)


def test_switching_to_english_keeps_the_county_figures():
    # Regression: the township selectbox kept the Chinese label "全县" as its value after the switch, and
    # every figure on the monitoring page became 0.
    at = open_page("monitoring")
    zh = sorted(digits(v) for v in metric_values(at).values())
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    en = sorted(digits(v) for v in metric_values(at).values())
    assert zh == en and any(v != "0" for v in en)
    assert at.sidebar.selectbox(key="township").value == ""


@pytest.mark.parametrize("value", ["全县", "Whole county", "130324999", "x"])
def test_township_filter_accepts_only_known_codes(value):
    county = metric_values(open_page("monitoring"))
    at = open_page("monitoring", session={"township": value})
    assert metric_values(at) == county


def test_every_url_path_has_a_file_for_the_legacy_discovery():
    # A fresh server resolves /<url_path> through pages/<url_path>.py before app.py has ever run; a missing
    # file shows a "Page not found" dialog that leaves the page inert (tests/browser/test_upload.py).
    from components import nav

    for url_path in nav.SPECS:
        path = ROOT / "pages" / f"{url_path}.py"
        assert path.is_file(), path
        # The guard keeps the query string and names the page (components.nav.back_to_router): a
        # first-request link keeps its township and date and lands on its page.
        assert "nav.back_to_router(__file__)" in path.read_text(encoding="utf-8"), path
