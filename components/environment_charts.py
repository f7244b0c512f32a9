"""Charts of the 红黑榜 page: township choropleth, township rank trend, item losses, a village's history.

Altair only (no internet: Vega renders locally). The map inlines the GeoJSON features with clockwise
exteriors (docs/pitfalls.md: otherwise d3 paints the complement) and labels each township with its rank and list
in words, so the list never rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from components import theme
from components.chart import cached
from lulong_data import geo

# As the page headers: 红榜 a star (▲ is the status rule's 关注), 黑榜 down.
LIST_ICON = {"red": "★", "black": "▼"}


@cached
def township_map(
    boundaries: Mapping[str, Any],
    ranking: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    title: str,
    notice: str | None,
) -> alt.LayerChart:
    """Townships coloured by mean score; text labels "rank name ★红榜"; unranked townships grey.

    ``labels`` translates "red"/"black"/"none"/"score"/"rank"/"township"; ``notice`` (the schematic notice)
    becomes the subtitle, so a saved PNG carries it too.
    """
    values = {
        r.township_code: {
            "name": r.township,
            "mean_score": None if pd.isna(r.mean_score) else float(r.mean_score),
            "rank": None if pd.isna(r.rank) else int(r.rank),
            "list": r.list,
            "list_label": (labels[r.list] if r.list else "") if r.inspected else labels["none"],
        }
        for r in ranking.itertuples()
    }
    feats = geo.features(boundaries, values, exterior_cw=True)
    points = []
    for code, (lon, lat) in geo.centroids(boundaries).items():
        v = values.get(code, {})
        rank = f"{v['rank']}. " if v.get("rank") else ""
        tag = f"\n{LIST_ICON.get(v.get('list') or '', '')}{v['list_label']}" if v.get("list_label") else ""
        points.append({"lon": lon, "lat": lat, "text": f"{rank}{v.get('name', '')}{tag}"})

    scores = [v["mean_score"] for v in values.values() if v["mean_score"] is not None]
    domain = [min(scores), max(scores)] if scores else [0, 100]
    shapes = (
        alt.Chart(alt.Data(values=feats))
        .mark_geoshape(stroke="#FFFFFF", strokeWidth=1.5)
        .encode(
            color=alt.condition(
                "datum.properties.mean_score == null",
                alt.value(theme.NO_DATA),
                alt.Color(
                    "properties.mean_score:Q",
                    scale=alt.Scale(range=theme.SEQUENTIAL, domain=domain),
                    title=labels["score"],
                ),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title=labels["township"]),
                alt.Tooltip("properties.mean_score:Q", title=labels["score"], format=".2f"),
                alt.Tooltip("properties.rank:Q", title=labels["rank"]),
                alt.Tooltip("properties.list_label:N", title=labels["list"]),
            ],
        )
    )
    text = (
        alt.Chart(alt.Data(values=points))
        .mark_text(fontSize=13, lineBreak="\n", fontWeight="bold", color="#000000")
        .encode(longitude="lon:Q", latitude="lat:Q", text="text:N")
    )
    chart_title = alt.Title(title, subtitle=notice or "", subtitleColor=theme.GREY)
    return (shapes + text).project("mercator").properties(width="container", height=520, title=chart_title)


@cached
def rank_trend(
    history: pd.DataFrame, *, labels: Mapping[str, str], selected: str | None = None
) -> alt.FacetChart:
    """Small multiples: one panel per township, rank by month (1 at the top). No colour to decode."""
    df = history.copy()
    df["chosen"] = df["township_code"] == selected if selected else False
    n = int(df["ranked"].max()) if len(df) else 1
    # Panels in the order of the latest month's rank, so the page reads best to worst.
    latest = df[df["period"] == df["period"].max()].sort_values("rank")
    order = list(dict.fromkeys([*latest["township"], *df["township"]]))
    base = alt.Chart(df).encode(
        x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-90, labelFontSize=10)),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, domain=[1, n]), title=labels["rank"]),
        tooltip=[
            alt.Tooltip("township:N", title=labels["township"]),
            alt.Tooltip("period:O", title=labels["month"]),
            alt.Tooltip("rank:Q", title=labels["rank"]),
            alt.Tooltip("mean_score:Q", title=labels["score"], format=".2f"),
        ],
    )
    line = base.mark_line(color=theme.BLUE, point=True)
    return (
        line.properties(width=170, height=110)
        .facet(
            facet=alt.Facet("township:N", title=None, sort=order, header=alt.Header(labelFontSize=14)),
            columns=4,
        )
        .resolve_scale(y="shared")
    )


@cached
def losses_chart(frames: Mapping[str, pd.DataFrame], *, labels: Mapping[str, str], lang: str) -> alt.Chart:
    """Mean points lost per item, one bar per scope (e.g. 全县 and the chosen township), value labels."""
    rows = []
    for scope, df in frames.items():
        for r in df.itertuples():
            rows.append(
                {
                    "scope": scope,
                    "item": f"{r.item_en if lang == 'en' else r.item_zh} ({r.max_points:g})",
                    "lost": None if pd.isna(r.mean_lost) else round(float(r.mean_lost), 2),
                }
            )
    df = pd.DataFrame(rows)
    order = list(dict.fromkeys(df["item"]))
    base = alt.Chart(df).encode(
        y=alt.Y("item:N", sort=order, title=None),
        yOffset=alt.YOffset("scope:N", sort=list(frames)),
        x=alt.X("lost:Q", title=labels["lost"], axis=alt.Axis(tickCount=5)),
        color=alt.Color(
            "scope:N",
            sort=list(frames),
            scale=alt.Scale(range=[theme.GREY, theme.BLUE, theme.ORANGE]),
            title=None,
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("scope:N", title=labels["scope"]),
            alt.Tooltip("item:N", title=labels["item"]),
            alt.Tooltip("lost:Q", title=labels["lost"], format=".2f"),
        ],
    )
    bars = base.mark_bar()
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(text=alt.Text("lost:Q", format=".2f"))
    return (bars + text).properties(width="container", height=70 * len(order))


@cached
def village_history_chart(history: pd.DataFrame, *, labels: Mapping[str, str]) -> alt.Chart:
    """A village's monthly total (line) with list months marked by icon text above the point."""
    df = history.copy()
    df["mark"] = df["list"].map(lambda v: f"{LIST_ICON[v]}{labels[v]}" if v in LIST_ICON else "")
    base = alt.Chart(df).encode(
        x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("total:Q", title=labels["score"], scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("period:O", title=labels["month"]),
            alt.Tooltip("total:Q", title=labels["score"]),
            alt.Tooltip("rank:Q", title=labels["rank"]),
            alt.Tooltip("mark:N", title=labels["list"]),
        ],
    )
    line = base.mark_line(color=theme.BLUE, point=True)
    marks = base.mark_text(dy=-14, fontSize=13).encode(text="mark:N")
    return (line + marks).properties(width="container", height=280)
