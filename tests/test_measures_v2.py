"""口径 that match the published ones and the new measures (issue 17 items 5 and 6), on hand-built data:
渐退 as a flow and as a stock, 就业 of 脱贫人口 and 监测对象 with people still in work, denominators by year
with 户籍/常住, 返贫/致贫 counts (a zero only where the data carry the mark), and 应纳未纳."""

from __future__ import annotations

import datetime as dt

from factories import T1, T2, V1, V2, V3, bundle_from_frames, employment_row

from lulong_data.metrics import compute, places
from lulong_data.metrics import monitoring as m

D = dt.date
AS_OF = D(2022, 7, 26)


def _hh(hid, kind="脱贫户", village=V1, persons=1, **extra):
    row = {"household_id": hid, "village_code": village, "household_type": kind, "persons": persons}
    if kind == "脱贫户":
        row["exit_year"] = 2016
    return row | extra


def _people(households):
    return [
        {
            "person_id": f"{h['household_id']}-{k}",
            "household_id": h["household_id"],
            "sex": "男",
            "birth_year": 1970,
            "labour_ability": "普通劳动力",
            "health": "健康",
        }
        for h in households
        for k in range(h["persons"])
    ]


# -- 渐退: flow and stock ----------------------------------------------------------------------------


def _dibao(rid, hid, persons, began=None, until=None, ended=None):
    return {
        "record_id": rid,
        "household_id": hid,
        "village_code": V1,
        "scheme": "农村低保",
        "persons": persons,
        "dibao_class": 1,
        "tier": 1,
        "started_on": "2018-01-01",
        "ended_on": ended,
        "phaseout_from": began,
        "phaseout_until": until,
        "monthly_amount": 300.0,
    }


def test_phaseout_flow_of_the_year_and_stock_on_the_date():
    hs = [_hh(h, persons=2) for h in ("A", "B", "C", "D")] + [_hh("N", kind="一般农户", persons=2)]
    sa = [
        _dibao("S1", "A", 2, "2022-03-01", "2023-03-31"),  # began this year: flow and stock
        _dibao("S2", "B", 1, "2021-10-01", "2022-10-31"),  # began last year, still running: stock only
        _dibao("S3", "C", 2, "2021-03-01", "2022-03-31", ended="2022-03-31"),  # over: neither
        _dibao("S4", "D", 2, "2022-08-01", "2023-08-31"),  # after the date: neither yet
        _dibao("S5", "N", 2, "2022-02-01", "2023-02-28"),  # not a 脱贫户: neither
    ]
    b = bundle_from_frames(households=hs, persons=_people(hs), social_assistance=sa)
    assert compute(b, "phaseout_flow_households:year=2022", AS_OF) == 1
    assert compute(b, "phaseout_flow_persons:year=2022", AS_OF) == 2
    assert compute(b, "phaseout_households", AS_OF) == 2  # A and B
    assert compute(b, "phaseout_persons", AS_OF) == 3
    assert compute(b, "phaseout_flow_households:year=2021", AS_OF) == 2  # B and C (all of 2021)


def test_no_flow_without_the_date_phase_outs_begin():
    hs = [_hh("A", persons=2)]
    sa = [_dibao("S1", "A", 2, None, "2023-03-31")]
    sa[0].pop("phaseout_from")
    b = bundle_from_frames(households=hs, persons=_people(hs), social_assistance=sa)
    assert compute(b, "phaseout_flow_households:year=2022", AS_OF) is None  # unknown, not 0
    assert compute(b, "phaseout_households", AS_OF) == 1


# -- 就业: 脱贫人口 and 监测对象, people still in work ---------------------------------------------------


def test_employment_counts_poverty_and_monitored_persons_still_in_work():
    hs = [
        _hh("P"),  # 脱贫户
        _hh("M", kind="一般农户"),  # monitoring object: a case approved in 2022
        _hh("Q", kind="一般农户"),  # case still in procedure on the date: not yet an object
        _hh("O", kind="一般农户"),  # surveyed, never monitored: outside the 口径
        _hh("S"),  # 脱贫户 in work since 2021
    ]
    cases = [
        {"case_id": "CM", "household_id": "M", "category": "边缘易致贫户", "risk_1": "因病"}
        | {"found_on": "2022-02-01", "approved_on": "2022-02-10"},
        {"case_id": "CQ", "household_id": "Q", "category": "边缘易致贫户", "risk_1": "因病"}
        | {"found_on": "2022-07-20"},
    ]
    jobs = [
        employment_row("E1", "P-0", "2022-03-01", year=2022),
        employment_row("E2", "M-0", "2022-03-01"),
        employment_row("E3", "Q-0", "2022-03-01"),
        employment_row("E4", "O-0", "2022-03-01"),
        employment_row("E5", "S-0", "2021-05-01"),  # no end: still in work in 2022
    ]
    b = bundle_from_frames(households=hs, persons=_people(hs), monitoring_cases=cases, employment=jobs)
    assert compute(b, "employment_placed:year=2022", AS_OF) == 3  # P, M, S
    assert compute(b, "employment_placed:year=2021", AS_OF) == 1  # S (M only became an object in 2022)


# -- denominators by year ----------------------------------------------------------------------------


def _pop(year, persons, township=None, scope="农村人口", basis="户籍"):
    return {
        "year": year,
        "township_code": township,
        "basis": basis,
        "scope": scope,
        "persons": persons,
        "source": "测试",
    }


def test_denominators_by_year_and_basis_with_a_fallback():
    pop = [
        _pop(2021, 30000, T1),
        _pop(2021, 20000, T2),
        _pop(2022, 31000, T1),
        _pop(2022, 21000, T2),
        _pop(2022, 60000, T1, basis="常住"),  # another 口径: not mixed in
        _pop(2022, 120000, scope="总人口"),
    ]
    b = bundle_from_frames(population=pop)
    d = places.population(b, year=2022)
    assert (d.persons, d.year, d.basis, d.caveat(2022)) == (52000, 2022, "户籍", None)
    assert places.population(b, year=2021).persons == 50000
    later = places.population(b, year=2023)  # no 2023 figure: the latest earlier year, and it says so
    assert later.persons == 52000 and later.caveat(2023).zh == "2023年人口未导入,按2022年户籍人口计算。"
    assert places.population(b, year=2022, basis="常住", township=T1).persons == 60000
    assert compute(b, "registered_population", AS_OF) == 12.0
    fallback = places.population(bundle_from_frames(), year=2022)  # no population table: the townships'
    assert fallback.persons == 70000 and fallback.fallback
    assert "未注明年度和户籍/常住口径" in fallback.caveat(2022).zh


def test_dibao_coverage_uses_the_year_s_rural_population():
    pop = [_pop(2022, 1000, T1), _pop(2022, 1000, T2)]
    hs = [_hh("A", persons=2)]
    sa = [_dibao("S1", "A", 2)]
    b = bundle_from_frames(households=hs, persons=_people(hs), social_assistance=sa, population=pop)
    assert compute(b, "dibao_coverage", AS_OF) == 2 / 2000 * 100
    assert m.summary(b, as_of=AS_OF).rural_population == 2000


# -- 返贫/致贫 -------------------------------------------------------------------------------------


def _case(cid, hid, approved, outcome=None, category="脱贫不稳定户"):
    row = {"case_id": cid, "household_id": hid, "category": category, "risk_1": "因病"}
    return row | {"found_on": approved, "approved_on": approved, "poverty_outcome": outcome}


def test_relapse_and_new_poverty_counts():
    hs = [_hh("A"), _hh("B"), _hh("C", kind="一般农户")]
    cases = [
        _case("C1", "A", "2022-03-01", "返贫"),
        _case("C2", "B", "2021-03-01", "返贫"),  # last year
        _case("C3", "C", "2022-05-01", "致贫", category="边缘易致贫户"),
    ]
    b = bundle_from_frames(households=hs, persons=_people(hs), monitoring_cases=cases)
    assert compute(b, "relapse_households:year=2022", AS_OF) == 1
    assert compute(b, "impoverished_households:year=2022", AS_OF) == 1
    assert compute(b, "relapse_households:year=2021", AS_OF) == 1


def test_zero_relapse_only_where_the_data_carry_the_mark():
    hs = [_hh("A")]
    marked = [_case("C1", "A", "2022-03-01", None)]
    b = bundle_from_frames(households=hs, persons=_people(hs), monitoring_cases=marked)
    assert compute(b, "relapse_households:year=2022", AS_OF) == 0  # 零返贫: the mark is there, empty
    unmarked = [{k: v for k, v in marked[0].items() if k != "poverty_outcome"}]
    b = bundle_from_frames(households=hs, persons=_people(hs), monitoring_cases=unmarked)
    assert compute(b, "relapse_households:year=2022", AS_OF) is None  # not recorded: no zero claimed


def test_the_sample_reports_zero_relapse(sample_bundle):
    assert compute(sample_bundle, "relapse_households:year=2022", AS_OF) == 0
    assert compute(sample_bundle, "impoverished_households:year=2022", AS_OF) == 0


# -- 应纳未纳 ---------------------------------------------------------------------------------------


def test_households_that_should_be_monitored():
    hs = [
        _hh("LOW", income_per_capita=7000.0, income_year=2021),  # 脱贫户 below the 2022 line
        _hh("OK", income_per_capita=9000.0),
        _hh("HOUSE", kind="一般农户", village=V2, income_per_capita=20000.0, housing_ok=False),
        _hh("POOR", kind="一般农户", village=V3, income_per_capita=5000.0),
        _hh("MON", income_per_capita=5000.0),  # below, but under monitoring
        _hh("NOINC"),  # no income recorded: not judged on income
    ]
    cases = [_case("C1", "MON", "2022-03-01")]
    b = bundle_from_frames(households=hs, persons=_people(hs), monitoring_cases=cases)
    out = m.should_be_monitored(b, as_of=AS_OF).set_index("household_id")
    assert sorted(out.index) == ["HOUSE", "LOW", "POOR"]
    assert out.loc["HOUSE", "guarantee_gap"] and not out.loc["HOUSE", "below_line"]
    assert out.loc["LOW", "below_line"] and out.loc["LOW", "income_line"] == 7300
    assert compute(b, "should_monitor_households", AS_OF) == 3
    assert m.should_be_monitored(b, as_of=AS_OF, township=T2)["household_id"].tolist() == ["POOR"]
    # a year without a line: the count is missing, never judged against another year's line
    assert compute(b, "should_monitor_households", D(2025, 7, 26)) is None


def test_the_sample_lists_its_planted_should_be_monitored_households(sample_bundle):
    out = m.should_be_monitored(sample_bundle, as_of=AS_OF)
    assert len(out) == 6  # three 脱贫户 and two 一般农户 below the line, one 一般农户 with unsafe housing
    assert out["guarantee_gap"].sum() == 1
    assert compute(sample_bundle, "should_monitor_households", AS_OF) == 6
