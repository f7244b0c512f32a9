"""What the meeting can assign (交办): every list on the dispatch page as rows that become ledger items, and
the line of each bureau.

A :class:`Candidate` is one row of a list — a township's overdue items, its households approved weeks ago
with no measure, its no-labour households without 低保/特困 (应兜未兜), its households that meet the
elimination rules, its jobs behind the pace, no training this year, posts below plan, a village due a
formal talk (约谈), a batch due a consultation (会商), a bureau's late feedback or uncovered risks — with a
proposed item: title in 公文 words, 责任单位 (full name), the bureau whose line it belongs to, a proposed
deadline. The page lets the meeting tick rows, name the 责任人 and save them (lulong_data.store.ledger).
Candidates name no household: lists are counted by township, so the paper can be handed round.

The six bureau lines (issue 18 item 6) are 乡村振兴局, 人力资源和社会保障局, 民政局, 农业农村局, 教育局,
卫生健康局 — full names, prefixed with the county's name. Never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data.county import name_of
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import pace
from lulong_data.metrics.overview import townships as township_names
from lulong_data.workdays import add_workdays

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

# The six bureaus of the meeting, in the order the county lists them; (suffix after the county's name, en).
BUREAUS: tuple[tuple[str, str, str], ...] = (
    ("xiangcun", "乡村振兴局", "Rural Revitalisation Bureau"),
    ("renshe", "人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("minzheng", "民政局", "Civil Affairs Bureau"),
    ("nongye", "农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("jiaoyu", "教育局", "Education Bureau"),
    ("weijian", "卫生健康局", "Health Commission"),
)
FANGPIN = "防贫中心"  # the county's 正科级 centre (transcript); convenes 会商, under 乡村振兴局's line
# Department names as data files write them (policy_menu.department) -> bureau key.
_SHORT = {
    "县乡村振兴局": "xiangcun", "县防贫中心": "xiangcun", "县人社局": "renshe", "县人力资源和社会保障局": "renshe",
    "县民政局": "minzheng", "县残联": "minzheng", "县农业农村局": "nongye", "县教育局": "jiaoyu",
    "县卫健委": "weijian", "县卫健局": "weijian", "县卫生健康局": "weijian", "县医保局": "weijian",
}  # fmt: skip
# A monitored household's first risk -> the measure category that answers it and the bureau that owns it
# (risks no one bureau answers — 因灾, 因意外事故, 缺劳动力 — stay with the procedure's own lists).
RISK_COVER = {
    "因病": ("健康", "weijian"),
    "因学": ("教育", "jiaoyu"),
    "因务工就业不稳": ("就业", "renshe"),
    "因产业项目失败": ("产业", "nongye"),
}
# Proposed deadlines (calendar days after the meeting) by kind; the meeting changes them as it sees fit.
DUE_DAYS = {
    "overdue": 7, "no_measure": 7, "uncovered": 14, "eligible": 14, "jobs": 30, "training": 30, "posts": 30,
    "talk": 7, "batch": 3, "feedback": 7, "risk": 14, "manual": 7,
}  # fmt: skip
NO_MEASURE_DAYS = 15  # approved this many days ago and still no measure: the meeting's business


def bureau_name(key: str, county: str) -> str:
    """卢龙县人力资源和社会保障局: the county's name and the bureau's full name."""
    return county + next(zh for k, zh, _ in BUREAUS if k == key)


def bureau_en(key: str) -> str:
    return next(en for k, _, en in BUREAUS if k == key)


def township_government(name: str) -> str:
    """石门镇 -> 石门镇人民政府 (the township answers for its own procedure items)."""
    return f"{name}人民政府"


@dataclass(frozen=True)
class Candidate:
    kind: str  # ledger.KINDS key
    source_ref: str  # stable key: one open item per row
    township_code: str | None
    township: str | None
    line_zh: str  # the row as the list shows it
    line_en: str
    title: str  # the proposed item (公文)
    unit: str  # proposed 责任单位
    bureau: str  # key of the bureau line it belongs to
    due_days: int

    def due_on(self, meeting: dt.date) -> dt.date:
        return meeting + dt.timedelta(days=self.due_days)


def _c(kind: str, ref: str, code, town, zh: str, en: str, title: str, unit: str, bureau: str) -> Candidate:
    return Candidate(kind, f"{kind}:{ref}", code, town, zh, en, title, unit, bureau, DUE_DAYS[kind])


def feedback_overdue(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """Measures whose department has not fed back within the rules' working days, by bureau key and
    township: bureau, township_code, township_name, items, max_days_over."""
    ms = mon.measures(b, as_of=as_of)
    cols = ["bureau", "township_code", "township_name", "items", "max_days_over"]
    if ms.empty:
        return pd.DataFrame(columns=cols)
    n = b.rules.deadlines.feedback_workdays
    due = ms["started_on"].map(lambda d: pd.Timestamp(add_workdays(d.date(), n)))
    late = ms[ms["feedback_on"].isna() & (due < pd.Timestamp(as_of))].copy()
    late["days_over"] = (pd.Timestamp(as_of) - due[late.index]).dt.days
    late["bureau"] = late["policy_department"].map(_SHORT)
    late = late.dropna(subset=["bureau"])
    g = late.groupby(["bureau", "township_code", "township_name"], as_index=False).agg(
        items=("measure_id", "size"), max_days_over=("days_over", "max")
    )
    return g[cols]


def uncovered_risks(b: Bundle, *, as_of: dt.date) -> pd.DataFrame:
    """Monitored households whose first risk has no measure of the category that answers it (因病 without a
    health measure, 因学 without an education one ...): bureau, category, risk, township_code, township_name,
    households."""
    cases = mon.cases(b, as_of=as_of)
    cases = cases[cases["status"] == "monitored"].drop_duplicates("household_id")
    cases = cases[cases["risk_1"].isin(RISK_COVER)]
    ms = mon.measures(b, as_of=as_of)
    have = set(zip(ms["case_id"], ms["policy_category"], strict=True))
    rows = []
    for r in cases.itertuples(index=False):
        category, bureau = RISK_COVER[r.risk_1]
        if (r.case_id, category) not in have:
            rows.append((bureau, category, r.risk_1, r.township_code, r.township_name, r.household_id))
    df = pd.DataFrame(rows, columns=["bureau", "category", "risk", "township_code", "township_name", "hh"])
    return (
        df.groupby(["bureau", "category", "risk", "township_code", "township_name"], as_index=False)
        .agg(households=("hh", "nunique"))
        .sort_values(["bureau", "households"], ascending=[True, False])
        .reset_index(drop=True)
    )


def candidates(b: Bundle, *, as_of: dt.date, since: dt.date) -> list[Candidate]:  # noqa: C901 (list after list)
    """Every row the meeting with figures as of ``as_of`` (period since ``since``) can assign, list by list."""
    from lulong_data.dispatch import decisions  # dispatch imports this module's callers, not the reverse

    county, day = name_of(b, "zh"), as_of
    dec = decisions(b, as_of=as_of, since=since)
    names = dict(township_names(b).itertuples(index=False, name=None))
    out: list[Candidate] = []
    checks = mon.CHECK_SHORT
    for code, g in dec.overdue.groupby("township_code", sort=False):
        town, n = g["township"].iloc[0], int(g["items"].sum())
        parts = "、".join(f"{checks[c][0]}{k}项" for c, k in zip(g["check"], g["items"], strict=True))
        parts_en = ", ".join(f"{checks[c][1]} {k}" for c, k in zip(g["check"], g["items"], strict=True))
        out.append(_c(
            "overdue", code, code, town, f"{town}:{parts},最长逾期{int(g['max_days_over'].max())}天",
            f"{town}: {parts_en}; longest {int(g['max_days_over'].max())} days over",
            f"{town}逾期未办{n}项({parts}),限期办结", township_government(town), "xiangcun",
        ))  # fmt: skip
    waiting = mon.households_without_measure(b, as_of=day)
    waiting = waiting[waiting["days_monitored"] >= NO_MEASURE_DAYS]
    for (code, town), g in waiting.groupby(["township_code", "township_name"], sort=True):
        n = g["household_id"].nunique()
        out.append(_c(
            "no_measure", code, code, town, f"{town}:{n}户审定超过{NO_MEASURE_DAYS}天仍未落实帮扶措施",
            f"{town}: {n} household(s) approved over {NO_MEASURE_DAYS} days ago with no measure",
            f"{town}{n}户监测对象审定超过{NO_MEASURE_DAYS}天未落实帮扶措施,立即落实", township_government(town),
            "xiangcun",
        ))  # fmt: skip
    uncovered = mon.no_labour_without_cover(b, as_of=day)
    for (code, town), g in uncovered.groupby(["township_code", "township_name"], sort=True):
        n = g["household_id"].nunique()
        out.append(_c(
            "uncovered", code, code, town, f"{town}:{n}户整户无劳动能力未纳入低保或特困供养",
            f"{town}: {n} household(s) unable to work with no 低保/特困 cover",
            f"{town}{n}户整户无劳动能力监测户未纳入兜底保障,核实后应兜尽兜", bureau_name("minzheng", county),
            "minzheng",
        ))  # fmt: skip
    eligible = mon.elimination_candidates(b, as_of=day)
    for (code, town), g in eligible.groupby(["township_code", "township_name"], sort=True):
        n = g["household_id"].nunique()
        out.append(_c(
            "eligible", code, code, town, f"{town}:{n}户符合风险消除条件", f"{town}: {n} household(s) eligible",
            f"{town}{n}户符合风险消除条件,按程序开展风险消除", township_government(town), "xiangcun",
        ))  # fmt: skip
    for r in dec.jobs_behind.itertuples(index=False):
        out.append(_c(
            "jobs", r.township_code, r.township_code, r.township,
            f"{r.township}:已就业{r.placed}人,序时进度{r.expected:.0f}人,差{r.short}人",
            f"{r.township}: {r.placed} in work, pace {r.expected:.0f}, {r.short} short",
            f"{r.township}务工就业落后序时进度{r.short}人,加快推进", bureau_name("renshe", county), "renshe",
        ))  # fmt: skip
    for code in pace.no_training(b, as_of=day) or []:
        town = names.get(code, code)
        out.append(_c(
            "training", code, code, town, f"{town}:{day.year}年尚未开展技能培训",
            f"{town}: no skills training in {day.year} so far",
            f"{town}{day.year}年尚未开展技能培训,安排培训", bureau_name("renshe", county), "renshe",
        ))  # fmt: skip
    posts = pace.posts_against_plan(b, as_of=day)
    for r in posts[posts["pct"] < 100].itertuples(index=False):
        out.append(_c(
            "posts", r.township_code, r.township_code, r.township,
            f"{r.township}:公益岗位安置{r.persons}人,计划{r.plan:.0f}人", f"{r.township}: {r.persons} of {r.plan:.0f} posts",
            f"{r.township}公益岗位安置低于计划,补足岗位", bureau_name("renshe", county), "renshe",
        ))  # fmt: skip
    for r in dec.talks.itertuples(index=False):
        out.append(_c(
            "talk", r.village_code, r.township_code, r.township,
            f"{r.township}{r.village}:连续{r.months_running}个月上人居环境黑榜",
            f"{r.village}, {r.township}: black-listed {r.months_running} months running",
            f"约谈{r.township}{r.village}(连续{r.months_running}个月上黑榜),限期整改", bureau_name("nongye", county),
            "nongye",
        ))  # fmt: skip
    for r in dec.batches.itertuples(index=False):
        day_text = f"{r.approved_on:%Y-%m-%d}"
        out.append(_c(
            "batch", day_text, None, None, f"{day_text} 县级审定{r.households}户({r.townships})",
            f"{day_text}: {r.households} households approved ({r.townships})",
            f"{day_text}批次审定{r.households}户,召集相关部门会商帮扶措施", county + FANGPIN, "xiangcun",
        ))  # fmt: skip
    for r in feedback_overdue(b, as_of=day).itertuples(index=False):
        unit = bureau_name(r.bureau, county)
        out.append(Candidate(
            "overdue", f"feedback:{r.bureau}:{r.township_code}", r.township_code, r.township_name,
            f"{r.township_name}:帮扶措施落实后未按时反馈{r.items}项,最长逾期{r.max_days_over}天",
            f"{r.township_name}: {r.items} measure(s) not fed back; longest {r.max_days_over} days over",
            f"{unit}在{r.township_name}落实的帮扶措施逾期未反馈{r.items}项,2个工作日内反馈县防贫中心", unit, r.bureau,
            DUE_DAYS["feedback"],
        ))  # fmt: skip
    for r in uncovered_risks(b, as_of=day).itertuples(index=False):
        unit = bureau_name(r.bureau, county)
        out.append(Candidate(
            "no_measure", f"risk:{r.bureau}:{r.township_code}", r.township_code, r.township_name,
            f"{r.township_name}:{r.households}户{r.risk}风险尚无{r.category}类帮扶措施",
            f"{r.township_name}: {r.households} household(s) at risk {r.risk} with no {r.category} measure",
            f"{r.township_name}{r.households}户{r.risk}监测户尚无{r.category}类帮扶措施,研究落实", unit, r.bureau,
            DUE_DAYS["risk"],
        ))  # fmt: skip
    return out


@dataclass(frozen=True)
class BureauLine:
    key: str
    name: str  # full name
    name_en: str
    lines: tuple[Candidate, ...]  # what the data say is the bureau's business this week
    items: tuple  # open ledger items whose 责任单位 is the bureau (lulong_data.store.ledger.Item)


def bureau_lines(cands: list[Candidate], items, *, county: str) -> list[BureauLine]:
    """One line per bureau, in the county's order, even when it has nothing (the meeting hears that too)."""
    out = []
    for key, _zh, en in BUREAUS:
        name = bureau_name(key, county)
        mine = tuple(c for c in cands if c.bureau == key)
        owned = tuple(
            i for i in items if i.unit == name or (key == "xiangcun" and i.unit == county + FANGPIN)
        )
        out.append(BureauLine(key, name, f"{county} {en}" if county else en, mine, owned))
    return out
