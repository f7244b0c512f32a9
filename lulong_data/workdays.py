"""Working-day calendar: the State Council holiday schedule, adjusted working days (调休) included.

Deadlines such as "contact within 1 working day of approval" are counted in this calendar. The data come
from the ``chinesecalendar`` package, which knows only the years the State Council has announced; for any
other year we raise :class:`CalendarNotCovered` rather than guess, because treating a holiday as a working
day would silently mark households overdue (or the reverse).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

__all__ = ["CalendarNotCovered", "add_workdays", "deadline", "is_workday", "workdays_between"]


class CalendarNotCovered(ValueError):
    """The holiday schedule of ``year`` is not known to the installed calendar."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排不在工作日历中(请升级 chinesecalendar) / "
            f"the holiday schedule of {year} is not covered by the working-day calendar "
            "(upgrade chinesecalendar)"
        )


def _as_date(d: dt.date | dt.datetime) -> dt.date:
    # pandas Timestamps and datetimes are dates too; drop the time so comparisons are by day.
    return d.date() if isinstance(d, dt.datetime) else d


def is_workday(d: dt.date) -> bool:
    """True if ``d`` is a working day (a weekday that is no holiday, or an adjusted working day)."""
    d = _as_date(d)
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        raise CalendarNotCovered(d.year) from None


def add_workdays(d: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``d`` (``d`` itself is not counted; n = 0 gives ``d``)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    d = _as_date(d)
    while n > 0:
        d += dt.timedelta(days=1)
        if is_workday(d):
            n -= 1
    return d


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b``; 0 if ``b <= a``."""
    a, b = _as_date(a), _as_date(b)
    count = 0
    d = a
    while d < b:
        d += dt.timedelta(days=1)
        if is_workday(d):
            count += 1
    return count


def deadline(d: dt.date, n: int) -> dt.date:
    """Last day on which something due ``n`` working days after ``d`` is still on time."""
    return add_workdays(d, n)
