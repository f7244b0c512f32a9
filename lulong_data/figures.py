"""A metric's result: its value, the period the value stands for, its basis and caveats.

Every figure the dashboard shows, exports or writes into a press text is a :class:`Figure`, so it carries
its own date: an indicator reported for 30 June reads "截至2022年6月30日" even on a page dated 26 July,
and a year-to-date count says which days it covers. See docs/architecture.md and
``lulong_data.metrics.registry.evaluate``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

__all__ = [
    "BASES",
    "Basis",
    "Caveat",
    "Figure",
    "Period",
    "period_end",
    "periods_text",
    "same_day_year_before",
]

Basis = Literal["stock", "flow", "ytd", "full_year", "period"]
# stock: a point in time ("截至 end"); flow: events in the period; ytd: 1 January .. as_of;
# full_year: a whole calendar year; period: a value reported for a period (an indicator, a list month).
BASES: tuple[str, ...] = ("stock", "flow", "ytd", "full_year", "period")


def same_day_year_before(d: dt.date) -> dt.date:
    """上年同期: the same calendar day one year earlier (29 February -> 28 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def period_end(as_of: dt.date, year: int) -> dt.date:
    """The last day a figure of ``year`` read at ``as_of`` stands for: ``as_of`` within the year, 31 December
    once the year is over. A yearly figure takes its rows *and its scope* (who counts, e.g. who had become a
    监测对象) as of this day, so a past year's figure is the same at whatever later date it is read."""
    return min(as_of, dt.date(int(year), 12, 31))


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _en(d: dt.date) -> str:
    return f"{d.day} {calendar.month_abbr[d.month]} {d.year}"


@dataclass(frozen=True)
class Period:
    """The days a value stands for: ``start`` .. ``end`` inclusive, or the point ``end`` (``start=None``)."""

    start: dt.date | None  # None = a point in time (a stock "截至 end")
    end: dt.date  # the last day the value stands for

    def __post_init__(self) -> None:
        if self.start is not None and self.start > self.end:
            raise ValueError(f"period starts after it ends: {self.start} > {self.end}")

    # -- constructors -----------------------------------------------------------------------------
    @classmethod
    def point(cls, day: dt.date) -> Period:
        return cls(None, day)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(int(year), 1, 1), dt.date(int(year), 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(int(year), int(month), 1)
        return cls(first, _month_end(first))

    @classmethod
    def year_to_date(cls, as_of: dt.date, year: int | None = None) -> Period:
        """1 January of ``year`` (default ``as_of``'s) through ``as_of``, or the whole year once it is over.

        A year that has not begun on ``as_of`` has no days yet: ValueError (the caller reports it missing).
        """
        year = as_of.year if year is None else int(year)
        start = dt.date(year, 1, 1)
        if as_of < start:
            raise ValueError(f"{year} has not begun on {as_of}")
        return cls(start, period_end(as_of, year))

    # -- properties -------------------------------------------------------------------------------
    @property
    def is_point(self) -> bool:
        return self.start is None

    @property
    def is_full_year(self) -> bool:
        s, e = self.start, self.end
        return (
            s is not None and (s.month, s.day) == (1, 1) and (e.month, e.day) == (12, 31) and s.year == e.year
        )

    @property
    def is_month(self) -> bool:
        s = self.start
        return (
            s is not None
            and s.day == 1
            and (s.year, s.month) == (self.end.year, self.end.month)
            and (self.end == _month_end(s))
        )

    def year_before(self) -> Period:
        """The same period one year earlier (上年同期)."""
        if self.is_month:
            s = self.start
            return Period.month(s.year - 1, s.month)
        start = None if self.start is None else same_day_year_before(self.start)
        return Period(start, same_day_year_before(self.end))

    # -- words ------------------------------------------------------------------------------------
    def text(self, lang: str = "zh") -> str:
        """ "截至2022年6月30日" / "2022年1月1日至7月26日" / "2022年全年" / "2022年6月" (English likewise)."""
        en = lang == "en"
        s, e = self.start, self.end
        if s is None:
            return f"as of {_en(e)}" if en else f"截至{_zh(e)}"
        if self.is_full_year:
            return f"the whole of {s.year}" if en else f"{s.year}年全年"
        if self.is_month:
            return f"{calendar.month_name[s.month]} {s.year}" if en else f"{s.year}年{s.month}月"
        if en:
            return f"{_en(s)} – {_en(e)}"
        tail = f"{e.month}月{e.day}日" if e.year == s.year else _zh(e)
        return f"{_zh(s)}至{tail}"

    def short(self, lang: str = "zh", *, today: dt.date | None = None) -> str:
        """A short form for a tile or a table column: "截至6月底", "1月1日至7月26日", "6月", "2021年全年".

        The year is left out when it is ``today``'s year (the page's as-of date), as people write it.
        """
        en = lang == "en"
        s, e = self.start, self.end
        same_year = today is not None and e.year == today.year and (s is None or s.year == e.year)
        if s is None:
            if en:
                return f"as of {_en(e)}" if not same_year else f"as of {e.day} {calendar.month_abbr[e.month]}"
            day = "底" if e == _month_end(e) else f"{e.day}日"
            return f"截至{'' if same_year else f'{e.year}年'}{e.month}月{day}"
        if self.is_full_year:
            return self.text(lang)
        if self.is_month:
            if en:
                return calendar.month_name[s.month] + ("" if same_year else f" {s.year}")
            return f"{'' if same_year else f'{s.year}年'}{s.month}月"
        if en:
            return self.text(lang)
        head = f"{s.month}月{s.day}日" if same_year else _zh(s)
        return f"{head}至{e.month}月{e.day}日"


@dataclass(frozen=True)
class Caveat:
    """Something a reader must know about a figure, as a full sentence in both languages."""

    code: str  # stable, e.g. "calendar_estimated", "ledger_missing", "income_line_missing"
    zh: str  # full 公文 sentence, e.g. "2027年节假日安排未导入,按周一至周五估算。"
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Figure:
    """A registered metric evaluated: ``value`` for ``period`` on ``basis``, with its caveats.

    ``value`` is None exactly when the figure cannot be given; ``missing`` then says why.
    ``unit``/``department`` are set only where the figure's own data name them (an indicator row);
    otherwise the registry entry's apply.
    """

    name: str  # registry name
    value: int | float | None
    period: Period
    basis: str  # one of BASES
    caveats: tuple[Caveat, ...] = ()
    missing: Caveat | None = None  # why value is None
    unit: str | None = None  # the figure's own unit (indicators); None = the registry entry's
    department: str | None = None  # the figure's own source (indicators); None = the registry entry's

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, not {self.basis!r}")

    @property
    def ok(self) -> bool:
        return self.value is not None

    def with_caveat(self, caveat: Caveat) -> Figure:
        if any(c.code == caveat.code for c in self.caveats):
            return self
        return replace(self, caveats=(*self.caveats, caveat))

    def notes(self, lang: str = "zh") -> list[str]:
        """Every caveat (and the reason a value is missing) as sentences."""
        out = [c.text(lang) for c in self.caveats]
        if self.missing is not None:
            out.insert(0, self.missing.text(lang))
        return out


def periods_text(
    labelled: list[tuple[str, Figure]], lang: str = "zh", *, today: dt.date | None = None
) -> str:
    """Which period each figure stands for, grouped: "统计时段:脱贫户、未消除风险截至7月26日;务工就业1月1日至7月26日;
    目标任务2022年全年。" — for a table or an export whose columns are figures of different dates. When every
    figure stands for the same period, the period alone: "统计时段:截至7月26日。"."""
    groups: dict[str, list[str]] = {}
    for label, fig in labelled:
        groups.setdefault(fig.period.short(lang, today=today), []).append(label)
    if len(groups) == 1:
        return f"Period: {next(iter(groups))}." if lang == "en" else f"统计时段:{next(iter(groups))}。"
    if lang == "en":
        return "Periods: " + "; ".join(f"{', '.join(names)}: {when}" for when, names in groups.items()) + "."
    return "统计时段:" + ";".join(f"{'、'.join(names)}{when}" for when, names in groups.items()) + "。"
