"""Employment of 脱贫劳动力 and monitored persons (人社局): placements, targets, 公益岗, trainings.

Exact figures (docs/published-figures.md): 2022 placements 4019 persons (P06) against the city's
target 3946 (P07, P08 = 102%); 公益岗 2434 persons in 2022 (P09), 2227 in 2021 (P10, P11), terms of
10 and 9 months (P12, P13), 650 and 600 元 a month (P14, P15); 12 training sessions with 645 trainees
by as_of (P16, P17).

Planted for the data office's reconciliation (公益岗 ledger vs employment ledger, labour ability):
- one 2022 welfare post whose holder has no employment row (岗位有、就业台账无);
- one 2022 employment row with channel 公益岗位 for a person who holds no post (就业台账有、岗位无);
- two persons recorded 丧失劳动力/无劳动力 who are in the ledger as 劳务输出.
Township targets leave three townships behind at mid-year (two clearly, one just under).

Who counts (the 口径 of P06): members of 脱贫户 and of households that are monitoring objects (a case
approved by as_of). A worker in other channels who kept the job from 2021 into 2022 has one open record
(no year, no end date: still in work) that counts in both years; a 2021 worker who stopped has a record
with its end date. 公益岗 records are yearly contracts (with their year).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS, NO_WORK_ABILITIES
from lulong_data.workdays import is_workday

PLACED_2022 = 4019  # P06
TARGET_2022 = 3946  # P07
TARGET_2021 = 3860
WELFARE_2022 = 2434  # P09
WELFARE_2021 = 2227  # P11 (2434 − 207, P10)
WELFARE_TERMS = {2021: (9, 600.0), 2022: (10, 650.0)}  # months (P12, P13), 元/month (P14, P15)
OTHER_2021 = 1718  # persons in other channels in 2021 (2021 total ≈ 3,945)
RETAINED_WELFARE = 2108  # 2021 post holders who hold a post again in 2022
RETAINED_OTHER = 1440  # 2022 workers in other channels who were in work in 2021 too
DOUBLE_ROWS = {2021: 34, 2022: 27}  # persons who changed jobs within the year (two rows)
TRAININGS = {2022: (12, 645), 2021: (20, None)}  # P16, P17
# Township targets of 2022: (township, ratio placed/target) for those behind at mid-year.
LAGGARD_TOWNSHIPS = {"130324105": 0.94, "130324200": 0.95, "130324107": 0.99}

ABLE = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")
CHANNELS = {"劳务输出": 0.48, "县内企业吸纳": 0.22, "帮扶车间": 0.09, "自主创业": 0.05, "灵活就业": 0.16}
LOCATIONS = {
    "劳务输出": {"省内县外": 0.56, "省外": 0.44},  # 秦皇岛市区/唐山, or 北京/天津
    "县内企业吸纳": {"县内": 1.0},
    "帮扶车间": {"县内": 1.0},
    "公益岗位": {"县内": 1.0},
    "自主创业": {"县内": 0.9, "省内县外": 0.1},
    "灵活就业": {"县内": 0.7, "省内县外": 0.2, "省外": 0.1},
}
# Month shares of new placements outside 公益岗: few in January, the rush after 春节 (2021-02-12,
# 2022-02-01) and 元宵, then tapering. 2022 stops at as_of.
START_MONTHS = {
    2021: {
        1: 0.05,
        2: 0.12,
        3: 0.33,
        4: 0.18,
        5: 0.09,
        6: 0.06,
        7: 0.05,
        8: 0.04,
        9: 0.03,
        10: 0.02,
        11: 0.02,
        12: 0.01,
    },
    2022: {1: 0.06, 2: 0.30, 3: 0.28, 4: 0.16, 5: 0.09, 6: 0.07, 7: 0.04},
}
# First working day after the Spring Festival holiday; nobody starts a job during it.
AFTER_FESTIVAL = {2021: date(2021, 2, 18), 2022: date(2022, 2, 7)}
FESTIVAL_START = {2021: date(2021, 2, 11), 2022: date(2022, 1, 31)}
POST_TYPES = {
    "保洁员": 45,
    "护路员": 15,
    "护林员": 12,
    "护水员": 7,
    "村务协管员": 8,
    "养老护理员": 6,
    "其他": 7,
}
HILL_TOWNSHIPS = ("130324101", "130324102", "130324201")
TRAINING_TITLES = (
    "中式烹调师培训",
    "电工培训",
    "家政服务员培训",
    "育婴员培训",
    "甘薯种植技术培训",
    "果树修剪培训",
    "电商直播培训",
    "中式面点师培训",
    "养老护理员培训",
    "焊工培训",
    "设施蔬菜种植技术培训",
    "肉牛养殖技术培训",
    "挖掘机操作培训",
    "保健按摩师培训",
)


def make(ctx, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    rng = ctx.rng("jobs")
    pool = _pool(frames, ctx.as_of)

    # ---- who works in which year
    welfare21 = _draw(rng, pool, WELFARE_2021, _welfare_weight(pool, 2021), exclude=set())
    kept = _draw(
        rng, pool.loc[welfare21], RETAINED_WELFARE, np.where(pool.loc[welfare21, "age"] < 78, 1.0, 0.2), set()
    )
    new_posts = _draw(rng, pool, WELFARE_2022 - RETAINED_WELFARE, _welfare_weight(pool, 2022), set(welfare21))
    welfare22 = sorted(kept + new_posts)

    # The reconciliation findings of 2022.
    post_without_row = welfare22[int(rng.integers(len(welfare22)))]
    row_without_post = _draw(rng, pool, 1, _welfare_weight(pool, 2022), set(welfare22))[0]
    no_work = _no_work_persons(rng, frames, pool, 2)

    taken22 = set(welfare22) | {row_without_post}
    n_other22 = PLACED_2022 - (len(welfare22) - 1) - 1 - len(no_work)
    other22 = sorted(_draw(rng, pool, n_other22, _other_weight(pool, 2022), taken22) + no_work)
    keep_other = _draw(
        rng,
        pool.loc[[p for p in other22 if p not in no_work and p not in welfare21]],
        RETAINED_OTHER,
        None,
        set(),
    )
    other21 = sorted(
        keep_other
        + _draw(
            rng,
            pool,
            OTHER_2021 - RETAINED_OTHER,
            _other_weight(pool, 2021),
            set(welfare21) | set(keep_other),
        )
    )

    # ---- welfare posts and employment rows
    posts = []
    posts += _posts(rng, pool, 2021, welfare21)
    posts += _posts(rng, pool, 2022, welfare22)
    welfare_jobs = pd.DataFrame(posts, columns=[c.name for c in DATASETS["welfare_jobs"].columns])

    channel_of: dict[str, str] = {}
    retained = set(keep_other)  # in work in 2021 and still in the same work in 2022: one open record
    rows = []
    for year, others in ((2021, other21), (2022, other22)):
        year_posts = welfare_jobs[welfare_jobs["year"] == year]
        for person, started in zip(year_posts["person_id"], year_posts["started_on"], strict=True):
            if year == 2022 and person == post_without_row:
                continue
            rows.append((person, year, "公益岗位", "县内", started, None))
        if year == 2022:
            rows.append((row_without_post, year, "公益岗位", "县内", _start_date(rng, year, ctx.as_of), None))
        for person in others:
            if person in no_work:
                channel = "劳务输出"
            elif person in channel_of and rng.random() < 0.8:
                channel = channel_of[person]
            else:
                channel = _pick(rng, CHANNELS)
            started = _start_date(rng, year, ctx.as_of)
            if year == 2022 and person in retained:
                continue  # still in the work of the open 2021 record (the draws above keep their order)
            channel_of[person] = channel
            if year == 2021:
                # no year: counted in every year it overlaps; ends in 2021 unless the person kept working
                ended = None if person in retained else _end_date(rng, started)
                rows.append((person, None, channel, _pick(rng, LOCATIONS[channel]), started, ended))
            else:
                rows.append((person, year, channel, _pick(rng, LOCATIONS[channel]), started, None))
        # Job changes: a second, later row in another channel (the person counts once).
        movers = [p for p in others if p not in no_work and not (year == 2022 and p in retained)]
        changers = rng.choice(movers, DOUBLE_ROWS[year], replace=False)
        first = {r[0]: r[4] for r in rows if r[1] == year or (r[1] is None and r[4].year == year)}
        for person in sorted(changers):
            channel = _pick(rng, {k: v for k, v in CHANNELS.items() if k != channel_of[person]})
            later = _later_date(rng, first[person], year, ctx.as_of)
            rows.append((person, year, channel, _pick(rng, LOCATIONS[channel]), later, None))

    employment = pd.DataFrame(
        rows, columns=["person_id", "year", "channel", "location", "started_on", "ended_on"]
    )
    employment["year"] = employment["year"].astype("Int64")
    start_year = pd.Series([d.year for d in employment["started_on"]], index=employment.index)
    employment = employment.assign(_y=employment["year"].fillna(start_year)).sort_values(
        ["_y", "started_on", "person_id"], kind="stable", ignore_index=True
    )
    employment.insert(0, "record_id", [f"E{y}{i:05d}" for i, y in enumerate(employment.pop("_y"), start=1)])

    targets = _targets(rng, pool, employment, frames["townships"])
    trainings = _trainings(rng, ctx, frames["townships"])
    _check(
        ctx, employment, welfare_jobs, targets, trainings, post_without_row, row_without_post, no_work, pool
    )
    return {
        "employment": employment,
        "employment_targets": targets,
        "welfare_jobs": welfare_jobs,
        "trainings": trainings,
    }


# ---------------------------------------------------------------- who


def _pool(frames: dict[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """Every member of a 脱贫户 or of a monitoring object's household (a case approved by as_of), with age
    (2022), village and township; index person_id."""
    hh = frames["households"][["household_id", "village_code", "household_type"]]
    mc = frames["monitoring_cases"]
    approved = pd.to_datetime(mc["approved_on"]) <= pd.Timestamp(as_of)
    monitored = set(mc.loc[approved, "household_id"])
    hh = hh[(hh["household_type"] == "脱贫户") | hh["household_id"].isin(monitored)]
    pool = frames["persons"].merge(hh, on="household_id", how="inner", validate="many_to_one")
    pool["township_code"] = pool["village_code"].str[:9]
    pool["age"] = 2022 - pool["birth_year"].astype(int)
    pool["able"] = pool["labour_ability"].isin(ABLE)
    return pool.set_index("person_id", drop=False).sort_index()


def _welfare_weight(pool: pd.DataFrame, year: int) -> np.ndarray:
    """公益岗 go to 弱劳动力或半劳动力 and people of 60 and over who can still work a little."""
    age = pool["age"] - (2022 - year)
    weak = pool["labour_ability"] == "弱劳动力或半劳动力"
    w = np.where(weak, 5.0, 0.0) + np.where(pool["able"] & (age >= 60), 4.0, 0.0)
    w = np.where(pool["able"] & (age < 60) & ~weak, 0.25, w)
    w = np.where(age >= 80, w * 0.3, w)
    return np.where(pool["able"] & (age >= 18), w, 0.0)


def _other_weight(pool: pd.DataFrame, year: int) -> np.ndarray:
    """Wage work, own business and odd jobs: working-age 普通/技能劳动力 first."""
    age = pool["age"] - (2022 - year)
    skilled = pool["labour_ability"].isin(("普通劳动力", "技能劳动力"))
    w = np.where(skilled & (age < 60), 10.0, 0.0)
    w = np.where(skilled & (age >= 60) & (age < 65), 3.0, w)
    w = np.where(skilled & (age >= 65), 0.8, w)
    w = np.where(~skilled & pool["able"] & (age < 65), 1.5, w)
    return np.where(pool["able"] & (age >= 16), w, 0.0)


def _draw(rng, pool: pd.DataFrame, n: int, weights, exclude: set[str]) -> list[str]:
    ids = pool.index.to_numpy()
    w = np.ones(len(ids)) if weights is None else np.asarray(weights, dtype=float).copy()
    w[np.isin(ids, list(exclude))] = 0.0
    if (w > 0).sum() < n:
        raise ValueError(f"jobs: only {(w > 0).sum()} eligible persons for {n} places")
    return sorted(str(p) for p in rng.choice(ids, n, replace=False, p=w / w.sum()))


def _no_work_persons(rng, frames, pool: pd.DataFrame, n: int) -> list[str]:
    """Working-age persons recorded as unable to work (a ledger error planted for the checks)."""
    cand = pool[pool["labour_ability"].isin(NO_WORK_ABILITIES) & pool["age"].between(25, 55)]
    return sorted(str(p) for p in rng.choice(cand.index.to_numpy(), n, replace=False))


# ---------------------------------------------------------------- rows


def _pick(rng, shares: dict[str, float]) -> str:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _start_date(rng, year: int, as_of: date) -> date:
    months = START_MONTHS[year]
    month = int(_pick(rng, {str(m): s for m, s in months.items()}))
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    if month == 1:
        # Not over New Year, nor during the Spring Festival holiday.
        first = date(year, 1, 4)
        last = min(last, FESTIVAL_START[year] - timedelta(days=1))
    elif month == 2:
        # February starts come after the holiday.
        first = max(first, AFTER_FESTIVAL[year])
    last = min(last, as_of)
    return first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _end_date(rng, started: date) -> date:
    """The end of a 2021 job that did not last into 2022: one to eight months later, by 31 December."""
    return min(started + timedelta(days=int(rng.integers(30, 240))), date(started.year, 12, 31))


def _later_date(rng, after: date, year: int, as_of: date) -> date:
    end = min(date(year, 12, 31), as_of)
    if after >= end:
        return end
    gap = int(rng.integers(20, 120))
    return min(after + timedelta(days=gap), end)


def _posts(rng, pool: pd.DataFrame, year: int, holders: list[str]) -> list[tuple]:
    months, subsidy = WELFARE_TERMS[year]
    out = []
    for i, person in enumerate(holders, start=1):
        p = pool.loc[person]
        weights = dict(POST_TYPES)
        if p["township_code"] in HILL_TOWNSHIPS:
            weights["护林员"] *= 2.5
        if p["sex"] == "女":
            weights["养老护理员"] *= 2.0
            weights["护路员"] *= 0.5
        post_type = _pick(rng, weights)
        # Terms start with the new year's contracts (January), some after 春节, a few in March.
        month = int(_pick(rng, {"1": 0.58, "2": 0.27, "3": 0.15}))
        if month == 1:
            started = date(year, 1, int(rng.integers(4, 11)))
        elif month == 2:
            started = AFTER_FESTIVAL[year] + timedelta(days=int(rng.integers(0, 8)))
        else:
            started = date(year, 3, int(rng.integers(1, 16)))
        term = months if (month < 3 or rng.random() < 0.85) else months - int(rng.integers(1, 3))
        out.append((f"G{year}{i:05d}", person, year, post_type, p["village_code"], term, subsidy, started))
    return out


# ---------------------------------------------------------------- targets and trainings


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


def _in_year(employment: pd.DataFrame, year: int) -> pd.Series:
    """Rows of ``year``: its year, or (no year) started by 31 December and not ended before 1 January."""
    started = pd.to_datetime(employment["started_on"])
    ended = pd.to_datetime(employment["ended_on"])
    overlaps = (started <= pd.Timestamp(year, 12, 31)) & (ended.isna() | (ended >= pd.Timestamp(year, 1, 1)))
    return (employment["year"] == year).fillna(False).astype(bool) | (employment["year"].isna() & overlaps)


def _placed_by_township(
    employment: pd.DataFrame, pool: pd.DataFrame, year: int, codes: list[str]
) -> np.ndarray:
    persons = employment.loc[_in_year(employment, year), "person_id"].drop_duplicates()
    counts = pool.loc[persons, "township_code"].value_counts()
    return np.array([int(counts.get(c, 0)) for c in codes])


def _targets(rng, pool: pd.DataFrame, employment: pd.DataFrame, townships: pd.DataFrame) -> pd.DataFrame:
    codes = sorted(townships["township_code"])
    rows = []

    placed21 = _placed_by_township(employment, pool, 2021, codes)
    split21 = _largest_remainder(TARGET_2021, placed21 * rng.uniform(0.97, 1.03, len(codes)))
    rows.append((2021, None, TARGET_2021))
    rows += [(2021, c, int(t)) for c, t in zip(codes, split21, strict=True)]

    placed22 = _placed_by_township(employment, pool, 2022, codes)
    split22 = np.zeros(len(codes), dtype=np.int64)
    lag = np.array([c in LAGGARD_TOWNSHIPS for c in codes])
    for i, c in enumerate(codes):
        if lag[i]:
            split22[i] = int(np.ceil(placed22[i] / LAGGARD_TOWNSHIPS[c]))
    rest = TARGET_2022 - int(split22.sum())
    split22[~lag] = _largest_remainder(rest, placed22[~lag] * rng.uniform(0.985, 1.015, int((~lag).sum())))
    rows.append((2022, None, TARGET_2022))
    rows += [(2022, c, int(t)) for c, t in zip(codes, split22, strict=True)]
    # county_code (multi-county extension) stays out of the single-county sample
    return pd.DataFrame(rows, columns=["year", "township_code", "target"])


def _trainings(rng, ctx, townships: pd.DataFrame) -> pd.DataFrame:
    """Sessions on working days; pruning and sweet-potato courses in early spring, trades any time."""
    codes = sorted(townships["township_code"])
    rows = []
    for year in (2021, 2022):
        sessions, total = TRAININGS[year]
        if year == 2022:
            first, last = date(2022, 2, 21), min(date(2022, 7, 20), ctx.as_of)
            # The seven courses the 人社局 runs every year, then five others.
            others = [t for t in TRAINING_TITLES[7:]]
            titles = list(TRAINING_TITLES[:7]) + [
                others[int(i)] for i in rng.choice(len(others), sessions - 7, replace=False)
            ]
        else:
            first, last = date(2021, 3, 1), date(2021, 12, 10)
            extra = rng.choice(len(TRAINING_TITLES), sessions - len(TRAINING_TITLES), replace=False)
            titles = list(TRAINING_TITLES) + [TRAINING_TITLES[int(i)] for i in extra]
        days = [d for d in _days(first, last) if is_workday(d)]
        days = sorted(days[int(i)] for i in rng.choice(len(days), sessions, replace=False))
        order = [int(i) for i in rng.permutation(sessions)]
        titles = [titles[i] for i in order]
        # Early-spring courses go to the earliest dates.
        for seasonal in ("果树修剪培训", "甘薯种植技术培训"):
            if seasonal in titles:
                titles.remove(seasonal)
                titles.insert(int(rng.integers(0, 3)), seasonal)
        sizes = rng.integers(40, 72, sessions)
        if total is not None:
            sizes = _largest_remainder(total, sizes.astype(float))
        seen: dict[str, int] = {}
        for i, (day, size, title) in enumerate(zip(days, sizes, titles, strict=True), start=1):
            town = codes[int(rng.integers(len(codes)))]
            seen[title] = seen.get(title, 0) + 1
            label = title if seen[title] == 1 else f"{title}(第{seen[title]}期)"
            rows.append((f"T{year}{i:03d}", year, label, town, day, int(size)))
    return pd.DataFrame(rows, columns=[c.name for c in DATASETS["trainings"].columns])


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# ---------------------------------------------------------------- self-check


def _check(
    ctx, employment, welfare_jobs, targets, trainings, post_without_row, row_without_post, no_work, pool
):
    as_of = ctx.as_of
    e22 = employment[_in_year(employment, 2022) & (employment["started_on"] <= as_of)]
    assert e22["person_id"].nunique() == PLACED_2022, e22["person_id"].nunique()
    assert (employment["started_on"] <= as_of).all()
    dated = employment[employment["year"].notna()]
    assert all(d.year == y for d, y in zip(dated["started_on"], dated["year"], strict=True))
    ended = employment.dropna(subset=["ended_on"])
    assert (ended["ended_on"] >= ended["started_on"]).all()
    still = employment[employment["year"].isna() & employment["ended_on"].isna()]
    assert still["person_id"].nunique() == RETAINED_OTHER  # in work since 2021, counted in 2022 too
    for year, n in ((2022, WELFARE_2022), (2021, WELFARE_2021)):
        w = welfare_jobs[(welfare_jobs["year"] == year) & (welfare_jobs["started_on"] <= as_of)]
        assert w["person_id"].nunique() == n == len(w)
        months, subsidy = WELFARE_TERMS[year]
        assert w["months"].median() == months and w["monthly_subsidy"].median() == subsidy
        posts = set(w["person_id"])
        rows = set(
            employment.loc[(employment["year"] == year) & (employment["channel"] == "公益岗位"), "person_id"]
        )
        expected = ({post_without_row}, {row_without_post}) if year == 2022 else (set(), set())
        assert (posts - rows, rows - posts) == expected
    t = targets[(targets["year"] == 2022)]
    assert t.loc[t["township_code"].isna(), "target"].tolist() == [TARGET_2022]
    assert t["target"].sum() == 2 * TARGET_2022
    t = trainings[(trainings["year"] == 2022) & (trainings["started_on"] <= as_of)]
    assert (len(t), int(t["participants"].sum())) == TRAININGS[2022]
    assert pool.loc[no_work, "labour_ability"].isin(NO_WORK_ABILITIES).all()
