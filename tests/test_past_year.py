"""Issue 17 (reviewers' finding): a past year's figure stands for that year, whatever the date it is read at.

Its rows and its scope stop at min(as_of, 31 December of the year) (``figures.period_end``): a person whose
household became a 监测对象 after the year ended is not one of that year's monitored workers, and a post,
training or aid payment dated after the year's end is not part of the year, read at 2021-12-31 or in 2023.
"""

from __future__ import annotations

import datetime as dt

import pytest
from factories import T1, V1, V3, bundle_from_frames, employment_row

from lulong_data import parity
from lulong_data.figures import Period, period_end
from lulong_data.metrics import METRICS, employment
from lulong_data.metrics.registry import evaluate, year_before

D = dt.date
LATER = (D(2021, 12, 31), D(2022, 1, 1), D(2022, 7, 26), D(2023, 6, 30))  # 2021 is over on each


def _hh(hid, kind, village=V1):
    row = {"household_id": hid, "village_code": village, "household_type": kind, "persons": 1}
    return row | ({"exit_year": 2016} if kind == "脱贫户" else {})


def _person(hid):
    return {
        "person_id": f"{hid}-0",
        "household_id": hid,
        "sex": "男",
        "birth_year": 1975,
        "labour_ability": "普通劳动力",
        "health": "健康",
    }


def _case(cid, hid, found, approved):
    return {"case_id": cid, "household_id": hid, "category": "边缘易致贫户", "risk_1": "因病"} | {
        "found_on": found,
        "approved_on": approved,
    }


@pytest.fixture(scope="module")
def workers():
    """Five people in work through 2021; only P, M and L are 脱贫人口 or 监测对象 by 31 December 2021."""
    hs = [
        _hh("P", "脱贫户"),
        _hh("M", "一般农户"),  # 监测对象 from June 2021
        _hh("L", "一般农户", village=V3),  # 监测对象 from 1 December 2021 (found in November)
        _hh("N", "一般农户"),  # became a 监测对象 in January 2022: not one of 2021's
        _hh("O", "一般农户"),  # never monitored
    ]
    cases = [
        _case("CM", "M", "2021-06-01", "2021-06-10"),
        _case("CL", "L", "2021-11-20", "2021-12-01"),
        _case("CN", "N", "2022-01-05", "2022-01-20"),
    ]
    jobs = [
        employment_row("E1", "P-0", "2021-03-01", year=2021),
        employment_row("E2", "M-0", "2021-04-01"),  # no year: still in work in 2022
        employment_row("E3", "L-0", "2021-05-01", year=2021),
        employment_row("E4", "N-0", "2021-04-01"),  # in work since April 2021, still in 2022
        employment_row("E5", "O-0", "2021-03-01", year=2021),
    ]
    targets = [{"year": 2021, "township_code": None, "target": 6}]
    return bundle_from_frames(
        as_of="2022-07-26",
        households=hs,
        persons=[_person(h["household_id"]) for h in hs],
        monitoring_cases=cases,
        employment=jobs,
        employment_targets=targets,
    )


def test_period_end_is_the_date_within_the_year_and_31_december_after_it():
    assert period_end(D(2021, 9, 30), 2021) == D(2021, 9, 30)
    assert period_end(D(2022, 7, 26), 2021) == D(2021, 12, 31)
    assert period_end(D(2022, 7, 26), 2022) == D(2022, 7, 26)


@pytest.mark.parametrize("as_of", LATER)
def test_employment_of_2021_counts_its_own_monitoring_objects_whatever_the_date(workers, as_of):
    placed = evaluate(workers, "employment_placed:year=2021", as_of=as_of)
    assert placed.value == 3  # P, M, L — not N, who became a 监测对象 in 2022
    assert (placed.period, placed.basis) == (Period.year(2021), "full_year")
    rate = evaluate(workers, "employment_rate:year=2021", as_of=as_of)
    assert rate.value == pytest.approx(50.0) and rate.period == Period.year(2021)
    by_town = employment.employment_by_township(workers, as_of=as_of, year=2021)
    assert by_town["placed"].sum() == 3
    assert employment.employment_by_channel(workers, as_of=as_of, year=2021)["persons"].sum() == 3
    assert employment.employment_cumulative(workers, as_of=as_of, year=2021)["placed"].iloc[-1] == 3


def test_within_2021_the_scope_is_who_was_monitored_by_the_date(workers):
    placed = evaluate(workers, "employment_placed:year=2021", as_of=D(2021, 9, 30))
    assert placed.value == 2  # P and M: L's case was approved in December
    assert placed.period == Period(D(2021, 1, 1), D(2021, 9, 30))


def test_2022_counts_the_new_monitoring_object_still_in_work(workers):
    assert evaluate(workers, "employment_placed:year=2022", as_of=D(2022, 7, 26)).value == 2  # M and N
    # the same period of 2021 (to 26 July 2021): P and M, whose case was approved in June
    before = year_before(workers, "employment_placed:year=2022", as_of=D(2022, 7, 26))
    assert (before.value, before.period) == (2, Period(D(2021, 1, 1), D(2021, 7, 26)))


def _post(jid, person, started, year=2021):
    return {"job_id": jid, "person_id": person, "year": year, "post_type": "保洁员", "village_code": V1,
            "months": 9, "monthly_subsidy": 600.0, "started_on": started}  # fmt: skip


def _training(tid, started, year=2021):
    return {"training_id": tid, "year": year, "title": "果树修剪", "township_code": T1, "started_on": started,
            "participants": 30}  # fmt: skip


def _aid(rid, student, paid, year=2021):
    return {"record_id": rid, "village_code": V1, "year": year, "stage": "义务教育", "program": "生活补助",
            "amount": 500.0, "student_id": student, "paid_on": paid}  # fmt: skip


@pytest.fixture(scope="module")
def ledgers():
    """Rows of 2021 dated in 2021, and rows recorded under 2021 but dated in 2022 (outside the year)."""
    hs = [_hh("P", "脱贫户"), _hh("Q", "脱贫户")]
    return bundle_from_frames(
        as_of="2022-07-26",
        households=hs,
        persons=[_person("P"), _person("Q")],
        welfare_jobs=[_post("J1", "P-0", "2021-03-01"), _post("J2", "Q-0", "2022-01-10")],
        trainings=[_training("T1", "2021-05-01"), _training("T2", "2022-02-01")],
        student_aid=[_aid("A1", "S1", "2021-10-01"), _aid("A2", "S2", "2022-01-15")],
    )


@pytest.mark.parametrize("as_of", LATER)
@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("welfare_post_persons:year=2021", 1),
        ("training_sessions:year=2021", 1),
        ("training_participants:year=2021", 30),
        ("student_aid_students:year=2021", 1),
        ("student_aid_amount:year=2021", 0.05),
    ],
)
def test_posts_trainings_and_aid_of_2021_stop_at_its_end(ledgers, spec, value, as_of):
    f = evaluate(ledgers, spec, as_of=as_of)
    assert f.value == pytest.approx(value) and f.period == Period.year(2021)


@pytest.mark.parametrize("as_of", LATER)
def test_the_trainings_by_year_table_agrees_with_the_year_s_figures(ledgers, as_of):
    by_year = employment.trainings_by_year(ledgers, as_of=as_of).set_index("year")
    assert (
        by_year.loc[2021, "sessions"] == evaluate(ledgers, "training_sessions:year=2021", as_of=as_of).value
    )
    assert by_year.loc[2021, "participants"] == 30


def test_every_yearly_metric_of_the_sample_reads_2021_alike_at_its_end_and_later(sample_bundle):
    """On the sample, every yearly figure of 2021 (each parameter set) is the same at 31 December 2021 and
    at the folder's date in 2022, and says it stands for 2021."""
    b = sample_bundle
    end = D(2021, 12, 31)
    checked = 0
    for name, m in sorted(METRICS.items()):
        if not m.yearly:
            continue
        for params in parity._variants(name, m.fn, b, end):
            at_end = evaluate(b, name, as_of=end, **params)
            later = evaluate(b, name, as_of=b.as_of, **params)
            assert (later.value, later.period) == (at_end.value, at_end.period), (name, params)
            assert later.period == Period.year(2021), (name, params)
            checked += 1
    assert checked >= 20
