"""A chart on screen with print-ready PNG/SVG downloads (title, unit, source, as-of date in the picture).

The files are built only when a button is clicked (``data=callable``): rendering at print resolution
takes a moment and most charts are never downloaded.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st

from components.auth import audited
from components.context import as_of, bundle, lang, t, term
from lulong_data import chartkit, exports, images
from lulong_data.county import name_of
from lulong_data.metrics import METRICS
from lulong_data.metrics.registry import department_for


def source_of(name: str) -> str:
    """数据来源 of a chart of the registered figure ``name``: its department's full name, for the county
    the data hold (lulong_data.metrics.registry.department_for)."""
    return department_for(METRICS[name], name_of(bundle()))


@dataclass(frozen=True)
class Prepared:
    """A chart built once for its inputs: the Altair chart (for exports) and its Vega-Lite spec (Altair's
    public ``to_dict``, data inline), which st.vega_lite_chart draws."""

    chart: alt.TopLevelMixin
    spec: dict[str, Any]


_BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {}


def _digest(value: Any) -> Any:
    """A short stand-in for a JSON-able mapping or list (GeoJSON, labels): Streamlit's hasher walks
    nested containers element by element, which costs milliseconds for a map's polygons."""
    if isinstance(value, dict | list) and not isinstance(value, pd.DataFrame):
        try:
            text = json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError):
            return value  # frames or numpy values inside: Streamlit's hasher knows them
        return ("json", hashlib.sha256(text.encode("utf-8")).hexdigest())
    if callable(value):
        raise TypeError("chart builders cached by components.chart.cached take data, not functions")
    return value


@st.cache_resource(max_entries=512, show_spinner=False)
def _prepared(name: str, language: str, key: tuple, _args: tuple, _kwargs: dict) -> Prepared:
    # Keyed by the builder, the language (builders call t()) and the digested arguments; the chart object
    # and its spec are shared read-only: st.vega_lite_chart copies the spec before changing it, and
    # exports copy the chart (lulong_data.images._sized).
    chart = _BUILDERS[name](*_args, **_kwargs)
    return Prepared(chart, chart.to_dict())


def cached(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., Prepared]:
    """Decorator for a chart builder that is a pure function of its arguments (frames, strings, numbers,
    JSON-able mappings) and the language: the chart and its Vega-Lite spec are built once per distinct
    input and shared by sessions, so a rerun neither rebuilds nor re-validates it (Altair's jsonschema
    validation was most of a warm rerun's time). ``builder.build`` is the plain function."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    _BUILDERS[name] = builder

    @functools.wraps(builder)
    def prepared(*args: Any, **kwargs: Any) -> Prepared:
        key = (tuple(_digest(a) for a in args), tuple((k, _digest(v)) for k, v in sorted(kwargs.items())))
        return _prepared(name, lang(), key, args, kwargs)

    prepared.build = builder  # type: ignore[attr-defined]
    return prepared


def pictures_readable(warning: str, *, icon: str | None = None) -> bool:
    """Whether pictures made on the server can show Chinese (a CJK font is installed); if not, ``warning``
    says what that means where the pictures go."""
    if images.cjk_font_available():
        return True
    st.warning(warning, icon=icon)
    return False


def show_chart(
    chart: alt.TopLevelMixin | Prepared,
    *,
    key: str,
    title: str,
    unit: str,
    source: str,
    schematic: bool = False,
    height: int | None = None,
    width: Literal["stretch", "content"] | int | None = "stretch",
    name: str | None = None,
) -> None:
    """``chart`` (full width unless ``width`` says otherwise; ``None`` = Streamlit's default sizing), a
    source line under it, and PNG/SVG downloads keyed by ``key``.

    ``title``/``unit``/``source`` go into the exported picture (the screen chart keeps its own title);
    ``schematic=True`` for maps drawn on schematic boundaries adds "示意图,不作为权属界线依据".
    The files are named in Chinese: 卢龙县_<name>_<date>.png, ``name`` defaulting to the title without
    county and period; exported from the sample (demo mode) they carry "样例数据" across the chart.
    """
    day = as_of()
    size = dict(width=width, height=height if height is not None else "content", key=f"{key}_chart")
    if isinstance(chart, Prepared):
        st.vega_lite_chart(spec=chart.spec, **size)  # validated once, when the chart was prepared
    else:
        st.altair_chart(chart, **size)
    if isinstance(chart, Prepared):
        chart = chart.chart
    note = t(
        f"数据来源:{source}  数据截至:{day.isoformat()}", f"Source: {source}  Data as of: {day.isoformat()}"
    )
    if schematic:
        note += t("  示意图,不作为权属界线依据", "  Schematic, not a legal boundary")
    st.caption(note)
    warning = t(
        "服务器未安装中文字体,导出的图片无法显示汉字。请安装 fonts-noto-cjk 后重启。",
        "No Chinese font on the server: exported pictures would show boxes. Install fonts-noto-cjk.",
    )
    if not pictures_readable(warning, icon=":material/warning:"):
        return

    b = bundle()
    mark = exports.demo_mark(b.folder)

    def picture(fmt: str) -> bytes:
        return images.chart_image(
            chart,
            title=title,
            unit=unit,
            source=source,
            as_of=day,
            schematic=schematic,
            fmt=fmt,
            watermark=mark,
        )

    county = name_of(b, lang())
    stem = chartkit.file_name(county, name or chartkit.short_name(title, county), day, "x")[:-2]
    # A picture pasted into a document must say whose figures it shows: the county heads its title.
    if county and not title.startswith(county):
        title = f"{county}: {title}" if lang() == "en" else county + title
    # Side by side at their own width (never in fixed columns: a narrow column cut the labels to "下·").
    row = st.container(horizontal=True)
    row.download_button(
        term("download_png"),
        data=audited(lambda: picture("png"), f"{stem}.png"),
        file_name=f"{stem}.png",
        mime="image/png",
        on_click="ignore",
        help=t("PNG 图片,300 ppi,可直接插入 Word。", "PNG at 300 ppi, for Word."),
        key=f"{key}_png",
    )
    row.download_button(
        term("download_svg"),
        data=audited(lambda: picture("svg"), f"{stem}.svg"),
        file_name=f"{stem}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        help=t("SVG 矢量图,放大不失真,适合排版印刷。", "SVG vector picture, for print layout."),
        key=f"{key}_svg",
    )


def figure_chart(
    chart: alt.TopLevelMixin | Prepared,
    *,
    key: str,
    title: str,
    figure: str,
    unit: str | None = None,
    **kw: Any,
) -> None:
    """A chart of the registered figure ``figure``: :func:`show_chart` with the figure's unit (``unit`` when
    the axis counts something else, e.g. a rank) and its department as the source."""
    from components.kpi import unit as figure_unit

    shown = figure_unit(figure) if unit is None else unit
    show_chart(chart, key=key, title=title, unit=shown, source=source_of(figure), **kw)
