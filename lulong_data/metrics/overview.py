"""Figures of the overview page that no domain module provides: the township list, the date range of the
data, the headline tiles with their week-on-week change, and the township league table.

Every number here is a call to a domain metric (places, employment, monitoring, environment); this module
only puts them side by side, so the overview always agrees with the topic pages.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data import contract
from lulong_data import status as status_rule
from lulong_data.figures import Figure
from lulong_data.metrics import places

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

WEEK = dt.timedelta(days=7)
# Dates that look forward or are statements about the data, not events in it (see bundle._latest_date).
_NOT_EVENTS = contract.FORWARD_DATES
_NOT_LEDGERS = contract.NOT_LEDGERS


def townships(b: Bundle) -> pd.DataFrame:
    """township_code, name of every township, in code order (the order of the official code list)."""
    t = b.table("townships").select("township_code", "name").order_by("township_code")
    return b.execute(t).reset_index(drop=True)


def first_date(b: Bundle) -> dt.date:
    """The earliest event date in the ledgers: the lower bound of the as-of date picker."""
    earliest = None
    for name, df in b.frames.items():
        if name in _NOT_LEDGERS:
            continue
        for col in df.columns:
            if (name, col) in _NOT_EVENTS or not pd.api.types.is_datetime64_any_dtype(df[col]):
                continue
            m = df[col].min()
            if pd.notna(m) and (earliest is None or m.date() < earliest):
                earliest = m.date()
    return min(earliest or b.as_of, b.as_of)


def _optional(module: str) -> Any:
    # Topic modules land one by one; the overview shows what exists rather than fail.
    try:
        return importlib.import_module(f"lulong_data.metrics.{module}")
    except ImportError:
        return None


# -- the township league table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """A per-township figure the league table, the choropleth and the map can show."""

    key: str
    title_zh: str
    title_en: str
    unit: str
    module: str  # the metric module (places, employment, monitoring, environment)
    function: str
    yearly: bool = False  # takes year=as_of.year
    higher_is_better: bool | None = None  # None: neither (a size, not a performance)

    def fn(self) -> Callable[..., Any] | None:
        mod = _optional(self.module)
        return getattr(mod, self.function, None) if mod is not None else None

    def __call__(
        self, b: Bundle, *, as_of: dt.date, township: str | None = None, year: int | None = None
    ) -> Any:
        fn = self.fn()
        if fn is None:
            return None
        params = {"year": year or as_of.year} if self.yearly else {}
        result = fn(b, as_of=as_of, township=township, **params)
        return result.value if isinstance(result, Figure) else result


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "poverty_households", "脱贫户", "Households out of poverty", "户", "places", "poverty_households"
    ),
    Indicator("poverty_persons", "脱贫人口", "Persons out of poverty", "人", "places", "poverty_persons"),
    Indicator("monitored", "在监测户", "Monitored households", "户", "monitoring", "monitored_households"),
    Indicator("eliminated", "已消除风险户", "Risk eliminated", "户", "monitoring", "eliminated_households"),
    Indicator(
        "overdue", "逾期事项", "Overdue items", "项", "monitoring", "overdue_items", higher_is_better=False
    ),
    Indicator(
        "employment_placed", "务工就业", "In work", "人", "employment", "employment_placed", yearly=True
    ),
    Indicator(
        "employment_target", "就业目标", "Target", "人", "employment", "employment_target", yearly=True
    ),
    Indicator(
        "employment_rate",
        "就业目标完成率",
        "Share of target",
        "%",
        "employment",
        "employment_rate",
        yearly=True,
        higher_is_better=True,
    ),
    Indicator(
        "welfare_post_persons",
        "公益岗位",
        "Welfare posts",
        "人",
        "employment",
        "welfare_post_persons",
        yearly=True,
    ),
    Indicator(
        "env_score",
        "人居环境平均分",
        "Environment score",
        "分",
        "environment",
        "env_mean_score",
        higher_is_better=True,
    ),
    Indicator("red_list", "本月红榜村", "Red-list villages", "个", "environment", "env_red_villages"),
    Indicator(
        "black_list",
        "本月黑榜村",
        "Black-list villages",
        "个",
        "environment",
        "env_black_villages",
        higher_is_better=False,
    ),
)
INDICATOR = {i.key: i for i in INDICATORS}


def available(b: Bundle) -> list[Indicator]:
    """The indicators whose metric module exists (topic modules land one by one)."""
    return [i for i in INDICATORS if i.fn() is not None]


# Grouped figures a township without rows has as zero (absent from a grouped frame = none).
_ZERO_WHEN_ABSENT = {
    "red_list": 0.0,
    "black_list": 0.0,
    "overdue": 0,
    "poverty_households": 0,
    "poverty_persons": 0,
    "employment_placed": 0,
    "welfare_post_persons": 0,
}


def _poverty_by_township(b: Bundle) -> pd.DataFrame:
    """poverty_households and poverty_persons per township_code: places.poverty_households and
    places.poverty_persons grouped by the township of the household's village (one query)."""
    h = b.table("households")
    h = h.filter(h.household_type == places.POVERTY)
    v = b.table("villages").select("village_code", "township_code")
    j = h.join(v, "village_code")
    g = j.group_by("township_code").aggregate(poverty_households=j.count(), poverty_persons=j.persons.sum())
    return b.execute(g).set_index("township_code")


def _grouped(b: Bundle, as_of: dt.date) -> dict[str, pd.Series]:
    """Per-township values computed once for the county and grouped, where the domain module offers a
    county-wide frame: one query per indicator instead of one per township (the cold page otherwise
    grows with the number of townships). They define the same figure as the metric; tests/test_app.py
    checks they agree with per-township calls. A module that changed shape falls back to those calls."""
    out: dict[str, pd.Series] = {}
    try:
        pov = _poverty_by_township(b)
        out["poverty_households"] = pov["poverty_households"].astype("int64")
        out["poverty_persons"] = pd.to_numeric(pov["poverty_persons"]).fillna(0).astype("int64")
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    emp = _optional("employment")
    if emp is not None:
        year = as_of.year
        try:
            by = emp.employment_by_township(b, as_of=as_of, year=year).set_index("township_code")
            out["employment_placed"] = by["placed"]
            out["employment_target"] = by["target"]
            out["employment_rate"] = by["rate"]
        except (AttributeError, KeyError, TypeError, ValueError):
            pass
        try:
            posts = emp.welfare_posts_by_township(b, as_of=as_of, year=year).set_index("township_code")
            out["welfare_post_persons"] = posts["persons"]
        except (AttributeError, KeyError, TypeError, ValueError):
            pass
    mon = _optional("monitoring")
    if mon is not None:
        try:
            br = mon.breakdown(b, as_of=as_of, by="township").set_index("township_code")
            out["monitored"] = br["monitored_households"]
            out["eliminated"] = br["eliminated_households"]
            out["overdue"] = mon.overdue_list(b, as_of=as_of).groupby("township_code").size()
        except (AttributeError, KeyError, TypeError, ValueError):
            pass  # the module changed shape: fall back to one call per township
    env = _optional("environment")
    if env is not None:
        try:
            lists = env.month_lists(b, as_of=as_of)
            if lists.period is not None:
                out["red_list"] = lists.red.groupby("township_code").size().astype("float64")
                out["black_list"] = lists.black.groupby("township_code").size().astype("float64")
                ranking = env.township_ranking(b, as_of=as_of).set_index("township_code")
                out["env_score"] = pd.to_numeric(ranking["mean_score"], errors="coerce").round(2)
            else:  # no list month yet: no score either (env_mean_score is None without a period)
                out["env_score"] = pd.Series(dtype="float64")
        except (AttributeError, KeyError, TypeError, ValueError):
            pass
    return out


def league(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """One row per township, worst first: township_code, name, every available indicator, and the status.

    ``status`` ("behind", "watch", "good"), ``rank`` (1 = worst) and ``reasons_zh`` / ``reasons_en`` are
    :func:`lulong_data.status.township_status` — the one rule the dispatch meeting and the map use too.
    """
    grouped = _grouped(b, as_of)
    counts = {"red_list", "black_list", "overdue"}
    env_period = "red_list" in grouped
    inds = available(b)
    rows = []
    for code, name in townships(b).itertuples(index=False, name=None):
        row: dict[str, Any] = {"township_code": code, "name": name}
        for ind in inds:
            if ind.key in grouped:
                value = grouped[ind.key].get(code)
                if value is None or pd.isna(value):
                    value = _ZERO_WHEN_ABSENT.get(ind.key)
                row[ind.key] = value.item() if hasattr(value, "item") else value
            elif ind.key in counts and ind.module == "environment" and not env_period:
                row[ind.key] = None  # no list month yet
            else:
                row[ind.key] = ind(b, as_of=as_of, township=code)
        rows.append(row)
    df = pd.DataFrame(rows)
    judged = status_rule.township_status(b, as_of=as_of)
    df = df.merge(
        judged[["township_code", "status", "rank", "reasons_zh", "reasons_en"]],
        on="township_code",
        how="left",
    )
    return df.sort_values("rank", kind="stable").reset_index(drop=True)


def _shared(b: Bundle, as_of: dt.date, township: str | None) -> dict[str, Any]:
    """Indicators that come from one shared computation in their domain module (the monitoring summary,
    the month's lists): computed once instead of once per indicator. Same definitions as the metrics."""
    out: dict[str, Any] = {}
    mon = _optional("monitoring")
    if mon is not None and hasattr(mon, "summary"):
        s = mon.summary(b, as_of=as_of, township=township)
        out["monitored"] = s.monitored_households
        out["eliminated"] = s.eliminated_households
    env = _optional("environment")
    if env is not None and hasattr(env, "month_lists"):
        lists = env.month_lists(b, as_of=as_of, township=township)
        none = lists.period is None
        out["red_list"] = None if none else float(len(lists.red))
        out["black_list"] = None if none else float(len(lists.black))
    return out


def values(
    b: Bundle, *, as_of: dt.date, township: str | None = None, year: int | None = None
) -> dict[str, Any]:
    """Every available indicator for one area (the county when ``township`` is None)."""
    shared = _shared(b, as_of, township)
    return {
        ind.key: shared[ind.key] if ind.key in shared else ind(b, as_of=as_of, township=township, year=year)
        for ind in available(b)
    }


def county_values(b: Bundle, *, as_of: dt.date) -> dict[str, Any]:
    """Every available indicator for the whole county (for "township vs county" comparisons)."""
    return values(b, as_of=as_of)


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The last ``months`` month-ends up to ``as_of``, the last one being ``as_of`` itself."""
    out = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        first = first - dt.timedelta(days=1)
        out.append(first)
        first = first.replace(day=1)
    return sorted(out)


def trend(
    b: Bundle,
    *,
    as_of: dt.date,
    key: str,
    township: str | None = None,
    months: int = 12,
    start: dt.date | None = None,
) -> pd.DataFrame:
    """``date, value`` of one indicator at the last ``months`` month-ends (not before ``start``)."""
    ind = INDICATOR[key]
    dates = [d for d in month_ends(as_of, months) if start is None or d >= start]
    return pd.DataFrame(
        {"date": pd.to_datetime(dates), "value": [ind(b, as_of=d, township=township) for d in dates]}
    )


def laggards(b: Bundle, *, as_of: dt.date, limit: int = 3) -> pd.DataFrame:
    """The townships furthest behind their employment target: name, share, placed, target, gap."""
    df = league(b, as_of=as_of)
    need = {"employment_rate", "employment_placed", "employment_target"}
    if not need <= set(df.columns):
        return pd.DataFrame(columns=["township_code", "name", "employment_rate", "gap"])
    df = df.dropna(subset=["employment_rate"]).copy()
    df["employment_rate"] = pd.to_numeric(df["employment_rate"])
    df["gap"] = df["employment_target"] - df["employment_placed"]
    cols = ["township_code", "name", "employment_rate", "employment_placed", "employment_target", "gap"]
    return df.nsmallest(limit, "employment_rate")[cols].reset_index(drop=True)


# -- headline tiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One headline figure, with the same figure seven days earlier."""

    key: str
    value: float | None
    week_ago: float | None
    unit: str

    @property
    def change(self) -> float | None:
        if self.value is None or self.week_ago is None:
            return None
        return self.value - self.week_ago


def tiles(b: Bundle, *, as_of: dt.date, township: str | None = None) -> dict[str, Tile]:
    """Every available indicator now and seven days earlier (same year for yearly figures, so the change
    on 3 January is this year's progress, not a comparison with last year's total)."""
    now = values(b, as_of=as_of, township=township)
    before = values(b, as_of=as_of - WEEK, township=township, year=as_of.year)
    return {ind.key: Tile(ind.key, now[ind.key], before[ind.key], ind.unit) for ind in available(b)}


# -- the township profile (map page) ---------------------------------------------------------------


def profile(b: Bundle, *, as_of: dt.date, township: str) -> pd.DataFrame:
    """One row per available indicator: the township's value, the county's, and the township's rank.

    ``rank`` counts from the best when the indicator has a direction, else from the largest; ``of`` is
    the number of townships with a value.
    """
    table = league(b, as_of=as_of)
    county = county_values(b, as_of=as_of)
    rows = []
    for ind in available(b):
        col = pd.to_numeric(table[ind.key], errors="coerce")
        mine = table.loc[table["township_code"] == township, ind.key]
        value = mine.iloc[0] if len(mine) else None
        ascending = ind.higher_is_better is False
        ranks = col.rank(ascending=ascending, method="min")
        rank = ranks[table["township_code"] == township]
        rank = None if rank.empty or pd.isna(rank.iloc[0]) else int(rank.iloc[0])
        rows.append(
            {
                "key": ind.key,
                "title_zh": ind.title_zh,
                "title_en": ind.title_en,
                "unit": ind.unit,
                "township": value,
                "county": county.get(ind.key),
                "rank": rank,
                "of": int(col.notna().sum()),
            }
        )
    return pd.DataFrame(rows)


def villages(b: Bundle, *, as_of: dt.date, township: str) -> pd.DataFrame:
    """The township's villages with their 脱贫户, 脱贫人口 and households under monitoring."""
    v = b.table("villages")
    v = v.filter(v.township_code == str(township)).select("village_code", "name", "kind")
    h = b.table("households")
    h = h.filter(h.household_type == places.POVERTY)
    counts = h.group_by("village_code").aggregate(
        poverty_households=h.count(), poverty_persons=h.persons.sum()
    )
    df = b.execute(
        v.left_join(counts, "village_code").select(v, counts.poverty_households, counts.poverty_persons)
    )
    df = df.sort_values("village_code").reset_index(drop=True)
    mon = _optional("monitoring")
    if mon is not None and hasattr(mon, "cases"):
        c = mon.cases(b, as_of=as_of, township=township)
        c = c[c["status"] == "monitored"].drop_duplicates("household_id")
        df["monitored"] = df["village_code"].map(c.groupby("village_code").size()).fillna(0).astype("int64")
    for col in ("poverty_households", "poverty_persons"):
        df[col] = pd.to_numeric(df[col]).fillna(0).astype("int64")
    return df
