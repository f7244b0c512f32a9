"""Figures with no ledger behind them (indicators), looked up by name and period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from lulong_data.columns import TableView
from lulong_data.county import name_of
from lulong_data.departments import full_name
from lulong_data.figures import Caveat, Figure, Period
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
    basis="period",
    department="各项指标的报送单位",
    frequency="按期",
    pages=("overview", "map", "welfare", "press"),
    phrases=(),
    scope="各部门报送、没有台账明细支撑的县级(或乡镇级)指标,如家庭医生签约团队数、城乡居民医保参保率",
    method="取所选指标的报送数值;指定所属期的取该期,未指定的取所属期不晚于所选日期的最新一期"
    "(年度数据按当年1月1日起算,同一年度既有年度数又有时点数的取时点数)",
    when="该指标报送的所属期(时点或年度)",
    definition_en="The value a department reported for the named indicator: for the given period, or the latest "
    "period starting on or before the date (a year counts from 1 January; a dated value wins over the year's).",
    datasets=("indicators",),
)
def indicator(
    b: Bundle,
    *,
    as_of: dt.date,
    name: str,
    period: str | int | None = None,
    township: str | None = None,
) -> Figure:
    t = indicator_rows(b, name, township)
    wanted = t.period == str(period) if period is not None else t.period_start <= as_of
    t = t.filter(wanted)
    # The latest period; a dated figure (2022-06-30) is newer than the annual one of its year (2022).
    latest = t.filter(t.period_start == t.period_start.max())
    if period is None:
        latest = latest.filter(latest.period.length() == latest.period.length().max())
    rows = b.execute(latest.select("period", "value", "unit", "department"))
    if rows.empty or rows["value"].isna().all():
        when = f"所属期{period}" if period is not None else f"截至{as_of.year}年{as_of.month}月{as_of.day}日"
        why = Caveat(
            "indicator_missing",
            f"“{name}”{when}没有报送数值。",
            f"No value of {name!r} reported {'for ' + str(period) if period is not None else 'by ' + as_of.isoformat()}.",
        )
        return Figure("indicator", None, Period.point(as_of), "period", missing=why)
    # Two rows for one period are a data-quality finding; answer deterministically rather than fail.
    row = rows.sort_values("value", na_position="first").iloc[-1]
    unit = None if pd.isna(row["unit"]) else str(row["unit"])
    dept = None if pd.isna(row["department"]) else full_name(str(row["department"]), name_of(b))
    return Figure(
        "indicator", float(row["value"]), period_of(str(row["period"])), "period", unit=unit, department=dept
    )


def period_of(text: str) -> Period:
    """The Period an indicator's ``period`` names: YYYY -> the year, YYYY-MM -> the month, a date -> that day."""
    if len(text) == 4:
        return Period.year(int(text))
    if len(text) == 7:
        return Period.month(int(text[:4]), int(text[5:7]))
    return Period.point(dt.date.fromisoformat(text[:10]))


# -- indicators panel of the 兜底保障与民生 page (issue #7) -------------------------------------------

PANEL_NOTE_ZH = "以下数字由各部门报送,没有台账明细支撑,仪表盘只展示不核算。"
PANEL_NOTE_EN = "These figures are reported by the departments; no ledger stands behind them, so the dashboard shows them but cannot recompute them."


def panel_rows(panel: pd.DataFrame) -> pd.DataFrame:
    """:func:`indicator_panel` for a table: each value as reported, with thousands separators and no
    trailing zeros (1,234.5), never rounded to the table's default digits."""
    return panel.assign(value=panel["value"].map(lambda v: f"{v:,.10g}"))


def indicator_panel(b: Bundle, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Every indicator's latest value on ``as_of``, chosen exactly as :func:`indicator` chooses it.

    Columns: indicator, value, period, unit, department (full name), period_text ("截至2022年6月30日");
    one row per indicator name, sorted by name.
    County rows (empty township_code) unless ``township`` is given.
    """
    t = b.table("indicators")
    t = t.filter(t.township_code.isnull() if township is None else t.township_code == str(township))
    t = t.mutate(period_start=period_start(t.period)).filter(lambda x: x.period_start <= as_of)
    df = b.execute(t.select("indicator", "period", "period_start", "value", "unit", "department"))
    cols = ["indicator", "value", "period", "unit", "department"]
    if df.empty:
        cols.append("period_text")
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c == "value" else "str") for c in cols})
    df["_len"] = df["period"].str.len()
    # Latest start, then the more precise period, then the larger value (ties as in indicator()).
    df = df.sort_values(["indicator", "period_start", "_len", "value"])
    out = df.drop_duplicates("indicator", keep="last").copy()
    # What a reader sees: the figure's own period in words and the reporting department's full name.
    out["period_text"] = [period_of(str(p)).text() for p in out["period"]]
    county = name_of(b)
    out["department"] = [full_name(None if pd.isna(d) else str(d), county) for d in out["department"]]
    return out[[*cols, "period_text"]].sort_values("indicator").reset_index(drop=True)


PANEL_TABLE = TableView(
    "indicators", ("indicator", "value", "unit", "period_text", "department"), table="indicators"
)
