"""The household survey (摸排) of contract v2: incomes, 三保障/饮水, the 兜底 flag, 一般农户 outside monitoring,
the income of eliminated cases, and the population by year.

Runs after the ledgers are made (it reads cases, measures and 低保 records) and revises two datasets:
``households`` (new columns, and surveyed 一般农户 appended) and ``monitoring_cases`` (income at elimination,
返贫/致贫 marks). What the sample must show, and why:

- incomes are the latest year's (2021, what the national system holds in mid-2022). 脱贫户 and eliminated
  households are above the 2022 monitoring line (7,300 元); households under monitoring for six months or
  more are mostly above it (the candidates for 帮扶消除), newer ones below it;
- an eliminated case carries its income at elimination: above the line of its year, except two planted
  帮扶消除 below it (the "below the line" check);
- 三保障/饮水 hold, except where a case still open has 住房安全问题 / 饮水安全问题 as a risk;
- every household whose members all lack labour is flagged 整户无劳动能力兜底保障户, except three monitored
  ones (the "flag missing" check);
- 返贫/致贫 marks: none — the county reports 零返贫、零致贫 (the column is written, empty);
- 一般农户 the villages surveyed that are not monitoring objects (for the 应纳未纳 check): incomes well
  above the line, except two below it and one with unsafe housing; and three 脱贫户 below the line that
  are not monitored either;
- population: the county's registered population of 2022 (P03, 40.8万, as the county stated it) and each
  township's rural registered population (the denominator of P22), both 户籍.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS, NO_WORK_ABILITIES
from lulong_data.generator import people
from lulong_data.generator.context import Context

INCOME_YEAR = 2021
LINES = {2021: 6000.0, 2022: 7300.0}  # rules.toml income lines of the years the sample spans
SURVEYED_NONPOOR = 640  # 一般农户 outside monitoring whose survey rows the county keeps
NONPOOR_BELOW_LINE = 2  # 应纳未纳: below the line, not monitored
NONPOOR_UNSAFE_HOUSING = 1  # 应纳未纳: a 三保障 gap, not monitored
POOR_BELOW_LINE = 3  # 应纳未纳: 脱贫户 below the line, not monitored
ELIMINATED_BELOW_LINE = 2  # 帮扶消除 with income at elimination below its year's line
UNFLAGGED_NO_LABOUR = 3  # monitored, nobody can work, 整户无劳动能力 flag not set
POPULATION_SOURCE = (
    "秦皇岛市“巩固拓展脱贫成果同乡村振兴有效衔接”系列新闻发布会卢龙专场(2022年7月27日):户籍人口40.8万人"
)
RURAL_SOURCE = "县公安局户籍统计(样例数据,虚构)"


def make(ctx: Context, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    rng = ctx.rng("survey")
    hh = frames["households"].copy()
    persons = frames["persons"]
    cases = frames["monitoring_cases"].copy()
    latest = _latest_cases(cases, ctx.as_of)

    unable = (
        persons.assign(u=persons["labour_ability"].isin(NO_WORK_ABILITIES)).groupby("household_id")["u"].all()
    )
    hh["all_unable"] = hh["household_id"].map(unable).fillna(False).astype(bool)
    hh = _incomes(rng, hh, latest, ctx.as_of)
    hh = _guarantees(hh, latest)
    hh = _flags(rng, hh, latest)
    hh = _not_monitored_poor(rng, hh, latest)
    cases = _income_at_elimination(rng, cases, hh)
    cases["poverty_outcome"] = None  # 零返贫、零致贫

    extra_hh, extra_persons = _surveyed_nonpoor(ctx, rng, frames)
    hh = pd.concat([hh.drop(columns="all_unable"), extra_hh], ignore_index=True)
    hh = hh.sort_values("household_id", ignore_index=True)
    persons = pd.concat([persons, extra_persons], ignore_index=True).sort_values(
        "person_id", ignore_index=True
    )
    for col in ("exit_year", "income_year"):
        hh[col] = hh[col].astype("Int64")
    _check(hh, cases, ctx.as_of)
    return {
        "households": hh[[c.name for c in DATASETS["households"].columns]],
        "persons": persons,
        "monitoring_cases": cases,
        "population": _population(frames["townships"]),
    }


# ---------------------------------------------------------------- the roll


def _latest_cases(cases: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each household's latest approved case on as_of, with its state and months under monitoring."""
    c = cases.copy()
    c["approved"] = pd.to_datetime(c["approved_on"])
    c["eliminated"] = pd.to_datetime(c["eliminated_on"])
    c = c[c["approved"].notna() & (c["approved"] <= pd.Timestamp(as_of))]
    c = c.sort_values(["household_id", "approved", "case_id"]).drop_duplicates("household_id", keep="last")
    c["open"] = c["eliminated"].isna()
    c["months"] = (pd.Timestamp(as_of) - c["approved"]).dt.days / 30.44
    return c.set_index("household_id")


def _incomes(rng, hh: pd.DataFrame, latest: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Latest income per head (2021): above the 2022 line except for households monitored < 6 months."""
    line = LINES[2022]
    n = len(hh)
    income = line * rng.lognormal(np.log(1.55), 0.28, n)  # most 脱贫户: 8,000–16,000 元
    income = np.maximum(income, line * rng.uniform(1.02, 1.25, n))
    state = hh["household_id"].map(latest["open"])  # True = monitored, False = eliminated, NaN = never
    months = hh["household_id"].map(latest["months"]).fillna(0).to_numpy()
    monitored = state.eq(True).fillna(False).to_numpy()
    settled = monitored & (months >= 6) & (rng.uniform(size=n) < 0.6)  # the candidates of 帮扶消除
    fresh = monitored & ~settled
    income = np.where(fresh, line * rng.uniform(0.55, 0.98, n), income)
    income = np.where(settled, line * rng.uniform(1.03, 1.45, n), income)
    # a monitored household identified by its income keeps its identification income if lower
    hh["income_per_capita"] = np.round(income)
    hh["income_year"] = INCOME_YEAR
    return hh


def _guarantees(hh: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """三保障/饮水 hold, except where an open case has 住房安全问题 / 饮水安全问题 among its risks."""
    open_ = latest[latest["open"]]
    risks = open_[["risk_1", "risk_2", "risk_3"]]
    housing = set(open_.index[(risks == "住房安全问题").any(axis=1)])
    water = set(open_.index[(risks == "饮水安全问题").any(axis=1)])
    hh["education_ok"] = True
    hh["housing_ok"] = ~hh["household_id"].isin(housing)
    hh["water_ok"] = ~hh["household_id"].isin(water)
    return hh


def _flags(rng, hh: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """整户无劳动能力兜底保障户 for every household whose members all lack labour (三 monitored ones left
    unflagged for the check); 否 for the others."""
    flag = hh["all_unable"].astype("boolean")
    monitored = hh["household_id"].map(latest["open"]).eq(True).fillna(False).astype(bool)
    cand = sorted(hh.loc[hh["all_unable"] & monitored, "household_id"])
    unset = rng.choice(cand, UNFLAGGED_NO_LABOUR, replace=False)
    hh["no_labour_household"] = flag.mask(hh["household_id"].isin(unset))
    return hh


def _not_monitored_poor(rng, hh: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """应纳未纳: three 脱贫户 never monitored whose income fell below the line."""
    never = hh[
        (hh["household_type"] == "脱贫户") & ~hh["household_id"].isin(latest.index) & ~hh["all_unable"]
    ]
    for hid in rng.choice(sorted(never["household_id"]), POOR_BELOW_LINE, replace=False):
        hh.loc[hh["household_id"] == hid, "income_per_capita"] = float(
            round(LINES[2022] * rng.uniform(0.7, 0.95))
        )
    return hh


def _income_at_elimination(rng, cases: pd.DataFrame, hh: pd.DataFrame) -> pd.DataFrame:
    """Income per head when the risk was eliminated: above the line of the elimination's year (two planted
    帮扶消除 below it)."""
    eliminated = pd.to_datetime(cases["eliminated_on"])
    done = eliminated.notna().to_numpy()
    year = eliminated.dt.year.fillna(2022).astype(int)
    line = year.map(LINES).fillna(LINES[2022]).to_numpy()
    income = np.round(line * rng.uniform(1.05, 1.6, len(cases)))
    assisted = (cases["elimination_kind"] == "帮扶后稳定消除").to_numpy() & done
    below = rng.choice(np.flatnonzero(assisted), ELIMINATED_BELOW_LINE, replace=False)
    income[below] = np.round(line[below] * rng.uniform(0.85, 0.97, len(below)))
    cases["income_at_elimination"] = np.where(done, income, np.nan)
    return cases


# ---------------------------------------------------------------- 一般农户 outside monitoring


def _surveyed_nonpoor(ctx: Context, rng, frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households of the villages' survey that are not monitoring objects, numbered after the village's
    own households (the ids of the roll do not move)."""
    villages = frames["villages"]
    weights = people.village_weights(ctx, frames["townships"], villages)
    codes = villages["village_code"].to_numpy()
    where = rng.choice(codes, SURVEYED_NONPOOR, p=weights)
    sizes = people.household_sizes(rng, people.NONPOOR_SIZE_P, SURVEYED_NONPOOR, None)
    last = (
        frames["households"]["household_id"]
        .str[-3:]
        .astype(int)
        .groupby(frames["households"]["village_code"])
        .max()
    )
    names = dict(zip(villages["village_code"], villages["name"], strict=True))
    seq: dict[str, int] = {}
    households, persons = [], []
    line = LINES[2022]
    special = rng.choice(SURVEYED_NONPOOR, NONPOOR_BELOW_LINE + NONPOOR_UNSAFE_HOUSING, replace=False)
    below, unsafe = set(special[:NONPOOR_BELOW_LINE]), set(special[NONPOOR_BELOW_LINE:])
    for i, (village, size) in enumerate(zip(where, sizes, strict=True)):
        seq[village] = seq.get(village, int(last.get(village, 0))) + 1
        hid = f"H{village}{seq[village]:03d}"
        members = _members(rng, int(size))
        local = people._village_surnames(rng, names[village])
        if i in below:
            income = line * rng.uniform(0.7, 0.95)
        else:  # a working family: well above the line
            income = line * max(rng.lognormal(np.log(2.4), 0.35), rng.uniform(1.15, 1.4))
        households.append(
            {
                "household_id": hid,
                "village_code": village,
                "household_type": "一般农户",
                "exit_year": None,
                "persons": len(members),
                "head_name": people._head_name(rng, members[0], local),
                "income_per_capita": float(round(max(income, 100.0))),
                "income_year": INCOME_YEAR,
                "no_labour_household": False,
                "education_ok": True,
                "housing_ok": i not in unsafe,
                "water_ok": True,
            }
        )
        for j, m in enumerate(members, start=1):
            persons.append(
                {
                    "person_id": f"P{village}{seq[village]:03d}{j:02d}",
                    "household_id": hid,
                    "sex": m.sex,
                    "birth_year": people.YEAR - m.age,
                    "labour_ability": people.labour_ability(rng, m),
                    "health": m.health,
                }
            )
    return pd.DataFrame(households), pd.DataFrame(persons)


def _members(rng, size: int) -> list[people.Member]:
    """A working family: a couple of working age, children, sometimes a grandparent."""
    if size == 1:
        members = [people.Member("男" if rng.uniform() < 0.55 else "女", int(rng.integers(35, 70)))]
    else:
        members = people._couple(rng, int(rng.integers(28, 62)))
        members += people._children(rng, max(0, size - 2), members[0].age)
    for m in members:
        m.health = "健康" if rng.uniform() < 0.9 else "长期慢性病"
    return members[:size] if size else members


# ---------------------------------------------------------------- population


def _population(townships: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {
            "year": 2022,
            "township_code": None,
            "basis": "户籍",
            "scope": "总人口",
            "persons": int(townships["population"].sum()),
            "source": POPULATION_SOURCE,
        }
    ]
    rows += [
        {
            "year": 2022,
            "township_code": code,
            "basis": "户籍",
            "scope": "农村人口",
            "persons": int(n),
            "source": RURAL_SOURCE,
        }
        for code, n in sorted(zip(townships["township_code"], townships["rural_population"], strict=True))
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- self-check


def _check(hh: pd.DataFrame, cases: pd.DataFrame, as_of: date) -> None:
    assert hh["household_id"].is_unique
    assert (hh.loc[hh["household_type"] == "脱贫户"].shape[0]) == people.POOR_HOUSEHOLDS
    done = cases["eliminated_on"].notna()
    assert cases.loc[done, "income_at_elimination"].notna().all()
    assert cases.loc[~done, "income_at_elimination"].isna().all()
    assert cases["poverty_outcome"].isna().all()
    assert hh["no_labour_household"].isna().sum() == UNFLAGGED_NO_LABOUR
