"""The registry: the one list of figures, each with everything a tile, table, press line or export needs.

A metric is registered once with ``@metric(...)``: its label, unit, which direction is better, its basis
(a stock on a date, a flow, year to date, a full year, or a value reported for a period), whether it
takes ``year=``, the department responsible (full official name), the pages that show it, the phrases a
text uses for it, and its official definition (口径). :func:`evaluate` gives a :class:`Figure` — value,
the period it stands for, caveats, or why it is missing — so every figure knows its own date.

Published figures and press texts name a metric as ``name`` or ``name:key=value,key=value``
(see docs/published-figures.md).
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lulong_data import glossary
from lulong_data.departments import DEPARTMENTS_EN
from lulong_data.figures import BASES, Caveat, Figure, Period, same_day_year_before

if TYPE_CHECKING:
    import pandas as pd

    from lulong_data.bundle import Bundle

__all__ = [
    "METRICS",
    "MetricDef",
    "UnknownMetric",
    "by_township",
    "by_townships",
    "comparison",
    "compute",
    "department_for",
    "earlier",
    "evaluate",
    "grouped",
    "lookup",
    "metric",
    "parse_spec",
    "title",
    "week_before",
    "year_before",
]

MetricFn = Callable[..., Any]
BETTER = ("up", "down", None)
# The county every full department name below is written for (the sample's and the press conference's).
HOME_COUNTY = "卢龙县"


@dataclass(frozen=True)
class MetricDef:
    """One registered figure. ``fn(b, *, as_of, **params)`` returns a number (the registry dates it from
    ``basis``) or a :class:`Figure` when it knows its own period (an indicator, a list month)."""

    name: str
    label_zh: str
    label_en: str
    unit: str  # 户/人/项/个/村/次/元/万元/%/分…; "" = the figure's own (indicators)
    better: str | None  # "up" (more is better), "down" (fewer is better), None (a size: neither)
    basis: str  # stock | flow | ytd | full_year | period (figures.BASES)
    yearly: bool  # takes year= (default: the as-of date's year)
    department: str  # the responsible department's full official name
    pages: tuple[str, ...]  # page keys (components.nav url paths) that show it
    phrases: tuple[str, ...]  # wordings a text uses for it (the press checker matches on them)
    definition_zh: str  # official definition: scope, method, responsible department, period
    definition_en: str
    fn: MetricFn
    datasets: tuple[str, ...] = ()  # datasets it reads; an absent one makes the figure missing
    frequency: str = ""  # 更新频次: 实时 / 月 / 年 / 按期
    digits: int | None = None  # decimals the figure is written with (None: by its unit), e.g. 73% not 73.0%
    short_zh: str = ""  # a short label for a narrow table column or a tile line ("" = the label)
    short_en: str = ""
    by_township: Callable[..., Any] | None = None  # optional: every township at once (see grouped)
    township_zero: bool = False  # a township absent from by_township's frame has 0 (a count), not None
    # A figure of one month's list (the 红黑榜): ``previous(b, as_of=, period=)`` names the list month
    # before ``period`` ("YYYY-MM", None when there is none). Such a figure changes only when a new month
    # is inspected, so a tile compares it with that month (较上月), never with seven days earlier.
    previous: Callable[..., str | None] | None = None

    # Aliases of the first registry's field names (kept while callers migrate).
    @property
    def title_zh(self) -> str:
        return self.label_zh

    @property
    def title_en(self) -> str:
        return self.label_en

    def label(self, lang: str = "zh", *, short: bool = False) -> str:
        if short:
            return (self.short_en or self.label_en) if lang == "en" else (self.short_zh or self.label_zh)
        return self.label_en if lang == "en" else self.label_zh

    def definition(self, lang: str = "zh") -> str:
        return (self.definition_en or self.definition_zh) if lang == "en" else self.definition_zh

    @property
    def params(self) -> tuple[str, ...]:
        """Keyword parameters the metric takes besides ``as_of`` (e.g. year, township, scheme, period)."""
        sig = inspect.signature(self.fn).parameters
        return tuple(p for p in sig if p not in ("b", "as_of"))

    def __call__(self, b: Bundle, *, as_of: dt.date, **params: Any) -> Any:
        """The plain value (what :func:`compute` gives): for callers that need no period."""
        result = self.fn(b, as_of=as_of, **params)
        return result.value if isinstance(result, Figure) else result


METRICS: dict[str, MetricDef] = {}


class UnknownMetric(KeyError):
    """A metric spec names no registered metric."""


_OLD_ORDER = ("title_zh", "title_en", "unit", "department", "frequency", "definition_zh", "definition_en")


def metric(
    name: str,
    *legacy: str,
    label_zh: str | None = None,
    label_en: str | None = None,
    short_zh: str = "",
    short_en: str = "",
    digits: int | None = None,
    unit: str | None = None,
    department: str | None = None,
    basis: str | None = None,
    definition_zh: str | None = None,
    definition_en: str = "",
    better: str | None = None,
    yearly: bool | None = None,
    pages: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
    datasets: tuple[str, ...] = (),
    frequency: str = "",
    previous: Callable[..., str | None] | None = None,
    scope: str = "",
    method: str = "",
    when: str = "",
    title_zh: str | None = None,
    title_en: str | None = None,
) -> Callable[[MetricFn], MetricFn]:
    """Register ``f(b, *, as_of, **params) -> number | Figure`` under ``name``; returns ``f`` unchanged.

    The first registry's positional form ``metric(name, title_zh, title_en, unit, department, frequency,
    definition_zh, definition_en)`` and the keywords ``title_zh``/``title_en`` are still accepted while
    modules migrate; ``basis`` then defaults to ``ytd`` for a metric taking ``year=`` and ``stock``
    otherwise. ``yearly`` defaults to whether ``f`` takes ``year``. ``previous``: see
    :attr:`MetricDef.previous` (a monthly list; ``f`` then takes ``period=``).

    The official definition is written in parts — ``scope`` (统计范围), ``method`` (计算方法) and ``when``
    (统计时点 or 时段; by default the wording of ``basis``) — and composed with the department into
    ``definition_zh`` (:func:`official_definition`). Plain Chinese: no table or column names.
    """
    old = dict(zip(_OLD_ORDER, legacy, strict=False))
    if len(legacy) > len(_OLD_ORDER):
        raise TypeError(f"metric {name!r}: too many positional arguments")
    label_zh = label_zh or title_zh or old.get("title_zh")
    label_en = label_en or title_en or old.get("title_en", "")
    unit = unit if unit is not None else old.get("unit", "")
    department = department or old.get("department")
    definition_zh = definition_zh or old.get("definition_zh")
    if scope or method:
        if definition_zh:
            raise TypeError(f"metric {name!r}: give scope/method or definition_zh, not both")
        if not (scope and method and department):
            raise TypeError(f"metric {name!r}: an official definition needs scope, method and department")
    definition_en = definition_en or old.get("definition_en", "")
    frequency = frequency or old.get("frequency", "")
    # A figure's wording (label, short label, English, unit) lives in the glossary, under its registry name.
    given = {
        "label_zh": label_zh,
        "label_en": label_en,
        "short_zh": short_zh,
        "short_en": short_en,
        "unit": unit,
    }
    term = glossary.terms().get(name)
    if term is not None:
        label_zh, label_en, short_zh, short_en, unit = term.zh, term.en, term.short, term.short_en, term.unit
    if not (label_zh and department and (definition_zh or scope)):
        raise TypeError(
            f"metric {name!r} needs its wording ([term.{name}] in lulong_data/glossary.toml), a department "
            "and a definition"
        )
    if better not in BETTER:
        raise ValueError(f"metric {name!r}: better must be 'up', 'down' or None, not {better!r}")

    def register(fn: MetricFn) -> MetricFn:
        takes_year = "year" in inspect.signature(fn).parameters
        is_yearly = takes_year if yearly is None else yearly
        if is_yearly != takes_year:
            raise ValueError(f"metric {name!r}: yearly={is_yearly} but the function takes year={takes_year}")
        kind = basis or ("ytd" if takes_year else "stock")
        if kind not in BASES:
            raise ValueError(f"metric {name!r}: basis must be one of {BASES}, not {kind!r}")
        text_zh = definition_zh or official_definition(
            scope, method, when or WHEN[kind], department, point=kind == "stock"
        )
        text_en = definition_en
        if scope and definition_en and department in DEPARTMENTS_EN:
            text_en = f"{definition_en.rstrip()} Responsible: {DEPARTMENTS_EN[department]}."
        if previous is not None and "period" not in inspect.signature(fn).parameters:
            raise ValueError(f"metric {name!r}: a monthly list (previous=) takes period=")
        if name in METRICS and METRICS[name].fn is not fn:
            # Two modules claiming one name would make a published figure ambiguous.
            raise ValueError(f"metric {name!r} registered twice")
        if term is not None:
            wording = {"label_zh": term.zh, "label_en": term.en, "short_zh": term.short or term.zh,
                       "short_en": term.short_en or term.en, "unit": term.unit}  # fmt: skip
            for field, value in given.items():
                if value and value != wording[field] and not (field == "short_zh" and value == term.zh):
                    raise ValueError(
                        f"metric {name!r}: {field} {value!r} is not the glossary's {wording[field]!r}; "
                        f"a figure's wording lives in lulong_data/glossary.toml [term.{name}]"
                    )
        METRICS[name] = MetricDef(
            name=name,
            label_zh=label_zh,
            label_en=label_en,
            unit=unit,
            better=better,
            basis=kind,
            yearly=is_yearly,
            department=department,
            pages=tuple(pages),
            phrases=tuple(phrases),
            definition_zh=text_zh,
            definition_en=text_en,
            fn=fn,
            datasets=tuple(datasets),
            frequency=frequency,
            short_zh=short_zh,
            short_en=short_en,
            digits=digits,
            previous=previous,
        )
        return fn

    return register


# 统计时点/时段 by basis, unless a metric says it in its own words.
WHEN = {
    "stock": "截至所选日期",
    "flow": "所选年度1月1日至所选日期期间发生的数量",
    "ytd": "所选年度1月1日至所选日期的累计数;所选年度已结束的,为全年数",
    "full_year": "所选年度全年",
    "period": "所报送数据的所属期",
}


def official_definition(scope: str, method: str, when: str, department: str, *, point: bool = False) -> str:
    """统计范围:…。计算方法:…。统计时段(时点):…。责任单位:…。 — the parts of an official definition;
    ``point`` for a figure that stands for one day (a stock)."""

    def sentence(text: str) -> str:
        text = text.strip().rstrip("。")
        return text + "。"

    label = "统计时点" if point else "统计时段"
    return (
        f"统计范围:{sentence(scope)}计算方法:{sentence(method)}{label}:{sentence(when)}"
        f"责任单位:{department}。"
    )


def _value(text: str) -> Any:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"name:k=v,k=v"`` -> ``("name", {k: v})``; integer values become ints."""
    name, _, rest = spec.strip().partition(":")
    params: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"bad parameter {part!r} in metric spec {spec!r} (expected key=value)")
        params[key.strip()] = _value(value)
    return name.strip(), params


def lookup(spec: str) -> MetricDef:
    """The registered metric a spec names. Raises UnknownMetric."""
    import lulong_data.metrics  # noqa: F401  (fills the registry)

    name, _ = parse_spec(spec)
    if name not in METRICS:
        raise UnknownMetric(name)
    return METRICS[name]


def department_for(m: MetricDef | str, county_name: str | None = None) -> str:
    """The responsible department's full name for the county a bundle holds (lulong_data.county.name_of):
    the registry writes Lulong's names; another county of a multi-county folder gets its own."""
    dept = m.department if isinstance(m, MetricDef) else m
    if county_name and county_name != HOME_COUNTY and dept.startswith(HOME_COUNTY):
        return county_name + dept[len(HOME_COUNTY) :]
    return dept


def _plain(value: Any) -> int | float | None:
    """A metric's number as a Python int/float; None for missing (None, NaN, pandas NA)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, int | float):
        value = value.item()  # numpy scalar
    try:
        if value != value or (isinstance(value, float) and math.isnan(value)):
            return None
    except TypeError:  # pandas NA compares to NA
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    raise TypeError(f"a metric returns a number, a Figure or None, not {type(value).__name__}")


def default_period(m: MetricDef, as_of: dt.date, params: dict[str, Any]) -> tuple[Period, str]:
    """The period and basis of a plain number from ``m``: stock -> the point ``as_of``; ytd/flow -> 1
    January of ``year`` .. ``as_of`` (the whole year once it is over: basis full_year for ytd);
    full_year -> that year. Raises ValueError for a year that has not begun on ``as_of``."""
    year = int(params.get("year") or as_of.year)
    if m.basis in ("ytd", "flow"):
        period = Period.year_to_date(as_of, year)
        return period, ("full_year" if m.basis == "ytd" and period.is_full_year else m.basis)
    if m.basis == "full_year":
        return Period.year(year), "full_year"
    return Period.point(as_of), m.basis  # stock; a "period" metric returns its own Figure


def _dataset_title(name: str) -> tuple[str, str]:
    from lulong_data.contract import DATASETS

    d = DATASETS.get(name)
    return (d.title, d.title_en) if d else (name, name)


def ledger_missing(name: str) -> Caveat:
    zh, en = _dataset_title(name)
    return Caveat(
        "ledger_missing",
        f"数据目录中没有“{zh}”,该项无法计算。",
        f"The data folder has no {en}; this figure cannot be computed.",
    )


NO_VALUE = Caveat(
    "no_value", "该时段没有可计算该项的数据。", "There are no data to compute this figure for the period."
)


def not_begun(year: int, as_of: dt.date) -> Caveat:
    return Caveat(
        "period_not_begun",
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日,{year}年尚未开始。",
        f"{year} has not begun on {as_of.isoformat()}.",
    )


def evaluate(b: Bundle, spec: str, *, as_of: dt.date, **params: Any) -> Figure:
    """The figure ``spec`` names (``name`` or ``name:k=v,…``; ``params`` add to or override the spec's)
    on ``b`` at ``as_of``: value, period, basis, caveats, or why it is missing.

    A yearly metric without ``year`` takes ``as_of``'s year. A figure whose datasets are absent from the
    folder, or whose year has not begun, is missing (with the reason), never a false zero.
    Raises UnknownMetric for an unknown name.
    """
    name, spec_params = parse_spec(spec)
    m = lookup(name)
    params = {**spec_params, **params}
    if m.yearly and params.get("year") is None:
        params["year"] = as_of.year
    try:
        period, basis = default_period(m, as_of, params)
    except ValueError:
        year = int(params["year"])
        return Figure(name, None, Period.year(year), "full_year", missing=not_begun(year, as_of))
    absent = [d for d in m.datasets if not b.has(d)]
    if absent:
        return Figure(name, None, period, basis, missing=ledger_missing(absent[0]))
    result = m.fn(b, as_of=as_of, **params)
    if isinstance(result, Figure):
        if result.name != name:
            raise ValueError(f"metric {name!r} returned a figure named {result.name!r}")
        return result
    value = _plain(result)
    return Figure(name, value, period, basis, missing=NO_VALUE if value is None else None)


def year_before(b: Bundle, spec: str, *, as_of: dt.date, **params: Any) -> Figure:
    """The figure ``spec`` names for the same period of the year before (上年同期): a year-to-date figure
    of ``year`` at ``as_of`` against ``year - 1`` up to the same calendar day (the whole year once
    ``year`` is over), a stock one year earlier — never part of this year against all of last year."""
    name, spec_params = parse_spec(spec)
    m = lookup(name)
    p = {**spec_params, **params}
    if m.yearly:
        year = int(p.get("year") or as_of.year)
        end = min(as_of, dt.date(year, 12, 31))
        return evaluate(b, name, as_of=same_day_year_before(end), **{**p, "year": year - 1})
    return evaluate(b, name, as_of=same_day_year_before(as_of), **p)


WEEK = dt.timedelta(days=7)


def week_before(b: Bundle, spec: str, *, as_of: dt.date, **params: Any) -> Figure:
    """The figure ``spec`` names seven days before ``as_of`` (a tile's "较7天前"). A year-to-date figure
    keeps its year: on 3 January the change is this year's progress (0 before the year began), never a
    comparison with last year's total."""
    name, spec_params = parse_spec(spec)
    p = {**spec_params, **params}
    if lookup(name).yearly and p.get("year") is None:
        p["year"] = as_of.year
    before = evaluate(b, name, as_of=as_of - WEEK, **p)
    if before.missing is not None and before.missing.code == "period_not_begun":
        return Figure(name, 0, before.period, before.basis)  # nothing of the year had happened yet
    return before


NO_EARLIER_LIST = Caveat(
    "no_earlier_list", "没有更早的检查月份可比较。", "No earlier inspection month to compare with."
)


def comparison(spec: str) -> str:
    """What a tile's change is against, as a glossary key: "vs_last_month" for a monthly list (the
    metric's ``previous``), else "vs_7_days" (:func:`earlier`)."""
    return "vs_last_month" if lookup(parse_spec(spec)[0]).previous is not None else "vs_7_days"


def earlier(b: Bundle, spec: str, *, as_of: dt.date, **params: Any) -> Figure:
    """The figure a tile's change is against (:func:`comparison`): for a monthly list the list month before
    the one shown, as known at ``as_of`` (missing when there is none: no change is shown); else the figure
    seven days earlier (:func:`week_before`)."""
    name, spec_params = parse_spec(spec)
    m = lookup(name)
    if m.previous is None:
        return week_before(b, spec, as_of=as_of, **params)
    p = {**spec_params, **params}
    now = evaluate(b, name, as_of=as_of, **p)
    month = now.period.start if now.value is not None else None
    before = m.previous(b, as_of=as_of, period=f"{month:%Y-%m}") if month is not None else None
    if before is None:
        return Figure(name, None, now.period, now.basis, missing=NO_EARLIER_LIST)
    return evaluate(b, name, as_of=as_of, **{**p, "period": before})


_TITLE_CHARS = 8  # a Chinese label longer than this takes its short form in a tile or a narrow column


def title(name: str, lang: str = "zh") -> str:
    """未消除风险户, 务工就业(本年) …: a figure's label where room is short (a tile, the dispatch headlines, the
    map's profile) — its short label where the full one is a sentence (always in English), capitalised; a
    short label of a year-to-date figure says so, as its full label would."""
    m = lookup(name)
    short = lang == "en" or len(m.label("zh")) > _TITLE_CHARS
    text = m.label(lang, short=short)
    if short and m.basis == "ytd" and text == m.label(lang, short=True) != m.label(lang):
        text += " (this year)" if lang == "en" else "(本年)"
    return text[:1].upper() + text[1:]


def change(now: Figure, before: Figure) -> float | None:
    """``now - before`` when both have a value (a tile's change), else None."""
    if now.value is None or before.value is None:
        return None
    return now.value - before.value


def compute(b: Bundle, spec: str, as_of: dt.date) -> float | None:
    """The value of :func:`evaluate` (for callers that need no period). Raises UnknownMetric."""
    return evaluate(b, spec, as_of=as_of).value


# -- every township at once -------------------------------------------------------------------------


def grouped(*names: str, zero: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``f(b, *, as_of, **params) -> DataFrame`` (index township_code, one column per name) as
    the by-township form of the metrics ``names``: one query for every township instead of one per
    township. It defines the same figures: tests/test_registry.py checks it against ``evaluate`` per
    township. A township absent from the frame has 0 for the names in ``zero`` (counts), else no value;
    a name without a column has no value for any township.
    The metrics must be registered first (decorate a function below them)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            if name not in METRICS:
                raise ValueError(f"grouped: metric {name!r} is not registered (yet)")
            METRICS[name] = replace(METRICS[name], by_township=fn, township_zero=name in zero)
        return fn

    return register


def _township_codes(b: Bundle) -> list[str]:
    return sorted(str(c) for c in b.frames["townships"]["township_code"].dropna())


def by_townships(b: Bundle, specs: Sequence[str], *, as_of: dt.date, **params: Any) -> pd.DataFrame:
    """The figures ``specs`` for every township: index township_code (code order), one column per spec,
    values as Python numbers or None. Metrics with a grouped form share one call per distinct function
    and parameters; others are evaluated township by township. The figures' period is the county
    figure's (``evaluate`` without township): no period differs by township."""
    import pandas as pd

    codes = _township_codes(b)
    out = pd.DataFrame(index=pd.Index(codes, name="township_code"))
    calls: dict[tuple[Any, ...], Any] = {}
    for spec in specs:
        name, spec_params = parse_spec(spec)
        m = lookup(name)
        p = {**spec_params, **params}
        if m.yearly and p.get("year") is None:
            p["year"] = as_of.year
        try:
            default_period(m, as_of, p)
            computable = all(b.has(d) for d in m.datasets)
        except ValueError:  # the year has not begun
            computable = False
        if not computable:
            column = [None] * len(codes)
        elif m.by_township is not None:
            key = (m.by_township, tuple(sorted(p.items())))
            if key not in calls:
                calls[key] = m.by_township(b, as_of=as_of, **p)
            frame = calls[key]
            if name not in frame:  # no column: no township has a value (e.g. no list month yet)
                column = [None] * len(codes)
            else:
                got, fill = frame[name], (0 if m.township_zero else None)
                values = (_plain(got[c]) if c in got.index else None for c in codes)
                column = [fill if v is None else v for v in values]
        else:
            column = [evaluate(b, name, as_of=as_of, township=c, **p).value for c in codes]
        out[spec] = pd.Series(column, index=out.index, dtype=object)
    return out


def by_township(b: Bundle, spec: str, *, as_of: dt.date, **params: Any) -> Any:
    """One figure for every township (a Series indexed by township_code); see :func:`by_townships`."""
    return by_townships(b, [spec], as_of=as_of, **params)[spec]
