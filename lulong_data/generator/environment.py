"""Rural living-environment inspections (人居环境月度评分) behind the monthly 红黑榜.

Every 村委会 is inspected once a month from 2021-01 to the as_of month by the county team, township by
township on consecutive working days. A village's score is a township effect plus a village effect plus
a seasonal effect (frozen pipes and toilets in winter, garbage in the summer heat) plus noise, on a slow
upward trend (the "四季行动" campaign). Planted for the dashboard:

- the press conference's showcase villages (鲍子沟村, 北花台村, 毕家窝铺村) are among the best every month;
- a few persistent laggards sit at the bottom of the last months, so the 约谈 rule (black list two months
  running) triggers in the as_of month;
- about 0.3% of inspections carry a veto finding;
- one month has a tie at the edge of the red list (10th and 11th place share a total, upkeep decides).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS
from lulong_data.generator.context import Context
from lulong_data.workdays import is_workday

# Item maxima, in tenths of a point (scores are kept as integer tenths so sums are exact).
ITEMS = ("garbage", "toilets", "sewage", "appearance", "upkeep")
MAXIMA = np.array([250, 200, 150, 250, 150])

# Villages the press conference names: 鲍子沟村 (省美丽休闲乡村), 北花台村 (省级森林乡村), 毕家窝铺村 (节点景观).
SHOWCASE = ("130324108227", "130324102226", "130324109212")
N_LAGGARDS = 4
LAGGARD_MONTHS = 3  # black-listed in each of the last 3 months
TIE_PERIOD = "2022-05"
RED_SIZE = 10
BLACK_SIZE = 10

VETO_NOTES = (
    "发现黑臭水体",
    "被市级暗访通报",
    "垃圾集中堆放未清理",
    "被省级督导检查通报",
    "河道内倾倒建筑垃圾",
)
ITEM_NOTES = {
    "garbage": ("村内垃圾清运不及时", "坑塘沟渠有漂浮垃圾", "垃圾箱满溢未清运", "村边路边有积存垃圾"),
    "toilets": ("厕所粪污未及时清掏", "户厕冬季冻堵未修复", "公厕卫生脏乱", "改厕后户厕闲置未使用"),
    "sewage": ("生活污水随意泼洒", "排水沟渠堵塞", "污水管网井盖破损", "街道污水横流"),
    "appearance": ("村内残垣断壁未清理", "柴草乱堆乱放", "乱贴乱画未清除", "建筑垃圾占道"),
    "upkeep": ("保洁员在岗不到位", "管护制度未落实", "绿化苗木缺株未补植", "公共设施损坏未维修"),
}
# Seasonal effect per item (fraction of the item's maximum) by calendar month 1..12.
_WINTER = {12: -0.07, 1: -0.09, 2: -0.07, 3: -0.03}
_SUMMER = {6: -0.03, 7: -0.06, 8: -0.05}


def _season(item: str, month: int) -> float:
    if item in ("toilets", "sewage"):
        return _WINTER.get(month, 0.0)
    if item == "garbage":
        return _SUMMER.get(month, 0.0) + (-0.02 if month == 2 else 0.0)  # 春节 fireworks and litter
    if item == "appearance":
        return -0.02 if month in (1, 2, 12) else 0.0  # 柴草 piles for winter heating
    return 0.0


def periods(ctx: Context) -> list[date]:
    """First days of the inspected months, start .. as_of month."""
    out, d = [], date(ctx.start.year, ctx.start.month, 1)
    while d <= ctx.as_of:
        out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def _workdays(first: date, last: date) -> list[date]:
    days, d = [], first
    while d <= last:
        if is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    return days


def make(ctx: Context, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    rng = ctx.rng("environment")
    villages = frames["villages"]
    villages = villages[villages["kind"] == "村委会"].sort_values("village_code").reset_index(drop=True)
    codes = villages["village_code"].to_numpy()
    towns = villages["township_code"].to_numpy()
    n = len(codes)
    town_list = sorted(set(towns))

    # Quality as a fraction of the maximum. Township effect + village effect (+ item-specific bits).
    town_effect = dict(zip(town_list, rng.normal(0.0, 0.018, len(town_list)), strict=True))
    base = 0.85 + np.array([town_effect[t] for t in towns]) + rng.normal(0.0, 0.028, n)
    item_bias = rng.normal(0.0, 0.025, (n, len(ITEMS)))
    show = np.isin(codes, SHOWCASE)
    base[show] = 0.98
    item_bias[show] = np.abs(item_bias[show]) * 0.2

    # Laggards: below-average villages (not showcase, not town streets) that slid in the last months.
    candidates = np.flatnonzero(~show & (base < np.quantile(base, 0.25)))
    laggards = np.sort(rng.choice(candidates, N_LAGGARDS, replace=False))
    months = periods(ctx)
    n_months = len(months)

    rows = []
    # Villages black-listed last month rectify under the township's supervision (整改): a lift this month.
    rectify = np.zeros(n)
    for m_index, first in enumerate(months):
        period = first.strftime("%Y-%m")
        last = date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)
        last = min(last, ctx.as_of - timedelta(days=1))
        days = _workdays(first + timedelta(days=7), last)
        trend = 0.03 * m_index / max(n_months - 1, 1)
        season = np.array([_season(item, first.month) for item in ITEMS])
        noise = rng.normal(0.0, 0.03, (n, len(ITEMS)))
        frac = base[:, None] + item_bias + season[None, :] + trend + rectify[:, None] + noise
        frac[show] = np.clip(0.978 + rng.normal(0.0, 0.012, (int(show.sum()), len(ITEMS))), 0.94, 1.0)
        if m_index >= n_months - LAGGARD_MONTHS:
            frac[laggards] = 0.62 + rng.normal(0.0, 0.04, (N_LAGGARDS, len(ITEMS)))
        frac = np.clip(frac, 0.30, 1.0)
        # Scores to one decimal.
        tenths = np.round(frac * MAXIMA[None, :]).astype(np.int64)
        tenths = np.minimum(tenths, MAXIMA[None, :])

        # Inspection days: each township on a start day, its villages over up to 3 working days.
        start_index = {t: int(rng.integers(0, max(len(days) - 3, 1))) for t in town_list}
        offsets = rng.integers(0, 3, n)
        inspected = [
            days[min(start_index[t] + int(o), len(days) - 1)] for t, o in zip(towns, offsets, strict=True)
        ]

        # Vetoes: about 0.3% of inspections, never in the showcase villages or the planted laggards.
        veto = (rng.random(n) < 0.0035) & ~show
        veto[laggards] = False
        tenths[veto, 0] = np.maximum(tenths[veto, 0] - 50, 0)
        tenths[veto, 3] = np.maximum(tenths[veto, 3] - 30, 0)

        _set_red_edge(tenths, veto, tie=period == TIE_PERIOD)

        totals = tenths.sum(axis=1)
        black = np.argsort(totals, kind="stable")[:BLACK_SIZE]
        rectify = np.zeros(n)
        rectify[black] = 0.04
        rectify[veto] = 0.05
        low_line = np.sort(totals)[int(0.06 * n)]
        for i in range(n):
            note = None
            if veto[i]:
                note = VETO_NOTES[int(rng.integers(0, len(VETO_NOTES)))]
            elif totals[i] <= low_line:
                worst = int(np.argmin(tenths[i] / MAXIMA))
                options = ITEM_NOTES[ITEMS[worst]]
                note = options[int(rng.integers(0, len(options)))]
            rows.append(
                (
                    period,
                    codes[i],
                    inspected[i],
                    *(tenths[i] / 10.0).tolist(),
                    bool(veto[i]),
                    note,
                )
            )

    columns = [c.name for c in DATASETS["environment_scores"].columns]
    scores = pd.DataFrame(rows, columns=columns)
    _check(scores, codes[laggards], ctx)
    return {"environment_scores": scores}


def _set_red_edge(tenths: np.ndarray, veto: np.ndarray, *, tie: bool) -> None:
    """Tie month: the 10th and 11th best non-veto totals are equal, with different upkeep (the
    tie-break decides). Other months: no tie at the edge (the 11th is lowered by 0.1 if needed)."""
    while True:
        totals = tenths.sum(axis=1)
        order = [i for i in np.argsort(-totals, kind="stable") if not veto[i]]
        tenth, eleventh, twelfth = order[RED_SIZE - 1], order[RED_SIZE], order[RED_SIZE + 1]
        if tie or totals[tenth] != totals[eleventh]:
            break
        tenths[eleventh, int(np.argmax(tenths[eleventh]))] -= 1
    if not tie:
        return
    if totals[eleventh] == totals[twelfth]:
        tenths[twelfth, int(np.argmax(tenths[twelfth]))] -= 1
    gap = int(totals[tenth] - totals[eleventh])
    # Lift the 11th by the gap through items with headroom, keeping upkeep different from the 10th's.
    for item in (3, 0, 1, 2, 4):
        room = int(MAXIMA[item] - tenths[eleventh, item])
        step = min(room, gap)
        tenths[eleventh, item] += step
        gap -= step
        if gap == 0:
            break
    if tenths[eleventh, 4] == tenths[tenth, 4] and tenths[eleventh, 3] < MAXIMA[3]:
        tenths[eleventh, 4] -= 1
        tenths[eleventh, 3] += 1


def _check(scores: pd.DataFrame, laggards: np.ndarray, ctx: Context) -> None:
    """The planted patterns are there (the generator stops rather than write a sample without them)."""
    df = scores.copy()
    df["total"] = df[list(ITEMS)].sum(axis=1).round(1)
    last_periods = sorted(df["period"].unique())[-LAGGARD_MONTHS:]
    for period, month in df.groupby("period"):
        ranked = month[~month["veto"]].sort_values("total", ascending=False)
        if period == TIE_PERIOD:
            top = ranked["total"].to_numpy()
            assert top[RED_SIZE - 1] == top[RED_SIZE] > top[RED_SIZE + 1], (
                f"no tie at the red edge in {period}"
            )
        else:
            top = ranked["total"].to_numpy()
            assert top[RED_SIZE - 1] > top[RED_SIZE], f"unplanned tie at the red edge in {period}"
        bottom = set(month.nsmallest(BLACK_SIZE, "total")["village_code"])
        red = set(ranked.head(RED_SIZE + 1)["village_code"])
        assert sum(code in red for code in SHOWCASE) >= 2, f"showcase villages not on top in {period}"
        if period in last_periods:
            assert set(laggards) <= bottom, f"laggards not black-listed in {period}"
    assert (pd.to_datetime(df["inspected_on"]) < pd.Timestamp(ctx.as_of)).all()
    # The 约谈 rule in the as_of month: black-listed this month and last month.
    lists = {}
    for period in last_periods[-2:]:
        month = df[df["period"] == period]
        lists[period] = set(month.nsmallest(BLACK_SIZE, "total")["village_code"]) | set(
            month.loc[month["veto"], "village_code"]
        )
    talks = lists[last_periods[-2]] & lists[last_periods[-1]]
    assert set(laggards) <= talks and len(talks) <= 5, sorted(talks)
