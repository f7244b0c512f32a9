"""Social assistance (农村低保, 特困供养; 民政局) and student aid (学生资助; 教育局).

Exact figures at as_of (docs/published-figures.md): new 低保 persons 2022 = 183 (P18), new 特困 persons
2022 = 61 (P19); 940 脱贫户 households / 1721 persons that stopped qualifying in 2022 and were given a 低保
phase-out period (渐退期, a flow: P20/P21), besides those of late 2021 still in theirs (the stock);
active 低保 persons = 3.10% of the rural population (P22); persons of 脱贫户 on active 低保/特困 records
= 73.0% of the 9236 脱贫 persons (P23); 2022 student aid to 6572 students, 5,838,600.00 元 (P24/P25).

How the ledger is built:
- 脱贫户 records favour households whose members cannot work (all members 丧失劳动力/无劳动力 first),
  特困 for old or disabled people living alone, 单人保 for the disabled or seriously ill member of a
  household that has workers;
- the phase-out households are those whose members found work (employment ledger): their income rose
  in 2022 (P20/P21) or in 2021-08..2021-12 (still in phase-out on as_of), and their 渐退期 runs from that
  day (phaseout_from) to the end of the month 12 months later;
- households that had a 低保纳入/特困供养 measure in monitoring get their record from that date;
- ended records: completed phase-outs (2021..2022-06) and 低保 records closed when the person moved to
  特困; non-roll records (household_id empty) are rural residents who are not on the 脱贫/监测 roll;
- planted for the 应兜尽兜 check: a few monitored households with an open case and nobody able to work
  have no 低保/特困 record.
Student aid is paid term by term, alike in both years: the spring term (春季学期, and 学前教育资助 for the
year) from mid-March to the end of June, the autumn term (秋季学期, with the autumn-only 生源地信用助学贷款
and 高校新生入学资助) from mid-September to December. 2022 is what was paid by as_of (its spring term);
2021 is the whole year, so 2022 to date compares like for like with 2021 to the same day.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS, NO_WORK_ABILITIES

NEW_DIBAO_2022 = 183  # P18
NEW_TEKUN_2022 = 61  # P19
PHASEOUT_HOUSEHOLDS = 940  # P20: stopped qualifying in 2022 (by as_of), given a phase-out period
PHASEOUT_PERSONS = 1721  # P21
PHASEOUT_LATE_2021 = 160  # households whose phase-out began in 2021-08..12 and still runs on as_of
DIBAO_COVERAGE = 0.031  # P22, of townships.rural_population
POOR_SHARE = 0.73  # P23, of the 脱贫 persons
UNCOVERED = 5  # monitored households with nobody able to work and no 低保/特困 (应兜尽兜 finding)
STUDENTS_2022 = 6572  # P24
AID_2022 = 5_838_600.00  # P25, 元

ABLE = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")
# 2022 payment per person and month by 低保 tier (1 = the highest), and 特困 basic living + care.
TIER_AMOUNT = {1: 470.0, 2: 400.0, 3: 330.0, 4: 260.0}
TEKUN_BASE = 620.0
TEKUN_CARE = {"全自理": 0.0, "半护理": 120.0, "全护理": 360.0}
# Year shares of the start of records that are older than the history.
START_YEARS_POOR = {
    2014: 0.04,
    2015: 0.1,
    2016: 0.18,
    2017: 0.18,
    2018: 0.16,
    2019: 0.14,
    2020: 0.12,
    2021: 0.08,
}
START_YEARS_OTHER = {
    y: w for y, w in zip(range(2010, 2022), (2, 3, 4, 5, 6, 7, 8, 9, 9, 10, 10, 8), strict=True)
}


def make(ctx, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    assistance = make_assistance(ctx, frames)
    aid = make_student_aid(ctx, frames)
    return {"social_assistance": assistance, "student_aid": aid}


# ================================================================ helpers


def _pick(rng, shares: dict) -> object:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _day_in(rng, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _start_before_history(rng, shares: dict[int, float], not_before: int = 2010) -> date:
    years = {y: w for y, w in shares.items() if y >= not_before} or {2021: 1.0}
    year = int(_pick(rng, years))
    return _day_in(rng, date(year, 1, 1), date(year, 12, 28))


def _new_2022(rng, as_of: date) -> date:
    return _day_in(rng, date(2022, 1, 4), as_of - timedelta(days=5))


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def _village_weights(frames) -> tuple[np.ndarray, np.ndarray]:
    villages = frames["villages"].sort_values("village_code")
    rural = frames["townships"].set_index("township_code")["rural_population"]
    per = rural / villages.groupby("township_code").size()
    w = villages["township_code"].map(per).to_numpy(dtype=float)
    w = np.where(villages["kind"].to_numpy() == "村委会", w, w * 0.2)
    return villages["village_code"].to_numpy(), w / w.sum()


# ================================================================ social assistance


class _Ledger:
    """Rows of social_assistance under construction."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, **row) -> dict:
        base = {
            "household_id": None,
            "dibao_class": None,
            "tier": None,
            "single_person": None,
            "ended_on": None,
            "phaseout_from": None,
            "phaseout_until": None,
        }
        base.update(row)
        self.rows.append(base)
        return base


def _household_table(frames) -> pd.DataFrame:
    hh = frames["households"].set_index("household_id").sort_index()
    hh.index.name = None
    pp = frames["persons"].copy()
    pp["age"] = 2022 - pp["birth_year"].astype(int)
    pp["able"] = pp["labour_ability"].isin(ABLE)
    pp["severe"] = pp["health"].isin(("残疾", "患有大病")) & pp["labour_ability"].isin(NO_WORK_ABILITIES)
    g = pp.groupby("household_id")
    t = pd.DataFrame(
        {
            "n_able": g["able"].sum(),
            "n_severe": g["severe"].sum(),
            "min_age": g["age"].min(),
            "max_age": g["age"].max(),
            "disabled": g["health"].agg(lambda s: (s == "残疾").any()),
        }
    )
    t = hh.join(t)
    t["no_work_share"] = 1.0 - t["n_able"] / t["persons"]

    # Work income in the employment ledger: first start of a wage job (not 公益岗) and of any job, and
    # whether the household's work is new in 2022 (not in work in 2021).
    e = frames.get("employment")
    if e is not None:
        jobs = e[["person_id", "year", "channel", "started_on"]].merge(
            pp[["person_id", "household_id"]], on="person_id"
        )
        jobs["started_on"] = pd.to_datetime(jobs["started_on"])
        # a record without a year (in work since its start) belongs to the year it started
        jobs["year"] = jobs["year"].astype("Float64").fillna(jobs["started_on"].dt.year.astype("Float64"))
        g = jobs.groupby("household_id")
        t["any_work"] = g.size().reindex(t.index).fillna(0) > 0
        t["wage_work"] = (
            jobs[jobs["channel"] != "公益岗位"].groupby("household_id").size().reindex(t.index).fillna(0) > 0
        )
        first_year = g["year"].min().reindex(t.index)
        t["new_work_on"] = g["started_on"].min().reindex(t.index).where(first_year == 2022)
    else:
        t["any_work"], t["wage_work"], t["new_work_on"] = False, False, pd.NaT
    return t


def _open_cases(frames, as_of: date) -> pd.DataFrame:
    mc = frames.get("monitoring_cases")
    if mc is None or mc.empty:
        return pd.DataFrame(columns=["household_id", "approved_on"])
    approved = pd.to_datetime(mc["approved_on"])
    eliminated = pd.to_datetime(mc["eliminated_on"])
    day = pd.Timestamp(as_of)
    open_ = mc[(approved <= day) & (eliminated.isna() | (eliminated > day))]
    return open_[["household_id", "approved_on"]]


def _assistance_measures(frames) -> dict[str, tuple[str, date]]:
    """household_id -> (scheme, date) for the first 低保纳入/特困供养 measure of its cases."""
    m, mc, menu = (frames.get(k) for k in ("assistance_measures", "monitoring_cases", "policy_menu"))
    if m is None or mc is None or menu is None or m.empty:
        return {}
    codes = menu.set_index("name")["policy_code"]
    scheme_of = {codes.get("低保纳入"): "农村低保", codes.get("特困供养"): "特困供养"}
    sel = m[m["policy_code"].isin([k for k in scheme_of if k is not None])]
    sel = sel.merge(mc[["case_id", "household_id"]], on="case_id").sort_values(["started_on", "measure_id"])
    out: dict[str, tuple[str, date]] = {}
    for hid, code, started in zip(sel["household_id"], sel["policy_code"], sel["started_on"], strict=True):
        if hid not in out:
            d = started if isinstance(started, date) else pd.Timestamp(started).date()
            out[hid] = (scheme_of[code], d)
    return out


def _dibao_class(rng, h, phaseout: bool) -> tuple[int, int]:
    """分类施保: 12 classes in 4 tiers (1–3 → 1档 … 10–12 → 4档)."""
    if phaseout:
        tier = int(_pick(rng, {3: 0.45, 4: 0.55}))
    elif h["n_able"] == 0 and h["n_severe"] > 0:
        tier = int(_pick(rng, {1: 0.75, 2: 0.25}))
    elif h["n_able"] == 0:
        tier = int(_pick(rng, {1: 0.3, 2: 0.5, 3: 0.2}))
    else:
        tier = int(_pick(rng, {2: 0.3, 3: 0.45, 4: 0.25}))
    return 3 * (tier - 1) + int(rng.integers(1, 4)), tier


def _tekun_amount(rng, h) -> float:
    care = (
        "全护理" if h["n_severe"] > 0 and rng.random() < 0.4 else _pick(rng, {"全自理": 0.7, "半护理": 0.3})
    )
    return TEKUN_BASE + TEKUN_CARE[care]


def make_assistance(ctx, frames) -> pd.DataFrame:
    rng = ctx.rng("welfare.assistance")
    as_of = ctx.as_of
    hh = _household_table(frames)
    poor = hh[hh["household_type"] == "脱贫户"]
    poor_persons = int(poor["persons"].sum())
    rural = int(frames["townships"]["rural_population"].sum())
    dibao_target = int(round(DIBAO_COVERAGE * rural))
    poor_target = int(round(POOR_SHARE * poor_persons))
    measures = _assistance_measures(frames)
    ledger = _Ledger()

    # ---- the 应兜尽兜 finding: open cases, nobody able to work, no cover (recent cases first)
    open_cases = _open_cases(frames, as_of)
    open_ids = set(open_cases["household_id"])
    no_work_open = hh[hh.index.isin(open_ids) & (hh["n_able"] == 0)]
    # Approved at least a month before as_of and still without cover: a real gap, not paperwork in
    # progress. The most recent such cases first.
    approved = pd.to_datetime(open_cases.groupby("household_id")["approved_on"].max())
    settled = approved[approved <= pd.Timestamp(as_of - timedelta(days=30))]
    ranked = sorted(
        (h for h in no_work_open.index if h in settled.index), key=lambda h: (settled[h], h), reverse=True
    )
    cand = [h for h in ranked if h not in measures][: UNCOVERED * 4]
    if len(cand) < UNCOVERED:
        raise ValueError(
            f"welfare: only {len(cand)} open no-work monitored households for the 应兜尽兜 finding"
        )
    uncovered = set(str(h) for h in rng.choice(cand, UNCOVERED, replace=False))

    # ---- phase-out: 脱贫户 on 低保 whose income rose in 2022 through work (a new job in 2022, or the 民政
    # review of a household in work); 渐退期 from that day to the end of the month 12 months later.
    rise_cand = poor[poor["any_work"] & ~poor.index.isin(uncovered)]
    weight = np.where(rise_cand["wage_work"], 3.0, 1.0)
    phase = _subset_with_sum(rng, rise_cand["persons"], weight, PHASEOUT_HOUSEHOLDS, PHASEOUT_PERSONS)
    for hid, persons in phase.items():
        h = poor.loc[hid]
        if pd.notna(h["new_work_on"]):
            rise = pd.Timestamp(h["new_work_on"]).date()
        else:
            rise = _day_in(rng, date(2022, 1, 4), date(2022, 6, 30))
        cls, tier = _dibao_class(rng, h, phaseout=True)
        ledger.add(
            household_id=hid,
            village_code=h["village_code"],
            scheme="农村低保",
            persons=persons,
            dibao_class=cls,
            tier=tier,
            single_person=False,
            started_on=_start_before_history(rng, START_YEARS_POOR, 2015),
            phaseout_from=rise,
            phaseout_until=_month_end(_add_months(rise, 12)),
            monthly_amount=TIER_AMOUNT[tier] * persons,
        )

    # ---- phase-outs that began in 2021-08..12 and still run on as_of (the stock, not the 2022 flow)
    late = poor[poor["any_work"] & ~poor.index.isin(phase) & ~poor.index.isin(uncovered)]
    late = late[late["new_work_on"].isna()]  # in work before 2022
    weight = np.where(late["wage_work"], 3.0, 1.0)
    late_ids = sorted(
        str(h) for h in rng.choice(late.index, PHASEOUT_LATE_2021, replace=False, p=weight / weight.sum())
    )
    late_persons = 0
    for hid in late_ids:
        h = poor.loc[hid]
        rise = _day_in(rng, date(2021, 8, 2), date(2021, 12, 30))
        cls, tier = _dibao_class(rng, h, phaseout=True)
        ledger.add(
            household_id=hid,
            village_code=h["village_code"],
            scheme="农村低保",
            persons=int(h["persons"]),
            dibao_class=cls,
            tier=tier,
            single_person=False,
            started_on=_start_before_history(rng, START_YEARS_POOR, 2015),
            phaseout_from=rise,
            phaseout_until=_month_end(_add_months(rise, 12)),
            monthly_amount=TIER_AMOUNT[tier] * int(h["persons"]),
        )
        late_persons += int(h["persons"])
    phase = {**phase, **dict.fromkeys(late_ids, 0)}  # kept out of the groups below

    # ---- completed phase-outs (ended before as_of): income rose in 2020-03..2021-05
    early = poor[poor["any_work"] & ~poor.index.isin(phase) & ~poor.index.isin(uncovered)]
    weight = np.where(early["wage_work"], 3.0, 1.0)
    done = sorted(
        str(h) for h in rng.choice(early.index, min(220, len(early)), replace=False, p=weight / weight.sum())
    )
    for hid in done:
        h = poor.loc[hid]
        rise = _day_in(rng, date(2020, 3, 1), date(2021, 5, 31))
        until = _month_end(_add_months(rise, 12))
        cls, tier = _dibao_class(rng, h, phaseout=True)
        ledger.add(
            household_id=hid,
            village_code=h["village_code"],
            scheme="农村低保",
            persons=int(h["persons"]),
            dibao_class=cls,
            tier=tier,
            single_person=False,
            started_on=_start_before_history(rng, START_YEARS_POOR, 2015),
            ended_on=until,
            phaseout_from=rise,
            phaseout_until=until,
            monthly_amount=TIER_AMOUNT[tier] * int(h["persons"]),
        )
    done_set = set(done)

    # ---- the main cover of 脱贫户: households that cannot work first
    rest = poor[~poor.index.isin(phase) & ~poor.index.isin(uncovered) & ~poor.index.isin(done_set)].copy()
    rest["priority"] = rest["no_work_share"] + 0.4 * (rest["n_severe"] > 0) + rng.normal(0, 0.12, len(rest))
    # Monitored households with nobody able to work are always covered (the check must find only the
    # planted ones); so are those given 低保/特困 as a monitoring measure.
    must = rest.index.isin(no_work_open.index) | rest.index.isin(list(measures))
    rest.loc[must, "priority"] += 10
    rest = rest.assign(_id=rest.index).sort_values(["priority", "_id"], ascending=[False, True])
    need = poor_target - PHASEOUT_PERSONS - late_persons
    new_dibao = new_tekun = 0
    for hid, h in rest.iterrows():
        if need <= 0:
            break
        size = int(h["persons"])
        alone_old = size == 1 and h["n_able"] == 0 and (h["max_age"] >= 60 or h["disabled"])
        single = False
        if hid in measures:
            scheme, started = measures[hid]
        else:
            scheme = "特困供养" if alone_old and rng.random() < 0.42 else "农村低保"
            started = (
                _new_2022(rng, as_of)
                if rng.random() < 0.012
                else _start_before_history(rng, START_YEARS_POOR)
            )
        if scheme == "特困供养":
            persons = 1
        else:
            single = size > 1 and h["n_able"] > 0 and h["n_severe"] > 0 and rng.random() < 0.6
            persons = 1 if single else size
        persons = min(persons, need)
        need -= persons
        if scheme == "特困供养":
            amount = _tekun_amount(rng, h)
            row = ledger.add(
                household_id=hid, village_code=h["village_code"], scheme=scheme, persons=persons,
                started_on=started, monthly_amount=amount,
            )  # fmt: skip
            # Many 特困 were on 低保 before: the old record ends the day 特困 starts.
            if started.year >= 2016 and rng.random() < 0.35:
                cls, tier = _dibao_class(rng, h, phaseout=False)
                ledger.add(
                    household_id=hid, village_code=h["village_code"], scheme="农村低保", persons=1,
                    dibao_class=cls, tier=tier, single_person=False,
                    started_on=_day_in(rng, date(2014, 1, 1), started - timedelta(days=180)),
                    ended_on=started, monthly_amount=TIER_AMOUNT[tier],
                )  # fmt: skip
        else:
            cls, tier = _dibao_class(rng, h, phaseout=False)
            row = ledger.add(
                household_id=hid, village_code=h["village_code"], scheme=scheme, persons=persons,
                dibao_class=cls, tier=tier, single_person=bool(single or (persons == 1 and size > 1)),
                started_on=started, monthly_amount=TIER_AMOUNT[tier] * persons,
            )  # fmt: skip
        if row["started_on"].year == 2022 and row["started_on"] <= as_of:
            if scheme == "特困供养":
                new_tekun += persons
            else:
                new_dibao += persons
    if need != 0:
        raise ValueError("welfare: not enough 脱贫户 to reach the share of P23")

    # ---- monitored 一般农户: cover those who cannot work, and those given 低保/特困 as a measure
    nonpoor = hh[(hh["household_type"] == "一般农户") & ~hh.index.isin(uncovered)]
    for hid, h in nonpoor.iterrows():
        via_measure = hid in measures
        no_work = h["n_able"] == 0 and hid in open_ids
        if not (via_measure or no_work or (h["n_severe"] > 0 and rng.random() < 0.25)):
            continue
        size = int(h["persons"])
        if via_measure:
            scheme, started = measures[hid]
        else:
            scheme = "特困供养" if size == 1 and h["max_age"] >= 60 and rng.random() < 0.3 else "农村低保"
            started = (
                _new_2022(rng, as_of)
                if rng.random() < 0.15
                else _start_before_history(rng, START_YEARS_OTHER, 2019)
            )
        if scheme == "特困供养":
            ledger.add(
                household_id=hid, village_code=h["village_code"], scheme=scheme, persons=1,
                started_on=started, monthly_amount=_tekun_amount(rng, h),
            )  # fmt: skip
            persons = 1
        else:
            single = h["n_able"] > 0 and size > 1 and rng.random() < 0.5
            persons = 1 if single else size
            cls, tier = _dibao_class(rng, h, phaseout=False)
            ledger.add(
                household_id=hid, village_code=h["village_code"], scheme=scheme, persons=persons,
                dibao_class=cls, tier=tier, single_person=bool(single), started_on=started,
                monthly_amount=TIER_AMOUNT[tier] * persons,
            )  # fmt: skip
        if started.year == 2022:
            if scheme == "特困供养":
                new_tekun += 1
            else:
                new_dibao += persons

    # ---- rural residents who are not on the roll (household_id empty)
    active_dibao = sum(
        r["persons"]
        for r in ledger.rows
        if r["scheme"] == "农村低保"
        and r["started_on"] <= as_of
        and (r["ended_on"] is None or r["ended_on"] > as_of)
    )
    _non_roll(
        rng, ledger, frames, as_of,
        dibao_persons=dibao_target - active_dibao,
        new_dibao=NEW_DIBAO_2022 - new_dibao,
        new_tekun=NEW_TEKUN_2022 - new_tekun,
    )  # fmt: skip

    sa = pd.DataFrame(ledger.rows)
    sa = sa.sort_values(["started_on", "village_code", "scheme"], kind="stable", ignore_index=True)
    sa.insert(0, "record_id", [f"MZ{i:06d}" for i in range(1, len(sa) + 1)])
    for col in ("dibao_class", "tier"):
        sa[col] = sa[col].astype("Int64")
    # 家庭人口数 (contract v2): the household's size on the roll; a record off the roll is its own family
    sizes = hh["persons"].astype("int64")
    single = sa["single_person"].eq(True).fillna(False).astype(bool)
    own = sa["persons"] + np.where(single, 2, 0)  # 单人保 off the roll: a family of 3 or more
    sa["family_size"] = sa["household_id"].map(sizes).fillna(own).astype("Int64")
    sa["date_precision"] = None
    sa = sa[[c.name for c in DATASETS["social_assistance"].columns if c.name in sa]]
    _check_assistance(sa, frames, as_of, uncovered, dibao_target, poor_target)
    return sa


def _subset_with_sum(rng, sizes: pd.Series, weight: np.ndarray, n: int, total: int) -> dict[str, int]:
    """``n`` households with record persons summing to ``total``.

    Draws households, then swaps one in for one out while the sum is off; the last step may cover
    fewer members than the household has (a partial record, as 分类施保 allows)."""
    ids = sizes.index.to_numpy()
    if len(ids) < n:
        raise ValueError(f"welfare: only {len(ids)} households for {n} phase-out records")
    # Smaller households are likelier (more phase-outs among the small families that found work).
    w = weight / sizes.to_numpy(dtype=float) ** 0.6
    chosen = list(rng.choice(ids, n, replace=False, p=w / w.sum()))
    persons = {str(h): int(sizes[h]) for h in chosen}
    outside = [str(h) for h in ids if str(h) not in persons]
    diff = total - sum(persons.values())
    for _ in range(20000):
        if diff == 0:
            break
        a = list(persons)[int(rng.integers(len(persons)))]
        b = outside[int(rng.integers(len(outside)))]
        delta = int(sizes[b]) - persons[a]
        if delta != 0 and abs(diff - delta) < abs(diff):
            del persons[a]
            persons[b] = int(sizes[b])
            outside.remove(b)
            outside.append(a)
            diff -= delta
    if diff < 0:  # cover fewer members in a few big households
        for h in sorted(persons, key=lambda k: -persons[k]):
            cut = min(persons[h] - 1, -diff)
            persons[h] -= cut
            diff += cut
            if diff == 0:
                break
    if diff != 0:
        raise ValueError("welfare: could not reach the phase-out persons")
    return dict(sorted(persons.items()))


def _non_roll(
    rng, ledger: _Ledger, frames, as_of: date, dibao_persons: int, new_dibao: int, new_tekun: int
) -> None:
    """Records of people not on the 脱贫/监测 roll: active 低保 to the coverage target, new ones of
    2022 to the published counts, 特困 and some ended and phase-out records for history."""
    if dibao_persons < 0 or new_dibao < 0 or new_tekun < 0:
        raise ValueError(f"welfare: roll records overshoot ({dibao_persons}, {new_dibao}, {new_tekun})")
    codes, w = _village_weights(frames)

    def village() -> str:
        return str(codes[int(rng.choice(len(codes), p=w))])

    def dibao(persons: int, started: date, **extra) -> None:
        tier = int(_pick(rng, {1: 0.2, 2: 0.3, 3: 0.3, 4: 0.2}))
        ledger.add(
            village_code=village(), scheme="农村低保", persons=persons, dibao_class=3 * (tier - 1) + int(rng.integers(1, 4)),
            tier=tier, single_person=persons == 1 and rng.random() < 0.5, started_on=started,
            monthly_amount=TIER_AMOUNT[tier] * persons, **extra,
        )  # fmt: skip

    def split(total: int, mean_size: dict[int, float]) -> list[int]:
        out = []
        while total > 0:
            s = min(int(_pick(rng, mean_size)), total)
            out.append(s)
            total -= s
        return out

    sizes = {1: 0.36, 2: 0.3, 3: 0.2, 4: 0.11, 5: 0.03}
    # New in 2022 (counted in P18) — part of the active total.
    for s in split(new_dibao, sizes):
        dibao(s, _new_2022(rng, as_of))
    # Phase-out of non-roll households (not 脱贫户: not in P20/P21, still active and paid).
    rest = dibao_persons - new_dibao
    for s in split(min(260, rest), sizes):
        rise = _day_in(rng, date(2021, 8, 1), as_of - timedelta(days=10))
        dibao(
            s,
            _start_before_history(rng, START_YEARS_OTHER),
            phaseout_from=rise,
            phaseout_until=_month_end(_add_months(rise, 12)),
        )
    rest -= min(260, rest)
    for s in split(rest, sizes):
        dibao(s, _start_before_history(rng, START_YEARS_OTHER))
    # Ended: left 低保 in 2021..2022 (income rose, moved in with children, died).
    for s in split(900, sizes):
        started = _start_before_history(rng, START_YEARS_OTHER)
        ended = _day_in(rng, max(started + timedelta(days=200), date(2021, 1, 1)), as_of - timedelta(days=3))
        if ended > started:
            dibao(s, started, ended_on=ended)

    def tekun(started: date, ended: date | None = None) -> None:
        care = _pick(rng, {"全自理": 0.6, "半护理": 0.28, "全护理": 0.12})
        ledger.add(
            village_code=village(), scheme="特困供养", persons=1, started_on=started, ended_on=ended,
            monthly_amount=TEKUN_BASE + TEKUN_CARE[care],
        )  # fmt: skip

    for _ in range(new_tekun):
        tekun(_new_2022(rng, as_of))
    for _ in range(1150):
        started = _start_before_history(rng, START_YEARS_OTHER)
        ended = None
        if rng.random() < 0.12:  # died or moved to a care home in another county
            ended = _day_in(
                rng, max(started + timedelta(days=200), date(2021, 1, 1)), as_of - timedelta(days=3)
            )
            ended = ended if ended > started else None
        tekun(started, ended)


def _check_assistance(sa, frames, as_of, uncovered, dibao_target, poor_target) -> None:
    day = pd.Timestamp(as_of)
    started, ended = pd.to_datetime(sa["started_on"]), pd.to_datetime(sa["ended_on"])
    active = (started <= day) & (ended.isna() | (ended > day))
    assert (started <= day).all() and (ended.dropna() <= day).all(), "an event after as_of"
    hh = frames["households"]
    poor = sa["household_id"].isin(hh.loc[hh["household_type"] == "脱贫户", "household_id"])
    dibao = sa["scheme"] == "农村低保"
    assert sa.loc[dibao & active, "persons"].sum() == dibao_target
    assert sa.loc[active & poor, "persons"].sum() == poor_target
    began = pd.to_datetime(sa["phaseout_from"])
    flow = dibao & poor & (began >= pd.Timestamp(2022, 1, 1)) & (began <= day)
    assert (sa.loc[flow, "household_id"].nunique(), sa.loc[flow, "persons"].sum()) == (
        PHASEOUT_HOUSEHOLDS,
        PHASEOUT_PERSONS,
    )
    stock = dibao & active & poor & (pd.to_datetime(sa["phaseout_until"]) >= day)
    assert sa.loc[stock, "household_id"].nunique() == PHASEOUT_HOUSEHOLDS + PHASEOUT_LATE_2021
    assert (began.isna() == pd.to_datetime(sa["phaseout_until"]).isna()).all()
    new = started.dt.year == 2022
    assert sa.loc[new & dibao, "persons"].sum() == NEW_DIBAO_2022
    assert sa.loc[new & ~dibao, "persons"].sum() == NEW_TEKUN_2022
    assert not sa.loc[active, "household_id"].isin(uncovered).any()
    # Two active records of one scheme for one household would double count.
    act = sa[active & sa["household_id"].notna()]
    assert not act.duplicated(["household_id", "scheme"]).any()
    sizes = hh.set_index("household_id")["persons"]
    on_roll = sa[sa["household_id"].notna()]
    assert (on_roll["persons"].to_numpy() <= sizes.loc[on_roll["household_id"]].to_numpy()).all()


# ================================================================ student aid

# (stage, programme, amount options {amount: share}) per year: 2022's are the spring term's payments (paid
# by as_of), 2021's the whole year's (split into its two terms by _terms).
PROGRAMMES = {
    2022: {
        "学前": [("学前教育资助", {1000.0: 1.0})],
        "义务教育": [
            ("义务教育家庭经济困难学生生活补助", {250.0: 0.38, 312.5: 0.22, 500.0: 0.14, 625.0: 0.26})
        ],
        "普通高中": [("普通高中国家助学金", {750.0: 0.3, 1000.0: 0.4, 1250.0: 0.3})],
        "中职": [("中职国家助学金", {1000.0: 1.0}), ("中职免学费", {1100.0: 0.3, 1200.0: 0.4, 1300.0: 0.3})],
        "高校": [("雨露计划", {1500.0: 1.0})],
    },
    2021: {
        "学前": [("学前教育资助", {1000.0: 1.0})],
        "义务教育": [
            ("义务教育家庭经济困难学生生活补助", {500.0: 0.38, 625.0: 0.22, 1000.0: 0.14, 1250.0: 0.26})
        ],
        "普通高中": [("普通高中国家助学金", {1500.0: 0.3, 2000.0: 0.4, 2500.0: 0.3})],
        "中职": [("中职国家助学金", {2000.0: 1.0}), ("中职免学费", {2200.0: 0.3, 2400.0: 0.4, 2600.0: 0.3})],
        "高校": [("生源地信用助学贷款", {8000.0: 0.5, 10000.0: 0.3, 12000.0: 0.2})],
    },
}
EXTRA = {  # second programmes: (stage, programme, amount by year, who)
    "普高免学杂费": ("普通高中", "普通高中免学杂费", {2022: 600.0, 2021: 1200.0}),
    "雨露中职": ("中职", "雨露计划", {2022: 1500.0, 2021: 3000.0}),
    "新生入学": ("高校", "高校新生入学资助", {2021: 500.0}),
}
STAGE_SHARE = {"学前": 0.165, "义务教育": 0.48, "普通高中": 0.23, "中职": 0.10, "高校": 0.025}
STAGE_AGES = {"学前": (3, 5), "义务教育": (6, 14), "普通高中": (15, 17), "中职": (15, 18), "高校": (18, 22)}


def make_student_aid(ctx, frames) -> pd.DataFrame:
    rng = ctx.rng("welfare.student_aid")
    codes, w = _village_weights(frames)
    hh = frames["households"].set_index("household_id")
    pp = frames["persons"]
    age = 2022 - pp["birth_year"].astype(int)
    kids = pp[(age >= 3) & (age <= 22) & pp["labour_ability"].isin(("无劳动力",))].assign(age=age)

    # 2022 students: children of households on the roll (雨露计划 and 普高免学杂费 only for them), then
    # children of other low-income families (低保, 特困, 残疾, 一般困难家庭) who are not on the roll.
    students = []
    for row in kids.itertuples(index=False):
        stage = next((s for s, (lo, hi) in STAGE_AGES.items() if lo <= row.age <= hi), None)
        if stage in ("普通高中", "中职") and row.age <= 17:
            stage = "中职" if rng.random() < 0.3 else "普通高中"
        if stage is not None and rng.random() < 0.93:
            students.append(
                {
                    "household_id": row.household_id,
                    "village_code": hh.loc[row.household_id, "village_code"],
                    "stage": stage,
                }
            )
    shares = dict(STAGE_SHARE)
    n_other = STUDENTS_2022 - len(students)
    # 高校 aid by as_of is 雨露计划 only, which is for households on the roll.
    shares["高校"] = 0.0
    for _ in range(n_other):
        students.append(
            {
                "household_id": None,
                "village_code": str(codes[int(rng.choice(len(codes), p=w))]),
                "stage": _pick(rng, shares),
            }
        )
    order = rng.permutation(len(students))
    students = [students[i] for i in order]
    for i, s in enumerate(students, start=1):
        s["student_id"] = f"XS{i:06d}"

    rows22 = _aid_rows(rng, 2022, students)
    _fit_total(rows22, AID_2022)

    # 2021: most 2022 students were already aided in 2021 (a stage younger for some), plus students who
    # have since finished school; and 2021 had the autumn term.
    keep = [s for s in students if rng.random() < 0.82]
    prev = []
    for s in keep:
        stage = s["stage"]
        if stage == "义务教育" and rng.random() < 0.1:
            stage = "学前"
        elif stage in ("普通高中", "中职") and rng.random() < 0.3:
            stage = "义务教育"
        prev.append({**s, "stage": stage})
    for i in range(950):
        stage = _pick(rng, {"学前": 0.05, "义务教育": 0.35, "普通高中": 0.3, "中职": 0.12, "高校": 0.18})
        prev.append(
            {
                "household_id": None,
                "village_code": str(codes[int(rng.choice(len(codes), p=w))]),
                "stage": stage,
                "student_id": f"XS{STUDENTS_2022 + i + 1:06d}",
            }
        )
    rows21 = _terms(_aid_rows(rng, 2021, prev))

    aid = pd.DataFrame(rows21 + [{**r, "term": SPRING} for r in rows22])
    # 发放日期 (paid_on): each term in its own months (TERM_MONTHS), alike in both years. Its own stream, so
    # the students and amounts above do not move.
    paid_rng = ctx.rng("welfare.student_aid.paid")
    aid["paid_on"] = [
        _day_in(paid_rng, *(date(int(y), m, d) for m, d in TERM_MONTHS[term]))
        for y, term in zip(aid["year"], aid["term"], strict=True)
    ]
    aid.insert(
        0, "record_id", [f"ZZ{r['year']}{i:06d}" for i, r in enumerate(aid.to_dict("records"), start=1)]
    )
    aid = aid[[c.name for c in DATASETS["student_aid"].columns if c.name in aid]]
    a22 = aid[aid["year"] == 2022]
    assert a22["student_id"].nunique() == STUDENTS_2022, a22["student_id"].nunique()
    assert round(float(a22["amount"].sum()), 2) == AID_2022, a22["amount"].sum()
    assert (pd.to_datetime(a22["paid_on"]) <= pd.Timestamp(ctx.as_of)).all()  # P24/P25 hold at as_of
    return aid


SPRING, AUTUMN = "春季学期", "秋季学期"
# When a term's aid is paid: ((month, day) first, (month, day) last), the same in every year.
TERM_MONTHS = {SPRING: ((3, 15), (6, 30)), AUTUMN: ((9, 15), (12, 20))}
YEARLY_IN_SPRING = frozenset({"学前教育资助"})  # paid for the whole year with the spring term
AUTUMN_ONLY = frozenset({"生源地信用助学贷款", "高校新生入学资助"})  # with the autumn enrolment


def _terms(rows: list[dict]) -> list[dict]:
    """A whole year's aid rows as the payments of its terms: a per-term programme's yearly amount in two
    halves (spring, autumn), 学前教育资助 in spring, loans and 新生入学资助 in autumn."""
    out = []
    for r in rows:
        if r["program"] in YEARLY_IN_SPRING:
            out.append({**r, "term": SPRING})
        elif r["program"] in AUTUMN_ONLY:
            out.append({**r, "term": AUTUMN})
        else:
            half = r["amount"] / 2
            out += [{**r, "amount": half, "term": SPRING}, {**r, "amount": half, "term": AUTUMN}]
    return out


def _aid_rows(rng, year: int, students: list[dict]) -> list[dict]:
    rows = []
    for s in sorted(students, key=lambda s: s["student_id"]):
        stage = s["stage"]
        progs = list(PROGRAMMES[year][stage])
        on_roll = s["household_id"] is not None
        if stage == "高校" and on_roll:
            progs = [("雨露计划", {1500.0 if year == 2022 else 3000.0: 1.0})]
        if stage == "普通高中" and on_roll:
            progs.append((EXTRA["普高免学杂费"][1], {EXTRA["普高免学杂费"][2][year]: 1.0}))
        if stage == "中职" and on_roll:
            progs.append((EXTRA["雨露中职"][1], {EXTRA["雨露中职"][2][year]: 1.0}))
        if year == 2021 and stage == "高校" and not on_roll and rng.random() < 0.4:
            progs.append((EXTRA["新生入学"][1], {EXTRA["新生入学"][2][2021]: 1.0}))
        for program, amounts in progs:
            rows.append(
                {
                    "village_code": s["village_code"],
                    "household_id": s["household_id"],
                    "year": year,
                    "stage": stage,
                    "program": program,
                    "amount": float(_pick(rng, amounts)),
                    "student_id": s["student_id"],
                }
            )
    return rows


def _fit_total(rows: list[dict], target: float) -> None:
    """Move a few students between the standard amounts of their programme until the year's total is
    exactly ``target``: boarding/non-boarding and 小学/初中 (±62.5), 助学金 tiers (±250), and the
    中职免学费 of the student's major (±50, within 1000–1500)."""

    def residual() -> float:
        return round(target - sum(r["amount"] for r in rows), 2)

    compulsory = [r for r in rows if r["program"] == "义务教育家庭经济困难学生生活补助"]
    grant = [r for r in rows if r["program"] == "普通高中国家助学金"]
    fees = [r for r in rows if r["program"] == "中职免学费"]
    r = residual()
    # 1) residual to a multiple of 50 with 250 <-> 312.5 moves (each ±62.5 ≡ ±12.5 mod 50).
    k = int(round(r / 12.5)) % 4
    up = [x for x in compulsory if x["amount"] == 250.0]
    for x in up[:k]:
        x["amount"] = 312.5
    # 2) big residual with 助学金 tiers.
    r = residual()
    for x in grant:
        if abs(r) < 250:
            break
        if r > 0 and x["amount"] < 1250.0:
            x["amount"] += 250.0
            r -= 250.0
        elif r < 0 and x["amount"] > 750.0:
            x["amount"] -= 250.0
            r += 250.0
    # 3) the rest with the 中职免学费 of the student's major.
    r = residual()
    for x in fees:
        if r == 0:
            break
        step = 50.0 if r > 0 else -50.0
        while r != 0 and 1000.0 <= x["amount"] + step <= 1500.0 and abs(r) >= 50:
            x["amount"] += step
            r -= step
    if residual() != 0:
        raise ValueError(f"welfare: student aid total off by {residual()}")
