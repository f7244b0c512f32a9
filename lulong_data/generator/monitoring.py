"""防止返贫动态监测和帮扶: the policy menu, monitoring cases, assistance measures and visits.

The sample follows Lulong's procedure as the press conference describes it: four steps from the clue to
county approval within 15 days (入户核实 → 村级评议公示 → 乡镇审核 → 县级审定), a contact assigned and
first home visit within 1 working day, a plan within 2 working days, measures from the 37-item menu
(菜单点帮) with the department's feedback within 2 working days, a visit at least every 2 months, and
risk elimination after ≥ 6 months with ≥ 1 measure. Most cases keep the rules; a few do not, so that the
dashboard's checks have something to find:
- about 5% identified late, a few late contacts, plans and feedback, concentrated in three "weak"
  townships; two "strong" townships are almost always on time;
- cases still in procedure on as_of, some of them already past 15 days;
- a handful of premature eliminations (< 6 months, or no measure) and some visit gaps over 61 days,
  a few of them still open on as_of;
- batches of ≥ 5 households approved on one day (county consultation), also in July 2022.
A household whose members all lack labour is a 兜底 household (整户无劳动能力兜底保障户): it is not
eliminated by assistance; its case stays under monitoring (a 自然消除 of its other risk stays possible).
Working days follow the State Council calendar (lulong_data.workdays).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lulong_data.generator.context import Context
from lulong_data.workdays import add_workdays, is_workday

D = dt.date
DAY = dt.timedelta(days=1)

# How many 脱贫户 became monitoring objects (every monitored 一般农户 on the roll has a case too).
POOR_CASE_HOUSEHOLDS = 380
# Cases identified in 2020 that were still monitored when the history starts.
CARRY_OVER_CASES = 70
RE_IDENTIFIED = 7
PREMATURE_TOO_SOON = 4
PREMATURE_NO_MEASURE = 1
STUCK_IN_PROCEDURE = 4  # in procedure on as_of and already past the 15-day limit
CURRENTLY_UNVISITED = 8  # monitored cases whose last visit is more than 61 days before as_of

# Monitoring income line by year of identification (元/人·年); 2020 used the national poverty standard.
INCOME_LINE = {2020: 4000, 2021: 6000, 2022: 7300}

# Deadline discipline by township: a multiplier on every "late" probability.
WEAK_TOWNSHIPS = {"130324104": 3.5, "130324108": 3.0, "130324105": 2.5}  # 刘田各庄镇, 蛤泊镇, 石门镇
STRONG_TOWNSHIPS = {"130324109": 0.15, "130324201": 0.1}  # 印庄镇, 刘家营乡

# Months of concentrated screening (集中排查): more clues, approved in batches at county meetings.
CAMPAIGN_MONTHS = {(2021, 3): 2.2, (2021, 10): 2.4, (2022, 3): 2.2, (2022, 7): 1.6}
# County-level risk-elimination reviews (a quarter's cases are reviewed together).
ELIMINATION_REVIEWS = (D(2021, 6, 28), D(2021, 9, 27), D(2021, 12, 20), D(2022, 3, 28), D(2022, 6, 27))
# Rainy-season windows: 因灾 clues come from these.
FLOOD_WINDOWS = (
    (D(2020, 7, 20), D(2020, 9, 10)),
    (D(2021, 7, 10), D(2021, 9, 20)),
    (D(2022, 6, 25), D(2022, 7, 20)),
)

# Main-risk mix of the 脱贫户 cases (the 一般农户 follow their members' hardship).
POOR_RISK_MIX = {
    "因病": 0.46, "因残": 0.24, "因学": 0.06, "因意外事故": 0.05, "缺劳动力": 0.07, "因务工就业不稳": 0.05,
    "因灾": 0.03, "因产业项目失败": 0.015, "住房安全问题": 0.01, "饮水安全问题": 0.005, "其他": 0.01,
}  # fmt: skip
# Relative weights when a risk is drawn among those a household is exposed to.
RISK_WEIGHTS = {
    "因病": 10.0, "因残": 6.0, "因学": 4.0, "因意外事故": 1.0, "缺劳动力": 1.5, "因务工就业不稳": 1.2,
    "因灾": 0.5, "因产业项目失败": 0.3, "住房安全问题": 0.1, "饮水安全问题": 0.1, "其他": 0.25,
}  # fmt: skip


# ---------------------------------------------------------------- policy menu

# Lulong's 菜单点帮: 37 items, each with the department that carries it out and its contract category.
POLICY_MENU = (
    ("产业奖补", "县农业农村局", "产业"),
    ("资产收益分红", "县农业农村局", "产业"),
    ("庭院经济扶持", "县农业农村局", "产业"),
    ("农业技术指导", "县农业农村局", "产业"),
    ("消费帮扶", "县农业农村局", "产业"),
    ("创业奖补", "县人社局", "就业"),
    ("公益岗位安置", "县人社局", "就业"),
    ("务工交通补贴", "县人社局", "就业"),
    ("技能培训补贴", "县人社局", "就业"),
    ("就业岗位推送", "县人社局", "就业"),
    ("帮扶车间就近就业", "县人社局", "就业"),
    ("一次性求职补贴", "县人社局", "就业"),
    ("教育资助", "县教育局", "教育"),
    ("雨露计划", "县农业农村局", "教育"),
    ("生源地助学贷款", "县教育局", "教育"),
    ("送教上门", "县教育局", "教育"),
    ("医疗救助", "县医保局", "健康"),
    ("大病保险", "县医保局", "健康"),
    ("参保资助", "县医保局", "健康"),
    ("门诊慢特病报销", "县医保局", "健康"),
    ("先诊疗后付费", "县卫健委", "健康"),
    ("家庭医生签约", "县卫健委", "健康"),
    ("大病专项救治", "县卫健委", "健康"),
    ("残疾人康复救助", "县残联", "健康"),
    ("危房改造", "县住建局", "住房"),
    ("住房安全鉴定", "县住建局", "住房"),
    ("饮水安全保障", "县水务局", "饮水"),
    ("供水设施维修", "县水务局", "饮水"),
    ("低保纳入", "县民政局", "兜底"),
    ("特困供养", "县民政局", "兜底"),
    ("临时救助", "县民政局", "兜底"),
    ("残疾人两项补贴", "县残联", "兜底"),
    ("小额信贷", "县金融办", "金融"),
    ("防贫保险", "县防贫中心", "金融"),
    ("农业保险", "县金融办", "金融"),
    ("社会帮扶", "县防贫中心", "综合"),
    ("法律援助", "县防贫中心", "综合"),
)

# Which menu items answer which risk (first ones first: the quick help of 立帮快扶).
RISK_POLICIES = {
    "因病": (
        "医疗救助",
        "大病保险",
        "先诊疗后付费",
        "家庭医生签约",
        "大病专项救治",
        "门诊慢特病报销",
        "防贫保险",
        "临时救助",
    ),
    "因残": ("残疾人两项补贴", "残疾人康复救助", "家庭医生签约", "公益岗位安置", "低保纳入"),
    "因学": ("教育资助", "雨露计划", "生源地助学贷款", "送教上门"),
    "因灾": ("临时救助", "防贫保险", "危房改造", "农业保险"),
    "因意外事故": ("临时救助", "医疗救助", "防贫保险", "社会帮扶", "法律援助"),
    "因产业项目失败": ("产业奖补", "小额信贷", "农业技术指导", "消费帮扶", "农业保险"),
    "因务工就业不稳": (
        "就业岗位推送",
        "务工交通补贴",
        "技能培训补贴",
        "帮扶车间就近就业",
        "公益岗位安置",
        "一次性求职补贴",
    ),
    "缺劳动力": ("资产收益分红", "低保纳入", "特困供养", "庭院经济扶持", "公益岗位安置"),
    "住房安全问题": ("住房安全鉴定", "危房改造"),
    "饮水安全问题": ("供水设施维修", "饮水安全保障"),
    "其他": ("临时救助", "社会帮扶", "产业奖补"),
}
# Items every household may get on top (产业 covers all 脱贫户 and monitored households).
GENERAL_POLICIES = ("产业奖补", "资产收益分红", "参保资助", "庭院经济扶持", "创业奖补")


def make_policy_menu() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"policy_code": f"CD{i:02d}", "name": name, "department": dept, "category": cat}
            for i, (name, dept, cat) in enumerate(POLICY_MENU, start=1)
        ]
    )


# ---------------------------------------------------------------- households exposed to which risks


@dataclass
class Household:
    household_id: str
    township: str
    kind: str  # 脱贫户 / 一般农户
    persons: int
    exposure: dict[str, float]  # risk -> weight; only the risks the members make possible
    all_unable: bool = False  # every member 丧失劳动力/无劳动力: 兜底, never 帮扶消除


def member_flags(persons: pd.DataFrame) -> pd.DataFrame:
    """Per household: which kinds of members it has (the basis of its possible risks)."""
    age = 2022 - persons["birth_year"]
    ability, health = persons["labour_ability"], persons["health"]
    able = ability.isin(["普通劳动力", "技能劳动力"])
    flags = pd.DataFrame(
        {
            "household_id": persons["household_id"],
            "serious": health == "患有大病",
            "chronic": health == "长期慢性病",
            "disabled": health == "残疾",
            "student": (age >= 15) & (age <= 22) & (ability == "无劳动力"),
            "pupil": (age >= 6) & (age < 15),
            "able": able,
            "able_young": able & (age <= 59),
            "can_work": ~ability.isin(["丧失劳动力", "无劳动力"]),
        }
    )
    return flags.groupby("household_id", sort=True).any()


def household_exposure(f) -> dict[str, float]:
    """The risks a household can plausibly be monitored for, from its members' flags."""
    out = {}
    if f.serious:
        out["因病"] = RISK_WEIGHTS["因病"]
    elif f.chronic:
        out["因病"] = RISK_WEIGHTS["因病"] * 0.3
    if f.disabled:
        out["因残"] = RISK_WEIGHTS["因残"]
    if f.student:
        out["因学"] = RISK_WEIGHTS["因学"]
    elif f.pupil:
        out["因学"] = RISK_WEIGHTS["因学"] * 0.2
    if not f.able:
        out["缺劳动力"] = RISK_WEIGHTS["缺劳动力"]
    if f.able_young:
        out["因务工就业不稳"] = RISK_WEIGHTS["因务工就业不稳"]
        out["因产业项目失败"] = RISK_WEIGHTS["因产业项目失败"]
    for risk in ("因意外事故", "因灾", "住房安全问题", "饮水安全问题", "其他"):
        out[risk] = RISK_WEIGHTS[risk]
    return out


def load_households(frames: dict[str, pd.DataFrame]) -> list[Household]:
    hh = frames["households"]
    flags = member_flags(frames["persons"]).loc[hh["household_id"]]
    return [
        Household(hid, village[:9], kind, int(n), household_exposure(f), all_unable=not f.can_work)
        for hid, village, kind, n, f in zip(
            hh["household_id"],
            hh["village_code"],
            hh["household_type"],
            hh["persons"],
            flags.itertuples(index=False),
            strict=True,
        )
    ]


def _choose(rng: np.random.Generator, weights: dict[str, float], exclude: tuple[str, ...] = ()) -> str | None:
    keys = [k for k in weights if k not in exclude]
    if not keys:
        return None
    w = np.array([weights[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


# ---------------------------------------------------------------- cases


@dataclass
class Case:
    household: Household
    category: str
    risks: list[str]
    channel: str
    found_on: D
    verified_on: D | None = None
    village_review_on: D | None = None
    township_audit_on: D | None = None
    approved_on: D | None = None
    contact_assigned_on: D | None = None
    plan_on: D | None = None
    income_per_capita: float | None = None
    eliminated_on: D | None = None
    elimination_kind: str | None = None
    case_id: str = ""
    no_measure: bool = False  # a premature elimination: its measures are left out on purpose
    stuck: bool = False


def _lateness(township: str) -> float:
    return WEAK_TOWNSHIPS.get(township, STRONG_TOWNSHIPS.get(township, 1.0))


def _next_workday(d: D) -> D:
    while not is_workday(d):
        d += DAY
    return d


def _previous_workday(d: D) -> D:
    while not is_workday(d):
        d -= DAY
    return d


def _category(rng: np.random.Generator, hh: Household, risk: str) -> str:
    sudden = risk in ("因意外事故", "因灾")
    if hh.kind == "脱贫户":
        return "突发严重困难户" if rng.uniform() < (0.6 if sudden else 0.08) else "脱贫不稳定户"
    p = 0.8 if sudden else 0.3 if risk == "因病" else 0.12
    return "突发严重困难户" if rng.uniform() < p else "边缘易致贫户"


def _channel(rng: np.random.Generator, risk: str) -> str:
    # Hospital bills and disability records reach the county centre through the departments' data
    # (医保局, 残联): 部门筛查预警. Otherwise cadres' door-to-door screening finds most clues.
    screened = 0.35 if risk in ("因病", "因残") else 0.08
    u = rng.uniform()
    if u < screened:
        return "部门筛查预警"
    return "农户自主申报" if u < screened + 0.3 else "基层干部排查"


def _risks(rng: np.random.Generator, hh: Household, first: str) -> list[str]:
    risks = [first]
    if rng.uniform() < 0.3:
        second = _choose(rng, hh.exposure, tuple(risks))
        risks.append(second)
        if rng.uniform() < 0.25:
            third = _choose(rng, hh.exposure, tuple(risks))
            risks.append(third)
    return [r for r in risks if r]


def _month_days(year: int, month: int) -> list[D]:
    first = D(year, month, 1)
    nxt = D(year + month // 12, month % 12 + 1, 1)
    return [first + i * DAY for i in range((nxt - first).days)]


def _found_dates(rng: np.random.Generator, ctx: Context, n: int) -> list[D]:
    """Clue dates from 2021-01 to as_of, more in the screening months, clustered in their middle."""
    months = pd.period_range(ctx.start, ctx.as_of, freq="M")
    # Stop clues 2 days before as_of: a clue found on the day itself would not be in the ledger yet.
    last = ctx.as_of - 2 * DAY
    weights = []
    for p in months:
        days = [d for d in _month_days(p.year, p.month) if d <= last]
        weights.append(CAMPAIGN_MONTHS.get((p.year, p.month), 1.0) * len(days) / 30)
    w = np.array(weights) / sum(weights)
    out = []
    for m in rng.choice(len(months), size=n, p=w):
        p = months[int(m)]
        days = [d for d in _month_days(p.year, p.month) if d <= last]
        if (p.year, p.month) in CAMPAIGN_MONTHS and rng.uniform() < 0.7:
            days = days[4:18] or days  # the screening fortnight
        out.append(days[int(rng.integers(len(days)))])
    return out


def _flood_date(rng: np.random.Generator, carry_over: bool) -> D:
    start, end = FLOOD_WINDOWS[0] if carry_over else FLOOD_WINDOWS[1 + int(rng.integers(2))]
    return start + int(rng.integers((end - start).days + 1)) * DAY


def draft_cases(ctx: Context, households: list[Household]) -> list[Case]:
    """One first case per monitored household: who, which risk, which category, when found."""
    rng = ctx.rng("monitoring.cases")
    nonpoor = [h for h in households if h.kind == "一般农户"]
    poor = [h for h in households if h.kind == "脱贫户"]

    chosen: list[tuple[Household, str]] = [(h, _choose(rng, h.exposure)) for h in nonpoor]
    # 脱贫户: draw the risk first (to hold the county's risk mix), then a household exposed to it.
    free = {h.household_id: h for h in poor}
    for risk in rng.choice(list(POOR_RISK_MIX), size=POOR_CASE_HOUSEHOLDS, p=list(POOR_RISK_MIX.values())):
        pool = [h for h in free.values() if risk in h.exposure]
        h = pool[int(rng.integers(len(pool)))]
        del free[h.household_id]
        chosen.append((h, str(risk)))

    order = rng.permutation(len(chosen))
    carry = set(order[:CARRY_OVER_CASES].tolist())
    found = iter(_found_dates(rng, ctx, len(chosen) - CARRY_OVER_CASES))
    cases = []
    for i, (h, risk) in enumerate(chosen):
        if risk == "因灾":
            found_on = _flood_date(rng, i in carry)
        elif i in carry:
            found_on = D(2020, 6, 1) + int(rng.integers(200)) * DAY
        else:
            found_on = next(found)
        cases.append(Case(h, _category(rng, h, risk), _risks(rng, h, risk), _channel(rng, risk), found_on))
    return cases


def run_procedure(rng: np.random.Generator, case: Case, ctx: Context) -> None:
    """The four identification steps, then contact and plan; steps after as_of stay empty."""
    late = _lateness(case.household.township)
    f = case.found_on
    verified = f + int(rng.integers(1, 4)) * DAY
    review = verified + int(rng.integers(2, 6)) * DAY
    audit = _next_workday(review + int(rng.integers(1, 4)) * DAY)
    held_up = rng.uniform() < 0.045 * late or case.stuck
    if held_up:
        # A township sits on the file: the whole identification runs over 15 days.
        audit = _next_workday(audit + int(rng.integers(6, 14 if not case.stuck else 40)) * DAY)
    if (f.year, f.month) in CAMPAIGN_MONTHS:
        # Screening months: the county approves on its meeting days (Tuesday, Friday), in batches.
        approved = audit + DAY
        while not (is_workday(approved) and approved.weekday() in (1, 4)):
            approved += DAY
    else:
        approved = add_workdays(audit, int(rng.integers(1, 3)))
    limit = _previous_workday(f + 15 * DAY)
    if not held_up and approved > limit >= audit:
        # Files that are not held up are approved in time, on the last working day if need be
        # (a long holiday such as National Day can still push one over the limit).
        approved = limit
    if case.stuck:
        approved = ctx.as_of + 30 * DAY

    contact_days = 0 if rng.uniform() < 0.35 else 1
    if rng.uniform() < 0.03 * late:
        contact_days = int(rng.integers(2, 6))
    contact = add_workdays(approved, contact_days)
    plan_days = 1 if rng.uniform() < 0.5 else 2
    if rng.uniform() < 0.04 * late:
        plan_days = int(rng.integers(3, 8))
    plan = add_workdays(contact, plan_days)

    steps = [verified, review, audit, approved, contact, plan]
    steps = [d if d <= ctx.as_of else None for d in steps]
    # A later step cannot exist once an earlier one is missing.
    for i in range(1, len(steps)):
        if steps[i - 1] is None:
            steps[i] = None
    (
        case.verified_on,
        case.village_review_on,
        case.township_audit_on,
        case.approved_on,
        case.contact_assigned_on,
        case.plan_on,
    ) = steps
    case.income_per_capita = _income(rng, case)


def _income(rng: np.random.Generator, case: Case) -> float:
    line = INCOME_LINE[case.found_on.year]
    if case.category == "突发严重困难户" and rng.uniform() < 0.45:
        # Income may be above the line: the hardship is a large unavoidable expense (刚性支出).
        factor = rng.uniform(1.0, 2.2)
    elif case.category == "边缘易致贫户" and rng.uniform() < 0.08:
        factor = rng.uniform(1.0, 1.2)  # just above the line, but unstable
    else:
        factor = rng.uniform(0.5, 0.99)
    return float(round(line * factor))


def decide_elimination(rng: np.random.Generator, case: Case, ctx: Context) -> None:
    """Eliminate at a county review at least 6 months after approval; some stay monitored."""
    if case.approved_on is None:
        return
    earliest = (pd.Timestamp(case.approved_on) + pd.DateOffset(months=6)).date()
    # Households whose risk is structural (disability, no labour) stay under monitoring longer.
    p = 0.3 if case.risks[0] in ("因残", "缺劳动力") else 0.55
    for review in ELIMINATION_REVIEWS:
        if review < earliest or review > ctx.as_of or rng.uniform() >= p:
            continue
        if rng.uniform() < 0.15:
            # Individually reviewed households: any working day of the following weeks.
            review = _next_workday(review + int(rng.integers(3, 40)) * DAY)
            if review > ctx.as_of:
                continue
        kind = _elimination_kind(rng, case)
        if case.household.all_unable and kind == "帮扶后稳定消除":
            return  # 兜底: stays under monitoring (the draws above are kept, so other cases do not move)
        case.eliminated_on = review
        case.elimination_kind = kind
        return


def _elimination_kind(rng: np.random.Generator, case: Case) -> str:
    natural = 0.25 if case.risks[0] in ("因意外事故", "因务工就业不稳", "因灾") else 0.05
    return "风险自然消除" if rng.uniform() < natural else "帮扶后稳定消除"


def premature_eliminations(rng: np.random.Generator, cases: list[Case], ctx: Context) -> None:
    """A few cases eliminated against the rules, so the dashboard's check has something to find."""
    # Too soon: eliminated 3–5 months after approval; half of them in the weak townships.
    pool = [
        c
        for c in cases
        if c.approved_on
        and D(2021, 3, 1) <= c.approved_on <= D(2021, 12, 31)
        and c.eliminated_on is None
        and not c.household.all_unable
    ]
    weak = [c for c in pool if c.household.township in WEAK_TOWNSHIPS]
    other = [c for c in pool if c.household.township not in WEAK_TOWNSHIPS]
    picks = [weak[i] for i in rng.choice(len(weak), 2, replace=False)]
    picks += [other[i] for i in rng.choice(len(other), PREMATURE_TOO_SOON - 2, replace=False)]
    for c in picks:
        c.eliminated_on = _next_workday(c.approved_on + int(rng.integers(95, 165)) * DAY)
        c.elimination_kind = "风险自然消除" if rng.uniform() < 0.3 else "帮扶后稳定消除"
    # No measure: eliminated on time, but no measure was ever recorded.
    done = [c for c in cases if c.eliminated_on and c not in picks and c.eliminated_on < D(2022, 1, 1)]
    for i in rng.choice(len(done), PREMATURE_NO_MEASURE, replace=False):
        done[i].no_measure = True


def re_identify(rng: np.random.Generator, cases: list[Case], ctx: Context) -> list[Case]:
    """Households whose risk came back after elimination get a second case."""
    pool = [c for c in cases if c.eliminated_on and c.eliminated_on <= D(2022, 4, 30) and not c.no_measure]
    out = []
    for i in rng.choice(len(pool), RE_IDENTIFIED, replace=False):
        old = pool[i]
        found = old.eliminated_on + int(rng.integers(45, 300)) * DAY
        found = min(found, ctx.as_of - int(rng.integers(20, 60)) * DAY)
        if found <= old.eliminated_on:
            continue
        risk = _choose(rng, old.household.exposure) or old.risks[0]
        h = old.household
        out.append(Case(h, _category(rng, h, risk), _risks(rng, h, risk), _channel(rng, risk), found))
    return out


def make_cases(ctx: Context, households: list[Household]) -> list[Case]:
    cases = draft_cases(ctx, households)
    # Some of the latest clues are stuck in a weak township's audit (past the 15-day limit on as_of).
    stuck_rng = ctx.rng("monitoring.stuck")
    candidates = [
        c
        for c in cases
        if c.household.township in WEAK_TOWNSHIPS
        and ctx.as_of - 30 * DAY <= c.found_on <= ctx.as_of - 16 * DAY
    ]
    for i in stuck_rng.choice(len(candidates), min(STUCK_IN_PROCEDURE, len(candidates)), replace=False):
        candidates[i].stuck = True

    proc_rng = ctx.rng("monitoring.procedure")
    elim_rng = ctx.rng("monitoring.elimination")
    for c in cases:
        run_procedure(proc_rng, c, ctx)
        decide_elimination(elim_rng, c, ctx)
    premature_eliminations(elim_rng, cases, ctx)

    again = re_identify(ctx.rng("monitoring.re_identify"), cases, ctx)
    for c in again:
        run_procedure(proc_rng, c, ctx)
        decide_elimination(elim_rng, c, ctx)
    cases += again

    # Ids in order of the clue date, numbered within the year: JC2021xxxx.
    cases.sort(key=lambda c: (c.found_on, c.household.household_id))
    per_year: dict[int, int] = {}
    for c in cases:
        per_year[c.found_on.year] = per_year.get(c.found_on.year, 0) + 1
        c.case_id = f"JC{c.found_on.year}{per_year[c.found_on.year]:04d}"
    return cases


def cases_frame(cases: list[Case]) -> pd.DataFrame:
    rows = []
    for c in cases:
        risks = [*c.risks, None, None][:3]
        rows.append(
            {
                "case_id": c.case_id,
                "household_id": c.household.household_id,
                "category": c.category,
                "risk_1": risks[0],
                "risk_2": risks[1],
                "risk_3": risks[2],
                "channel": c.channel,
                "found_on": c.found_on,
                "verified_on": c.verified_on,
                "village_review_on": c.village_review_on,
                "township_audit_on": c.township_audit_on,
                "approved_on": c.approved_on,
                "contact_assigned_on": c.contact_assigned_on,
                "plan_on": c.plan_on,
                "income_per_capita": c.income_per_capita,
                "eliminated_on": c.eliminated_on,
                "elimination_kind": c.elimination_kind,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- measures


def _amount(rng: np.random.Generator, policy: str, case: Case) -> float | None:
    """Money where the item pays money; None for services (签约, 鉴定, 岗位推送 …)."""
    persons = case.household.persons
    ranges = {
        "产业奖补": (1000, 3000),
        "庭院经济扶持": (500, 1500),
        "创业奖补": (3000, 10000),
        "务工交通补贴": (200, 600),
        "技能培训补贴": (600, 1500),
        "一次性求职补贴": (300, 500),
        "教育资助": (1000, 3500),
        "医疗救助": (800, 20000),
        "大病保险": (2000, 40000),
        "大病专项救治": (1500, 15000),
        "门诊慢特病报销": (300, 3000),
        "残疾人康复救助": (500, 5000),
        "危房改造": (15000, 35000),
        "临时救助": (500, 3000),
        "防贫保险": (2000, 30000),
        "农业保险": (300, 3000),
        "社会帮扶": (300, 2000),
    }
    fixed = {
        "资产收益分红": 1016.0 * persons,  # 资产收益每人每年1016元 (press conference)
        "雨露计划": 3000.0,  # 中高职学生每年3000元
        "小额信贷": 50000.0,  # 5万元以下、3年以内、免担保免抵押
        "参保资助": 280.0 * persons,  # individual premium of 城乡居民医保 paid for them
        "残疾人两项补贴": 80.0 * 12,
    }
    if policy in fixed:
        return fixed[policy]
    if policy in ranges:
        lo, hi = ranges[policy]
        return float(round(rng.uniform(lo, hi) / 10) * 10)
    return None


def _pick_policies(rng: np.random.Generator, case: Case) -> list[str]:
    n = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.4, 0.28, 0.12]))
    picked: list[str] = []
    candidates = [RISK_POLICIES[case.risks[0]]]
    candidates += [RISK_POLICIES[r] for r in case.risks[1:]]
    candidates.append(GENERAL_POLICIES)
    # The first item answers the main risk; the rest come from the other risks or the general items.
    first = candidates[0]
    picked.append(first[min(int(rng.geometric(0.5)) - 1, len(first) - 1)])
    pool = [p for group in candidates for p in group]
    while len(picked) < n:
        extra = pool[int(rng.integers(len(pool)))]
        if extra not in picked:
            picked.append(extra)
        elif all(p in picked for p in pool):
            break
    return picked


def make_measures(ctx: Context, cases: list[Case], menu: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng("monitoring.measures")
    codes = dict(zip(menu["name"], menu["policy_code"], strict=True))
    rows = []
    for c in cases:
        if c.plan_on is None or c.no_measure:
            continue
        late = _lateness(c.household.township)
        end = min(ctx.as_of, c.eliminated_on or ctx.as_of)
        mine = []
        for i, policy in enumerate(_pick_policies(rng, c)):
            if policy in ("低保纳入", "特困供养", "危房改造"):
                lag = int(rng.integers(15, 45))  # these need their own approval first
            elif i == 0:
                lag = int(rng.integers(1, 6))  # 立帮快扶: the first measure within days
            else:
                lag = int(rng.integers(3, 25))
            started = c.plan_on + lag * DAY
            if started > end:
                continue
            fb_days = int(rng.choice([0, 1, 2], p=[0.25, 0.45, 0.30]))
            if rng.uniform() < 0.05 * late:
                fb_days = int(rng.integers(3, 9))
            feedback = add_workdays(started, fb_days)
            if feedback > ctx.as_of or ((ctx.as_of - started).days < 10 and rng.uniform() < 0.35):
                feedback = None  # not fed back yet
            mine.append(
                {
                    "case_id": c.case_id,
                    "policy_code": codes[policy],
                    "started_on": started,
                    "feedback_on": feedback,
                    "amount": _amount(rng, policy, c),
                }
            )
        # Number a case's measures in the order they were put in place.
        mine.sort(key=lambda r: (r["started_on"], r["policy_code"]))
        rows += [{"measure_id": f"{c.case_id}-{k:02d}", **r} for k, r in enumerate(mine, start=1)]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- visits

VISITOR_ROLES = {"帮扶责任人": 0.55, "网格员": 0.2, "驻村工作队": 0.15, "乡镇干部": 0.1}


def make_visits(ctx: Context, cases: list[Case]) -> pd.DataFrame:
    """A visit about every 30–60 days from the contact's first visit to elimination or as_of."""
    rng = ctx.rng("monitoring.visits")
    roles, role_p = list(VISITOR_ROLES), list(VISITOR_ROLES.values())
    monitored = [
        c
        for c in cases
        if c.contact_assigned_on
        and c.contact_assigned_on <= ctx.as_of - 120 * DAY
        and c.eliminated_on is None
    ]
    weak_first = sorted(monitored, key=lambda c: (c.household.township not in WEAK_TOWNSHIPS, c.case_id))
    # Cases nobody has visited for over 61 days on as_of (mostly in the weak townships).
    pool = weak_first[: CURRENTLY_UNVISITED * 4]
    unvisited = {pool[i].case_id for i in rng.choice(len(pool), CURRENTLY_UNVISITED, replace=False)}

    rows = []
    for c in cases:
        if c.contact_assigned_on is None:
            continue
        late = _lateness(c.household.township)
        end = c.eliminated_on or ctx.as_of
        if c.case_id in unvisited:
            end = ctx.as_of - int(rng.integers(62, 100)) * DAY
        day, role = c.contact_assigned_on, "帮扶责任人"  # the contact's first home visit
        k = 0
        while day <= end and day <= ctx.as_of:
            k += 1
            rows.append(
                {
                    "visit_id": f"{c.case_id}-V{k:02d}",
                    "case_id": c.case_id,
                    "visited_on": day,
                    "visitor_role": role,
                }
            )
            gap = int(rng.integers(22, 59))
            if rng.uniform() < 0.02 * late:
                gap = int(rng.integers(63, 95))  # a missed round
            day = day + gap * DAY
            role = roles[int(rng.choice(len(roles), p=role_p))]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- entry point


def make(ctx: Context, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    menu = make_policy_menu()
    households = load_households(frames)
    cases = make_cases(ctx, households)
    return {
        "policy_menu": menu,
        "monitoring_cases": cases_frame(cases),
        "assistance_measures": make_measures(ctx, cases, menu),
        "visits": make_visits(ctx, cases),
    }
