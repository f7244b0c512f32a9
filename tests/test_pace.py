"""序时进度 (issue 18 item 2): the monthly plan, else last year's curve scaled to this year's target, else an
even pace — and it says which. Public-welfare posts against their plan; townships with no training."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import T1, T2, V1, V3, bundle_from_frames

from lulong_data.metrics import pace

D = dt.date
NOW = D(2022, 7, 26)


def _people(n: int, village: str, prefix: str) -> tuple[list[dict], list[dict]]:
    homes = [
        {"household_id": f"{prefix}{i}", "village_code": village, "household_type": "脱贫户", "persons": 1}
        for i in range(n)
    ]
    persons = [
        {"person_id": f"P{prefix}{i}", "household_id": f"{prefix}{i}", "sex": "男", "birth_year": 1980,
         "labour_ability": "普通劳动力", "health": "健康"}
        for i in range(n)
    ]  # fmt: skip
    return homes, persons


def _jobs(prefix: str, starts: list[str], year: int) -> list[dict]:
    return [
        {"record_id": f"E{year}{prefix}{i}", "person_id": f"P{prefix}{i}", "year": year, "channel": "劳务输出",
         "location": "省外", "started_on": day}
        for i, day in enumerate(starts)
    ]  # fmt: skip


def bundle(targets: list[dict], *, last_year: bool = True, **extra):
    """T1: 10 people, T2: 10 people. Last year 8 placements by 26 July out of 10 (80 %); this year T1 has
    6 placements and T2 has 3 by 26 July."""
    h1, p1 = _people(10, V1, "A")
    h2, p2 = _people(10, V3, "B")
    jobs = _jobs("A", ["2022-02-01"] * 6, 2022) + _jobs("B", ["2022-03-01"] * 3, 2022)
    if last_year:
        jobs += _jobs("A", ["2021-02-01"] * 4 + ["2021-09-01"], 2021)
        jobs += _jobs("B", ["2021-03-01"] * 4 + ["2021-10-01"], 2021)
    return bundle_from_frames(
        as_of=NOW, households=h1 + h2, persons=p1 + p2, employment=jobs, employment_targets=targets, **extra
    )


YEARLY = [
    {"year": 2022, "township_code": None, "target": 20},
    {"year": 2022, "township_code": T1, "target": 10},
    {"year": 2022, "township_code": T2, "target": 10},
]


def test_last_years_curve_scaled_to_this_years_target():
    b = bundle(YEARLY)
    ys = pace.yardstick(b, as_of=NOW)
    assert ys.basis == "last_year" and ys.share == pytest.approx(0.8)
    rows = pace.township_pace(b, as_of=NOW).set_index("township_code")
    assert rows.loc[T1, "expected"] == pytest.approx(8.0)  # 10 × 80 %
    assert rows.loc[T1, "pct"] == pytest.approx(75.0)  # 6 of 8
    assert rows.loc[T2, "short"] == 5 and rows.loc[T2, "basis"] == "last_year"
    county = pace.county_pace(b, as_of=NOW)
    assert county["expected"] == pytest.approx(16.0) and county["pct"] == pytest.approx(9 / 16 * 100)
    # The straight line would call T1 ahead (10 × 207/365 = 5.7 < 6): the curve says it is behind.
    assert 6 > 10 * 207 / 365
    assert "上年同期" in ys.text() and "80.0%" in ys.text() and "last year" in ys.text("en")


def test_monthly_plan_wins_and_is_interpolated_within_the_month():
    plan = [
        {"year": 2022, "township_code": T1, "target": t, "month": m}
        for m, t in ((1, 2), (2, 4), (3, 6), (4, 7), (5, 7), (6, 8), (7, 9))  # no rows after July
    ]
    b = bundle(YEARLY + plan)
    assert pace.yardstick(b, as_of=NOW).basis == "monthly_plan"
    rows = pace.township_pace(b, as_of=NOW).set_index("township_code")
    # End of June 8, end of July 9: on 26 July 8 + 1 × 26/31.
    assert rows.loc[T1, "expected"] == pytest.approx(8 + 26 / 31)
    assert rows.loc[T1, "basis"] == "monthly_plan"
    # T2 has no monthly plan: it falls back to last year's curve, and says so.
    assert rows.loc[T2, "basis"] == "last_year" and rows.loc[T2, "expected"] == pytest.approx(8.0)
    # A month without a row keeps the previous month's level (4 → 5: 7 throughout May).
    may = pace.township_pace(b, as_of=D(2022, 5, 15)).set_index("township_code")
    assert may.loc[T1, "expected"] == pytest.approx(7.0)
    # Early January: from zero towards January's figure.
    jan = pace.township_pace(b, as_of=D(2022, 1, 31)).set_index("township_code")
    assert jan.loc[T1, "expected"] == pytest.approx(2.0)
    # The county has no plan of its own: the sum of the townships' expected.
    assert pace.county_pace(b, as_of=NOW)["expected"] == pytest.approx(8 + 26 / 31 + 8.0)


def test_posts_plan_is_not_a_job_plan():
    posts_plan = [{"year": 2022, "township_code": T1, "target": 50, "target_kind": "公益岗位"}]
    b = bundle(YEARLY + posts_plan)
    rows = pace.township_pace(b, as_of=NOW).set_index("township_code")
    assert rows.loc[T1, "target"] == 10  # the posts' 50 is not added to the job target
    plan = pace.posts_against_plan(b, as_of=NOW).set_index("township_code")
    assert plan.loc[T1, "plan"] == 50 and plan.loc[T1, "persons"] == 0 and plan.loc[T1, "pct"] == 0
    assert plan.loc[T2, "plan"] != plan.loc[T2, "plan"]  # no plan: NaN, never a guessed 0


def test_even_pace_only_without_last_years_placements():
    b = bundle(YEARLY, last_year=False)
    ys = pace.yardstick(b, as_of=NOW)
    assert ys.basis == "even" and "均匀" in ys.text()
    rows = pace.township_pace(b, as_of=NOW).set_index("township_code")
    assert rows.loc[T1, "expected"] == pytest.approx(10 * 207 / 365)


def test_no_target_no_pace():
    b = bundle([])
    assert pace.yardstick(b, as_of=NOW).basis == "none"
    rows = pace.township_pace(b, as_of=NOW)
    assert rows["expected"].isna().all() and (rows["basis"] == "none").all() and (rows["short"] == 0).all()


def test_townships_without_training():
    trainings = [
        {"training_id": "T1", "year": 2022, "title": "电工培训", "township_code": T1, "started_on": "2022-03-01",
         "participants": 30},
        {"training_id": "T0", "year": 2021, "title": "电工培训", "township_code": T2, "started_on": "2021-03-01",
         "participants": 30},
    ]  # fmt: skip
    assert pace.no_training(bundle(YEARLY, trainings=trainings), as_of=NOW) == [T2]
    # Before T1's session, neither had one this year.
    assert pace.no_training(bundle(YEARLY, trainings=trainings), as_of=D(2022, 2, 1)) == [T1, T2]
    # No training ledger in the folder: nobody is judged on it.
    assert pace.no_training(bundle(YEARLY), as_of=NOW) is None


def test_sample_yardstick_is_not_the_straight_line(sample_bundle):
    """In the sample the county is past the year's target in July; last year's curve still separates
    the townships (the straight line put every township at 165-185 % of pace)."""
    rows = pace.township_pace(sample_bundle, as_of=NOW)
    assert (rows["basis"] == "last_year").all()
    assert rows["pct"].max() < 130
