"""What changed between two meetings (周调度): households newly approved for monitoring and households whose
risk was eliminated in the meeting's period — the comparison date excluded, the data date included.

Registered figures (flows) so that the dispatch page, its projector view, the paper and 本周要点 print
registry names: ``newly_monitored_households`` and ``newly_eliminated_households``. ``since`` is the
comparison date (the day before the period begins); without it the period is 1 January .. as_of. The
by-township form is one pass over the cases (lulong_data.dispatch's township table). Never imports
streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data.departments import FANGPIN
from lulong_data.figures import Figure, Period
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics.registry import grouped, metric

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

NEW, ELIMINATED = "newly_monitored_households", "newly_eliminated_households"
_DATE = {NEW: "approved_on", ELIMINATED: "eliminated_on"}
_WHEN = "对比日期次日至所选日期(未指定对比日期的,为所选日期所在年度1月1日至所选日期)"


def period(as_of: dt.date, since: dt.date | None = None) -> Period:
    """(since, as_of]: the day after the comparison date to the data date; 1 January .. as_of without one."""
    start = since + dt.timedelta(days=1) if since is not None else dt.date(as_of.year, 1, 1)
    return Period(min(start, as_of), as_of)


def households_in_period(
    b: Bundle, *, as_of: dt.date, since: dt.date | None, name: str, township: str | None = None
) -> pd.Series:
    """Distinct households per township_code whose approval (``NEW``) or risk elimination (``ELIMINATED``)
    falls in the period."""
    cases = mon.cases(b, as_of=as_of, township=township)
    p = period(as_of, since)
    on = cases[_DATE[name]]
    hit = cases[(on >= pd.Timestamp(p.start)) & (on <= pd.Timestamp(p.end))]
    return hit.groupby("township_code")["household_id"].nunique()


def _figure(b: Bundle, name: str, as_of: dt.date, since: dt.date | None, township: str | None) -> Figure:
    counts = households_in_period(b, as_of=as_of, since=since, name=name, township=township)
    return Figure(name, int(counts.sum()), period(as_of, since), "flow")


@metric(
    NEW,
    basis="flow",
    department=FANGPIN,
    frequency="周",
    pages=("dispatch",),
    phrases=("本期新纳入监测",),
    scope="全县(或所选乡镇)在统计时段内经县级审定、新纳入防止返贫动态监测的对象",
    method="以县级审定日期为准,按户计数;同一户只计1户",
    when=_WHEN,
    definition_en="Households approved at county level for monitoring in the period (from the day after the "
    "comparison date to the date), each counted once.",
)
def newly_monitored_households(
    b: Bundle, *, as_of: dt.date, since: dt.date | None = None, township: str | None = None
) -> Figure:
    return _figure(b, NEW, as_of, since, township)


@metric(
    ELIMINATED,
    basis="flow",
    department=FANGPIN,
    frequency="周",
    pages=("dispatch",),
    phrases=("本期消除风险",),
    scope="全县(或所选乡镇)在统计时段内标注风险消除的防止返贫监测对象",
    method="以风险消除日期为准,按户计数;同一户只计1户",
    when=_WHEN,
    definition_en="Households marked risk-eliminated in the period (from the day after the comparison date "
    "to the date), each counted once.",
)
def newly_eliminated_households(
    b: Bundle, *, as_of: dt.date, since: dt.date | None = None, township: str | None = None
) -> Figure:
    return _figure(b, ELIMINATED, as_of, since, township)


@grouped(NEW, ELIMINATED, zero=(NEW, ELIMINATED))
def by_township(b: Bundle, *, as_of: dt.date, since: dt.date | None = None) -> pd.DataFrame:
    """Both flows for every township at once (index township_code)."""
    return (
        pd.DataFrame(
            {name: households_in_period(b, as_of=as_of, since=since, name=name) for name in (NEW, ELIMINATED)}
        )
        .fillna(0)
        .astype("int64")
    )
