"""Compare the metrics on two backends: the bundle's DuckDB and another Ibis backend (Spark) (issue #12).

Shared by ``tests/test_spark_parity.py`` (city-scale data, in CI) and ``tools/spark_parity.py`` (any
folder; the benchmark runs it on the province). :func:`cases` lists what is compared: every metric of the
口径 registry with representative parameters (county-wide at two as-of dates, two townships at the latest)
and the main table-producing functions of the pages. :func:`compare` runs each case on both bundles and
says where they differ: counts and text exactly, floats to a relative 1e-9, frames after sorting their rows,
whatever the dtypes (Int64 vs int64, str vs object, date vs timestamp).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lulong_data.bundle import Bundle

__all__ = ["Case", "Outcome", "as_of_dates", "cases", "compare", "differences", "report"]

REL_TOL = 1e-9
ABS_TOL = 1e-9
SCHEMES = ("农村低保", "特困供养")


@dataclass(frozen=True)
class Case:
    label: str
    fn: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    kind: str = "metric"  # "metric" (registry) or "table" (a page's table-producing function)


@dataclass
class Outcome:
    case: Case
    problem: str | None  # None: both backends agree
    seconds_a: float = 0.0
    seconds_b: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None


# -- what is compared --------------------------------------------------------------------------------


def as_of_dates(b: Bundle) -> list[dt.date]:
    """The bundle's as-of date and the last day of the year before (a complete earlier year)."""
    return [b.as_of, dt.date(b.as_of.year - 1, 12, 31)]


def sample_townships(b: Bundle, n: int = 2) -> list[str]:
    """n township codes spread over the code list (first, middle, ...): deterministic."""
    codes = sorted(b.frames["townships"]["township_code"].dropna().astype(str).unique())
    if not codes:
        return []
    step = max(len(codes) // n, 1)
    return [codes[i] for i in range(0, len(codes), step)][:n]


def _indicator_names(b: Bundle, n: int = 2) -> list[str]:
    ind = b.frames["indicators"]
    if ind.empty:
        return ["城乡居民医保参保率"]
    return sorted(ind["indicator"].dropna().astype(str).unique())[:n]


def _variants(name: str, fn: Callable[..., Any], b: Bundle, as_of: dt.date) -> list[dict[str, Any]]:
    """Parameter sets for one registered metric at one date (the township is added by the caller)."""
    params = inspect.signature(fn).parameters
    base: dict[str, Any] = {}
    if "year" in params:
        base["year"] = as_of.year
    out = [base]
    if "scheme" in params:
        out = [{**base, "scheme": s} for s in SCHEMES]
    if "name" in params:
        out = [{**base, "name": n} for n in _indicator_names(b)]
    if "check" in params:
        from lulong_data.metrics.reconciliation import FUNCTIONS

        out = [{**base, "check": c} for c in FUNCTIONS]
    return out


def metric_cases(b: Bundle) -> list[Case]:
    """Every registered metric: county-wide at both as-of dates, and at two townships at the latest; a
    yearly one also for the year before read at the latest date (a past year's figure stands for that
    year: its rows and scope stop at its 31 December)."""
    from lulong_data.metrics import METRICS

    latest, earlier = as_of_dates(b)
    towns = sample_townships(b)
    out: list[Case] = []
    for name, m in sorted(METRICS.items()):
        takes_township = "township" in inspect.signature(m.fn).parameters
        for as_of in (latest, earlier):
            for params in _variants(name, m.fn, b, as_of):
                out.append(Case(_label(name, as_of, params), m.fn, {"as_of": as_of, **params}))
                if takes_township and as_of == latest:
                    for t in towns:
                        kw = {"as_of": as_of, **params, "township": t}
                        out.append(Case(_label(name, as_of, {**params, "township": t}), m.fn, kw))
        if m.yearly:
            for params in _variants(name, m.fn, b, earlier):  # year = the year before latest's
                out.append(Case(_label(name, latest, params), m.fn, {"as_of": latest, **params}))
    return out


def table_cases(b: Bundle) -> list[Case]:
    """The main table-producing functions of the pages, county-wide and at one township, at the latest date."""
    from lulong_data.metrics import employment, environment, indicators, monitoring, overview, reconciliation
    from lulong_data.metrics import welfare as wf

    as_of = b.as_of
    year = as_of.year
    town = (sample_townships(b) or [None])[0]
    y = {"year": year}
    specs: list[tuple[Callable[..., Any], dict[str, Any], bool]] = [
        # (function, extra kwargs, also at a township)
        (overview.townships, {}, False),
        (overview.league, {}, False),
        (overview.tiles, {}, True),
        (overview.laggards, {}, False),
        (employment.employment_by_township, y, False),
        (employment.townships_behind_pace, y, False),
        (employment.employment_cumulative, y, True),
        (employment.employment_by_channel, y, True),
        (employment.employment_by_location, y, False),
        (employment.welfare_posts_by_type, y, False),
        (employment.welfare_posts_by_township, y, False),
        (employment.welfare_post_holders, y, False),
        (employment.trainings_by_year, {}, False),
        (employment.trainings_by_township, y, False),
        (employment.training_list, y, False),
        (employment.employment_years, {}, False),
        (monitoring.summary, {}, True),
        (monitoring.cases, {}, False),
        (monitoring.measures, {}, False),
        (monitoring.breakdown, {}, False),
        (monitoring.monthly_trend, {}, False),
        (monitoring.procedure_funnel, {}, True),
        (monitoring.deadline_items, {}, False),
        (monitoring.compliance, {}, False),
        (monitoring.overdue_list, {}, False),
        (monitoring.measures_by_category, {}, False),
        (monitoring.menu_coverage, {}, False),
        (monitoring.households_without_measure, {}, False),
        (monitoring.consultation_batches, {}, False),
        (monitoring.elimination_candidates, {}, False),
        (monitoring.premature_eliminations, {}, False),
        (monitoring.no_labour_without_cover, {}, False),
        (environment.ranked_villages, {}, False),
        (environment.list_months, {}, False),
        (environment.month_lists, {}, True),
        (environment.movement, {}, False),
        (environment.talk_flags, {}, False),
        (environment.township_ranking, {}, False),
        (environment.township_rank_history, {}, False),
        (environment.item_losses, {}, False),
        (wf.assistance_by_scheme, {}, True),
        (wf.dibao_class_tier, {}, False),
        (wf.assistance_by_township, {}, False),
        (wf.assistance_new_by_month, y, False),
        (wf.phaseout_schedule, {}, False),
        (wf.phaseout_list, {}, False),
        (wf.monitored_cover, {}, False),
        (wf.student_aid_by, {**y, "by": "township"}, False),
        (wf.student_aid_years, {}, False),
        (indicators.indicator_panel, {}, True),
        (reconciliation.summary, y, False),
    ]
    out = []
    for fn, extra, at_township in specs:
        kw = {"as_of": as_of, **extra}
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
        out.append(Case(_label(name, as_of, extra), fn, kw, "table"))
        if at_township and town:
            out.append(
                Case(_label(name, as_of, {**extra, "township": town}), fn, {**kw, "township": town}, "table")
            )
    return out


def cases(b: Bundle, *, tables: bool = True) -> list[Case]:
    return metric_cases(b) + (table_cases(b) if tables else [])


def _label(name: str, as_of: dt.date, params: dict[str, Any]) -> str:
    args = ",".join(f"{k}={v}" for k, v in params.items())
    return f"{name}[{as_of.isoformat()}{',' + args if args else ''}]"


# -- comparing values ---------------------------------------------------------------------------------


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(isinstance(v, float | np.floating) and math.isnan(v))
    except TypeError:
        return False


def _scalar_diff(a: Any, b: Any) -> str | None:
    if _missing(a) or _missing(b):
        return None if _missing(a) and _missing(b) else f"{a!r} != {b!r}"
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return None if bool(a) == bool(b) else f"{a!r} != {b!r}"
    if isinstance(a, int | np.integer) and isinstance(b, int | np.integer):
        return None if int(a) == int(b) else f"{a} != {b}"
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        fa, fb = float(a), float(b)
        if float(fa).is_integer() and float(fb).is_integer():
            return None if fa == fb else f"{a!r} != {b!r}"
        return None if math.isclose(fa, fb, rel_tol=REL_TOL, abs_tol=ABS_TOL) else f"{a!r} != {b!r}"
    if isinstance(a, dt.date | pd.Timestamp) and isinstance(b, dt.date | pd.Timestamp):
        return None if pd.Timestamp(a) == pd.Timestamp(b) else f"{a!r} != {b!r}"
    return None if a == b else f"{a!r} != {b!r}"


def _column(s: pd.Series) -> tuple[str, pd.Series]:
    """("num", float64) or ("text", object with None for missing): dtype-insensitive."""
    if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return "num", pd.to_numeric(s.astype("object").where(s.notna(), np.nan), errors="coerce").astype(
            float
        )
    if pd.api.types.is_datetime64_any_dtype(s):
        return "text", s.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(s.notna(), None)

    def norm(v: Any) -> Any:
        if _missing(v):
            return None
        if isinstance(v, pd.Timestamp | dt.datetime):
            return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(v, dt.date):
            return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, bool):
            return str(int(v))
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return "text", s.astype(object).map(norm)


def _frame_diff(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    if list(a.columns) != list(b.columns):
        return f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)} rows"
    if not isinstance(a.index, pd.RangeIndex) or not isinstance(b.index, pd.RangeIndex):
        # A meaningful index (e.g. township_code): compare it as a column.
        a, b = a.reset_index(), b.reset_index()
    if a.empty:
        return None
    kinds, na, nb = {}, {}, {}
    for i in range(len(a.columns)):
        ka, ca = _column(a.iloc[:, i])
        kb, cb = _column(b.iloc[:, i])
        if ka != kb:  # one side numeric, the other not (e.g. an all-missing column): compare as text
            ka = kb = "text"
            ca, cb = _column(a.iloc[:, i].astype(object))[1], _column(b.iloc[:, i].astype(object))[1]
        kinds[i], na[i], nb[i] = ka, ca.reset_index(drop=True), cb.reset_index(drop=True)
    fa, fb = pd.DataFrame(na), pd.DataFrame(nb)

    def order(f: pd.DataFrame) -> pd.DataFrame:
        # Sort on text first, then on numbers rounded (so a last-bit difference cannot swap two rows).
        keys = pd.DataFrame(
            {
                i: (f[i].fillna("\uffff") if kinds[i] == "text" else f[i].round(6).fillna(np.inf))
                for i in sorted(kinds, key=lambda k: kinds[k] != "text")
            }
        )
        return f.loc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(drop=True)

    fa, fb = order(fa), order(fb)
    for i, col in enumerate(a.columns):
        x, y = fa[i], fb[i]
        if kinds[i] == "num":
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            same = np.isclose(xv, yv, rtol=REL_TOL, atol=ABS_TOL, equal_nan=True)
        else:
            same = np.array([(_missing(u) and _missing(v)) or u == v for u, v in zip(x, y, strict=True)])
        if not same.all():
            j = int(np.flatnonzero(~same)[0])
            return f"column {col!r}: {(~same).sum()} rows differ, e.g. {x[j]!r} != {y[j]!r}"
    return None


def differences(a: Any, b: Any, path: str = "") -> str | None:
    """None when ``a`` and ``b`` agree (see the module docstring), else where and how they differ."""
    where = f"{path}: " if path else ""
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        d = _frame_diff(a, b)
        return f"{where}{d}" if d else None
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        return differences(a.to_frame(), b.to_frame(), path)
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and not isinstance(a, type):
        if type(a) is not type(b):
            return f"{where}{type(a).__name__} vs {type(b).__name__}"
        for f in dataclasses.fields(a):
            d = differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}" if path else f.name)
            if d:
                return d
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return f"{where}keys differ: {sorted(map(str, set(a) ^ set(b)))}"
        for k in a:
            d = differences(a[k], b[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return f"{where}{len(a)} items vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = differences(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    d = _scalar_diff(a, b)
    return f"{where}{d}" if d else None


# -- running ------------------------------------------------------------------------------------------


def _timed(
    fn: Callable[..., Any], b: Bundle, kwargs: dict[str, Any]
) -> tuple[Any, float, BaseException | None]:
    start = time.perf_counter()
    try:
        value, err = fn(b, **kwargs), None
    except Exception as exc:  # a backend that cannot run a metric is a finding, not a crash
        value, err = None, exc
    return value, time.perf_counter() - start, err


def compare(
    a: Bundle, b: Bundle, todo: Iterable[Case], *, progress: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Run every case on ``a`` (the reference, DuckDB) and ``b``; one Outcome per case."""
    out = []
    for case in todo:
        va, ta, ea = _timed(case.fn, a, case.kwargs)
        vb, tb, eb = _timed(case.fn, b, case.kwargs)
        if ea or eb:
            problem = None
            if type(ea) is not type(eb) or str(ea) != str(eb):  # the same error on both sides is parity
                problem = "; ".join(
                    f"{side} raised {type(e).__name__}: {str(e)[:300]}"
                    for side, e in (("A", ea), ("B", eb))
                    if e
                )
        else:
            problem = differences(va, vb)
        o = Outcome(case, problem, ta, tb)
        out.append(o)
        if progress:
            progress(o)
    return out


def report(outcomes: list[Outcome], names: tuple[str, str] = ("DuckDB", "Spark")) -> str:
    """A short text summary: cases compared, mismatches (each), and the time on each backend."""
    metrics = [o for o in outcomes if o.case.kind == "metric"]
    tables = [o for o in outcomes if o.case.kind == "table"]
    bad = [o for o in outcomes if not o.ok]
    ta = sum(o.seconds_a for o in outcomes)
    tb = sum(o.seconds_b for o in outcomes)
    lines = [
        f"compared {len(outcomes)} cases: {len(metrics)} metric evaluations "
        f"({len({o.case.fn for o in metrics})} registered metrics), "
        f"{len(tables)} table evaluations ({len({o.case.fn for o in tables})} functions)",
        f"mismatches: {len(bad)}",
        *(f"  MISMATCH {o.case.label}: {o.problem}" for o in bad),
        f"time: {names[0]} {ta:.1f} s, {names[1]} {tb:.1f} s",
    ]
    return "\n".join(lines)
