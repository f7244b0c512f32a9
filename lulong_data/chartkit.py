"""The press kit's charts, ready for print and slides (issue 19, item 6). No Streamlit.

Every chart is titled with the county and the period ("卢龙县2022年7月人居环境红黑榜"), counts sit on
whole-number axes, months read 2022年7月, and each has a short name for a Chinese file name
(卢龙县_就业目标完成情况_2022-07-26.png). Aggregates only: county and townships, never villages or households.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from lulong_data.county import name_of
from lulong_data.glossary import term
from lulong_data.images import COUNT_UNITS

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

BLUE, GREY, ORANGE, GREEN, VERMILLION, BLACK = (
    "#0072B2",
    "#999999",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#000000",
)
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # not allowed (or awkward) in a Windows file name

# A legend entry drawn as a short stretch of its series' line: an SVG path in Vega's unit square (-1..1),
# stroked in the series' colour and dash. Vega's default for a line is a dot, and a dashed dot read as a
# club suit.
LINE_SYMBOL = "M-1,0H1"


@dataclass(frozen=True)
class KitChart:
    """One chart of the kit: the Altair chart and what its picture, slide and file are called."""

    key: str  # stable: employment, progress, monitoring, environment
    title: str  # 卢龙县2022年7月人居环境红黑榜
    name: str  # short name for the file: 人居环境红黑榜
    unit: str
    source: str  # the department's full name
    chart: alt.TopLevelMixin
    schematic: bool = False


def file_name(county: str, name: str, as_of: dt.date, ext: str) -> str:
    """卢龙县_就业目标完成情况_2022-07-26.png (characters Windows refuses are dropped)."""
    name = _UNSAFE.sub("", name) or "图表"
    return f"{_UNSAFE.sub('', county)}_{name}_{as_of.isoformat()}.{ext}"


def short_name(title: str, county: str = "") -> str:
    """A title without its county and period, for a file name: 卢龙县2022年7月人居环境红黑榜 -> 人居环境红黑榜."""
    text = title.removeprefix(county) if county else title
    text = re.sub(r"^(?:(?:19|20)\d{2}年(?:\d{1,2}月)?|(?:19|20)\d{2}-\d{2}|\d{1,2}月)\s*", "", text)
    text = re.sub(r"[((][^))]*[))]$", "", text)
    return _UNSAFE.sub("", text).strip("_") or "图表"


def _count_axis(unit: str) -> alt.Axis:
    return alt.Axis(tickMinStep=1, format=",d") if unit in COUNT_UNITS else alt.Axis()


def grouped_bars(
    df: pd.DataFrame, y: str, fields: dict[str, str], *, colors: list[str], unit: str, title: str = ""
) -> alt.LayerChart:
    """Horizontal bars, one row per ``y`` and one bar per field; value labels; whole-number axis for counts."""
    long = df.melt(id_vars=[y], value_vars=list(fields), var_name="key", value_name="value")
    long["series"] = long["key"].map(fields)
    order = list(df[y])
    axis = _count_axis(unit)
    base = alt.Chart(long).encode(
        y=alt.Y(f"{y}:N", sort=order, title=None),
        yOffset=alt.YOffset("series:N", sort=list(fields.values())),
        x=alt.X("value:Q", title=None, axis=axis),  # the unit is in the title block
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "series:N",
            sort=list(fields.values()),
            scale=alt.Scale(range=colors),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=[
            alt.Tooltip(f"{y}:N"),
            alt.Tooltip("series:N", title=""),
            alt.Tooltip("value:Q", format=","),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=12).encode(text=alt.Text("value:Q", format=","))
    chart = alt.layer(bars, labels).properties(height=max(220, 46 * len(order)))
    return chart.properties(title=title) if title else chart


# Height of a line chart of months on screen (Streamlit fits title, legend and axis labels into it): about
# 260 px of plot, which a projector room reads; 340 left 150 px.
LINES_HEIGHT = 430


def line_legend() -> alt.Legend:
    """The legend of lines told apart by colour and dash, each entry a short stretch of its line (solid,
    dashed, dotted). Give it to both the colour and the strokeDash channel, with the same scale domain:
    Vega-Lite then draws one legend carrying both (with different domains it draws two, dash in black)."""
    return alt.Legend(title=None, orient="top", symbolType=LINE_SYMBOL, symbolSize=900, symbolStrokeWidth=3)


def progress_line(df: pd.DataFrame, *, placed: str, pace: str, unit: str) -> alt.Chart:
    """Cumulative placements at each month's end against the straight-line pace, one point per month
    labelled 2022年7月 (the last month as far as the data go)."""
    long = df.melt(id_vars=["date"], value_vars=["placed", "pace"], var_name="key", value_name="value")
    long = long.dropna(subset=["value"])
    long["value"] = long["value"].astype(float).round(0)  # the pace is a whole number of persons
    long["series"] = long["key"].map({"placed": placed, "pace": pace})
    long["month"] = [f"{d.year}年{d.month}月" for d in pd.to_datetime(long["date"])]
    months = list(dict.fromkeys(long.sort_values("date")["month"]))
    series = [placed, pace]
    return (
        alt.Chart(long.drop(columns=["date"]))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", sort=months, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None, axis=_count_axis(unit)),
            color=alt.Color(
                "series:N", scale=alt.Scale(domain=series, range=[BLUE, GREY]), legend=line_legend()
            ),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series), legend=line_legend()),
            tooltip=[
                alt.Tooltip("month:O", title=""),
                alt.Tooltip("series:N", title=""),
                alt.Tooltip("value:Q", format=",.0f"),
            ],
        )
        .properties(height=LINES_HEIGHT - 50)  # no title in the chart: ≈ 265 px of plot on screen
    )


def _source(b: Bundle, metric: str) -> str:
    from lulong_data.briefing import department_of

    return department_of(b, metric)


def press_charts(b: Bundle, as_of: dt.date, lang: str = "zh") -> list[KitChart]:
    """The kit's charts at ``as_of`` (a chart whose data are missing is left out)."""
    from lulong_data import briefing
    from lulong_data.metrics.employment import employment_cumulative

    en = lang == "en"
    county = name_of(b, lang)
    y = as_of.year
    out: list[KitChart] = []
    if b.has("employment") and b.has("employment_targets"):
        emp = briefing.employment_by_township(b, as_of)
        if not emp.empty:
            unit = "persons" if en else "人"
            out.append(
                KitChart(
                    "employment",
                    f"{county}: employment and target by township, {y}"
                    if en
                    else f"{county}{y}年各乡镇脱贫劳动力就业与目标任务",
                    "employment_by_township" if en else "就业目标完成情况",
                    unit,
                    _source(b, "employment_placed"),
                    grouped_bars(
                        emp,
                        "township",
                        {"placed": "placed" if en else "已就业", "target": "target" if en else "目标任务"},
                        colors=[BLUE, GREY],
                        unit="人" if not en else unit,
                    ),
                )
            )
        cum = employment_cumulative(b, as_of=as_of, year=y)
        if len(cum):
            out.append(
                KitChart(
                    "progress",
                    f"{county}: employment progress, {y}" if en else f"{county}{y}年脱贫劳动力就业进度",
                    "employment_progress" if en else "就业进度",
                    "persons" if en else "人",
                    _source(b, "employment_placed"),
                    progress_line(
                        cum,
                        placed="placed (cumulative)" if en else "累计就业",
                        pace="target pro rata" if en else "目标序时进度",
                        unit="persons" if en else "人",
                    ),
                )
            )
    if b.has("monitoring_cases"):
        mon = briefing.monitoring_by_category(b, as_of)
        if not mon.empty:
            out.append(
                KitChart(
                    "monitoring",
                    f"{county}: households under monitoring by category"
                    if en
                    else f"{county}防返贫监测对象分类情况(截至{as_of.year}年{as_of.month}月{as_of.day}日)",
                    "monitoring_by_category" if en else "防返贫监测对象分类情况",
                    "households" if en else "户",
                    _source(b, "monitored_households"),
                    grouped_bars(
                        mon,
                        "category",
                        {
                            # the glossary's two states of a 监测对象, in its order
                            "monitored_households": term("monitored_households", lang, short=True),
                            "eliminated_households": term("eliminated_households", lang, short=True),
                        },
                        colors=[ORANGE, GREEN],
                        unit="户",
                    ),
                )
            )
    if b.has("environment_scores"):
        period, env = briefing.env_lists_by_township(b, as_of)
        if period is not None:
            ym = f"{int(period[:4])}年{int(period[5:])}月"
            out.append(
                KitChart(
                    "environment",
                    f"{county}: red and black list villages by township, {period}"
                    if en
                    else f"{county}{ym}人居环境红黑榜",
                    "red_black_list" if en else "人居环境红黑榜",
                    "villages" if en else "个村",
                    _source(b, "env_red_villages"),
                    grouped_bars(
                        env,
                        "township",
                        {"red": "red list" if en else "红榜", "black": "black list" if en else "黑榜"},
                        colors=[VERMILLION, BLACK],
                        unit="个村",
                    ),
                )
            )
    return out
