"""Chart pictures (issue #9): CJK glyphs really rendered, print size, title/unit/footer, fonts missing."""

from __future__ import annotations

import datetime as dt
import io
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from lulong_data import images

AS_OF = dt.date(2022, 7, 26)


def _bars() -> alt.Chart:
    df = pd.DataFrame({"乡镇": ["卢龙镇", "潘庄镇", "燕河营镇"], "人数": [558, 228, 229]})
    return alt.Chart(df).mark_bar().encode(x="人数:Q", y=alt.Y("乡镇:N", title=None))


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))


def _title_only(text: str) -> bytes:
    """A picture whose only text is ``text`` as the title (empty plot, no axes), in the export font."""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": 240,
        "height": 4,
        "title": {"text": text, "font": images.FONT, "fontSize": 32},
        "data": {"values": []},
        "mark": "point",
        "config": {"view": {"stroke": None}, "background": "white"},
    }
    return images.render(spec, "png", scale=1)


def test_cjk_font_is_found_on_this_machine():
    assert images.cjk_font_available()


def test_chinese_glyphs_are_rendered_not_boxes():
    # With no CJK font every Chinese character is the same .notdef box: two different strings of equal
    # length would give identical pictures, and would look like private-use characters (which no font has).
    a, b = _pixels(_title_only("卢龙县就业")), _pixels(_title_only("监测帮扶户"))
    tofu = _pixels(_title_only("\ue000" * 5))
    boxes = _pixels(_title_only("□□□□□"))
    ink = {
        name: int((img < 128).sum()) for name, img in {"a": a, "b": b, "tofu": tofu, "boxes": boxes}.items()
    }
    assert a.shape == b.shape
    assert not np.array_equal(a, b), "two different Chinese titles rendered the same: tofu"
    assert not np.array_equal(a, tofu) and not np.array_equal(b, tofu)
    assert ink["a"] > 0 and ink["b"] > 0
    assert abs(ink["a"] - ink["boxes"]) > 0.2 * ink["boxes"], ink


def test_exported_chart_title_region_holds_the_chinese_title():
    one = images.chart_image(_bars(), title="就业人数", unit="人", source="县人社局", as_of=AS_OF, scale=1)
    two = images.chart_image(_bars(), title="监测户数", unit="人", source="县人社局", as_of=AS_OF, scale=1)
    a, b = _pixels(one), _pixels(two)
    assert a.shape == b.shape
    title_rows = slice(0, 45)
    assert not np.array_equal(a[title_rows], b[title_rows])
    assert np.array_equal(a[60:], b[60:])  # only the title differs


def test_png_is_print_resolution():
    png = images.chart_image(_bars(), title="就业人数", unit="人", source="县人社局", as_of=AS_OF)
    svg = images.chart_image(_bars(), title="就业人数", unit="人", source="县人社局", as_of=AS_OF, fmt="svg")
    im = Image.open(io.BytesIO(png))
    svg_width = float(svg.decode().split('width="', 1)[1].split('"', 1)[0])
    assert im.width == pytest.approx(3 * svg_width, abs=3)
    assert im.info["dpi"][0] == pytest.approx(300, abs=1)
    assert im.width >= 2 * images.DEFAULT_WIDTH


def test_svg_has_title_unit_source_and_date():
    svg = images.chart_image(
        _bars().properties(width="container"),
        title="就业人数",
        unit="人",
        source="县人社局",
        as_of=AS_OF,
        fmt="svg",
    ).decode()
    for text in ("就业人数", "单位:人", "数据来源:县人社局", "数据截至:2022年7月26日"):
        assert text in svg
    assert images.SCHEMATIC_NOTE not in svg
    assert 'width="container"' not in svg


def test_maps_say_schematic():
    svg = images.chart_image(
        _bars(), title="乡镇分布", unit="个", source="县农业农村局", as_of=AS_OF, schematic=True, fmt="svg"
    ).decode()
    assert "示意图,不作为权属界线依据" in svg


def test_a_configured_layered_chart_exports():
    base = _bars()
    layered = alt.layer(base, base.mark_text(dx=4, align="left").encode(text="人数:Q")).configure_axis(
        labelFontSize=20
    )
    png = images.chart_image(layered, title="就业", unit="人", source="县人社局", as_of=AS_OF, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        images.chart_image(_bars(), title="x", unit="", source="", as_of=AS_OF, fmt="gif")


def test_no_cjk_font_is_reported(monkeypatch, tmp_path):
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    monkeypatch.setattr(images, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv("LULONG_FONT_DIR", raising=False)
    images.cjk_font_available.cache_clear()
    try:
        assert not images.cjk_font_available()
    finally:
        images.cjk_font_available.cache_clear()


def test_demo_exports_carry_the_sample_mark_and_counts_whole_numbers():
    """Issue 19: 样例数据 across a picture from the sample; a count never ticks at 0.2."""
    chart = (
        alt.Chart(pd.DataFrame({"乡镇": ["卢龙镇", "潘庄镇"], "村数": [1, 4]}))
        .mark_bar()
        .encode(x="村数:Q", y="乡镇:N")
    )
    spec = images.framed(
        chart,
        title="红榜村数",
        unit="个村",
        source="卢龙县农业农村局",
        as_of=dt.date(2022, 7, 26),
        watermark="样例数据",
    ).to_dict()
    assert spec["config"]["axisQuantitative"] == {"tickMinStep": 1, "format": ",d"}
    svg = images.render(spec, "svg").decode()
    assert "样例数据" in svg and "数据截至:2022年7月26日" in svg
    ticks = [t for t in re.findall(r">([\d.,]+)</text>", svg)]
    assert ticks and all("." not in t for t in ticks), ticks
    plain = images.framed(chart, title="红榜村数", unit="%", source="x", as_of=dt.date(2022, 7, 26)).to_dict()
    assert "axisQuantitative" not in plain["config"]
