"""人居环境红黑榜: the monthly red/black lists of villages and townships (农业农村局).

Every figure comes from ``environment_scores`` (one row per village per month inspected) and the county
rules (``b.rules.ranking``); no list is typed in.

Ranking rule (documented here and on the page):

* A village's score of a month is the sum of the five items (0-100), rounded to 0.01 so float noise
  cannot break a tie. Only inspections dated on or before ``as_of`` count.
* Villages are ranked county-wide by score, highest first. Equal scores are ordered by the rules'
  ``tie_break`` keys in turn: ``fewer_vetoes`` (a village with a veto finding that month after one
  without), ``higher_upkeep`` (higher 长效管护 score first: upkeep is what lasts), ``village_code``
  (ascending, so the order is total and reproducible). Every village gets a distinct rank.
* 黑榜: the ``black_villages`` lowest-ranked villages, plus every veto (一票否决) village whatever its score
  when ``veto_black``. 红榜: the ``red_villages`` highest-ranked villages that are neither on the black list
  nor vetoed. When a month ranks fewer villages than the two lists together need, each list takes at most
  half of them (rounded down), so no village is on both lists.
* Townships are ranked by the mean score of their inspected villages that month, with the same tie-break
  at township level (fewer veto villages, higher mean upkeep, township code); top ``red_townships`` red,
  bottom ``black_townships`` black. A township with no inspected village that month is not ranked.
* 约谈: a village on the black list in each of the last ``talk_after_months`` list months (months with
  any inspection), ending with the month shown, is flagged for a formal talk.
* Movement compares a month's lists with the previous list month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from lulong_data.columns import TableView
from lulong_data.departments import NONGYE
from lulong_data.figures import Caveat, Figure, Period
from lulong_data.metrics.memo import memo
from lulong_data.metrics.registry import grouped, metric

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.rules import Ranking

__all__ = [
    "ITEMS",
    "EnvItem",
    "MonthLists",
    "item_losses",
    "list_months",
    "month_lists",
    "movement",
    "ranked_villages",
    "talk_flags",
    "township_rank_history",
    "township_ranking",
    "village_history",
]


@dataclass(frozen=True)
class EnvItem:
    column: str
    zh: str
    en: str
    max_points: float


# The five scored items and their maximum points (contract: environment_scores).
ITEMS: tuple[EnvItem, ...] = (
    EnvItem("garbage", "垃圾治理", "Garbage", 25),
    EnvItem("toilets", "厕所革命", "Toilets", 20),
    EnvItem("sewage", "污水治理", "Sewage", 15),
    EnvItem("appearance", "村容村貌", "Appearance", 25),
    EnvItem("upkeep", "长效管护", "Upkeep", 15),
)
_ITEM_COLS = [i.column for i in ITEMS]
RED, BLACK = "red", "black"

_VILLAGE_COLS = [
    "period",
    "rank",
    "ranked",
    "village_code",
    "village",
    "township_code",
    "township",
    "total",
    *_ITEM_COLS,
    "veto",
    "note",
    "inspected_on",
    "list",
]


# --- the scored rows ------------------------------------------------------------------------------
def _scores(b: Bundle, as_of: dt.date) -> ibis.Table:
    """Inspections up to as_of with the total, village and township names."""
    s = b.table("environment_scores")
    s = s.filter(s.inspected_on <= as_of)
    # Items are required by the contract; a missing one counts 0 rather than dropping the village.
    items = {c: s[c].fill_null(0).cast("float64") for c in _ITEM_COLS}
    total = sum(items.values(), ibis.literal(0.0)).round(2)
    s = s.mutate(**items, total=total, veto=s.veto.fill_null(False), note=s.note)
    v = b.table("villages").select("village_code", "township_code", village="name")
    tw = b.table("townships").select("township_code", township="name")
    s = s.left_join(v, "village_code").select(s, v.township_code, v.village)
    # Township from the village row; the code prefix covers a village missing from the roll.
    s = s.mutate(township_code=s.township_code.fill_null(s.village_code.substr(0, 9)))
    return s.left_join(tw, "township_code").select(s, tw.township)


def _order_keys(t: ibis.Table, tie_break: tuple[str, ...], code: str, upkeep: str, vetoes: str) -> list:
    keys = [ibis.desc(t.total)]
    for key in tie_break:
        if key == "fewer_vetoes":
            keys.append(ibis.asc(t[vetoes]))
        elif key == "higher_upkeep":
            keys.append(ibis.desc(t[upkeep]))
        elif key == "village_code":  # at township level: the township code
            keys.append(ibis.asc(t[code]))
    keys.append(ibis.asc(t[code]))  # always total, even if the rules leave the code out
    return keys


def _list_sizes(n: ibis.Value, red: int, black: int) -> tuple[ibis.Value, ibis.Value]:
    """List sizes for n ranked units: as the rules say, or at most half each when they would overlap."""
    half = n // 2
    over = n < red + black
    red_n = ibis.ifelse(over, ibis.least(half, red), red)
    black_n = ibis.ifelse(over, ibis.least(half, black), black)
    return red_n, black_n


def _ranked(b: Bundle, as_of: dt.date) -> ibis.Table:
    """Every inspected village of every month with its county rank and list ("red"/"black"/null)."""
    rk: Ranking = b.rules.ranking
    s = _scores(b, as_of).mutate(vetoes=lambda t: t.veto.cast("int32"))
    order = _order_keys(s, rk.tie_break, "village_code", "upkeep", "vetoes")
    s = s.mutate(
        rank=ibis.row_number().over(group_by="period", order_by=order) + 1,
        ranked=s.village_code.count().over(group_by="period"),  # villages ranked that month
    )
    red_n, black_n = _list_sizes(s.ranked, rk.red_villages, rk.black_villages)
    vetoed = s.veto if rk.veto_black else ibis.literal(False)
    black = (s.rank > s.ranked - black_n) | vetoed
    s = s.mutate(is_black=black)
    # Red candidates are re-numbered among themselves so a veto village does not take a red seat.
    s = s.mutate(
        red_seat=ibis.row_number().over(group_by=["period", "is_black"], order_by=[ibis.asc(s.rank)])
    )
    s = s.mutate(
        list=ibis.cases(
            (s.is_black, ibis.literal(BLACK)), ((s.red_seat < red_n), ibis.literal(RED)), else_=None
        )
    )
    return s.select(*_VILLAGE_COLS)


def ranked_villages(b: Bundle, *, as_of: dt.date, period: str | None = None) -> pd.DataFrame:
    """All inspected villages with county rank and list; one month or (period=None) every month.

    Every list figure of a page reads this ranking, so all months at ``as_of`` are ranked once per bundle
    (a month's ranks do not depend on the other months)."""
    df = memo(
        b, ("env_ranked", as_of), lambda: _tidy(b.execute(_ranked(b, as_of).order_by(["period", "rank"])))
    )
    if period is not None:
        df = df[df["period"] == period].reset_index(drop=True)
    return df


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    for col in ("rank", "ranked"):
        df[col] = df[col].astype("Int64")
    df["veto"] = df["veto"].astype(bool)
    for col in ("note", "list"):  # None, not NaN: "no list" must not read as a value
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


# --- months ---------------------------------------------------------------------------------------
def list_months(b: Bundle, *, as_of: dt.date) -> list[str]:
    """Months (YYYY-MM) with at least one inspection on or before as_of, oldest first."""

    def build() -> tuple[str, ...]:
        s = b.table("environment_scores")
        s = s.filter(s.inspected_on <= as_of)
        # Sorted here, not in SQL: on PySpark, Ibis 12 compiles filter + distinct + order_by to a DISTINCT
        # over (period, inspected_on), which repeats every month once per inspection day.
        df = b.execute(s.select("period").distinct()).sort_values("period", na_position="last")
        return tuple(str(p) for p in df["period"])

    return list(memo(b, ("env_months", as_of), build))


def _resolve(b: Bundle, as_of: dt.date, period: str | None) -> str | None:
    months = list_months(b, as_of=as_of)
    if period is None:
        return months[-1] if months else None
    return period


def _previous(months: list[str], period: str, n: int = 1) -> list[str]:
    """The n list months before period (latest last)."""
    earlier = [m for m in months if m < period]
    return earlier[-n:] if n else []


def previous_list_month(b: Bundle, *, as_of: dt.date, period: str) -> str | None:
    """The list month before ``period`` (inspected on or before ``as_of``), or None: what a monthly
    figure's tile compares with (registry ``previous=``)."""
    earlier = _previous(list_months(b, as_of=as_of), period)
    return earlier[-1] if earlier else None


# --- this month's lists ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthLists:
    period: str | None
    previous: str | None  # the previous list month, for movement
    red: pd.DataFrame  # position on the list, county rank, village, township, score, veto, reason
    black: pd.DataFrame
    villages_ranked: int
    vetoes: int  # veto villages of the month (all on the black list when the rules say so)
    inspected_from: dt.date | None  # first and last inspection of the month, for the notice
    inspected_to: dt.date | None


def _reason(row: pd.Series, list_name: str) -> str:
    """The one-line reason: the inspector's note, else what the data says."""
    if isinstance(row["note"], str) and row["note"].strip():
        return row["note"].strip()
    if row["veto"]:
        return "一票否决"
    if list_name == RED:
        full = sum(row[i.column] >= i.max_points for i in ITEMS)
        return f"总分{row['total']:g}分" + (f"，{full}项满分" if full else "")
    lost = {i.zh: i.max_points - row[i.column] for i in ITEMS}
    worst = max(lost, key=lambda k: lost[k])
    return f"{worst}失分最多（失{lost[worst]:g}分）"


def _list_frame(month: pd.DataFrame, list_name: str) -> pd.DataFrame:
    rows = month[month["list"] == list_name].copy()
    # Red reads from the best down; black from the worst up (倒数第一 first), veto villages by rank too.
    rows = rows.sort_values("rank", ascending=list_name == RED)
    rows.insert(0, "position", range(1, len(rows) + 1))
    rows["reason"] = [_reason(r, list_name) for _, r in rows.iterrows()]
    cols = [
        "position",
        "rank",
        "village_code",
        "village",
        "township_code",
        "township",
        "total",
        "veto",
        "reason",
    ]
    return rows[cols].reset_index(drop=True)


def month_lists(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> MonthLists:
    """The red and black lists of ``period`` (default: the latest list month up to as_of).

    ``township`` narrows the rows shown; positions and ranks stay county-wide.
    """
    period = _resolve(b, as_of, period)
    months = list_months(b, as_of=as_of)
    previous = (_previous(months, period) or [None])[-1] if period else None
    month = ranked_villages(b, as_of=as_of, period=period) if period else _empty()
    red, black = _list_frame(month, RED), _list_frame(month, BLACK)
    if township:
        red = red[red["township_code"] == township].reset_index(drop=True)
        black = black[black["township_code"] == township].reset_index(drop=True)
    days = pd.to_datetime(month["inspected_on"]) if len(month) else pd.Series([], dtype="datetime64[ns]")
    first, last = (days.min().date(), days.max().date()) if len(month) else (None, None)
    return MonthLists(period, previous, red, black, len(month), int(month["veto"].sum()), first, last)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in _VILLAGE_COLS})


# --- movement against the previous list month -----------------------------------------------------
def movement(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> pd.DataFrame:
    """Who came on, went off or moved on each list against the previous list month.

    Columns: list, status ("new" / "off" / "stay"), village_code, village, township_code, township,
    position, previous_position, change (positive = moved up the list, i.e. towards position 1).
    """
    now = month_lists(b, as_of=as_of, period=period)
    cols = ["list", "status", "village_code", "village", "township_code", "township", "position",
            "previous_position", "change"]  # fmt: skip
    if now.period is None:
        return pd.DataFrame(columns=cols)
    before = month_lists(b, as_of=as_of, period=now.previous) if now.previous else None
    out = []
    for name in (RED, BLACK):
        cur = getattr(now, name).set_index("village_code")
        prev = getattr(before, name).set_index("village_code") if before else cur.iloc[0:0]
        for code in list(cur.index) + [c for c in prev.index if c not in cur.index]:
            src = cur.loc[code] if code in cur.index else prev.loc[code]
            pos = cur.loc[code, "position"] if code in cur.index else None
            ppos = prev.loc[code, "position"] if code in prev.index else None
            status = "stay" if pos is not None and ppos is not None else ("new" if pos is not None else "off")
            change = int(ppos - pos) if status == "stay" else None
            out.append(
                [name, status, code, src["village"], src["township_code"], src["township"], pos, ppos, change]
            )
    df = pd.DataFrame(out, columns=cols)
    if before is None:
        df = df[df["status"] != "off"]
    for col in ("position", "previous_position", "change"):
        df[col] = df[col].astype("Int64")
    if township:
        df = df[df["township_code"] == township]
    return df.reset_index(drop=True)


# --- formal talks (约谈) ---------------------------------------------------------------------------
def talk_flags(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> pd.DataFrame:
    """Villages black-listed in each of the last ``talk_after_months`` list months up to ``period``.

    Columns: village_code, village, township_code, township, months_running (the full run length), since.
    """
    cols = ["village_code", "village", "township_code", "township", "months_running", "since"]
    period = _resolve(b, as_of, period)
    if period is None:
        return pd.DataFrame(columns=cols)
    need = b.rules.ranking.talk_after_months
    months = [m for m in list_months(b, as_of=as_of) if m <= period]
    all_rows = ranked_villages(b, as_of=as_of)
    black = all_rows[(all_rows["list"] == BLACK) & all_rows["period"].isin(months)]
    by_village = black.groupby("village_code")["period"].apply(set)
    now = black[black["period"] == period].set_index("village_code")
    out = []
    for code, row in now.iterrows():
        run = 0
        for m in reversed(months):  # count back from the month shown while the village stays black
            if m not in by_village[code]:
                break
            run += 1
        if run >= need:
            since = months[len(months) - run]
            out.append([code, row["village"], row["township_code"], row["township"], run, since])
    df = pd.DataFrame(out, columns=cols).sort_values(
        ["months_running", "village_code"], ascending=[False, True]
    )
    if township:
        df = df[df["township_code"] == township]
    df["months_running"] = df["months_running"].astype("Int64")
    return df.reset_index(drop=True)


# --- townships ------------------------------------------------------------------------------------
def _township_ranked(b: Bundle, as_of: dt.date) -> ibis.Table:
    rk: Ranking = b.rules.ranking
    s = _scores(b, as_of)
    # The mean village total to 0.01, rounded half up in integer hundredths: a float mean summed in another
    # order (another engine, more threads) could round a mean ending in ...5 the other way.
    cents, n = (s.total * 100).round(0).cast("int64"), s.total.count()
    g = s.group_by(["period", "township_code"]).aggregate(
        total=((cents.sum() * 2 + n) // (n * 2)).cast("float64") / 100,
        villages=s.village_code.nunique(),
        vetoes=s.veto.cast("int32").sum(),
        # From an exact integer sum (scores have two decimals at most): a float mean summed in another
        # order differs in the last bits, and that must not break a tie (the rules' next key, the code, does).
        upkeep=(s.upkeep * 100).round(0).cast("int64").sum() / s.upkeep.count(),
    )
    order = _order_keys(g, rk.tie_break, "township_code", "upkeep", "vetoes")
    g = g.mutate(
        rank=ibis.row_number().over(group_by="period", order_by=order) + 1,
        ranked=g.township_code.count().over(group_by="period"),
    )
    red_n, black_n = _list_sizes(g.ranked, rk.red_townships, rk.black_townships)
    return g.mutate(
        list=ibis.cases(
            (g.rank <= red_n, ibis.literal(RED)),
            (g.rank > g.ranked - black_n, ibis.literal(BLACK)),
            else_=None,
        )
    )


def township_ranking(b: Bundle, *, as_of: dt.date, period: str | None = None) -> pd.DataFrame:
    """Every township for ``period``: mean village score, rank and list; unranked if nobody was inspected.

    Columns: township_code, township, villages (inspected), mean_score, vetoes, rank, ranked, list,
    inspected (False = no village inspected that month: not ranked).
    """
    period = _resolve(b, as_of, period)
    tw = b.table("townships").select("township_code", township="name")
    g = _township_ranked(b, as_of)
    g = g.filter(g.period == (period or ""))
    j = tw.left_join(g, "township_code").select(
        tw.township_code, tw.township, g.villages, mean_score=g.total, vetoes=g.vetoes, rank=g.rank,
        ranked=g.ranked, list=g.list,
    )  # fmt: skip
    df = b.execute(j).reset_index(drop=True)
    df["inspected"] = df["rank"].notna()
    for col in ("villages", "vetoes", "rank", "ranked"):
        df[col] = df[col].astype("Int64")
    df["villages"] = df["villages"].fillna(0)
    df["list"] = df["list"].astype(object).where(df["list"].notna(), None)
    # Ranked first by rank, then the unranked by code: the table reads top to bottom.
    df = df.sort_values(["inspected", "rank", "township_code"], ascending=[False, True, True])
    return df.reset_index(drop=True)


def township_rank_history(
    b: Bundle, *, as_of: dt.date, period: str | None = None, months: int = 12
) -> pd.DataFrame:
    """Each township's rank in the last ``months`` list months up to ``period``.

    Columns: period, township_code, township, rank, ranked, mean_score, list.
    """
    period = _resolve(b, as_of, period)
    cols = ["period", "township_code", "township", "rank", "ranked", "mean_score", "list"]
    if period is None:
        return pd.DataFrame(columns=cols)
    keep = [m for m in list_months(b, as_of=as_of) if m <= period][-months:]
    g = _township_ranked(b, as_of)
    g = g.filter(g.period.isin(keep))
    tw = b.table("townships").select("township_code", township="name")
    j = g.left_join(tw, "township_code").select(
        g.period, g.township_code, tw.township, g.rank, g.ranked, mean_score=g.total, list=g.list
    )
    df = b.execute(j.order_by(["period", "rank"])).reset_index(drop=True)
    for col in ("rank", "ranked"):
        df[col] = df[col].astype("Int64")
    df["list"] = df["list"].astype(object).where(df["list"].notna(), None)
    return df[cols]


# --- why: item losses and history -----------------------------------------------------------------
def item_losses(
    b: Bundle,
    *,
    as_of: dt.date,
    period: str | None = None,
    township: str | None = None,
    village: str | None = None,
) -> pd.DataFrame:
    """Where points are lost in ``period``: per item, mean score and mean lost (max - score).

    Scope: the county, a township (9-digit code) or one village (12-digit code). Columns: item, item_zh,
    item_en, max_points, mean_score, mean_lost, lost_share (of all points lost), villages.
    """
    period = _resolve(b, as_of, period)
    s = _scores(b, as_of).filter(lambda t: t.period == (period or ""))
    if village:
        s = s.filter(s.village_code == village)
    elif township:
        s = s.filter(s.township_code == township)
    agg = {f"{c}_mean": s[c].mean() for c in _ITEM_COLS}
    row = b.execute(s.aggregate(villages=s.village_code.nunique(), **agg)).iloc[0]
    n = int(row["villages"] or 0)
    out = []
    for it in ITEMS:
        mean = float(row[f"{it.column}_mean"]) if n else float("nan")
        out.append([it.column, it.zh, it.en, it.max_points, mean, it.max_points - mean])
    df = pd.DataFrame(out, columns=["item", "item_zh", "item_en", "max_points", "mean_score", "mean_lost"])
    lost_total = df["mean_lost"].sum()
    df["lost_share"] = df["mean_lost"] / lost_total if n and lost_total > 0 else 0.0
    df["villages"] = n
    return df


def village_history(b: Bundle, *, as_of: dt.date, village: str) -> pd.DataFrame:
    """One village's monthly scores up to as_of with its county rank and list of each month."""
    t = _ranked(b, as_of)
    df = b.execute(t.filter(t.village_code == village).order_by("period"))
    return _tidy(df)


# --- 口径 registry: headline figures of a month ----------------------------------------------------
def _count(b: Bundle, as_of: dt.date, period: str, township: str | None, list_name: str) -> float:
    lists = month_lists(b, as_of=as_of, period=period, township=township)
    return float(len(getattr(lists, list_name)))


_MONTH = "所选检查月份;未指定的,为所选日期前最近一个有检查记录的月份"
_LIST = (
    "村庄清洁行动“红黑榜”每月对各行政村垃圾治理、厕所革命、污水治理、村容村貌、长效管护五项(满分100分)"
    "检查评分"
)


def _no_month(as_of: dt.date) -> Caveat:
    return Caveat(
        "no_list_month",
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日尚无人居环境检查记录。",
        f"No living-environment inspection on or before {as_of.isoformat()}.",
    )


def _month_figure(
    name: str, b: Bundle, as_of: dt.date, period: str | None, value: Callable[[str], float | None]
) -> Figure:
    """A figure of one list month: the month is its period; a month still being inspected says so."""
    month = _resolve(b, as_of, period)
    if month is None:
        return Figure(name, None, Period.point(as_of), "period", missing=_no_month(as_of))
    span = Period.month(int(month[:4]), int(month[5:7]))
    v = value(month)
    caveats: tuple[Caveat, ...] = ()
    if as_of < span.end:
        caveats = (
            Caveat(
                "month_in_progress",
                f"{span.text()}检查尚未结束,按截至{as_of.month}月{as_of.day}日的检查结果计算。",
                f"{span.text('en')} is still being inspected: results up to {as_of.isoformat()}.",
            ),
        )
    missing = None if v is not None else _no_month(as_of)
    return Figure(name, v, span, "period", caveats, missing)


@metric(
    name="env_red_villages",
    basis="period",
    department=NONGYE,
    frequency="月",
    previous=previous_list_month,
    pages=("overview", "map", "environment", "press"),
    phrases=("红榜", "登上红榜", "上红榜"),
    scope=_LIST + ",总分全县排名靠前、且无一票否决情形的行政村(或其中属于所选乡镇的村)",
    method="按村计数;上榜名额由县农村人居环境整治红黑榜规则确定",
    when=_MONTH,
    definition_en="Villages on the month's red list: the top of the county by total score, without a veto "
    "finding; the number of places is set by the county's rules.",
    datasets=("environment_scores",),
)
def env_red_villages(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> Figure:
    return _month_figure("env_red_villages", b, as_of, period, lambda m: _count(b, as_of, m, township, RED))


@metric(
    name="env_black_villages",
    basis="period",
    better="down",
    department=NONGYE,
    frequency="月",
    previous=previous_list_month,
    pages=("overview", "map", "dispatch", "environment", "press"),
    phrases=("黑榜", "列入黑榜", "上黑榜"),
    scope=_LIST + ",总分全县排名靠后的行政村,以及有一票否决情形的全部行政村(或其中属于所选乡镇的村)",
    method="按村计数,同一村只计1次;排名靠后的名额由县农村人居环境整治红黑榜规则确定",
    when=_MONTH,
    definition_en="Villages on the month's black list: the bottom of the county by total score plus every "
    "village with a veto finding, each once.",
    datasets=("environment_scores",),
)
def env_black_villages(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> Figure:
    return _month_figure(
        "env_black_villages", b, as_of, period, lambda m: _count(b, as_of, m, township, BLACK)
    )


@metric(
    name="env_talk_villages",
    basis="period",
    better="down",
    department=NONGYE,
    frequency="月",
    previous=previous_list_month,
    pages=("dispatch", "environment", "press"),
    phrases=("约谈", "连续上黑榜"),
    scope="截至所选检查月份连续上人居环境黑榜、达到县规则规定月数的行政村(或其中属于所选乡镇的村)",
    method="按村计数",
    when=_MONTH,
    definition_en="Villages black-listed in each of the last months the county's rules set for a formal talk.",
    datasets=("environment_scores",),
)
def env_talk_villages(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> Figure:
    return _month_figure(
        "env_talk_villages",
        b,
        as_of,
        period,
        lambda m: float(len(talk_flags(b, as_of=as_of, period=m, township=township))),
    )


@metric(
    name="env_mean_score",
    basis="period",
    better="up",
    department=NONGYE,
    frequency="月",
    previous=previous_list_month,
    pages=("overview", "map", "environment", "press"),
    phrases=("平均得分", "平均分", "得分"),
    scope=_LIST + "中当月受检的行政村(或其中属于所选乡镇的村)",
    method="各受检村五项得分合计的算术平均,保留两位小数",
    when=_MONTH,
    definition_en="Mean of the month's village totals (five items, out of 100), to two decimals.",
    datasets=("environment_scores",),
)
def env_mean_score(
    b: Bundle, *, as_of: dt.date, period: str | None = None, township: str | None = None
) -> Figure:
    def mean(month: str) -> float | None:
        s = _scores(b, as_of).filter(lambda t: t.period == month)
        if township:
            s = s.filter(s.township_code == township)
        value = b.execute(s.total.mean())
        return None if value is None or pd.isna(value) else round(float(value), 2)

    return _month_figure("env_mean_score", b, as_of, period, mean)


@grouped(
    "env_red_villages",
    "env_black_villages",
    "env_mean_score",
    zero=("env_red_villages", "env_black_villages"),
)
def _month_grouped(b: Bundle, *, as_of: dt.date, period: str | None = None) -> pd.DataFrame:
    """The month's list counts and mean score per township; no column at all before the first list month
    (every township then has no value, like the county)."""
    lists = month_lists(b, as_of=as_of, period=period)
    if lists.period is None:
        return pd.DataFrame(index=pd.Index([], name="township_code"))
    ranking = township_ranking(b, as_of=as_of, period=lists.period).set_index("township_code")
    return pd.DataFrame(
        {
            "env_red_villages": lists.red.groupby("township_code").size().astype("float64"),
            "env_black_villages": lists.black.groupby("township_code").size().astype("float64"),
            "env_mean_score": pd.to_numeric(ranking["mean_score"], errors="coerce").round(2),
        }
    )


@metric(
    name="env_inspected_villages",
    basis="period",
    department=NONGYE,
    frequency="月",
    previous=previous_list_month,
    pages=("environment",),
    phrases=("受检村",),
    scope=_LIST + "中当月受检、参加全县排名的行政村",
    method="按村计数",
    when=_MONTH,
    definition_en="Villages inspected in the month and ranked county-wide.",
    datasets=("environment_scores",),
)
def env_inspected_villages(b: Bundle, *, as_of: dt.date, period: str | None = None) -> Figure:
    return _month_figure(
        "env_inspected_villages",
        b,
        as_of,
        period,
        lambda m: float(month_lists(b, as_of=as_of, period=m).villages_ranked),
    )


# -- words of the red/black list page (generated here, beside the rules they describe) ---------------


def chart_labels(lang: str = "zh") -> dict[str, str]:
    """The words the environment charts use for lists, axes and legends."""
    zh = {"red": "红榜", "black": "黑榜", "none": "未检查", "score": "平均得分", "rank": "排名", "township": "乡镇",
          "list": "榜单", "month": "月份", "lost": "平均失分", "scope": "范围", "item": "评分项"}  # fmt: skip
    en = {"red": "red list", "black": "black list", "none": "not inspected", "score": "mean score", "rank": "rank",
          "township": "township", "list": "list", "month": "month", "lost": "mean points lost", "scope": "scope",
          "item": "item"}  # fmt: skip
    return en if lang == "en" else zh


MOVEMENT_COLUMNS = ("change_text", "village", "township", "position", "previous_position")
HISTORY_COLUMNS = ("period", "total", *(i.column for i in ITEMS), "rank", "list_text", "note")
HISTORY_TABLE = TableView("village_history", HISTORY_COLUMNS, table="village_history")  # _<village code>
MONTH_HINT = (
    "默认为截至日期前最近一个有检查记录的月份。",
    "Default: the latest inspected month up to the date.",
)
LOSS_NOTE = ("失分 = 该项满分 − 得分,按受检村平均。", "Points lost = item maximum − score, mean per village.")


def movement_view(mv: pd.DataFrame, list_name: str, lang: str = "zh") -> pd.DataFrame:
    """One list's movement against the previous month (:func:`movement`), the change in words: 新上榜, 退出,
    名次不变, ↑2 / ↓1. Columns: change_text, village, township, position, previous_position."""
    rows = mv[mv["list"] == list_name]
    words = {"new": ("新上榜", "new"), "off": ("退出", "off the list"), "same": ("名次不变", "unchanged")}

    def text(r) -> str:
        key = r.status if r.status in ("new", "off") else ("same" if r.change == 0 else None)
        if key:
            return words[key][1 if lang == "en" else 0]
        return f"↑{r.change}" if r.change > 0 else f"↓{-r.change}"

    out = rows[["village", "township", "position", "previous_position"]].copy()
    out.insert(0, "change_text", [text(r) for r in rows.itertuples()])
    for col in ("position", "previous_position"):
        out[col] = ["—" if pd.isna(v) else str(int(v)) for v in out[col]]
    return out.reset_index(drop=True)


def history_view(history: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A village's months (:func:`village_history`) for a table: period, total, the five items, rank,
    list in words, note."""
    labels = chart_labels(lang)
    out = history[["period", "total", *(i.column for i in ITEMS), "rank", "note"]].copy()
    out["list_text"] = history["list"].map(lambda v: labels.get(v, "") if isinstance(v, str) else "")
    return out


def veto_note(vetoes: int, lang: str = "zh") -> str | None:
    """Under the black list's tile: how many of its villages are there by a veto (None when none)."""
    if not vetoes:
        return None
    return f"of which {vetoes} vetoed" if lang == "en" else f"其中一票否决{vetoes}个"


def township_note(red: int, black: int, lang: str = "zh") -> str:
    if lang == "en":
        return f"The lists rank the whole county; this township has {red} red and {black} black."
    return f"榜单为全县统一排名;本乡镇上红榜{red}个村、上黑榜{black}个村。"


def unranked_note(ranking: pd.DataFrame, lang: str = "zh") -> str | None:
    """Townships with no village inspected that month (not ranked), in a sentence; None when all were."""
    names = ranking.loc[~ranking["inspected"], "township"].tolist()
    if not names:
        return None
    if lang == "en":
        return f"{', '.join(names)}: no village inspected this month, not ranked."
    return f"{'、'.join(names)}本月无受检村,不参加排名。"


def talk_finding(talks: int, months: int, lang: str = "zh") -> tuple[str, str]:
    """(status, sentence) about the villages due a formal talk (:func:`talk_flags`)."""
    if talks == 0:
        if lang == "en":
            return ("good", f"No village on the black list {months} months running.")
        return ("good", f"本月无连续{months}个月上黑榜的村。")
    if lang == "en":
        return ("behind", f"{talks} villages on the black list {months} or more months running: formal talk.")
    return ("behind", f"{talks}个村连续{months}个检查月及以上上黑榜,应予约谈。")


def scopes(month: pd.DataFrame, township: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The townships of a month's ranked villages (:func:`ranked_villages`), code → name in code order, and
    the villages of ``township`` (default: the first), code → name in rank order: the choices of
    "where points are lost"."""
    towns = dict(
        sorted(month[["township_code", "township"]].drop_duplicates().itertuples(index=False, name=None))
    )
    tw = township if township in towns else next(iter(towns), None)
    rows = month[month["township_code"] == tw].sort_values("rank")
    return towns, dict(rows[["village_code", "village"]].itertuples(index=False, name=None))


def losses_by_scope(
    b: Bundle, *, as_of: dt.date, period: str, township: str, village: str | None = None, lang: str = "zh"
) -> dict[str, pd.DataFrame]:
    """:func:`item_losses` of the county, the township and (optionally) the village, keyed by their names."""
    names = dict(b.frames["townships"][["township_code", "name"]].itertuples(index=False, name=None))
    out = {("County" if lang == "en" else "全县"): item_losses(b, as_of=as_of, period=period)}
    out[names.get(township, township)] = item_losses(b, as_of=as_of, period=period, township=township)
    if village:
        vnames = dict(b.frames["villages"][["village_code", "name"]].itertuples(index=False, name=None))
        out[vnames.get(village, village)] = item_losses(b, as_of=as_of, period=period, village=village)
    return out
