"""Working-day calendar: the State Council holiday schedule, adjusted working days (调休) included.

Deadlines such as "contact within 1 working day of approval" are counted in this calendar. A data folder's
calendar (:func:`calendar_of`) takes, for each year:

1. the folder's ``holidays`` table (节假日安排), for every year it has a date of — the data office adds a
   new year from the State Council notice, often published in November or December, after the package;
2. else the ``chinesecalendar`` package, for the years it knows;
3. else an estimate: Monday to Friday are working days. Nothing is ever raised for a date; every figure,
   list and export computed with an estimated year says so (:meth:`WorkCalendar.caveat`,
   "2027年节假日安排未导入,按周一至周五估算。").

The module-level functions use the packaged calendar alone (chinesecalendar, else the estimate).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import chinese_calendar
import pandas as pd

from lulong_data import messages
from lulong_data.contract import Problem

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.figures import Caveat

__all__ = [
    "CALENDAR_ESTIMATED",
    "CalendarNotCovered",
    "WorkCalendar",
    "add_workdays",
    "calendar_of",
    "coverage_problems",
    "deadline",
    "is_workday",
    "workdays_between",
]

CALENDAR_ESTIMATED = "calendar_estimated"  # the caveat's code
TABLE, PACKAGE, ESTIMATE = "holidays", "chinesecalendar", "estimate"  # where a year's schedule comes from
COVERAGE_DAYS = 30  # `check` warns when a day of the next 30 after the as-of date is not covered


class CalendarNotCovered(ValueError):
    """Kept for callers written before the estimate existed; the calendar no longer raises it."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排不在工作日历中 / the holiday schedule of {year} is not covered"
        )


def _as_date(d: dt.date | dt.datetime) -> dt.date:
    # pandas Timestamps and datetimes are dates too; drop the time so comparisons are by day.
    return d.date() if isinstance(d, dt.datetime) else d


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """True if the installed chinesecalendar knows the State Council schedule of ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def caveat_for(years: Iterable[int]) -> Caveat | None:
    """The note for deadlines counted on weekdays for want of a schedule (None when ``years`` is empty)."""
    from lulong_data.figures import Caveat

    years = sorted(set(years))
    if not years:
        return None
    zh_years = "、".join(f"{y}年" for y in years)
    en_years = ", ".join(str(y) for y in years)
    return Caveat(
        CALENDAR_ESTIMATED,
        f"{zh_years}节假日安排未导入,按周一至周五估算。",
        f"The holiday schedule of {en_years} has not been imported; working days are estimated as Monday "
        "to Friday.",
    )


class WorkCalendar:
    """The working days of one data folder (see the module docstring); never raises for a date."""

    def __init__(self, holidays: pd.DataFrame | None = None) -> None:
        days: dict[dt.date, bool] = {}
        if holidays is not None and len(holidays):
            rows = holidays.dropna(subset=["date", "kind"])
            for day, kind in zip(pd.to_datetime(rows["date"]).dt.date, rows["kind"], strict=True):
                days[day] = kind == "班"  # 班 = an adjusted working day, 休 = a day off
        self._days = days
        self.table_years = frozenset(d.year for d in days)
        self._cache: dict[dt.date, bool] = {}

    def source(self, year: int) -> str:
        """Where the schedule of ``year`` comes from: "holidays", "chinesecalendar" or "estimate"."""
        if year in self.table_years:
            return TABLE
        return PACKAGE if package_covers(year) else ESTIMATE

    def estimated(self, years: Iterable[int]) -> list[int]:
        """The years among ``years`` whose working days are only estimated (Monday to Friday)."""
        return sorted({int(y) for y in years if self.source(int(y)) == ESTIMATE})

    def caveat(self, years: Iterable[int]) -> Caveat | None:
        """The estimate note for the estimated years among ``years``, or None."""
        return caveat_for(self.estimated(years))

    def is_workday(self, d: dt.date) -> bool:
        d = _as_date(d)
        hit = self._cache.get(d)
        if hit is None:
            hit = self._cache[d] = self._is_workday(d)
        return hit

    def _is_workday(self, d: dt.date) -> bool:
        source = self.source(d.year)
        if source == TABLE:
            return self._days.get(d, d.weekday() < 5)
        if source == PACKAGE:
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``d`` (``d`` itself is not counted; n = 0 gives ``d``)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = _as_date(d)
        while n > 0:
            d += dt.timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b``; 0 if ``b <= a``."""
        a, b = _as_date(a), _as_date(b)
        count, d = 0, a
        while d < b:
            d += dt.timedelta(days=1)
            if self.is_workday(d):
                count += 1
        return count

    def uncovered(self, as_of: dt.date, days: int = COVERAGE_DAYS) -> list[int]:
        """Years of ``as_of`` and of the ``days`` after it whose schedule nobody supplied."""
        as_of = _as_date(as_of)
        return self.estimated({as_of.year, (as_of + dt.timedelta(days=days)).year})


PACKAGED = WorkCalendar()
_BY_BUNDLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def calendar_of(b: Bundle | None) -> WorkCalendar:
    """The calendar of a data folder: its ``holidays`` table first (kept per bundle; bundles are immutable)."""
    if b is None:
        return PACKAGED
    cal = _BY_BUNDLE.get(b)
    if cal is None:
        frame = b.frames.get("holidays") if hasattr(b, "frames") else None
        cal = PACKAGED if frame is None or frame.empty else WorkCalendar(frame)
        _BY_BUNDLE[b] = cal
    return cal


def coverage_problems(
    holidays: pd.DataFrame | None, as_of: dt.date | None, file: str = "holidays.csv"
) -> list[Problem]:
    """A warning for each year of the data's as-of date and the 30 days after it that neither the folder's
    holidays table nor chinesecalendar covers (the data office should add it from the State Council notice)."""
    if as_of is None:
        return []
    cal = WorkCalendar(holidays) if holidays is not None and len(holidays) else PACKAGED
    return [
        messages.make(
            "calendar_not_covered",
            file,
            severity="warning",
            year=str(year),
            as_of=_as_date(as_of).isoformat(),
            days=str(COVERAGE_DAYS),
        )
        for year in cal.uncovered(as_of)
    ]


# -- the packaged calendar, for code that has no data folder -------------------------------------------


def is_workday(d: dt.date) -> bool:
    """True if ``d`` is a working day (a weekday that is no holiday, or an adjusted working day)."""
    return PACKAGED.is_workday(d)


def add_workdays(d: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``d`` (``d`` itself is not counted; n = 0 gives ``d``)."""
    return PACKAGED.add_workdays(d, n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b``; 0 if ``b <= a``."""
    return PACKAGED.workdays_between(a, b)


def deadline(d: dt.date, n: int) -> dt.date:
    """Last day on which something due ``n`` working days after ``d`` is still on time."""
    return add_workdays(d, n)
