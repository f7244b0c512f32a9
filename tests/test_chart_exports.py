"""Issue #9: every chart and map the county leader sees can be downloaded as PNG and SVG.

One AppTest run per page of the leader role (through the router, tests/apptest.py): as many PNG and as many
SVG download buttons as Altair charts on the page, so no chart is left without its export.
"""

from __future__ import annotations

import io

import pytest
from apptest import download_data, download_name, open_page, vega_charts
from PIL import Image

from lulong_data import access, images

T = "130324100"  # 卢龙镇: the map page then shows its profile charts as well
LEADER = {"role": "leader", "township": T}


def _keys(at, suffix: str) -> list[str]:
    return [b.key for b in at.get("download_button") if b.key and b.key.endswith(suffix)]


@pytest.mark.slow
@pytest.mark.skipif(not images.cjk_font_available(), reason="exports are offered only with a CJK font")
@pytest.mark.parametrize("url_path", access.pages_for(access.LEADER))
def test_every_chart_has_png_and_svg_downloads(url_path):
    at = open_page(url_path, session=LEADER)
    charts = len(vega_charts(at))
    png, svg = _keys(at, "_png"), _keys(at, "_svg")
    assert len(png) == charts, (url_path, charts, png)
    assert len(svg) == charts, (url_path, charts, svg)
    assert {k.removesuffix("_png") for k in png} == {k.removesuffix("_svg") for k in svg}
    if url_path == "environment":
        assert "env_map_png" in png
        picture = download_data(at, "env_map_png")
        assert picture.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(picture)) as im:
            im.verify()
        # Issue 19: the county heads every exported title, the file is named in Chinese, and a picture of the
        # sample says 样例数据.
        svg = download_data(at, "env_map_svg").decode()
        assert "卢龙县" in svg and "样例数据" in svg
        assert download_name(at, "env_map_png").startswith("卢龙县_")
    if url_path == "map":
        assert "map_export_png" in png  # the folium map's indicator as a picture
        # Issue 19: county and year in the title (the default indicator is the year's completion rate),
        # the legend and the schematic notice inside the exported picture.
        svg = download_data(at, "map_export_svg").decode()
        assert (
            "卢龙县2022年各乡镇就业目标完成率" in svg and "图例" in svg and "示意图,不作为权属界线依据" in svg
        )
        assert download_name(at, "map_export_png") == "卢龙县_各乡镇就业目标完成率_2022-07-26.png"
