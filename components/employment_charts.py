"""Charts of the 就业帮扶 page: target bullets per township, cumulative placements against the pace,
and this-year-vs-last-year bars. They draw what the metric functions return; they compute nothing."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from components import theme
from components.chart import cached
from components.context import t, term, unit_header
from components.table import column_header
from lulong_data.chartkit import LINES_HEIGHT, line_legend
from lulong_data.formatting import fmt_int, fmt_rate

TARGET_GREY = "#C8C8C8"
PACE_BLACK = "#000000"


def _status_label(status: str) -> str:
    cue = {"ahead": theme.STATUS["good"], "behind": theme.STATUS["behind"]}.get(status)
    if cue is None:
        return t("— 无目标", "— no target")
    words = t("超序时进度", "ahead of pace") if status == "ahead" else t("落后序时进度", "behind pace")
    return f"{cue['icon']} {words}"


@cached
def bullet_chart(df: pd.DataFrame, *, year: int) -> alt.LayerChart:
    """One bullet per township: grey bar = target, blue bar = placed, black tick = pace to date.

    ``df`` is :func:`lulong_data.metrics.employment.employment_by_township`.
    """
    placed_l, target_l, pace_l = (
        term("placed"),
        term("employment_target", short=True),
        term("employment_pace", short=True),
    )
    data = df.copy()
    data["label"] = [
        (
            f"{fmt_int(p)} / {fmt_int(tg)} · {fmt_rate(r)}"
            + (t(f" · 差{fmt_int(g)}人", f" · {fmt_int(g)} to go") if g and g > 0 else "")
            + f"  {_status_label(s)}"
        )
        if pd.notna(tg)
        else f"{fmt_int(p)}  {_status_label(s)}"
        for p, tg, r, g, s in zip(
            data["placed"], data["target"], data["rate"], data["gap"], data["status"], strict=True
        )
    ]
    data["target"] = data["target"].astype("float64")
    data["end"] = data[["placed", "target"]].max(axis=1)
    order = data["township"].tolist()
    y = alt.Y("township:N", sort=order, title=None, axis=alt.Axis(labelFontSize=16))
    color = alt.Scale(domain=[target_l, placed_l, pace_l], range=[TARGET_GREY, theme.BLUE, PACE_BLACK])
    legend = alt.Legend(title=None, orient="top", symbolSize=200)
    tooltip = [
        alt.Tooltip("township:N", title=term("township")),
        alt.Tooltip("placed:Q", title=placed_l, format=","),
        alt.Tooltip("target:Q", title=target_l, format=","),
        alt.Tooltip("gap:Q", title=unit_header("employment_gap"), format=","),
        alt.Tooltip("pace:Q", title=pace_l, format=",.0f"),
        alt.Tooltip("short:Q", title=unit_header("short_of_pace"), format=","),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    x_title = unit_header("persons")
    measure = alt.Color("measure:N", scale=color, legend=legend)

    def layer(label: str) -> alt.Chart:
        # A constant field per layer gives the three marks one shared legend.
        return base.transform_calculate(measure=alt.expr.toString(label)).encode(color=measure)

    # Room on the right for the text after the longest bar.
    top = float(data["end"].max()) if data["end"].notna().any() and data["end"].max() > 0 else 1.0
    x = alt.X("target:Q", title=x_title, scale=alt.Scale(domain=[0, top * 1.55], nice=False))
    target = layer(target_l).mark_bar(size=26).encode(x=x)
    placed = layer(placed_l).mark_bar(size=12).encode(x="placed:Q")
    pace = layer(pace_l).mark_tick(thickness=3, size=32).encode(x="pace:Q")
    text = base.mark_text(align="left", dx=6, fontSize=14).encode(x="end:Q", text="label:N")
    return (target + placed + pace + text).properties(
        title=term("employment_target_chart", year=year),
        height=alt.Step(40),
    )


@cached
def cumulative_chart(cum: pd.DataFrame, *, year: int, target: int | None) -> alt.LayerChart:
    """Cumulative placements at month ends (solid, dots) and the pace at the same days (dashed): the
    county's one yardstick (monthly plan, last year's curve or the even pace), from 0 on 1 January."""
    placed_l, pace_l = (
        term("placed_cumulative"),
        term("pace_line"),
    )
    actual = cum.assign(series=placed_l, value=cum["placed"])[["date", "series", "value"]]
    frames = [actual]
    paced = cum.dropna(subset=["pace"])
    if target is not None and len(paced):
        start = pd.DataFrame({"date": [dt.date(year, 1, 1)], "series": pace_l, "value": [0.0]})
        frames += [start, paced.assign(series=pace_l, value=paced["pace"])[["date", "series", "value"]]]
    data = pd.concat(frames, ignore_index=True)
    data["date"] = pd.to_datetime(data["date"])
    scale = alt.Scale(domain=[placed_l, pace_l], range=[theme.BLUE, PACE_BLACK])
    dash = alt.Scale(domain=[placed_l, pace_l], range=[[1, 0], [6, 4]])
    # No axis title (the labels are months; the tooltip gives the day): the height goes to the plot. The
    # padding keeps the 1 January point of the pace off the y axis and its "0"; the ticks are the year's
    # twelve month starts (the padded domain would add the next year's January).
    months = [alt.DateTime(year=year, month=m, date=1) for m in range(1, 13)]
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(domain=[f"{year}-01-01", f"{year}-12-31"], padding=14),
        axis=alt.Axis(format="%m月" if t("zh", "en") == "zh" else "%b", values=months),
    )
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=unit_header("persons")),
            color=alt.Color("series:N", scale=scale, legend=line_legend()),
            strokeDash=alt.StrokeDash("series:N", scale=dash, legend=line_legend()),
            tooltip=[
                alt.Tooltip("date:T", title=term("date"), format="%Y-%m-%d"),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("value:Q", title=term("persons"), format=",.0f"),
            ],
        )
    )
    layers = [lines]
    if target is not None:
        rule = alt.Chart(pd.DataFrame({"target": [target]}))
        layers.append(rule.mark_rule(strokeDash=[2, 2], color=theme.GREY).encode(y="target:Q"))
        layers.append(
            rule.mark_text(align="left", dy=-8, x=4, color=theme.GREY, fontSize=14).encode(
                y="target:Q", text=alt.value(t(f"全年目标 {fmt_int(target)} 人", f"target {fmt_int(target)}"))
            )
        )
    # The whole chart (title, legend, axis labels) on screen: ≈ 260 px of it are the plot at any width.
    return alt.layer(*layers).properties(
        title=term("cumulative_chart", year=year),
        height=LINES_HEIGHT,
    )


@cached
def year_bars(
    df: pd.DataFrame, key: str, *, title: str, year: int, key_title: str, prev_label: str | None = None
) -> alt.LayerChart:
    """Horizontal bars: this year (blue) and the year before (grey) side by side, figures written on them.

    ``df`` has columns ``key``, persons, persons_prev; ``prev_label`` names the grey bars (default 上年同期).
    """
    now_l = term("year_n", year=year)
    prev_l = prev_label or term("same_date_of_year", year=year - 1)
    long = pd.concat(
        [
            df.assign(period=now_l, value=df["persons"]),
            df.assign(period=prev_l, value=df["persons_prev"]),
        ],
        ignore_index=True,
    )[[key, "period", "value"]]
    long["text"] = long["value"].map(fmt_int)
    order = df[key].tolist()
    enc = {
        "y": alt.Y(f"{key}:N", sort=order, title=key_title),
        "yOffset": alt.YOffset("period:N", sort=[now_l, prev_l]),
    }
    base = alt.Chart(long).encode(**enc)
    bars = base.mark_bar(size=14).encode(
        x=alt.X("value:Q", title=unit_header("persons")),
        color=alt.Color(
            "period:N",
            scale=alt.Scale(domain=[now_l, prev_l], range=[theme.BLUE, TARGET_GREY]),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=[
            alt.Tooltip(f"{key}:N", title=key_title),
            alt.Tooltip("period:N", title=" "),
            alt.Tooltip("value:Q", title=term("persons"), format=","),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(x="value:Q", text="text:N")
    return (bars + text).properties(title=title, height=alt.Step(16))


@cached
def simple_bars(
    df: pd.DataFrame,
    key: str,
    value: str,
    *,
    title: str,
    key_title: str | None = None,
    value_title: str | None = None,
    fmt=fmt_int,
) -> alt.LayerChart:
    """Horizontal bars of one value with the figure written at the end of each bar; the value's axis
    titled by its column header unless ``value_title`` says otherwise."""
    value_title = column_header(value) if value_title is None else value_title
    data = df[[key, value]].copy()
    data["text"] = data[value].map(fmt)
    base = alt.Chart(data).encode(y=alt.Y(f"{key}:N", sort=data[key].tolist(), title=key_title))
    bars = base.mark_bar(color=theme.BLUE, size=18).encode(
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[
            alt.Tooltip(f"{key}:N", title=key_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=","),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=14).encode(x=f"{value}:Q", text="text:N")
    return (bars + text).properties(title=title, height=alt.Step(30))
