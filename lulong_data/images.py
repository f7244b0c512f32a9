"""Chart pictures for Word and print: title with unit, a source/as-of footer, a CJK font, print resolution.

vl-convert renders Vega-Lite without a browser. Chinese needs a CJK font the renderer can find, else every
character becomes the same empty box (tofu); the font directories are registered once per process.
An exported chart gets explicit pixel sizes: ``width="container"`` means nothing outside a web page.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from typing import Any, Literal

import altair as alt

# Font family names as the fonts declare them; the first one found renders, Latin falls back to DejaVu.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei")
FONT = ", ".join(f"'{f}'" for f in CJK_FAMILIES) + ", 'DejaVu Sans', sans-serif"
# Where Debian (fonts-noto-cjk, fonts-wqy-*) and Windows put them; LULONG_FONT_DIR adds one more.
FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/opentype/source-han-sans",
    "/usr/local/share/fonts",
    "C:/Windows/Fonts",
)
_CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehan", "wqy", "msyh", "simhei", "simsun")

SCHEMATIC_NOTE = "示意图,不作为权属界线依据"
WATERMARK = "样例数据"  # on every picture exported from the bundled sample (demo mode)
# Units of counts: their axes tick at whole numbers only (no 0.2 村).
COUNT_UNITS = (
    "个",
    "户",
    "人",
    "名",
    "项",
    "次",
    "期",
    "村",
    "个村",
    "人次",
    "所",
    "家",
    "persons",
    "households",
    "villages",
)
YEAR_MONTH = "%Y年%-m月"  # 2022年7月, not 2022-07
DEFAULT_WIDTH, DEFAULT_HEIGHT = 720, 400
PPI = 300  # stored in the PNG so Word places it at print size


def _font_dirs() -> list[Path]:
    extra = os.environ.get("LULONG_FONT_DIR")
    dirs = [Path(extra)] if extra else []
    return dirs + [Path(d) for d in FONT_DIRS if Path(d).is_dir()]


@functools.cache
def cjk_font_available() -> bool:
    """Whether a font with Chinese glyphs is installed where the renderer looks (else exports show boxes)."""
    for d in _font_dirs():
        if not d.is_dir():
            continue
        for f in d.rglob("*"):
            if f.suffix.lower() in (".ttf", ".ttc", ".otf") and f.name.lower().startswith(_CJK_FILE_HINTS):
                return True
    return False


@functools.cache
def _register_fonts() -> None:
    # Once per process: vl-convert rebuilds its font database on every registration.
    import vl_convert

    for d in _font_dirs():
        vl_convert.register_font_directory(str(d))


def _sized(chart: alt.TopLevelMixin, width: int, height: int) -> alt.TopLevelMixin:
    """A copy without its own title/config and with pixel sizes where a single view has none."""
    inner = chart.copy(deep=True)
    inner.title = alt.Undefined  # the export's title replaces it (one title, with the unit)
    inner.config = alt.Undefined  # a config inside a concat is an error; the export sets its own
    if isinstance(inner, alt.Chart | alt.LayerChart):
        if not isinstance(inner.width, int):
            inner.width = width
        if not isinstance(inner.height, int):
            inner.height = height
    return inner


def _watermarked(inner: alt.TopLevelMixin, text: str, width: int, height: int) -> alt.TopLevelMixin | None:
    """``inner`` with ``text`` across it in large grey letters (None when ``inner`` cannot take a layer)."""
    if not isinstance(inner, alt.Chart | alt.LayerChart):
        return None
    w = inner.width if isinstance(inner.width, int) else width
    h = inner.height if isinstance(inner.height, int) else height
    mark = (
        alt.Chart(alt.Data(values=[{"text": text}]))
        .mark_text(
            fontSize=max(36, min(w, h) // 4),
            angle=330,
            opacity=0.16,
            color="#C00000",
            font=FONT,
            fontWeight=700,
        )
        .encode(x=alt.value(w / 2), y=alt.value(h / 2), text="text:N")
    )
    return alt.layer(inner, mark).properties(width=w, height=h)


def _footer(lines: list[str], width: int) -> alt.Chart:
    # One text mark, one line per entry: a footer is part of the picture, so it survives copy-paste.
    return (
        alt.Chart(alt.Data(values=[{"text": "\n".join(lines)}]))
        .mark_text(
            align="left",
            baseline="top",
            lineBreak="\n",
            lineHeight=19,
            fontSize=13,
            color="#444444",
            font=FONT,
        )
        .encode(x=alt.value(0), y=alt.value(0), text="text:N")
        .properties(width=width, height=19 * len(lines))
    )


def framed(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    unit: str,
    source: str,
    as_of: dt.date,
    schematic: bool = False,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    watermark: str | None = None,
) -> alt.VConcatChart:
    """The chart as it goes to print: title and unit above, source, as-of date (and map note) below;
    ``watermark`` ("样例数据" in demo mode) across the chart. Counts get whole-number axes, dates 年月."""
    lines = [f"数据来源:{source}\u3000\u3000数据截至:{as_of.year}年{as_of.month}月{as_of.day}日"]
    if schematic:
        lines.append(SCHEMATIC_NOTE)
    inner = _sized(chart, width, height)
    if watermark:
        marked = _watermarked(inner, watermark, width, height)
        if marked is None:  # a concatenation: say it in the footer, in red
            lines.insert(0, f"【{watermark}】")
        inner = marked or inner
    subtitle = f"单位:{unit}" if unit else alt.Undefined
    out = (
        alt.vconcat(inner, _footer(lines, width), spacing=14)
        .properties(
            title=alt.Title(title, subtitle=subtitle, anchor="start", fontSize=20, subtitleFontSize=14),
            padding=16,
            background="#FFFFFF",
        )
        .configure(font=FONT)
        .configure_title(font=FONT, subtitleFont=FONT, subtitleColor="#444444")
        .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=13, titleFontSize=14)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=13, titleFontSize=14)
        .configure_header(labelFont=FONT, titleFont=FONT)
        .configure_text(font=FONT)
        .configure_view(stroke=None)
        .configure_axisTemporal(format=YEAR_MONTH)
    )
    if unit in COUNT_UNITS:
        out = out.configure_axisQuantitative(tickMinStep=1, format=",d")
    return out


def render(spec: dict[str, Any], fmt: Literal["png", "svg"] = "png", *, scale: float = 3) -> bytes:
    """A Vega-Lite spec as PNG (``scale`` × pixels, 300 ppi) or SVG bytes."""
    import vl_convert

    _register_fonts()
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec).encode("utf-8")
    if fmt == "png":
        # vl-convert multiplies by ppi/72 as well: divide it out so ``scale`` is the pixel factor.
        return vl_convert.vegalite_to_png(spec, scale=scale * 72 / PPI, ppi=PPI)
    raise ValueError(f"unknown image format {fmt!r} (png or svg)")


def chart_image(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    unit: str,
    source: str,
    as_of: dt.date,
    schematic: bool = False,
    fmt: Literal["png", "svg"] = "png",
    scale: float = 3,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    watermark: str | None = None,
) -> bytes:
    """The chart framed for print (see :func:`framed`) as PNG or SVG bytes.

    PNG default: 3× the pixel size at 300 ppi, so a 720-px-wide chart prints 18 cm wide, sharp.
    """
    spec = framed(
        chart,
        title=title,
        unit=unit,
        source=source,
        as_of=as_of,
        schematic=schematic,
        width=width,
        height=height,
        watermark=watermark,
    ).to_dict()
    return render(spec, fmt, scale=scale)


def bare_image(
    chart: alt.TopLevelMixin,
    *,
    unit: str = "",
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    watermark: str | None = None,
    scale: float = 3,
) -> bytes:
    """The chart alone as PNG (no title, unit or footer): for slides, where those are real text boxes.
    The chart is drawn ``width`` × ``height`` whatever size it asks for (a slide has a fixed shape)."""
    inner = _sized(chart, width, height)
    if isinstance(inner, alt.Chart | alt.LayerChart):
        inner.width, inner.height = width, height
    if watermark:
        inner = _watermarked(inner, watermark, width, height) or inner
    top = (
        alt.vconcat(inner)
        .properties(padding=12, background="#FFFFFF")
        .configure(font=FONT)
        .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=14, titleFontSize=15)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=14, titleFontSize=15)
        .configure_text(font=FONT)
        .configure_view(stroke=None)
        .configure_axisTemporal(format=YEAR_MONTH)
    )
    if unit in COUNT_UNITS:
        top = top.configure_axisQuantitative(tickMinStep=1, format=",d")
    return render(top.to_dict(), "png", scale=scale)
