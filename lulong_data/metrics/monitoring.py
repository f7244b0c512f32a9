"""防止返贫动态监测和帮扶: monitored households, procedure deadlines, assistance, checks (issue #4).

口径 (definitions), decided here once so every page and the briefing say the same thing:

- A case is *known* on ``as_of`` when its first dated step is on or before ``as_of``: ``found_on`` (from the
  county's procedure ledger), else the first later step (the national system's export carries only the
  approval). Any step dated after ``as_of`` has not happened yet on that day and is treated as empty, so
  the same ledgers answer "as of" any earlier date.
- A case is *in procedure* (认定中) while ``approved_on`` is empty, *monitored* (监测中) from
  ``approved_on`` until ``eliminated_on`` (exclusive), then *eliminated* (已消除风险).
- Households are counted once, however many cases they have (a household can be re-identified).
  Persons = ``households.persons`` of those households (household size on the roll).
- 风险消除户: households with an eliminated case that are not monitored again on ``as_of``.
- Share of the rural population: monitored persons / the rural registered (户籍) population of ``as_of``'s
  year (population table; townships.rural_population as a fallback) × 100. The households roll is no
  denominator for a share (it holds 脱贫户, monitoring objects and some surveyed households only).
- Breakdowns (category, main risk, channel, township) use the household's latest case in that state.
- Deadlines (rules.toml): identification found_on + 15 calendar days → approved_on; contact approved_on +
  1 working day; plan contact_assigned_on + 2 working days; feedback started_on + 2 working days (per
  measure); visits: every gap between approval, the contact's first visit, visits and elimination (or
  ``as_of`` for a case still monitored) at most 61 days. Working days follow the State Council calendar.
- An item is *on time* if done on or before its due date, *late* if done after it, *overdue* (逾期未办)
  if its due date is before ``as_of`` and it is not done, and *pending* (not yet due) otherwise.
  Compliance = on time / (on time + late + overdue): a step done late counts against it; pending
  items are not counted. Days over: done − due for late items, as_of − due for overdue ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from lulong_data.contract import (
    ASSISTED_ELIMINATION,
    CASE_DATE_ORDER,
    NATURAL_ELIMINATION,
    NO_WORK_ABILITIES,
)
from lulong_data.departments import FANGPIN
from lulong_data.metrics.memo import memo
from lulong_data.metrics.places import (
    RURAL,
    denominator_figure,
    in_township,
    population,
    population_by_township,
)
from lulong_data.metrics.registry import grouped, metric
from lulong_data.privacy import mask_name
from lulong_data.workdays import WorkCalendar, calendar_of

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.figures import Caveat, Figure

# -- vocabulary (codes in frames; the page shows the labels) ---------------------------------------

# Procedure steps in order; the stage of a case in procedure is its last step done.
STEPS = (
    ("found", "found_on", "发现", "risk found"),
    ("verified", "verified_on", "入户核实", "home verification"),
    ("village_review", "village_review_on", "村级评议公示", "village review"),
    ("township_audit", "township_audit_on", "乡镇审核", "township audit"),
    ("approved", "approved_on", "县级审定", "county approval"),
)
STAGE_LABELS = {code: (zh, en) for code, _, zh, en in STEPS} | {
    "monitored": ("未消除风险", "risk not yet eliminated"),
    "eliminated": ("已消除风险", "risk eliminated"),
}
CHECK_LABELS = {
    "identification": ("识别认定(15天)", "identification (15 days)"),
    "contact": ("联系人选派(1个工作日)", "contact assigned (1 working day)"),
    "plan": ("帮扶计划(2个工作日)", "assistance plan (2 working days)"),
    "feedback": ("部门反馈(2个工作日)", "department feedback (2 working days)"),
    "visit": ("走访(每2个月一次)", "visits (every 2 months)"),
}
# Short names for grid headers; the deadlines are in CHECK_LABELS.
CHECK_SHORT = {
    "identification": ("识别认定", "identify"),
    "contact": ("联系人选派", "contact"),
    "plan": ("帮扶计划", "plan"),
    "feedback": ("部门反馈", "feedback"),
    "visit": ("走访", "visits"),
}
STATUS_LABELS = {
    "on_time": ("按时", "on time"),
    "late": ("超时办结", "done late"),
    "overdue": ("逾期未办", "overdue"),
    "pending": ("未到期", "not yet due"),
}
NO_LABOUR = NO_WORK_ABILITIES  # 丧失劳动力, 无劳动力
ASSISTED, NATURAL = ASSISTED_ELIMINATION, NATURAL_ELIMINATION  # 帮扶消除, 自然消除
COVER_SCHEMES = ("农村低保", "特困供养")

_DATES = tuple(col for _, col, _, _ in STEPS) + ("contact_assigned_on", "plan_on", "eliminated_on")
_HOUSEHOLD_COLS = [
    "household_id",
    "township_code",
    "township_name",
    "village_code",
    "village_name",
    "head_masked",
]


def _day(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def _memo(b: Bundle, key: tuple, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    # Every metric of a page starts from the same few base frames (compiling and running them ~0.2 s each).
    return memo(b, ("monitoring", *key), build)


# -- base frames -----------------------------------------------------------------------------------


def _places(b: Bundle) -> ibis.Table:
    v = b.table("villages")
    t = b.table("townships")
    v = v.select("village_code", "township_code", village_name=v.name)
    t = t.select("township_code", township_name=t.name)
    return v.left_join(t, "township_code").select(
        v.village_code, v.township_code, v.village_name, t.township_name
    )


def cases_expr(b: Bundle, *, as_of: dt.date, township: str | None = None) -> ibis.Table:
    """Cases known on ``as_of`` with their household and place; steps after ``as_of`` blanked."""
    as_of = _day(as_of)
    c = b.table("monitoring_cases")
    known = ibis.coalesce(*(c[col] for col in CASE_DATE_ORDER))
    c = c.filter(known <= as_of)
    blank = {col: ibis.ifelse(c[col] <= as_of, c[col], ibis.null("date")) for col in _DATES[1:]}
    c = c.mutate(
        **blank,
        elimination_kind=ibis.ifelse(c.eliminated_on <= as_of, c.elimination_kind, ibis.null("string")),
    )
    c = c.mutate(
        status=ibis.cases(
            (c.approved_on.isnull(), "in_procedure"),
            (c.eliminated_on.isnull(), "monitored"),
            else_="eliminated",
        )
    )
    h = in_township(b, b.table("households"), township)
    h = h.select("household_id", "village_code", "household_type", "persons", "head_name")
    p = _places(b)
    j = c.inner_join(h, "household_id").left_join(p, "village_code")
    return j.select(
        *[c[col] for col in c.columns],
        h.village_code,
        h.household_type,
        h.persons,
        h.head_name,
        p.township_code,
        p.township_name,
        p.village_name,
    )


def cases(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """:func:`cases_expr` as pandas, with the stage of each case and the head's name masked."""
    return _memo(b, ("cases", _day(as_of), township), lambda: _cases(b, _day(as_of), township))


def _cases(b: Bundle, as_of: dt.date, township: str | None) -> pd.DataFrame:
    df = b.execute(cases_expr(b, as_of=as_of, township=township))
    for col in _DATES:
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    # The raw name never leaves the metric layer.
    df["head_masked"] = df.pop("head_name").map(mask_name).astype("str")
    stage = pd.Series("found", index=df.index, dtype="str")
    for code, col, _, _ in STEPS[1:4]:
        stage = stage.where(df[col].isna(), code)
    df["stage"] = stage.where(df["status"] == "in_procedure", df["status"])
    return df.sort_values(["found_on", "case_id"]).reset_index(drop=True)


def measures(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Measures started on or before ``as_of`` for the cases of the area, with their menu item."""
    return _memo(b, ("measures", _day(as_of), township), lambda: _measures(b, _day(as_of), township))


def _measures(b: Bundle, as_of: dt.date, township: str | None) -> pd.DataFrame:
    m = b.table("assistance_measures")
    m = m.filter(m.started_on <= as_of)
    m = m.mutate(feedback_on=ibis.ifelse(m.feedback_on <= as_of, m.feedback_on, ibis.null("date")))
    pm = b.table("policy_menu").select(
        "policy_code", policy_name="name", policy_department="department", policy_category="category"
    )
    m = m.left_join(pm, "policy_code").select(
        *m.columns, "policy_name", "policy_department", "policy_category"
    )
    df = b.execute(m)
    for col in ("started_on", "feedback_on"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    cs = cases(b, as_of=as_of, township=township)[
        ["case_id", *_HOUSEHOLD_COLS, "stage", "approved_on", "eliminated_on"]
    ]
    return df.merge(cs, on="case_id", how="inner")


def _visits(b: Bundle, as_of: dt.date) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        v = b.table("visits")
        df = b.execute(v.filter(v.visited_on <= _day(as_of)).select("case_id", "visited_on"))
        df["visited_on"] = pd.to_datetime(df["visited_on"]).astype("datetime64[ns]")
        return df

    return _memo(b, ("visits", _day(as_of)), build)


def _rural_population(b: Bundle, township: str | None, as_of: dt.date) -> int:
    return population(b, year=_day(as_of).year, scope=RURAL, township=township).persons or 0


# -- counts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    monitored_households: int
    monitored_persons: int
    eliminated_households: int
    eliminated_persons: int
    in_procedure_cases: int
    rural_population: int
    share_pct: float | None  # monitored persons / rural population × 100
    # the eliminated households by how the risk went away (帮扶消除 / 自然消除): they add up to the total
    eliminated_assisted_households: int = 0
    eliminated_natural_households: int = 0


def _households(df: pd.DataFrame, status: str) -> pd.DataFrame:
    """One row per household (its latest case in ``status``)."""
    sel = df[df["status"] == status].sort_values(["approved_on", "found_on", "case_id"])
    return sel.drop_duplicates("household_id", keep="last")


def _eliminated(df: pd.DataFrame) -> pd.DataFrame:
    monitored = set(df.loc[df["status"] == "monitored", "household_id"])
    el = _households(df, "eliminated")
    return el[~el["household_id"].isin(monitored)]


def summary(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Summary:
    df = cases(b, as_of=as_of, township=township)
    mon, el = _households(df, "monitored"), _eliminated(df)
    rural = _rural_population(b, township, as_of)
    persons = int(mon["persons"].sum())
    return Summary(
        monitored_households=len(mon),
        monitored_persons=persons,
        eliminated_households=len(el),
        eliminated_persons=int(el["persons"].sum()),
        in_procedure_cases=int((df["status"] == "in_procedure").sum()),
        rural_population=rural,
        share_pct=persons / rural * 100 if rural else None,
        eliminated_assisted_households=int((el["elimination_kind"] == ASSISTED).sum()),
        eliminated_natural_households=int((el["elimination_kind"] == NATURAL).sum()),
    )


def breakdown(
    b: Bundle, *, as_of: dt.date, township: str | None = None, by: str = "category"
) -> pd.DataFrame:
    """Monitored households/persons and eliminated households by ``category``, ``risk_1``, ``channel``
    or ``township`` (the township table adds rural population and the share of it)."""
    df = cases(b, as_of=as_of, township=township)
    key = {"township": "township_code"}.get(by, by)
    mon, el = _households(df, "monitored"), _eliminated(df)
    el = el.assign(
        assisted=(el["elimination_kind"] == ASSISTED).astype("int64"),
        natural=(el["elimination_kind"] == NATURAL).astype("int64"),
    )
    out = (
        mon.groupby(key)
        .agg(monitored_households=("household_id", "size"), monitored_persons=("persons", "sum"))
        .join(
            el.groupby(key).agg(
                eliminated_households=("household_id", "size"),
                eliminated_assisted_households=("assisted", "sum"),
                eliminated_natural_households=("natural", "sum"),
            ),
            how="outer",
        )
        .fillna(0)
        .astype("int64")
        .reset_index()
    )
    if by == "township":
        t = b.execute(b.table("townships").select("township_code", "name"))
        rural_by = population_by_township(b, year=_day(as_of).year)
        t["rural_population"] = t["township_code"].map(rural_by).astype("Float64")
        if township is not None:
            t = t[t["township_code"] == township]
        out = t.rename(columns={"name": "township_name"}).merge(out, on="township_code", how="left")
        counts = [
            "monitored_households",
            "monitored_persons",
            "eliminated_households",
            "eliminated_assisted_households",
            "eliminated_natural_households",
        ]
        out[counts] = out[counts].fillna(0).astype("int64")
        rural = pd.to_numeric(out["rural_population"], errors="coerce")
        out["share_pct"] = (out["monitored_persons"] / rural.where(rural > 0) * 100).astype("float64")
    return out.sort_values("monitored_households", ascending=False, kind="stable").reset_index(drop=True)


def monthly_trend(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Per month up to ``as_of``: households newly approved (纳入) and newly eliminated (消除), the latter
    also by how (eliminated_assisted = 帮扶消除, eliminated_natural = 自然消除)."""
    df = cases(b, as_of=as_of, township=township)
    new = (
        df.dropna(subset=["approved_on"])
        .groupby(df["approved_on"].dt.strftime("%Y-%m"))["household_id"]
        .nunique()
    )
    done = df.dropna(subset=["eliminated_on"])
    month = done["eliminated_on"].dt.strftime("%Y-%m")
    gone = done.groupby(month)["household_id"].nunique()
    series = {"identified": new, "eliminated": gone}
    for name, kind in (("eliminated_assisted", ASSISTED), ("eliminated_natural", NATURAL)):
        part = done[done["elimination_kind"] == kind]
        series[name] = part.groupby(month[part.index])["household_id"].nunique()
    out = pd.DataFrame(series).fillna(0).astype("int64")
    if out.empty:
        return pd.DataFrame({"month": pd.Series([], dtype="str")} | {k: [] for k in series})
    months = pd.period_range(min(out.index), pd.Timestamp(_day(as_of)).strftime("%Y-%m"), freq="M").strftime(
        "%Y-%m"
    )
    out = out.reindex(months, fill_value=0)
    return out.rename_axis("month").reset_index()


# -- procedure and deadlines -----------------------------------------------------------------------


def procedure_funnel(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Cases in procedure by their stage (last step done), with how many are past the 15 days."""
    df = cases(b, as_of=as_of, township=township)
    df = df[df["status"] == "in_procedure"]
    limit = b.rules.deadlines.identification_days
    late = df["found_on"] + pd.Timedelta(days=limit) < pd.Timestamp(_day(as_of))
    rows = []
    for code, _, _, _ in STEPS[:4]:
        at = df["stage"] == code
        rows.append({"stage": code, "cases": int(at.sum()), "overdue": int((at & late).sum())})
    return pd.DataFrame(rows)


def _workday_due(cal: WorkCalendar, start: pd.Series, n: int) -> pd.Series:
    days = {d: pd.Timestamp(cal.add_workdays(d.date(), n)) for d in start.dropna().unique()}
    return start.map(days).astype("datetime64[ns]")


def has_ledger(df: pd.DataFrame) -> pd.Series:
    """Cases whose procedure dates come from the county's own ledger: a day-precise 发现日期. The national
    system's export gives only the month of approval and no step dates, so no deadline can be judged for
    a case without the ledger (it is said, 需导入本县程序台账, never guessed)."""
    day = df["date_precision"].ne("月").fillna(True) if "date_precision" in df else True
    return (df["found_on"].notna() & day).astype(bool)


# The codes of the notes deadline features carry (see deadline_caveats).
LEDGER_MISSING = "ledger_missing"
VISITS_MISSING = "visits_missing"


def _items(base: pd.DataFrame, check: str, start: pd.Series, due: pd.Series, done: pd.Series) -> pd.DataFrame:
    out = base[["case_id", *_HOUSEHOLD_COLS, "stage"]].copy()
    out.insert(0, "check", check)
    out["start_on"], out["due_on"], out["done_on"] = start.values, due.values, done.values
    return out


def _visit_items(df: pd.DataFrame, visits: pd.DataFrame, as_of: pd.Timestamp, gap: int) -> pd.DataFrame:
    """Every gap between approval, the first contact visit, visits and elimination (or as_of)."""
    ok = df.dropna(subset=["approved_on"])
    if ok.empty:
        return ok.iloc[0:0]
    events = pd.concat(
        [
            ok[["case_id", "approved_on"]].rename(columns={"approved_on": "on"}),
            ok[["case_id", "contact_assigned_on"]].rename(columns={"contact_assigned_on": "on"}).dropna(),
            visits.rename(columns={"visited_on": "on"}),
        ]
    )
    events = events.merge(ok[["case_id", "approved_on", "eliminated_on"]], on="case_id")
    end = events["eliminated_on"].fillna(as_of)
    events = events[(events["on"] >= events["approved_on"]) & (events["on"] <= end)]
    events = events[["case_id", "on"]].drop_duplicates().sort_values(["case_id", "on"])
    events["on"] = events["on"].astype("datetime64[ns]")
    events["next_on"] = events.groupby("case_id")["on"].shift(-1).astype("datetime64[ns]")
    # The last segment ends at elimination (a closed gap) or stays open until as_of.
    el = events["case_id"].map(ok.set_index("case_id")["eliminated_on"]).astype("datetime64[ns]")
    events["next_on"] = events["next_on"].fillna(el)
    base = events.merge(ok, on="case_id")
    return _items(base, "visit", base["on"], base["on"] + pd.Timedelta(days=gap), base["next_on"])


def _judge(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    done, due = items["done_on"], items["due_on"]
    status = pd.Series("pending", index=items.index, dtype="str")
    status[done.notna() & (done <= due)] = "on_time"
    status[done.notna() & (done > due)] = "late"
    status[done.isna() & (due < as_of)] = "overdue"
    items["status"] = status
    over = pd.Series(0, index=items.index, dtype="int64")
    over[status == "late"] = (done - due).dt.days[status == "late"]
    over[status == "overdue"] = (as_of - due).dt.days[status == "overdue"]
    items["days_over"] = over
    return items


def deadline_items(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Every deadline item of the area (one row per case per step, per measure, per visit gap)."""
    return _memo(b, ("items", _day(as_of), township), lambda: _deadline_items(b, _day(as_of), township))


def _deadline_items(b: Bundle, as_of: dt.date, township: str | None) -> pd.DataFrame:
    ts = pd.Timestamp(as_of)
    dl = b.rules.deadlines
    cal = calendar_of(b)
    df = cases(b, as_of=as_of, township=township)
    df = df[has_ledger(df)]  # no procedure ledger, no deadline: said by deadline_caveats
    approved = df.dropna(subset=["approved_on"])
    contacted = approved.dropna(subset=["contact_assigned_on"])
    ms = measures(b, as_of=as_of, township=township)
    ms = ms[ms["case_id"].isin(df["case_id"]) & ms["date_precision"].ne("月").fillna(True).astype(bool)]
    # without the visit records every gap would look overdue: not judged (said by deadline_caveats)
    visits = _visits(b, as_of) if b.has("visits") else None
    parts = [
        _items(
            df,
            "identification",
            df["found_on"],
            df["found_on"] + pd.Timedelta(days=dl.identification_days),
            df["approved_on"],
        ),
        _items(
            approved,
            "contact",
            approved["approved_on"],
            _workday_due(cal, approved["approved_on"], dl.contact_workdays),
            approved["contact_assigned_on"],
        ),
        _items(
            contacted,
            "plan",
            contacted["contact_assigned_on"],
            _workday_due(cal, contacted["contact_assigned_on"], dl.plan_workdays),
            contacted["plan_on"],
        ),
        _items(
            ms,
            "feedback",
            ms["started_on"],
            _workday_due(cal, ms["started_on"], dl.feedback_workdays),
            ms["feedback_on"],
        ),
    ]
    if visits is not None:
        visits = visits[visits["case_id"].isin(df["case_id"])]
        parts.append(_visit_items(df, visits, ts, b.rules.visit_max_gap_days))
    items = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    for col in ("start_on", "due_on", "done_on"):
        items[col] = pd.to_datetime(items[col]).astype("datetime64[ns]")
    return _judge(items, ts)


def deadline_caveats(b: Bundle, *, as_of: dt.date, township: str | None = None) -> tuple[Caveat, ...]:
    """What a reader of any deadline figure, list or export at ``as_of`` must be told, as sentences:

    - ``calendar_estimated``: a working-day deadline fell in a year whose holiday schedule nobody supplied
      (counted Monday to Friday), e.g. "2027年节假日安排未导入,按周一至周五估算。";
    - ``ledger_missing``: cases without the county's procedure ledger (no 发现日期/step dates), not judged;
    - ``visits_missing``: no visit records in the folder, so visit gaps are not judged.

    Pages print them under the figure, the overdue XLSX and the dispatch paper carry them as lines, the
    press text appends them. Empty when every deadline is counted on a known calendar.
    """
    as_of = _day(as_of)
    out: list[Caveat] = []
    items = deadline_items(b, as_of=as_of, township=township)
    workday = items[items["check"].isin(("contact", "plan", "feedback"))]
    years = set(pd.concat([workday["start_on"], workday["due_on"]]).dropna().dt.year.astype(int))
    # a deadline still open on as_of is counted into as_of's year too
    if not workday.empty:
        years.add(as_of.year)
    estimate = calendar_of(b).caveat(years)
    if estimate is not None:
        out.append(estimate)
    df = cases(b, as_of=as_of, township=township)
    missing = df[~has_ledger(df)]
    if not missing.empty:
        n = missing["household_id"].nunique()
        out.append(
            _caveat(
                LEDGER_MISSING,
                f"{n}户监测对象没有本县程序台账(发现日期、各环节日期),其认定、联系人选派、帮扶计划、部门反馈和走访时限"
                "未作判断;需导入本县程序台账。",
                f"{n} monitored households have no county procedure ledger (date found, step dates); their "
                "identification, contact, plan, feedback and visit deadlines are not judged. Import the county's "
                "procedure ledger.",
            )
        )
    if not b.has("visits") and not df[has_ledger(df)].dropna(subset=["approved_on"]).empty:
        out.append(
            _caveat(
                VISITS_MISSING,
                "走访记录未导入,走访间隔未作判断;需导入本县程序台账。",
                "No visit records were imported, so visit gaps are not judged. Import the county's procedure "
                "ledger.",
            )
        )
    return tuple(out)


def _caveat(code: str, zh: str, en: str) -> Caveat:
    from lulong_data.figures import Caveat

    return Caveat(code, zh, en)


def compliance(
    b: Bundle, *, as_of: dt.date, township: str | None = None, by_township: bool = True
) -> pd.DataFrame:
    """Per (township,) check: on time, late, overdue, and the compliance rate in % (None if nothing due)."""
    items = deadline_items(b, as_of=as_of, township=township)
    items = items[items["status"] != "pending"]
    keys = (["township_code", "township_name"] if by_township else []) + ["check"]
    counts = pd.crosstab([items[k] for k in keys], items["status"]) if not items.empty else pd.DataFrame()
    counts = counts.reindex(columns=["on_time", "late", "overdue"], fill_value=0).reset_index()
    if counts.empty:
        counts = pd.DataFrame(columns=[*keys, "on_time", "late", "overdue"])
    counts["due"] = counts[["on_time", "late", "overdue"]].sum(axis=1)
    counts["rate_pct"] = (counts["on_time"] / counts["due"].where(counts["due"] > 0) * 100).astype("float64")
    order = {c: i for i, c in enumerate(CHECK_LABELS)}
    counts = counts.sort_values(keys[:-1] + ["check"], key=lambda s: s.map(order) if s.name == "check" else s)
    return counts.reset_index(drop=True)


def overdue_list(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Items overdue on ``as_of`` (due before it, not done), longest over first: the follow-up list."""
    items = deadline_items(b, as_of=as_of, township=township)
    items = items[items["status"] == "overdue"]
    cols = ["check", "case_id", *_HOUSEHOLD_COLS, "stage", "start_on", "due_on", "days_over"]
    return items[cols].sort_values(["days_over", "case_id"], ascending=[False, True]).reset_index(drop=True)


# -- assistance ------------------------------------------------------------------------------------


def measures_by_category(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Measures, households reached and amount by policy category and responsible department."""
    ms = measures(b, as_of=as_of, township=township)
    out = ms.groupby(["policy_category", "policy_department"], dropna=False).agg(
        measures=("measure_id", "size"), households=("household_id", "nunique"), amount=("amount", "sum")
    )
    return out.reset_index().sort_values("measures", ascending=False, kind="stable").reset_index(drop=True)


def menu_coverage(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Every item of the policy menu with how often it was used (0 = not used yet)."""
    pm = b.execute(b.table("policy_menu").select("policy_code", "name", "category", "department"))
    ms = measures(b, as_of=as_of, township=township)
    used = ms.groupby("policy_code").agg(
        measures=("measure_id", "size"), households=("household_id", "nunique")
    )
    out = pm.merge(used, left_on="policy_code", right_index=True, how="left")
    out[["measures", "households"]] = out[["measures", "households"]].fillna(0).astype("int64")
    return out.sort_values(["measures", "policy_code"], ascending=[False, True]).reset_index(drop=True)


def households_without_measure(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Monitored households whose current case has no measure started by ``as_of``."""
    df = _households(cases(b, as_of=as_of, township=township), "monitored")
    with_measure = set(measures(b, as_of=as_of, township=township)["case_id"])
    out = df[~df["case_id"].isin(with_measure)].copy()
    out["days_monitored"] = (pd.Timestamp(_day(as_of)) - out["approved_on"]).dt.days.astype("int64")
    cols = ["case_id", *_HOUSEHOLD_COLS, "category", "risk_1", "approved_on", "days_monitored"]
    return out[cols].sort_values("days_monitored", ascending=False).reset_index(drop=True)


def consultation_batches(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Days on which the county approved ``batch_households`` or more households (会商 due).

    A batch is county-wide (the county approves); with a township filter, the batches that include at
    least one of its households are listed, with how many of them.
    """
    df = cases(b, as_of=as_of)
    df = df.dropna(subset=["approved_on"])
    g = df.groupby("approved_on")
    out = g.agg(households=("household_id", "nunique")).reset_index()
    out["townships"] = g["township_name"].agg(lambda s: "、".join(sorted(set(s.dropna())))).values
    out = out[out["households"] >= b.rules.batch_households]
    mine = df if township is None else df[df["township_code"] == township]
    out["households_in_area"] = out["approved_on"].map(mine.groupby("approved_on")["household_id"].nunique())
    out["households_in_area"] = out["households_in_area"].fillna(0).astype("int64")
    out = out[out["households_in_area"] > 0]
    return out.sort_values("approved_on", ascending=False).reset_index(drop=True)


# -- checks ----------------------------------------------------------------------------------------


def _measure_counts(b: Bundle, as_of: dt.date, township: str | None) -> pd.DataFrame:
    return measures(b, as_of=as_of, township=township)[["case_id", "started_on"]]


INCOME_LINE_MISSING = "income_line_missing"


def income_line_caveat(year: int) -> Caveat:
    """The note for a figure that needs the monitoring income line of a year the rules do not give."""
    return _caveat(
        INCOME_LINE_MISSING,
        f"{year}年防止返贫监测收入标准(监测范围)未配置,收入条件未作判断;请在规则文件中补充该年度标准及依据文号。",
        f"The {year} monitoring income line is not configured, so income was not judged; add the year's line "
        "and its document to the rules file.",
    )


def household_facts(b: Bundle, township: str | None = None) -> pd.DataFrame:
    """One row per household of the roll: its latest income (income_latest, income_year), the three
    guarantees as recorded (education_ok, housing_ok, water_ok: True/False/<NA> = not recorded), the
    整户无劳动能力 flag as recorded (no_labour_flag) and whether every member lacks labour (all_unable)."""

    def build() -> pd.DataFrame:
        p = b.table("persons")
        per = p.group_by("household_id").agg(
            members=p.count(), unable=p.labour_ability.isin(NO_LABOUR).cast("int64").sum()
        )
        h = in_township(b, b.table("households"), township)
        j = h.left_join(per, "household_id").select(
            h.household_id, h.household_type, h.persons, h.income_per_capita, h.income_year,
            h.no_labour_household, h.education_ok, h.housing_ok, h.water_ok, per.members, per.unable,
        )  # fmt: skip
        df = b.execute(j)
        members = df.pop("members").fillna(0).astype("int64")
        df["all_unable"] = (members > 0) & (members == df.pop("unable").fillna(0).astype("int64"))
        df = df.rename(
            columns={"income_per_capita": "income_latest", "no_labour_household": "no_labour_flag"}
        )
        for col in ("no_labour_flag", "education_ok", "housing_ok", "water_ok"):
            df[col] = df[col].astype("boolean")
        df["income_year"] = df["income_year"].astype("Int64")
        return df

    return _memo(b, ("facts", township), build)


def _guarantee_gap(df: pd.DataFrame) -> pd.Series:
    """A guarantee recorded as not secured (义务教育, 住房安全 or 饮水安全 = 否); not recorded is no gap."""
    gap = pd.Series(False, index=df.index)
    for col in ("education_ok", "housing_ok", "water_ok"):
        gap |= df[col].eq(False).fillna(False).astype(bool)
    return gap


def _no_labour(df: pd.DataFrame) -> pd.Series:
    """Every member lacks labour, or the household is flagged 整户无劳动能力兜底保障户."""
    return (df["all_unable"] | df["no_labour_flag"].eq(True).fillna(False)).astype(bool)


def elimination_candidates(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Monitored cases that may be proposed for 帮扶消除 (rules.toml [elimination]):

    ≥ min_months under monitoring and ≥ min_measures measures; income per head — the latest recorded, i.e.
    the income at elimination if it were eliminated now — not below the monitoring line of ``as_of``'s year;
    三保障 and 饮水 not recorded as lacking; not a household whose members all lack labour (nor one flagged
    整户无劳动能力兜底保障户: 兜底, not 帮扶消除). A year without a line gives no candidates (the page says why:
    income_line_caveat); a household without a recorded income is not a candidate (its income is unknown).
    """
    as_of = _day(as_of)
    rules = b.rules
    el, line = rules.elimination, rules.income_line(as_of.year)
    df = cases(b, as_of=as_of, township=township)
    df = df[df["status"] == "monitored"].copy()
    n = _measure_counts(b, as_of, township).groupby("case_id").size()
    df["measures"] = df["case_id"].map(n).fillna(0).astype("int64")
    df = df.merge(household_facts(b, township).drop(columns=["household_type", "persons"]), on="household_id")
    df["income_line"] = line.amount if line else float("nan")
    ts = pd.Timestamp(as_of)
    long_enough = df["approved_on"] + pd.DateOffset(months=el.min_months) <= ts
    ok = long_enough & (df["measures"] >= el.min_measures) & (df["income_latest"] >= df["income_line"])
    ok &= ~_no_labour(df)
    if el.require_guarantees:
        ok &= ~_guarantee_gap(df)
    out = df[ok.fillna(False).astype(bool)].copy()
    out["days_monitored"] = (ts - out["approved_on"]).dt.days.astype("int64")
    cols = [
        "case_id", *_HOUSEHOLD_COLS, "category", "approved_on", "days_monitored", "measures",
        "income_latest", "income_year", "income_line",
    ]  # fmt: skip
    return out[cols].sort_values("days_monitored", ascending=False).reset_index(drop=True)


# The doubts about an elimination, in the order the page names them.
DOUBTS = ("too_soon", "no_measure", "below_line", "no_labour", "guarantee_gap")


def premature_eliminations(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Eliminated cases that official checks would doubt (rules.toml [elimination]):

    - too_soon: a 帮扶消除 under min_months after approval (自然消除 is exempt: applies_to);
    - no_measure: a 帮扶消除 with fewer than min_measures measures started by the elimination;
    - below_line: a 帮扶消除 whose income at elimination is below the line of the elimination's year
      (not judged where either is missing);
    - no_labour: a 帮扶消除 of a household whose members all lack labour (it is 兜底, not 帮扶消除);
    - guarantee_gap: 三保障 or 饮水 recorded as not secured (either kind: the risk is not gone).
    """
    rules = b.rules
    el = rules.elimination
    df = cases(b, as_of=as_of, township=township)
    df = df[df["status"] == "eliminated"].copy()
    ms = _measure_counts(b, as_of, township).merge(df[["case_id", "eliminated_on"]], on="case_id")
    n = ms[ms["started_on"] <= ms["eliminated_on"]].groupby("case_id").size()
    df["measures"] = df["case_id"].map(n).fillna(0).astype("int64")
    df = df.merge(household_facts(b, township).drop(columns=["household_type", "persons"]), on="household_id")
    applies = df["elimination_kind"].isin(el.applies_to)
    assisted = df["elimination_kind"] == ASSISTED
    df["too_soon"] = applies & (df["approved_on"] + pd.DateOffset(months=el.min_months) > df["eliminated_on"])
    df["no_measure"] = applies & (df["measures"] < el.min_measures)
    lines = {line.year: line.amount for line in rules.income_lines}
    df["income_line"] = df["eliminated_on"].dt.year.map(lines).astype("float64")
    below = df["income_at_elimination"] < df["income_line"]
    df["below_line"] = (assisted & below.fillna(False)).astype(bool)
    df["no_labour"] = assisted & _no_labour(df)
    df["guarantee_gap"] = _guarantee_gap(df) if el.require_guarantees else False
    flagged = df[list(DOUBTS)].any(axis=1)
    out = df[flagged].copy()
    out["days_monitored"] = (out["eliminated_on"] - out["approved_on"]).dt.days.astype("int64")
    cols = [
        "case_id", *_HOUSEHOLD_COLS, "approved_on", "eliminated_on", "elimination_kind", "days_monitored",
        "measures", "income_at_elimination", "income_line", *DOUBTS,
    ]  # fmt: skip
    return out[cols].sort_values(["eliminated_on", "case_id"], ascending=[False, True]).reset_index(drop=True)


def no_labour_unflagged(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Monitored households whose members all lack labour (丧失劳动力/无劳动力) but that are not flagged
    整户无劳动能力兜底保障户 (flag empty or 否): the flag decides 兜底 rather than 帮扶消除."""
    mon = _households(cases(b, as_of=as_of, township=township), "monitored")
    facts = household_facts(b, township)
    df = mon.merge(facts[["household_id", "all_unable", "no_labour_flag"]], on="household_id")
    out = df[df["all_unable"] & ~df["no_labour_flag"].eq(True).fillna(False).astype(bool)]
    cols = ["case_id", *_HOUSEHOLD_COLS, "category", "risk_1", "persons"]
    return out[cols].sort_values(["township_code", "village_code", "household_id"]).reset_index(drop=True)


def should_be_monitored(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """应纳未纳: households on the roll (脱贫户 and 一般农户) not under monitoring nor in the procedure on
    ``as_of`` whose latest income per head is below the monitoring line of ``as_of``'s year, or whose
    义务教育/住房安全/饮水安全 is recorded as not secured. Columns: household_id, place and masked head,
    household_type, persons, income_latest, income_year, income_line, below_line, guarantee_gap.

    Without the year's line the income part is not judged (elimination_caveats says so); households without
    a recorded income are not judged on income either."""
    as_of = _day(as_of)
    line = b.rules.income_line(as_of.year)
    df = cases(b, as_of=as_of, township=township)
    open_ = set(df.loc[df["status"].isin(("monitored", "in_procedure")), "household_id"])
    facts = household_facts(b, township)
    facts = facts[~facts["household_id"].isin(open_)].copy()
    facts["income_line"] = line.amount if line else float("nan")
    facts["below_line"] = (facts["income_latest"] < facts["income_line"]).fillna(False).astype(bool)
    facts["guarantee_gap"] = _guarantee_gap(facts)
    out = facts[facts["below_line"] | facts["guarantee_gap"]]
    places = _household_places(b, out["household_id"])
    out = out.merge(places, on="household_id")
    cols = [
        *_HOUSEHOLD_COLS, "household_type", "persons", "income_latest", "income_year", "income_line",
        "below_line", "guarantee_gap",
    ]  # fmt: skip
    return out[cols].sort_values(["township_code", "village_code", "household_id"]).reset_index(drop=True)


def _household_places(b: Bundle, ids: pd.Series) -> pd.DataFrame:
    """household_id, township_code/name, village_code/name and the masked head of the given households."""
    h = b.table("households").select("household_id", "village_code", "head_name")
    p = _places(b)
    j = h.left_join(p, "village_code").select(
        h.household_id, h.head_name, h.village_code, p.township_code, p.township_name, p.village_name
    )
    df = b.execute(j)
    df = df[df["household_id"].isin(set(ids))].copy()
    df["head_masked"] = df.pop("head_name").map(mask_name).astype("str")
    return df


def elimination_caveats(b: Bundle, *, as_of: dt.date) -> tuple[Caveat, ...]:
    """Notes for the elimination lists at ``as_of``: the year's income line is missing (no candidate can be
    judged on income; eliminations of that year are not checked against a line)."""
    year = _day(as_of).year
    return () if b.rules.income_line(year) else (income_line_caveat(year),)


def no_labour_without_cover(
    b: Bundle, *, as_of: dt.date, township: str | None = None, scope: str = "monitored"
) -> pd.DataFrame:
    """应兜尽兜: households whose members all cannot work (丧失劳动力/无劳动力) and that have no
    农村低保/特困供养 record active on ``as_of`` (started_on ≤ as_of, ended_on empty or > as_of).

    ``scope="monitored"``: households under monitoring on ``as_of``; ``scope="roll"``: every household on
    the households roll (脱贫户 and every monitoring object), for the 兜底保障 page.
    """
    as_of = _day(as_of)
    p = b.table("persons")
    per = p.group_by("household_id").agg(
        members=p.count(), unable=p.labour_ability.isin(NO_LABOUR).cast("int64").sum()
    )
    unable = per.filter(per.members == per.unable).select("household_id")
    sa = b.table("social_assistance")
    active = sa.filter(
        sa.scheme.isin(COVER_SCHEMES)
        & (sa.started_on <= as_of)
        & (sa.ended_on.isnull() | (sa.ended_on > as_of))
        & sa.household_id.notnull()
    ).select("household_id")
    h = in_township(b, b.table("households"), township)
    h = h.semi_join(unable, "household_id").anti_join(active, "household_id")
    p_ = _places(b)
    h = h.left_join(p_, "village_code").select(
        h.household_id, h.household_type, h.persons, h.head_name, h.village_code,
        p_.township_code, p_.township_name, p_.village_name,
    )  # fmt: skip
    df = b.execute(h)
    df["head_masked"] = df.pop("head_name").map(mask_name).astype("str")
    if scope == "monitored":
        mon = _households(cases(b, as_of=as_of, township=township), "monitored")
        df = df.merge(mon[["household_id", "case_id", "category", "risk_1"]], on="household_id")
    elif scope != "roll":
        raise ValueError(f"scope must be 'monitored' or 'roll', not {scope!r}")
    cols = [
        c for c in ["case_id", *_HOUSEHOLD_COLS, "household_type", "category", "risk_1", "persons"] if c in df
    ]
    return df[cols].sort_values(["township_code", "village_code", "household_id"]).reset_index(drop=True)


# -- registered headline figures (口径) ------------------------------------------------------------

_MONITORED = "全县(或所选乡镇)经县级审定纳入防止返贫动态监测、尚未标注风险消除的监测对象"


@metric(
    "monitored_households",
    basis="stock",
    department=FANGPIN,
    frequency="实时",
    pages=("overview", "map", "dispatch", "monitoring", "press"),
    phrases=(
        "未消除风险户",
        "未消除风险",
        "监测帮扶中",
        "监测帮扶对象",
        "监测对象",
        "防贫监测户",
        "监测户",
        "监测帮扶",
    ),
    scope=_MONITORED,
    method="按户计数;同一户多次纳入监测的只计1户",
    definition_en="Households approved at county level for monitoring and not yet marked risk-eliminated, "
    "each counted once.",
)
def monitored_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return summary(b, as_of=as_of, township=township).monitored_households


@metric(
    "monitored_persons",
    basis="stock",
    department=FANGPIN,
    frequency="实时",
    pages=("dispatch", "monitoring", "press"),
    phrases=(
        "未消除风险人口",
        "未消除风险",
        "监测帮扶中",
        "监测帮扶对象",
        "监测对象",
        "监测人口",
        "防贫监测户",
        "监测帮扶",
    ),
    scope=_MONITORED + "的家庭成员",
    method="各未消除风险户的家庭人口数相加",
    definition_en="Members of the households under monitoring: the sum of their household sizes.",
)
def monitored_persons(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return summary(b, as_of=as_of, township=township).monitored_persons


@metric(
    "monitored_persons_share",
    digits=2,
    basis="stock",
    department=FANGPIN,
    frequency="实时",
    pages=("monitoring", "press"),
    phrases=("占农村人口", "农村人口"),
    scope="全县(或所选乡镇)未消除风险人口与所选日期所在年度的农村户籍人口",
    method="未消除风险人口数除以农村户籍人口数,乘以100;该年度人口未导入时取最近的上一年度并注明",
    definition_en="Persons under monitoring divided by the rural population, × 100.",
)
def monitored_persons_share(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Figure:
    d = population(b, year=_day(as_of).year, scope=RURAL, township=township)
    share = summary(b, as_of=as_of, township=township).share_pct
    return denominator_figure("monitored_persons_share", share, d, _day(as_of))


@metric(
    "eliminated_households",
    basis="stock",
    better="up",
    department=FANGPIN,
    frequency="实时",
    pages=("overview", "map", "dispatch", "monitoring", "press"),
    phrases=("已消除风险", "风险消除", "消除风险", "风险已消除", "稳定消除"),
    scope="全县(或所选乡镇)已标注风险消除、且未再次纳入监测的防止返贫监测对象",
    method="按户计数;同一户只计1户",
    definition_en="Households marked risk-eliminated and not taken into monitoring again, each counted once.",
)
def eliminated_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return summary(b, as_of=as_of, township=township).eliminated_households


@metric(
    "in_procedure_cases",
    basis="stock",
    department=FANGPIN,
    frequency="实时",
    pages=("dispatch", "monitoring"),
    phrases=("认定程序",),
    scope="全县(或所选乡镇)已发现、尚未经县级审定纳入监测的防止返贫监测识别对象",
    method="按识别记录计数,一户一次识别计1户",
    definition_en="Households found and in the identification procedure, not yet approved at county level.",
)
def in_procedure_cases(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return summary(b, as_of=as_of, township=township).in_procedure_cases


@metric(
    "eliminated_assisted_households",
    basis="stock",
    department=FANGPIN,
    frequency="实时",
    pages=("monitoring", "press"),
    phrases=("帮扶消除", "帮扶后稳定消除"),
    scope="全县(或所选乡镇)已标注风险消除、且未再次纳入监测的防止返贫监测对象中,通过落实帮扶措施稳定消除风险的",
    method="按户计数;同一户只计1户",
    definition_en="Households marked risk-eliminated (not monitored again) whose risk was eliminated by "
    "assistance, each counted once.",
)
def eliminated_assisted_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return summary(b, as_of=as_of, township=township).eliminated_assisted_households


@metric(
    "eliminated_natural_households",
    basis="stock",
    department=FANGPIN,
    frequency="实时",
    pages=("monitoring", "press"),
    phrases=("自然消除",),
    scope="全县(或所选乡镇)已标注风险消除、且未再次纳入监测的防止返贫监测对象中,风险自然消除的",
    method="按户计数;同一户只计1户",
    definition_en="Households marked risk-eliminated (not monitored again) whose risk went away by itself, "
    "each counted once.",
)
def eliminated_natural_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return summary(b, as_of=as_of, township=township).eliminated_natural_households


@metric(
    "overdue_items",
    basis="stock",
    better="down",
    department=FANGPIN,
    frequency="实时",
    pages=("overview", "map", "dispatch", "monitoring"),
    phrases=("逾期",),
    scope="全县(或所选乡镇)防止返贫监测帮扶各环节中办结时限已过仍未办结的事项:识别认定超过15天、"
    "监测联系人选派超过1个工作日、制定帮扶计划超过2个工作日、部门反馈帮扶结果超过2个工作日、"
    "入户走访间隔超过61天(每2个月走访一次)",
    method="按事项计数;工作日按国务院办公厅公布的节假日安排(含调休)计算,该年安排未导入时按周一至周五估算并注明;"
    "未导入本县程序台账的监测对象不作判断并注明",
    definition_en="Procedure steps past their deadline and not done: identification over 15 days, contact "
    "over 1 working day, plan over 2 working days, feedback over 2 working days, visits over 61 days apart.",
)
def overdue_items(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Figure:
    from lulong_data.figures import Figure, Period

    return Figure(
        "overdue_items",
        len(overdue_list(b, as_of=as_of, township=township)),
        Period.point(_day(as_of)),
        "stock",
        caveats=deadline_caveats(b, as_of=as_of, township=township),
    )


@metric(
    "policy_menu_used",
    basis="stock",
    better="up",
    department=FANGPIN,
    frequency="实时",
    pages=("monitoring",),
    phrases=("已使用的政策", "政策菜单使用"),
    scope="“菜单点帮”机制下的帮扶政策中,截至所选日期已为全县(或所选乡镇)防止返贫监测对象落实过帮扶措施的",
    method="按政策项计数,同一项政策落实多次的只计1项",
    definition_en="Policies on the assistance menu used at least once for a monitored household by the date, "
    "one per policy.",
    datasets=("policy_menu", "assistance_measures"),
)
def policy_menu_used(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return int((menu_coverage(b, as_of=as_of, township=township)["measures"] > 0).sum())


OUTCOME_MISSING = "outcome_missing"


def _outcome_households(b: Bundle, as_of: dt.date, year: int, outcome: str, township: str | None) -> Figure:
    """Households newly identified in ``year`` (by as_of) whose case the national system marks ``outcome``
    (返贫/致贫); missing when the folder does not carry the mark (no zero is claimed then)."""
    from lulong_data.figures import Figure, Period

    name = "relapse_households" if outcome == "返贫" else "impoverished_households"
    period = Period(dt.date(int(year), 1, 1), min(as_of, dt.date(int(year), 12, 31)))
    if not b.has_column("monitoring_cases", "poverty_outcome"):
        missing = _caveat(
            OUTCOME_MISSING,
            "数据中没有返贫致贫标识,无法统计返贫、致贫户数;请导入防止返贫监测信息系统的返贫致贫标识。",
            "The data carry no 返贫/致贫 mark, so these households cannot be counted; import the mark from the "
            "national monitoring system.",
        )
        return Figure(name, None, period, "flow", missing=missing)
    df = cases(b, as_of=as_of, township=township)
    first, last = pd.Timestamp(period.start), pd.Timestamp(period.end)
    hit = df[(df["poverty_outcome"] == outcome) & df["approved_on"].between(first, last)]
    return Figure(name, int(hit["household_id"].nunique()), period, "flow")


@metric(
    "relapse_households",
    basis="flow",
    better="down",
    department=FANGPIN,
    frequency="年",
    pages=("monitoring", "press"),
    phrases=("返贫",),
    scope="全县(或所选乡镇)所选年度1月1日至所选日期纳入监测、经防止返贫监测信息系统认定为返贫的脱贫户",
    method="以纳入监测日期为准,按户计数;未导入返贫致贫标识的,不作统计并注明",
    definition_en="Households lifted out of poverty taken into monitoring between 1 January and the date "
    "whose case the national monitoring system marks as having fallen back into poverty (a flow).",
    datasets=("monitoring_cases",),
)
def relapse_households(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> Figure:
    return _outcome_households(b, _day(as_of), year, "返贫", township)


@metric(
    "impoverished_households",
    basis="flow",
    better="down",
    department=FANGPIN,
    frequency="年",
    pages=("monitoring", "press"),
    phrases=("致贫",),
    scope="全县(或所选乡镇)所选年度1月1日至所选日期纳入监测、经防止返贫监测信息系统认定为致贫的一般农户",
    method="以纳入监测日期为准,按户计数;未导入返贫致贫标识的,不作统计并注明",
    definition_en="Ordinary rural households taken into monitoring between 1 January and the date whose case "
    "the national monitoring system marks as having fallen into poverty (a flow).",
    datasets=("monitoring_cases",),
)
def impoverished_households(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> Figure:
    return _outcome_households(b, _day(as_of), year, "致贫", township)


INCOME_MISSING = "income_missing"


@metric(
    "should_monitor_households",
    basis="stock",
    better="down",
    department=FANGPIN,
    frequency="实时",
    pages=("monitoring",),
    phrases=("应纳未纳",),
    scope="全县(或所选乡镇)截至所选日期未纳入监测、也不在认定程序中的脱贫户和一般农户中,最新人均纯收入低于"
    "当年防止返贫监测收入标准,或义务教育、住房安全、饮水安全未保障的",
    method="按户计数;当年收入标准未配置或未导入农户收入的,不作统计并注明",
    definition_en="Households lifted out of poverty and ordinary households, neither monitored nor in the "
    "procedure, whose latest income per head is below the year's monitoring line or whose education, "
    "housing or water is not secured.",
    datasets=("households",),
)
def should_monitor_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Figure:
    from lulong_data.figures import Figure, Period

    as_of = _day(as_of)
    period = Period.point(as_of)
    if b.rules.income_line(as_of.year) is None:
        return Figure(
            "should_monitor_households", None, period, "stock", missing=income_line_caveat(as_of.year)
        )
    if not b.has_column("households", "income_per_capita"):
        missing = _caveat(
            INCOME_MISSING,
            "数据中没有农户人均纯收入,无法判断应纳未纳;请导入农户最新人均纯收入。",
            "The data give no household income per head, so this cannot be judged; import the latest incomes.",
        )
        return Figure("should_monitor_households", None, period, "stock", missing=missing)
    return Figure(
        "should_monitor_households",
        len(should_be_monitored(b, as_of=as_of, township=township)),
        period,
        "stock",
    )


@grouped(
    "monitored_households", "eliminated_households", zero=("monitored_households", "eliminated_households")
)
def _households_grouped(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    return breakdown(b, as_of=as_of, by="township").set_index("township_code")


@grouped("overdue_items", zero=("overdue_items",))
def _overdue_grouped(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    return overdue_list(b, as_of=as_of).groupby("township_code").size().rename("overdue_items").to_frame()
