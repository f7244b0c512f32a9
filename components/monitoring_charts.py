"""Charts of the monitoring page: labelled bars, the monthly trend, the compliance grid.

Every mark carries its number as text, and the two trend series differ by dash and point shape as well as
colour, so the charts read on a washed-out projector and without colour vision.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.chart import cached
from components.theme import BLUE, GREY, ORANGE, STATUS, VERMILLION
from lulong_data.chartkit import LINES_HEIGHT, line_legend
from lulong_data.formatting import fmt_int, fmt_pct


@cached
def hbar(df: pd.DataFrame, label: str, value: str, *, title: str, color: str = BLUE) -> alt.Chart:
    """Horizontal bars, longest first, with the value written at the end of each bar."""
    data = df[[label, value]].copy()
    data["text"] = data[value].map(fmt_int)
    base = alt.Chart(data, title=title).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=None, axis=alt.Axis(labels=False, ticks=False, grid=False)),
    )
    bars = base.mark_bar(color=color, cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=6, fontSize=16, fontWeight="bold").encode(text="text:N")
    return (bars + text).properties(height=alt.Step(40))


@cached
def funnel(df: pd.DataFrame, *, title: str, cases_label: str, overdue_label: str) -> alt.Chart:
    """Cases in procedure by stage, in procedure order; the overdue part overlaid and named in the label."""
    data = df.copy()
    data["order"] = range(len(data))
    data["text"] = [
        f"{fmt_int(c)}({overdue_label} {fmt_int(o)})" if o else fmt_int(c)
        for c, o in zip(data["cases"], data["overdue"], strict=True)
    ]
    y = alt.Y("label:N", sort=alt.SortField("order"), title=None)
    base = alt.Chart(data, title=title)
    total = base.mark_bar(color=BLUE, cornerRadiusEnd=3).encode(
        y=y,
        x=alt.X("cases:Q", title=cases_label, axis=alt.Axis(grid=False)),
        tooltip=["label", "cases", "overdue"],
    )
    over = base.mark_bar(color=VERMILLION).encode(y=y, x="overdue:Q")
    text = base.mark_text(align="left", dx=6, fontSize=16, fontWeight="bold").encode(
        y=y, x="cases:Q", text="text:N"
    )
    return (total + over + text).properties(height=alt.Step(48))


@cached
def trend(df: pd.DataFrame, names: dict[str, str], *, title: str) -> alt.Chart:
    """Monthly new (纳入) and eliminated (帮扶消除, 自然消除) households as lines; the latest month is labelled
    (labels on every point collide on a projector; the tooltip has them all)."""
    long = df.melt("month", value_vars=list(names), var_name="series", value_name="households")
    long["series"] = long["series"].map(names)
    order = list(names.values())
    # The point shapes are given as values (no scale): a shape scale on the same field is folded into the
    # legend by the browser's Vega-Lite, which then shows dashed squares and triangles instead of lines.
    long["point"] = long["series"].map(dict(zip(order, ("circle", "square", "triangle"), strict=False)))
    enc = {
        "x": alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-45)),
        "y": alt.Y("households:Q", title=None),
        # One legend of lines: colour and dash (the same domain), each entry a stretch of its line.
        "color": alt.Color(
            "series:N", scale=alt.Scale(domain=order, range=[BLUE, GREY, ORANGE]), legend=line_legend()
        ),
        "strokeDash": alt.StrokeDash(
            "series:N", scale=alt.Scale(domain=order, range=[[1, 0], [6, 4], [2, 2]]), legend=line_legend()
        ),
        "shape": alt.Shape("point:N", scale=None),
    }
    base = alt.Chart(long, title=title).encode(**enc, tooltip=["month", "series", "households"])
    lines = base.mark_line(strokeWidth=3) + base.mark_point(size=70, filled=True)
    last = base.transform_filter(alt.datum.month == long["month"].max())
    labels = last.mark_text(align="left", dx=8, fontSize=16, fontWeight="bold").encode(text="households:Q")
    # The angled month labels take ≈ 20 px more than the employment chart's: ≈ 257 px of plot on screen.
    return (lines + labels).properties(height=LINES_HEIGHT + 20)


@cached
def compliance_grid(df: pd.DataFrame, *, title: str, row: str, col: str) -> alt.Chart:
    """Township × deadline grid: each cell says its rate and its cue icon; colour only repeats that. The cue
    of a cell (``cue``) is decided in lulong_data (metrics.monitoring_view.compliance_cue)."""
    data = df.copy()
    data["text"] = [
        f"{STATUS[c]['icon']} {fmt_pct(r, 0)}" if c else "—"
        for c, r in zip(data["cue"], data["rate_pct"], strict=True)
    ]
    colors = {k: v["color"] for k, v in STATUS.items()} | {"": "#E5E5E5"}
    base = alt.Chart(data, title=title).encode(
        x=alt.X(f"{col}:N", sort=None, title=None, axis=alt.Axis(orient="top", labelAngle=0, labelLimit=120)),
        y=alt.Y(f"{row}:N", sort=None, title=None),
    )
    cells = base.mark_rect(opacity=0.35, stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "cue:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), legend=None
        ),
        tooltip=[row, col, "on_time", "late", "overdue", "due"],
    )
    text = base.mark_text(fontSize=15, fontWeight="bold").encode(text="text:N")
    return (cells + text).properties(height=alt.Step(32))
