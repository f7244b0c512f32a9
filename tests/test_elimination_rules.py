"""Risk elimination as official practice (issue 17 item 2), on hand-built households:

- the ≥ 6-month rule applies to 帮扶消除 only (自然消除 at 2 months is fine);
- income is judged at elimination, against the line of the elimination's year;
- a household whose members all lack labour is 兜底, not a 帮扶消除 candidate, and must be flagged;
- 三保障/饮水 recorded as lacking blocks elimination;
- 帮扶消除 and 自然消除 are counted apart;
- a year without an income line judges no income and says so (item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import V1, bundle_from_frames

from lulong_data.bundle import Bundle
from lulong_data.metrics import compute
from lulong_data.metrics import monitoring as m
from lulong_data.rules import DEFAULT_RULES_PATH, load_rules

D = dt.date
ASSISTED, NATURAL = "帮扶后稳定消除", "风险自然消除"


def _household(hid, *, income=9000.0, year=2022, unable=False, flag=None, **guarantees):
    return {
        "household_id": hid,
        "village_code": V1,
        "household_type": "脱贫户",
        "exit_year": 2016,
        "persons": 2,
        "income_per_capita": income,
        "income_year": year,
        "no_labour_household": flag,
        **guarantees,
    }


def _persons(households, unable=()):
    return [
        {
            "person_id": f"{h['household_id']}-{k}",
            "household_id": h["household_id"],
            "sex": "男",
            "birth_year": 1950,
            "labour_ability": "无劳动力" if h["household_id"] in unable else "普通劳动力",
            "health": "健康",
        }
        for h in households
        for k in range(2)
    ]


def _case(cid, hid, approved, eliminated=None, kind=None, income_at=None):
    return {
        "case_id": cid,
        "household_id": hid,
        "category": "脱贫不稳定户",
        "risk_1": "因病",
        "found_on": approved,
        "approved_on": approved,
        "eliminated_on": eliminated,
        "elimination_kind": kind,
        "income_at_elimination": income_at,
    }


POLICY = [{"policy_code": "Z1", "name": "产业奖补", "department": "县农业农村局", "category": "产业"}]


def _bundle(households, cases, *, unable=(), as_of="2022-07-26"):
    measures = [
        {
            "measure_id": f"M{c['case_id']}",
            "case_id": c["case_id"],
            "policy_code": "Z1",
            "started_on": c["approved_on"],
        }
        for c in cases
    ]
    b = bundle_from_frames(
        as_of=as_of,
        households=households,
        persons=_persons(households, unable),
        monitoring_cases=cases,
        policy_menu=POLICY,
        assistance_measures=measures,
        visits=[],
    )
    return b


AS_OF = D(2022, 7, 26)


def _doubts(b, as_of=AS_OF):
    out = m.premature_eliminations(b, as_of=as_of).set_index("case_id")
    return {cid: [d for d in m.DOUBTS if row[d]] for cid, row in out.iterrows()}


def test_six_months_apply_to_elimination_by_assistance_only():
    hs = [_household(h) for h in ("A5", "A6", "N2")]
    cases = [
        _case("A5", "A5", "2022-01-10", "2022-06-09", ASSISTED, 9000),  # 帮扶消除 after 5 months
        _case("A6", "A6", "2022-01-10", "2022-07-10", ASSISTED, 9000),  # 帮扶消除 after 6 months
        _case("N2", "N2", "2022-03-10", "2022-05-10", NATURAL, 9000),  # 自然消除 after 2 months
    ]
    assert _doubts(_bundle(hs, cases)) == {"A5": ["too_soon"]}


def test_a_county_may_apply_the_waiting_period_to_natural_elimination_too(tmp_path):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    path = tmp_path / "rules.toml"
    path.write_text(
        text.replace('applies_to = ["帮扶后稳定消除"]', 'applies_to = ["帮扶后稳定消除", "风险自然消除"]')
    )
    b = _bundle([_household("N2")], [_case("N2", "N2", "2022-03-10", "2022-05-10", NATURAL, 9000)])
    b = Bundle.from_frames({k: b.frames[k] for k in b.present}, as_of=b.as_of, rules=load_rules(path))
    assert _doubts(b) == {"N2": ["too_soon"]}


def test_income_is_judged_at_elimination_against_that_year_s_line():
    hs = [_household(h, income=20000) for h in ("Y21", "Y22", "HIGH", "UNKNOWN")]
    cases = [
        # the same 7,000 元: above the 2021 line (6,000), below the 2022 line (7,300)
        _case("Y21", "Y21", "2021-01-10", "2021-09-10", ASSISTED, 7000),
        _case("Y22", "Y22", "2021-09-10", "2022-03-10", ASSISTED, 7000),
        _case("HIGH", "HIGH", "2021-09-10", "2022-03-10", ASSISTED, 7300),  # on the line: not below it
        _case("UNKNOWN", "UNKNOWN", "2021-09-10", "2022-03-10", ASSISTED, None),  # not judged
    ]
    out = m.premature_eliminations(_bundle(hs, cases), as_of=D(2022, 7, 26)).set_index("case_id")
    assert list(out.index) == ["Y22"]
    assert out.loc["Y22", "below_line"] and out.loc["Y22", "income_line"] == 7300


def test_natural_elimination_below_the_line_is_not_a_doubt_of_assistance():
    hs = [_household("N")]
    cases = [_case("N", "N", "2021-09-10", "2022-03-10", NATURAL, 5000)]
    assert _doubts(_bundle(hs, cases)) == {}


def test_candidates_by_months_income_of_the_year_and_labour():
    hs = [
        _household("OK"),
        _household("FIVE"),
        _household("POOR", income=7299),  # below the 2022 line
        _household("NOINC", income=None, year=None),  # income unknown: not proposed
        _household("NOLAB"),  # both members 无劳动力
        _household("GAP", water_ok=False),
        _household("UNREC", education_ok=None, housing_ok=True),  # a guarantee not recorded is no gap
    ]
    cases = [_case(h["household_id"], h["household_id"], "2022-01-10") for h in hs]
    cases[1]["approved_on"] = cases[1]["found_on"] = "2022-02-10"  # 5 months and 16 days on 07-26
    b = _bundle(hs, cases, unable=("NOLAB",))
    out = m.elimination_candidates(b, as_of=D(2022, 7, 26))
    assert sorted(out["case_id"]) == ["OK", "UNREC"]
    assert set(out["income_line"]) == {7300.0}
    assert sorted(m.elimination_candidates(b, as_of=D(2022, 8, 10))["case_id"]) == ["FIVE", "OK", "UNREC"]


def test_a_household_with_no_labour_is_flagged_not_eliminated_by_assistance():
    hs = [_household("NOFLAG"), _household("FLAGGED", flag=True), _household("ELIM")]
    cases = [
        _case("NOFLAG", "NOFLAG", "2022-01-10"),
        _case("FLAGGED", "FLAGGED", "2022-01-10"),
        _case("ELIM", "ELIM", "2021-06-10", "2022-03-10", ASSISTED, 9000),
    ]
    b = _bundle(hs, cases, unable=("NOFLAG", "FLAGGED", "ELIM"))
    assert m.no_labour_unflagged(b, as_of=D(2022, 7, 26))["household_id"].tolist() == ["NOFLAG"]
    assert m.elimination_candidates(b, as_of=D(2022, 7, 26)).empty
    assert _doubts(b) == {"ELIM": ["no_labour"]}


def test_a_flag_alone_keeps_a_household_out_of_the_candidates():
    hs = [_household("FLAG", flag=True)]
    b = _bundle(hs, [_case("FLAG", "FLAG", "2022-01-10")])  # members can work, but the county flagged it
    assert m.elimination_candidates(b, as_of=D(2022, 7, 26)).empty


def test_guarantees_must_hold_at_elimination_whatever_the_kind():
    hs = [_household("HOUSE", housing_ok=False), _household("FINE", housing_ok=True, water_ok=True)]
    cases = [
        _case("HOUSE", "HOUSE", "2022-03-10", "2022-05-10", NATURAL, 9000),
        _case("FINE", "FINE", "2022-03-10", "2022-05-10", NATURAL, 9000),
    ]
    assert _doubts(_bundle(hs, cases)) == {"HOUSE": ["guarantee_gap"]}


def test_assisted_and_natural_eliminations_are_counted_apart():
    hs = [_household(h) for h in ("A1", "A2", "N1")]
    cases = [
        _case("A1", "A1", "2021-06-10", "2022-01-10", ASSISTED, 9000),
        _case("A2", "A2", "2021-06-10", "2022-02-10", ASSISTED, 9000),
        _case("N1", "N1", "2021-06-10", "2022-02-10", NATURAL, 9000),
    ]
    b = _bundle(hs, cases)
    s = m.summary(b, as_of=D(2022, 7, 26))
    assert (s.eliminated_households, s.eliminated_assisted_households, s.eliminated_natural_households) == (
        3,
        2,
        1,
    )
    assert compute(b, "eliminated_assisted_households", D(2022, 7, 26)) == 2
    assert compute(b, "eliminated_natural_households", D(2022, 7, 26)) == 1
    trend = m.monthly_trend(b, as_of=D(2022, 7, 26)).set_index("month")
    assert trend.loc["2022-02", ["eliminated", "eliminated_assisted", "eliminated_natural"]].tolist() == [
        2,
        1,
        1,
    ]
    row = m.breakdown(b, as_of=D(2022, 7, 26), by="category").set_index("category").loc["脱贫不稳定户"]
    assert (row["eliminated_assisted_households"], row["eliminated_natural_households"]) == (2, 1)


def test_a_year_without_a_line_judges_no_income_and_says_so():
    hs = [_household("OK", year=2025)]
    cases = [
        _case("OK", "OK", "2025-01-10"),
        _case("E", "OK", "2024-01-10", "2024-12-01", ASSISTED, 100),  # below any line, but 2024 has none
    ]
    b = _bundle(hs, cases, as_of="2025-07-26")
    assert m.elimination_candidates(b, as_of=D(2025, 7, 26)).empty
    (note,) = m.elimination_caveats(b, as_of=D(2025, 7, 26))
    assert note.code == "income_line_missing" and note.zh.startswith(
        "2025年防止返贫监测收入标准(监测范围)未配置"
    )
    assert m.premature_eliminations(b, as_of=D(2025, 7, 26)).empty  # not "below" a line nobody set
    assert m.elimination_caveats(b, as_of=D(2022, 7, 26)) == ()


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_no_line_is_carried_over(year):
    assert load_rules().income_line(year) is None
