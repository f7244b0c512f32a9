"""Figures with no ledger behind them (indicators), looked up by name and period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ibis

from lulong_data.metrics.places import scalar
from lulong_data.metrics.registry import metric

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle


def period_start(period: ibis.StringValue) -> ibis.DateValue:
    """First day of a period written YYYY, YYYY-MM or YYYY-MM-DD (NULL when unreadable)."""
    return ibis.cases(
        (period.length() == 4, period.concat("-01-01")),
        (period.length() == 7, period.concat("-01")),
        else_=period,
    ).try_cast("date")


def indicator_rows(b: Bundle, name: str, township: str | None = None) -> ibis.Table:
    """Rows of one indicator at county level (empty township_code) or for one township."""
    t = b.table("indicators")
    t = t.filter(t.indicator == name)
    scope = t.township_code.isnull() if township is None else t.township_code == str(township)
    return t.filter(scope).mutate(period_start=period_start(t.period))


@metric(
    "indicator",
    "其他指标",
    "indicator",
    "",  # the unit is the indicator row's own
    "各来源单位",
    "按期",
    "其他指标表中该指标名的县级数值(乡镇代码为空);指定 period 时取该期,否则取期间不晚于截至日期的最新一期"
    "(年度期间按当年1月1日计)。",
    "The county-level row (empty township_code) of the named indicator; with period= that period, else the "
    "latest period starting on or before as_of (a year counts from 1 January).",
    datasets=("indicators",),
)
def indicator(
    b: Bundle,
    *,
    as_of: dt.date,
    name: str,
    period: str | int | None = None,
    township: str | None = None,
) -> float | None:
    t = indicator_rows(b, name, township)
    wanted = t.period == str(period) if period is not None else t.period_start <= as_of
    t = t.filter(wanted)
    # The latest period; a dated figure (2022-06-30) is newer than the annual one of its year (2022).
    latest = t.filter(t.period_start == t.period_start.max())
    if period is None:
        latest = latest.filter(latest.period.length() == latest.period.length().max())
    # Two rows for one period are a data-quality finding; answer deterministically rather than fail.
    return scalar(b, latest.value.max())


# -- indicators panel of the 兜底保障与民生 page (issue #7) -------------------------------------------

import pandas as pd  # noqa: E402  (import of the appended section)

PANEL_NOTE_ZH = "以下数字由各部门报送,没有台账明细支撑,仪表盘只展示不核算。"
PANEL_NOTE_EN = "These figures are reported by the departments; no ledger stands behind them, so the dashboard shows them but cannot recompute them."


def indicator_panel(b: Bundle, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Every indicator's latest value on ``as_of``, chosen exactly as :func:`indicator` chooses it.

    Columns: indicator, value, period, unit, department; one row per indicator name, sorted by name.
    County rows (empty township_code) unless ``township`` is given.
    """
    t = b.table("indicators")
    t = t.filter(t.township_code.isnull() if township is None else t.township_code == str(township))
    t = t.mutate(period_start=period_start(t.period)).filter(lambda x: x.period_start <= as_of)
    df = b.execute(t.select("indicator", "period", "period_start", "value", "unit", "department"))
    cols = ["indicator", "value", "period", "unit", "department"]
    if df.empty:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c == "value" else "str") for c in cols})
    df["_len"] = df["period"].str.len()
    # Latest start, then the more precise period, then the larger value (ties as in indicator()).
    df = df.sort_values(["indicator", "period_start", "_len", "value"])
    out = df.drop_duplicates("indicator", keep="last")
    return out[cols].sort_values("indicator").reset_index(drop=True)
