"""The overview page's figures, as lists of registry names, and the township views built from them.

Every figure here is a registered metric (``lulong_data.metrics.registry``): the headline tiles, the
township league columns, the map's choices and the township profile are lists of registry names, and a
value is ``registry.evaluate`` (or ``registry.by_township`` for all townships at once). A figure on the
page is two hops from its definition: its name here, then its ``@metric`` function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data import attention, contract, glossary
from lulong_data import status as status_rule
from lulong_data.figures import Figure
from lulong_data.metrics import monitoring, places
from lulong_data.metrics.registry import (
    METRICS,
    by_townships,
    change,
    comparison,
    earlier,
    evaluate,
    title,
    week_before,
)

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

WEEK = dt.timedelta(days=7)
# Dates that look forward or are statements about the data, not events in it (see bundle._latest_date).
_NOT_EVENTS = contract.FORWARD_DATES
_NOT_LEDGERS = contract.NOT_LEDGERS

# The headline tiles: figures shown as the tile's value, figures on its second line, the tile's label and
# the page it opens.
# (shown, second line, label: a glossary key, page). Shown in this order within each rank of attention
# (:func:`tiles`, lulong_data.attention: off target or moved this week first).
TILES: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (("poverty_persons",), ("poverty_households",), "poverty_persons", "monitoring"),
    (("monitored_households",), ("eliminated_households",), "monitored_households", "monitoring"),
    (("overdue_items",), (), "overdue_items", "monitoring"),
    (("employment_placed",), ("employment_target", "employment_rate"), "tile_employment_this_year", "employment"),
    (("welfare_post_persons",), (), "tile_welfare_posts_this_year", "employment"),
    (("env_black_villages", "env_red_villages"), (), "tile_env_lists", "environment"),
)  # fmt: skip
# The township league table's columns (and the map's choices), in order.
LEAGUE: tuple[str, ...] = (
    "poverty_households",
    "poverty_persons",
    "monitored_households",
    "eliminated_households",
    "overdue_items",
    "employment_placed",
    "employment_target",
    "employment_rate",
    "welfare_post_persons",
    "env_mean_score",
    "env_red_villages",
    "env_black_villages",
)


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


# -- the township league table ---------------------------------------------------------------------


def league(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """One row per township, worst first: township_code, name, one column per LEAGUE name (its value), and
    the township's status.

    ``status`` ("behind", "watch", "good"), ``rank`` (1 = worst) and ``reasons_zh`` / ``reasons_en`` are
    :func:`lulong_data.status.township_status` — the one rule the dispatch meeting and the map use too.
    """
    df = townships(b)
    grouped = by_townships(b, LEAGUE, as_of=as_of)  # one call per grouped function, shared by its names
    for name in LEAGUE:
        df[name] = [_plain(grouped[name].get(code)) for code in df["township_code"]]
    judged = status_rule.township_status(b, as_of=as_of)
    df = df.merge(
        judged[["township_code", "status", "rank", "reasons_zh", "reasons_en"]],
        on="township_code",
        how="left",
    )
    return df.sort_values("rank", kind="stable").reset_index(drop=True)


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def values(
    b: Bundle, *, as_of: dt.date, township: str | None = None, names: tuple[str, ...] = LEAGUE
) -> dict[str, Figure]:
    """The figures ``names`` for one area (the county when ``township`` is None)."""
    return {name: evaluate(b, name, as_of=as_of, township=township) for name in names}


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
    name: str,
    township: str | None = None,
    months: int = 12,
    start: dt.date | None = None,
) -> pd.DataFrame:
    """``date, value`` of the figure ``name`` at the last ``months`` month-ends (not before ``start``)."""
    dates = [d for d in month_ends(as_of, months) if start is None or d >= start]
    got = [evaluate(b, name, as_of=d, township=township).value for d in dates]
    return pd.DataFrame({"date": pd.to_datetime(dates), "value": got})


def township_trends(
    b: Bundle, *, as_of: dt.date, name: str, months: int = 12, start: dt.date | None = None
) -> pd.DataFrame:
    """:func:`trend` for every township at once: ``date`` and one column per township code. One grouped
    call per month-end (registry.by_townships), not one per township and month: the map's profile of
    any township is then a column of it."""
    dates = [d for d in month_ends(as_of, months) if start is None or d >= start]
    rows = [by_townships(b, [name], as_of=d)[name] for d in dates]
    frame = pd.DataFrame(rows, index=pd.to_datetime(dates)).rename_axis("date").reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def trend_of(trends: pd.DataFrame, township: str) -> pd.DataFrame:
    """One township's ``date, value`` from :func:`township_trends` (the shape of :func:`trend`)."""
    return pd.DataFrame({"date": trends["date"], "value": trends[str(township)].tolist()})


def laggards(b: Bundle, *, as_of: dt.date, limit: int = 3) -> pd.DataFrame:
    """The townships furthest behind their employment target: name, share, placed, target, gap."""
    df = league(b, as_of=as_of).dropna(subset=["employment_rate"]).copy()
    df["employment_rate"] = pd.to_numeric(df["employment_rate"])
    df["gap"] = df["employment_target"] - df["employment_placed"]
    cols = ["township_code", "name", "employment_rate", "employment_placed", "employment_target", "gap"]
    return df.nsmallest(limit, "employment_rate")[cols].reset_index(drop=True)


def laggard_text(row: Any, lang: str = "zh") -> str:
    """One laggard (a row of :func:`laggards`) in words: "完成 94%(345/368),差 23 人"."""
    from lulong_data.formatting import fmt_int, fmt_rate

    share = (
        f"{fmt_rate(row.employment_rate)}({fmt_int(row.employment_placed)}/{fmt_int(row.employment_target)})"
    )
    if lang == "en":
        return f"{share}, " + (f"{fmt_int(row.gap)} short" if row.gap > 0 else "target reached")
    return f"完成{share}," + (f"差{fmt_int(row.gap)}人" if row.gap > 0 else "已完成目标")


# -- headline tiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """A headline tile: its figures now, the first one seven days earlier (what moved this week), its
    second line, and what its change is against (registry.earlier: seven days earlier, or the previous
    list month of a monthly list) with that comparison's glossary key."""

    figures: tuple[Figure, ...]
    week_ago: Figure
    notes: tuple[Figure, ...] = ()
    label: str = ""  # a glossary key (lulong_data/glossary.toml)
    page: str = ""
    before: Figure | None = None  # None: week_ago
    versus: str = "vs_7_days"  # a glossary key (registry.comparison)

    @property
    def name(self) -> str:
        return self.figures[0].name

    @property
    def change(self) -> float | None:
        return change(self.figures[0], self.week_ago if self.before is None else self.before)


def _week_ago(b: Bundle, name: str, as_of: dt.date, township: str | None) -> Figure:
    """The figure seven days earlier (registry.week_before)."""
    return week_before(b, name, as_of=as_of, township=township)


# A tile's figure that has a yardstick to date (lulong_data.attention: off target while below it).
TARGETS: dict[str, str] = {"employment_placed": "employment_pace"}


def tiles(b: Bundle, *, as_of: dt.date, township: str | None = None) -> tuple[Tile, ...]:
    """Every tile of TILES at ``as_of`` with its change (on seven days earlier, a monthly list on the list
    month before: registry.earlier), in the order of attention
    (issue 22; lulong_data.attention): off target and moved first, a figure that stood still for a week and
    has no target to miss (脱贫人口) last; TILES' order within each rank."""

    def fig(name: str) -> Figure:
        return evaluate(b, name, as_of=as_of, township=township)

    def tile(shown: tuple[str, ...], notes: tuple[str, ...], label: str, page: str) -> Tile:
        week_ago, versus = _week_ago(b, shown[0], as_of, township), comparison(shown[0])
        before = None if versus == "vs_7_days" else earlier(b, shown[0], as_of=as_of, township=township)
        return Tile(tuple(map(fig, shown)), week_ago, tuple(map(fig, notes)), label, page, before, versus)

    made = [tile(*entry) for entry in TILES]
    signals = [
        attention.signal(
            t.name,
            t.figures[0].value,
            t.week_ago.value,
            better=METRICS[t.name].better,
            target=fig(TARGETS[t.name]).value if t.name in TARGETS else None,
        )
        for t in made
    ]
    first = attention.order(signals)
    return tuple(sorted(made, key=lambda t: first.index(t.name)))


def overdue_view(
    b: Bundle,
    *,
    as_of: dt.date,
    township: str | None = None,
    households: bool,
    lang: str = "zh",
    limit: int = 8,
) -> pd.DataFrame:
    """What the overview lists under "needs attention": the longest overdue items (check, township_name,
    village_name, head_masked, days_over), or for a role without household access counts only (check,
    township_name, items) — never a household row. ``check`` is the deadline's name in ``lang``."""
    items = monitoring.overdue_list(b, as_of=as_of, township=township)
    if households:
        cols = ["check", "township_name", "village_name", "head_masked", "days_over"]
        rows = items.head(limit)[cols].reset_index(drop=True)
    else:
        rows = (
            items.groupby(["check", "township_name"], as_index=False).size().rename(columns={"size": "items"})
        )
    names = {k: en if lang == "en" else zh for k, (zh, en) in monitoring.CHECK_LABELS.items()}
    return rows.assign(check=rows["check"].map(names))


# -- the township profile (map page) ---------------------------------------------------------------


def profiles(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """One row per (township, LEAGUE figure): township_code, name, the township's value, the county's,
    the township's rank, and the figure's period (``period_zh``/``period_en``). The league and the county
    figures are computed once for all townships: choosing another township on the map costs nothing.

    ``rank`` counts from the best when the figure has a direction, else from the largest; ``of`` is the
    number of townships with a value.
    """
    table = league(b, as_of=as_of)
    county = values(b, as_of=as_of)
    rows = []
    for name in LEAGUE:
        col = pd.to_numeric(table[name], errors="coerce")
        ranks = col.rank(ascending=METRICS[name].better == "down", method="min")
        fig = county[name]
        for i, code in enumerate(table["township_code"]):
            rows.append(
                {
                    "township_code": code,
                    "name": name,
                    "township": _plain(table[name].iloc[i]),
                    "county": fig.value,
                    "rank": None if pd.isna(ranks.iloc[i]) else int(ranks.iloc[i]),
                    "of": int(col.notna().sum()),
                    "period_zh": fig.period.text("zh"),
                    "period_en": fig.period.text("en"),
                }
            )
    return pd.DataFrame(rows)


def profile_of(all_profiles: pd.DataFrame, township: str) -> pd.DataFrame:
    """One township's rows of :func:`profiles`, one per LEAGUE figure in LEAGUE order."""
    mine = all_profiles[all_profiles["township_code"] == township]
    return mine.drop(columns="township_code").reset_index(drop=True)


# The profile table's columns, and the ones a narrow column (the map's side) shows first: the township's
# value and rank; the county's value and the period one click away.
PROFILE_COLUMNS = ("label", "township_text", "county_text", "rank_text", "period_text")
PROFILE_PRIORITY = ("label", "township_text", "rank_text", "county_text")


def profile_view(prof: pd.DataFrame, lang: str = "zh", *, fmt: Any) -> pd.DataFrame:
    """:func:`profile` for a table: label (registry.title, as the dispatch tiles: a long label in its short
    form, 务工就业(本年)), township_text, county_text (``fmt(value, unit, name)``), rank_text ("第3/12"),
    period_text."""
    units = [METRICS[n].unit for n in prof["name"]]
    ranks = [
        "—" if pd.isna(r) else (f"{int(r)} of {n}" if lang == "en" else f"第{int(r)}/{n}")
        for r, n in zip(prof["rank"], prof["of"], strict=True)
    ]
    return pd.DataFrame(
        {
            "label": [title(n, lang) for n in prof["name"]],
            "township_text": list(map(fmt, prof["township"], units, prof["name"])),
            "county_text": list(map(fmt, prof["county"], units, prof["name"])),
            "rank_text": ranks,
            "period_text": prof["period_en" if lang == "en" else "period_zh"],
        }
    )


@dataclass(frozen=True)
class ProfileTrend:
    """A trend chart of the township profile: the figure, how many month-ends back, the chart's title."""

    name: str
    months: int
    title: str


def profile_trends(as_of: dt.date, lang: str = "zh") -> tuple[ProfileTrend, ...]:
    """The profile's trends: households not yet out of risk over the last 12 month-ends, and this year's
    placements month by month (the year so far)."""
    monitored, placed = METRICS["monitored_households"], METRICS["employment_placed"]
    return (
        ProfileTrend(monitored.name, 12, glossary.term("trend_12_months", lang, name=monitored.label(lang))),
        ProfileTrend(
            placed.name,
            as_of.month,
            glossary.term("trend_in_year", lang, year=as_of.year, name=placed.label(lang, short=True)),
        ),
    )


def villages(b: Bundle, *, as_of: dt.date, township: str, small: int | None = None) -> pd.DataFrame:
    """The township's villages: village_code, village_name, kind, poverty_households, poverty_persons and
    monitored_households (the registry's figures by village). ``small``: for a role that may not see
    villages' small counts, counts below it read "<small" and enough others "×" that the township's public
    total gives none away (lulong_data.privacy.protect_counts)."""
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
    df = df.sort_values("village_code").reset_index(drop=True).rename(columns={"name": "village_name"})
    c = monitoring.cases(b, as_of=as_of, township=township)
    c = c[c["status"] == "monitored"].drop_duplicates("household_id")
    df["monitored_households"] = df["village_code"].map(c.groupby("village_code").size())
    counts = ["poverty_households", "poverty_persons", "monitored_households"]
    for col in counts:
        df[col] = pd.to_numeric(df[col]).fillna(0).astype("int64")
    if small is not None:
        from lulong_data.privacy import protect_counts

        # a village's poverty households never exceed its poverty persons: a reader may use one to bound
        # the other, so the protection does too
        df = protect_counts(df, counts, small, at_most=[("poverty_households", "poverty_persons")])
    return df
