"""Charts of the 兜底保障与民生 page: the 分类施保 class × tier heat table and month bars.
They draw what the metric functions return; they compute nothing."""

from __future__ import annotations

import altair as alt
import pandas as pd

from components import theme
from components.chart import cached
from components.context import t, term, unit_header
from lulong_data.formatting import fmt_int


@cached
def class_tier_heat(grid: pd.DataFrame) -> alt.LayerChart:
    """12 classes × 4 tiers; the number of households is written in every cell (colour only repeats it).

    ``grid`` is :func:`lulong_data.metrics.welfare.dibao_class_tier`.
    """
    data = grid.copy()
    data["class_label"] = data["dibao_class"].map(lambda c: t(f"第{c}类", f"class {c}"))
    data["tier_label"] = data["tier"].map(lambda c: t(f"{c}档", f"tier {c}"))
    data["text"] = data["households"].map(fmt_int)
    top = max(int(data["households"].max()), 1)
    rows = [t(f"第{c}类", f"class {c}") for c in range(1, 13)]
    cols = [t(f"{c}档", f"tier {c}") for c in range(1, 5)]
    households_l = term("households_count")
    base = alt.Chart(data).encode(
        y=alt.Y("class_label:N", sort=rows, title=term("dibao_class")),
        x=alt.X(
            "tier_label:N", sort=cols, title=term("dibao_tier"), axis=alt.Axis(orient="top", labelAngle=0)
        ),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "households:Q",
            scale=alt.Scale(range=theme.SEQUENTIAL, domain=[0, top]),
            legend=alt.Legend(title=unit_header("households_count"), orient="right"),
        ),
        tooltip=[
            alt.Tooltip("class_label:N", title=term("dibao_class", short=True)),
            alt.Tooltip("tier_label:N", title=term("dibao_tier", short=True)),
            alt.Tooltip("households:Q", title=households_l, format=","),
            alt.Tooltip("persons:Q", title=term("persons"), format=","),
        ],
    )
    text = base.mark_text(fontSize=15).encode(
        text="text:N",
        color=alt.condition(alt.datum.households > top * 0.55, alt.value("white"), alt.value("black")),
    )
    return (rect + text).properties(
        title=term("dibao_class_tier_chart"),
        height=alt.Step(30),
        width=alt.Step(110),
    )


@cached
def scheme_month_bars(df: pd.DataFrame, *, value: str, title: str, x_title: str) -> alt.LayerChart:
    """Bars per month, one per scheme side by side, the figure written on each bar.

    ``df`` has columns month (1–12 or YYYY-MM), scheme, ``value``.
    """
    data = df.copy()
    data["month_label"] = data["month"].map(
        lambda m: t(f"{m}月", f"M{m}") if isinstance(m, int | float) else str(m)
    )
    data["text"] = data[value].map(fmt_int)
    order = list(dict.fromkeys(data["month_label"]))
    schemes = list(dict.fromkeys(data["scheme"]))
    base = alt.Chart(data).encode(
        x=alt.X("month_label:N", sort=order, title=x_title, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("scheme:N", sort=schemes),
    )
    bars = base.mark_bar().encode(
        y=alt.Y(f"{value}:Q", title=unit_header("persons")),
        color=alt.Color(
            "scheme:N",
            sort=schemes,
            scale=alt.Scale(domain=schemes, range=[theme.BLUE, theme.ORANGE][: len(schemes)]),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=[
            alt.Tooltip("month_label:N", title=x_title),
            alt.Tooltip("scheme:N", title=term("assistance_scheme")),
            alt.Tooltip(f"{value}:Q", title=term("persons"), format=","),
        ],
    )
    text = base.mark_text(dy=-8, fontSize=13).encode(y=f"{value}:Q", text="text:N")
    return (bars + text).properties(title=title, height=300)


@cached
def month_bars(
    df: pd.DataFrame, *, key: str, value: str, title: str, x_title: str, y_title: str
) -> alt.LayerChart:
    """Vertical bars of one value per month (``key`` already a label), the figure written on each bar."""
    data = df[[key, value]].copy()
    data["text"] = data[value].map(fmt_int)
    # Angled labels: twelve YYYY-MM labels side by side would be thinned out by Vega.
    axis = alt.Axis(labelAngle=-40, labelOverlap=False)
    base = alt.Chart(data).encode(x=alt.X(f"{key}:N", sort=data[key].tolist(), title=x_title, axis=axis))
    bars = base.mark_bar(color=theme.BLUE).encode(
        y=alt.Y(f"{value}:Q", title=y_title),
        tooltip=[
            alt.Tooltip(f"{key}:N", title=x_title),
            alt.Tooltip(f"{value}:Q", title=y_title, format=","),
        ],
    )
    text = base.mark_text(dy=-8, fontSize=13).encode(y=f"{value}:Q", text="text:N")
    return (bars + text).properties(title=title, height=300)
