"""序时进度 that means something: where job placements should stand on a given day.

A straight line through the yearly target says nothing in a county where most placements happen in the
first quarter (in July the county is past the year's target and every township shows 170 % of pace).
The yardstick, in order of preference, and always saying which one it used (``basis``):

1. ``monthly_plan`` — the county's own monthly cumulative plan: ``employment_targets`` rows with a
   ``month`` (月份, contract v2), 务工就业 rows only. Between two month ends the plan is interpolated by
   day; a month without a row keeps the previous month's figure.
2. ``last_year`` — last year's cumulative curve scaled to this year's target: the share of last year's
   placements (county-wide, every township) that had started by the same day last year, times this
   year's target. The county curve, not each township's own: a township's dozens of placements make a
   ragged curve, the county's thousands a smooth one.
3. ``even`` — the straight line (target × day of the year ÷ days in the year), only when neither a plan
   nor last year's placements exist.

Public-welfare posts (公益岗位) are a stock, compared with their yearly plan (``target_kind = 公益岗位``).
Never imports streamlit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data.metrics import employment as emp

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

JOBS, POSTS = "务工就业", "公益岗位"  # employment_targets.target_kind (empty = 务工就业)
BASES = {
    "monthly_plan": ("按月度计划", "monthly plan"),
    "last_year": ("按上年同期累计进度折算", "last year's curve scaled to this year's target"),
    "even": ("按全年均匀进度估算", "an even pace through the year"),
    "none": ("无目标任务", "no target"),
}


def basis_text(basis: str, lang: str = "zh") -> str:
    zh, en = BASES[basis]
    return en if lang == "en" else zh


def _targets(b: Bundle, year: int, kind: str) -> pd.DataFrame:
    """The year's target rows of one kind: township_code (None = county), month (None = yearly), target."""
    df = b.frames["employment_targets"]
    df = df[pd.to_numeric(df["year"], errors="coerce") == int(year)]
    kinds = df["target_kind"] if "target_kind" in df.columns else pd.Series(pd.NA, index=df.index)
    wanted = kinds.isna() | (kinds == JOBS) if kind == JOBS else kinds == kind
    df = df[wanted.fillna(False).astype(bool)]
    month = df["month"] if "month" in df.columns else pd.Series(pd.NA, index=df.index)
    return pd.DataFrame(
        {
            "township_code": df["township_code"].astype(object).where(df["township_code"].notna(), None),
            "month": pd.to_numeric(month, errors="coerce").astype("Int64"),
            "target": pd.to_numeric(df["target"], errors="coerce"),
        }
    ).reset_index(drop=True)


def _yearly(t: pd.DataFrame) -> dict[str | None, float]:
    """Yearly target per township_code (None = the county row, else the sum of townships)."""
    y = t[t["month"].isna()]
    out: dict[str | None, float] = {
        code: float(g["target"].sum())
        for code, g in y.dropna(subset=["township_code"]).groupby("township_code")
    }
    county = y[y["township_code"].isna()]["target"]
    if len(county):
        out[None] = float(county.sum())
    elif out:
        out[None] = float(sum(out.values()))
    return out


def _plan_at(plan: pd.DataFrame, day: dt.date) -> float:
    """The monthly cumulative plan interpolated to ``day`` (plan: month, target of one area)."""
    by_month = dict(zip(plan["month"].astype(int), plan["target"].astype(float), strict=True))
    level, levels = 0.0, [0.0]
    for m in range(1, 13):
        level = by_month.get(m, level)
        levels.append(level)  # levels[m] = cumulative plan at the end of month m
    m = day.month
    fraction = day.day / calendar.monthrange(day.year, m)[1]
    return levels[m - 1] + (levels[m] - levels[m - 1]) * fraction


def last_year_share(b: Bundle, *, as_of: dt.date) -> float | None:
    """Share of last year's placements (county-wide) that had started by the same day last year."""
    last = as_of.year - 1
    total = emp.employment_placed(b, as_of=dt.date(last, 12, 31), year=last)
    if not total:
        return None
    so_far = emp.employment_placed(b, as_of=emp.same_day_year_before(as_of), year=last)
    return so_far / total


@dataclass(frozen=True)
class Yardstick:
    """Which yardstick the county's pace uses (townships without a plan of their own fall back)."""

    basis: str  # monthly_plan | last_year | even | none
    share: float | None  # share of last year's placements by this day last year (None: no data)
    as_of: dt.date

    def text(self, lang: str = "zh") -> str:
        """The yardstick in one sentence (its 口径), for captions and the paper's notes."""
        en = lang == "en"
        if self.basis == "monthly_plan":
            return (
                "Pace: the county's monthly cumulative plan (the month column of the targets), pro rata "
                "within the month."
                if en
                else "序时进度按县定月度累计计划(就业目标表“月份”列)计算,月内按天数折算。"
            )
        if self.basis == "last_year":
            pct = f"{self.share * 100:.1f}%" if self.share is not None else "—"
            last = self.as_of.year - 1
            return (
                f"Pace: last year's curve — by {self.as_of:%d %B} {last} the county had {pct} of that "
                "year's placements; that share of this year's target (no monthly plan set)."
                if en
                else f"序时进度按上年同期累计进度折算:{last}年截至{self.as_of.month}月{self.as_of.day}日,"
                f"全县务工就业人数占当年全年的{pct},以此比例乘以本年目标任务(未设月度计划)。"
            )
        if self.basis == "even":
            return (
                "Pace: an even pace through the year (no monthly plan and no placements last year)."
                if en
                else "序时进度按全年均匀进度估算(未设月度计划,也无上年就业数据)。"
            )
        return "No employment target this year." if en else "本年未下达就业目标任务。"


def yardstick(b: Bundle, *, as_of: dt.date) -> Yardstick:
    """Which yardstick the county's pace uses on ``as_of``."""
    t = _targets(b, as_of.year, JOBS)
    share = last_year_share(b, as_of=as_of)
    if t["month"].notna().any():
        return Yardstick("monthly_plan", share, as_of)
    if not _yearly(t):
        return Yardstick("none", share, as_of)
    return Yardstick("last_year" if share is not None else "even", share, as_of)


def pace_note(b: Bundle, *, as_of: dt.date, year: int | None = None) -> tuple[str, str]:
    """(zh, en): the yardstick of ``as_of`` in words, with how "short" is counted — under the employment
    page's tables and charts. ``year``: the yardstick of that year, as of ``as_of`` or its 31 December if
    earlier."""
    if year is not None:
        as_of = min(as_of, dt.date(int(year), 12, 31))
    ys = yardstick(b, as_of=as_of)
    return (
        ys.text("zh") + "落后人数 = ⌈序时进度 − 已就业⌉;无乡镇目标的乡镇不判断快慢。",
        ys.text("en") + " Short = ⌈pace − placed⌉; a township with no target of its own is not judged.",
    )


def _plan_rows(t: pd.DataFrame, code: str | None) -> pd.DataFrame:
    area = t["township_code"].isna() if code is None else (t["township_code"] == code)
    return t[t["month"].notna() & area.fillna(False).astype(bool)]


def _expected(
    t: pd.DataFrame, code: str | None, yearly: float | None, ys: Yardstick
) -> tuple[float | None, str]:
    plan = _plan_rows(t, code)
    if len(plan):
        return _plan_at(plan, ys.as_of), "monthly_plan"
    if yearly is None:
        return None, "none"
    if ys.share is not None:
        return yearly * ys.share, "last_year"
    return emp.target_pace(yearly, ys.as_of.year, ys.as_of), "even"


def expected_by_township(
    b: Bundle, *, as_of: dt.date, ys: Yardstick | None = None
) -> dict[str | None, tuple[float | None, str]]:
    """(expected, basis) on ``as_of`` for this year's placements: the county under the key None, and every
    township with a target or a plan of its own. With monthly plans for townships only, the county's
    expected is the sum of the townships'. ``ys``: the yardstick of ``as_of`` when the caller has it."""
    ys = ys or yardstick(b, as_of=as_of)
    t = _targets(b, as_of.year, JOBS)
    yearly = _yearly(t)
    codes = {c for c in [*yearly, *t["township_code"].dropna()] if c is not None}
    out: dict[str | None, tuple[float | None, str]] = {c: _expected(t, c, yearly.get(c), ys) for c in codes}
    if len(_plan_rows(t, None)) or not t["month"].notna().any():
        out[None] = _expected(t, None, yearly.get(None), ys)
    else:
        out[None] = (float(sum(e or 0 for c, (e, _) in out.items() if c is not None)), "monthly_plan")
    return out


def expected(
    b: Bundle, *, as_of: dt.date, year: int | None = None, township: str | None = None
) -> float | None:
    """Where the placements of ``year`` should stand on ``as_of`` by the county's one yardstick: none
    before the year, the full target from its last day, in between the monthly plan, last year's curve or
    the even pace (:func:`yardstick`). None without a target. The employment page, the overview, the
    status rule and the dispatch meeting all read this."""
    year = as_of.year if year is None else int(year)
    if not dt.date(year, 1, 1) <= as_of < dt.date(year, 12, 31):
        return emp.target_pace(
            emp.employment_target(b, as_of=as_of, year=year, township=township), year, as_of
        )
    return expected_by_township(b, as_of=as_of).get(township, (None, "none"))[0]


def township_pace(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """Per township: placed (this year, by as_of), target (yearly), expected (the yardstick on as_of),
    pct (placed ÷ expected × 100; NaN without a target), short (people short of expected, ≥ 0) and
    basis (which yardstick this township's expected used)."""
    yearly = _yearly(_targets(b, as_of.year, JOBS))
    paces = expected_by_township(b, as_of=as_of)
    jobs = emp.employment_by_township(b, as_of=as_of, year=as_of.year)
    rows = []
    for code, name, placed in jobs[["township_code", "township", "placed"]].itertuples(index=False):
        expected, basis = paces.get(code, (None, "none"))
        pct = placed / expected * 100 if expected else None
        short = max(0, math.ceil(expected - placed - 1e-9)) if expected else 0
        rows.append([code, name, int(placed), yearly.get(code), expected, pct, short, basis])
    return pd.DataFrame(
        rows, columns=["township_code", "township", "placed", "target", "expected", "pct", "short", "basis"]
    ).astype({"expected": "float64", "pct": "float64", "target": "float64"})


def county_pace(b: Bundle, *, as_of: dt.date) -> dict:
    """The county's placed, target, expected, pct, basis and yardstick on ``as_of``. With monthly plans
    for townships only, the county's expected is the sum of the townships'."""
    ys = yardstick(b, as_of=as_of)
    yearly = _yearly(_targets(b, as_of.year, JOBS))
    expected, basis = expected_by_township(b, as_of=as_of, ys=ys)[None]
    placed = emp.employment_placed(b, as_of=as_of, year=as_of.year)
    return {
        "placed": placed,
        "target": yearly.get(None),
        "expected": expected,
        "pct": placed / expected * 100 if expected else None,
        "basis": basis,
        "yardstick": ys,
    }


def posts_against_plan(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """Per township: persons in public-welfare posts this year (by as_of), plan (target_kind 公益岗位,
    yearly; None when the county has set none), pct (persons ÷ plan × 100)."""
    plan = _yearly(_targets(b, as_of.year, POSTS))
    posts = emp.welfare_posts_by_township(b, as_of=as_of, year=as_of.year)
    out = posts[["township_code", "township", "persons"]].copy()
    out["plan"] = [plan.get(c) for c in out["township_code"]]
    out["plan"] = out["plan"].astype("float64")
    out["pct"] = (out["persons"] / out["plan"].where(out["plan"] > 0) * 100).astype("float64")
    return out.reset_index(drop=True)


def no_training(b: Bundle, *, as_of: dt.date) -> list[str] | None:
    """Township codes with no training session this year up to as_of; None when the training ledger is
    not in the folder (then nobody is judged on it)."""
    if not b.has("trainings"):
        return None
    df = emp.trainings_by_township(b, as_of=as_of, year=as_of.year)
    df = df[df["township_code"].notna()]
    return sorted(df.loc[df["sessions"] == 0, "township_code"].astype(str))
