"""The folium map is fit for a county government screen (issue 22): metric scale only, no third-party
credit or flag, only the data source named; every link served by the app itself."""

from __future__ import annotations

import json

from components.map import build_map


def _html(sample_bundle, **kwargs) -> str:
    values = {
        r["township_code"]: {"name": r["name"], "v": i}
        for i, r in enumerate(sample_bundle.frames["townships"].to_dict("records"))
    }
    m = build_map(
        sample_bundle.geo.get("township_boundaries"),
        sample_bundle.geo.get("county_boundary"),
        values,
        field="v",
        tooltip=lambda p: str(p.get("name")),
        edges=[3.0, 6.0, 9.0],
        **kwargs,
    )
    return m.get_root().render()


def test_scale_is_metric_only_and_leaflet_credit_is_removed(sample_bundle):
    html = _html(sample_bundle)
    assert "L.control.scale({metric: true, imperial: false" in html
    assert "L.control.scale()" not in html  # folium's default (metric and imperial)
    assert "attributionControl.setPrefix(false)" in html


def test_an_intranet_basemap_is_credited_as_the_data_source(sample_bundle):
    html = _html(sample_bundle, tile_url="http://tiles.intranet/{z}/{x}/{y}.png")
    assert json.dumps("内网底图") in html  # folium writes the attribution as escaped JSON
    assert "openstreetmap" not in html.lower()


def test_the_legend_is_drawn_inside_the_map(sample_bundle):
    html = _html(sample_bundle, legend=("图例:在监测户", [("#EFF6FB", "低于3户"), ("#E5E5E5", "无数据")]))
    assert "map-legend" in html and json.dumps("低于3户")[1:-1] in html


def test_every_townships_profile_and_trends_at_once_equal_one_township_at_a_time(sample_bundle):
    """The map computes the profile and trends for all townships in one pass (a click on another township
    then costs nothing); each township's share is what computing it alone gives."""
    import datetime as dt

    import pandas as pd

    from lulong_data.metrics import overview
    from lulong_data.metrics.registry import METRICS, evaluate

    day = dt.date(2022, 7, 26)
    table = overview.league(sample_bundle, as_of=day)
    every = overview.profiles(sample_bundle, as_of=day)
    trends = overview.township_trends(sample_bundle, as_of=day, name="monitored_households", months=12)
    for code in ("130324105",):  # 燕河营镇; tests/test_one_status.py opens every township's profile
        mine = overview.profile_of(every, code)
        assert mine["name"].tolist() == list(overview.LEAGUE)
        for row in mine.itertuples():
            assert row.township == evaluate(sample_bundle, row.name, as_of=day, township=code).value
            assert row.county == evaluate(sample_bundle, row.name, as_of=day).value
            column = pd.to_numeric(table[row.name], errors="coerce")
            better = column.lt if METRICS[row.name].better == "down" else column.gt
            assert row.rank == 1 + int(better(row.township).sum())  # rank 1 = best (ties share)
        alone = overview.trend(sample_bundle, as_of=day, name="monitored_households", township=code)
        pd.testing.assert_frame_equal(overview.trend_of(trends, code), alone)


def test_legend_classes_do_not_share_an_end_point():
    """A class holds its lower edge and not its upper one: "99%至不足101%", then "101%至不足103%" — never
    "99%–101%" and "101%–103%", where 101% would read as in both."""
    from components.map import legend_items

    texts = [text for _, text in legend_items([99.0, 101.0, 103.0], lambda v: f"{v:g}%")]
    assert texts[:4] == ["低于99%", "99%至不足101%", "101%至不足103%", "103%及以上"]
    assert len(texts) == 5  # and "no data"
