"""Altair charts of the overview and the township profile: a choropleth and a trend line.

Maps inline the GeoJSON features (``alt.Data(values=...)``) with rings oriented clockwise: a GeoDataFrame
renders blank and counter-clockwise rings make d3 paint the complement (see docs/pitfalls.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from components import theme
from components.chart import cached
from lulong_data import geo


@cached
def choropleth(
    townships: Mapping[str, Any] | None,
    values: Mapping[str, Mapping[str, Any]],
    *,
    field: str,
    edges: list[float],
    texts: Mapping[str, str],
    missing: str,
    title: str,
    place_title: str,
    subtitle: str = "",
    height: int = 560,
    legend: tuple[tuple[str, str], ...] = (),
    legend_title: str = "",
) -> alt.LayerChart:
    """Townships filled by ``values[code][field]``, each labelled with its name and formatted value
    (``texts[code]``, ``missing`` without one), so the figure is readable without telling colours apart.

    ``legend`` ((colour, text) per class, components.map.legend_items) is drawn inside the picture, in its
    upper left corner, so a map copied into a document keeps its key.
    """
    feats = geo.features(townships, values, exterior_cw=True)
    for f in feats:
        props = f["properties"]
        props["fill"] = theme.color_for(props.get(field), edges)
        props["label"] = f"{props.get('name', '')}\n{texts.get(props.get('township_code'), missing)}"
    points = [
        {
            "lon": lon,
            "lat": lat,
            "name": (values.get(code) or {}).get("name", ""),
            "text": texts.get(code, missing),
        }
        for code, (lon, lat) in geo.centroids(townships).items()
    ]
    data = alt.Data(values=feats)
    shapes = (
        alt.Chart(data)
        .mark_geoshape(stroke="#FFFFFF", strokeWidth=1.5)
        .encode(
            fill=alt.Fill("properties.fill:N", scale=None),
            tooltip=[
                alt.Tooltip("properties.name:N", title=place_title),
                alt.Tooltip("properties.label:N", title=title),
            ],
        )
    )
    base = alt.Chart(alt.Data(values=points))
    names = base.mark_text(
        dy=-9, fontSize=14, fontWeight=600, color="#111111", stroke="#FFFFFF", strokeWidth=3
    ).encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    names_fill = base.mark_text(dy=-9, fontSize=14, fontWeight=600, color="#111111").encode(
        longitude="lon:Q", latitude="lat:Q", text="name:N"
    )
    figures = base.mark_text(dy=9, fontSize=14, color="#111111", stroke="#FFFFFF", strokeWidth=3).encode(
        longitude="lon:Q", latitude="lat:Q", text="text:N"
    )
    figures_fill = base.mark_text(dy=9, fontSize=14, color="#111111").encode(
        longitude="lon:Q", latitude="lat:Q", text="text:N"
    )
    layers = [shapes, names, names_fill, figures, figures_fill]
    if legend:
        layers += _legend_layers(legend, legend_title)
    return (
        alt.layer(*layers)
        .project("mercator")
        .properties(title=alt.Title(title, subtitle=subtitle or alt.Undefined), height=height)
    )


LEGEND_ROW = 22  # pixels per legend line


def _legend_layers(items: tuple[tuple[str, str], ...], title: str) -> list[alt.Chart]:
    """Swatches and texts in pixel space (``scale=None``) in the upper left corner of a map (the county is
    tall and narrow: its corners are empty; the top, unlike the bottom, is never cut by the title's room)."""
    top = 4
    rows = [
        {"y": top + LEGEND_ROW * (i + (1 if title else 0)), "color": colour, "text": text}
        for i, (colour, text) in enumerate(items)
    ]
    base = alt.Chart(alt.Data(values=rows))
    swatches = (
        base.mark_rect(stroke="#888888", strokeWidth=1)
        .encode(
            x=alt.value(4),
            x2=alt.value(28),
            y=alt.Y("y:Q", scale=None),
            y2=alt.Y2("y2:Q"),
            fill=alt.Fill("color:N", scale=None),
        )
        .transform_calculate(y2="datum.y + 16")
    )
    texts = (
        base.mark_text(align="left", baseline="middle", fontSize=13, color="#111111")
        .encode(x=alt.value(34), y=alt.Y("ym:Q", scale=None), text="text:N")
        .transform_calculate(ym="datum.y + 8")
    )
    layers = [swatches, texts]
    if title:
        heading = (
            alt.Chart(alt.Data(values=[{"y": top + 8, "text": title}]))
            .mark_text(align="left", baseline="middle", fontSize=13, fontWeight=600, color="#111111")
            .encode(x=alt.value(4), y=alt.Y("y:Q", scale=None), text="text:N")
        )
        layers.append(heading)
    return layers


@cached
def trend(df: pd.DataFrame, *, title: str, y_title: str, color: str = theme.BLUE) -> alt.Chart:
    """A line with points over month-ends (``date``, ``value``)."""
    return (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=60), color=color, strokeWidth=3)
        .encode(
            x=alt.X("yearmonth(date):T", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=0)),
            y=alt.Y("value:Q", title=y_title),
            tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("value:Q", format=",.1f")],
        )
        .properties(title=title, height=260)
    )
