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
