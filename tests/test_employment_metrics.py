"""Employment metrics on hand-built data (issue #5): counting once, targets, pace, breakdowns,
reconciliation lists."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lulong_data.metrics import employment as em
from lulong_data.metrics import pace
from lulong_data.metrics import reconciliation as rc
from tests.factories import T1, T2, V1, V2, V3, bundle_from_frames

AS_OF = dt.date(2022, 7, 2)  # day 183 of 365

HOUSEHOLDS = [
    {
        "household_id": "H1",
        "village_code": V1,
        "household_type": "脱贫户",
        "exit_year": 2016,
        "persons": 2,
        "head_name": "张三明",
    },
    {
        "household_id": "H2",
        "village_code": V2,
        "household_type": "脱贫户",
        "exit_year": 2017,
        "persons": 2,
        "head_name": "李四",
    },
    {
        "household_id": "H3",
        "village_code": V3,
        "household_type": "脱贫户",
        "exit_year": 2018,
        "persons": 2,
        "head_name": "王五",
    },
]
PERSONS = [
    {
        "person_id": "P1",
        "household_id": "H1",
        "sex": "男",
        "birth_year": 1980,
        "labour_ability": "普通劳动力",
        "health": "健康",
    },
    {
        "person_id": "P2",
        "household_id": "H1",
        "sex": "女",
        "birth_year": 1958,
        "labour_ability": "普通劳动力",
        "health": "健康",
    },
    {
        "person_id": "P3",
        "household_id": "H2",
        "sex": "男",
        "birth_year": 1975,
        "labour_ability": "弱劳动力或半劳动力",
        "health": "长期慢性病",
    },
    {
        "person_id": "P4",
        "household_id": "H2",
        "sex": "女",
        "birth_year": 1970,
        "labour_ability": "丧失劳动力",
        "health": "残疾",
    },
    {
        "person_id": "P5",
        "household_id": "H3",
        "sex": "男",
        "birth_year": 1985,
        "labour_ability": "技能劳动力",
        "health": "健康",
    },
    {
        "person_id": "P6",
        "household_id": "H3",
        "sex": "女",
        "birth_year": 1990,
        "labour_ability": "普通劳动力",
        "health": "健康",
    },
]


def emp(rid, pid, year, channel, location, started):
    return {
        "record_id": rid,
        "person_id": pid,
        "year": year,
        "channel": channel,
        "location": location,
        "started_on": started,
    }


EMPLOYMENT = [
    # P1 has two rows in 2022: counted once, in the channel of the first row.
    emp("E1", "P1", 2022, "劳务输出", "省外", "2022-02-10"),
    emp("E2", "P1", 2022, "县内企业吸纳", "县内", "2022-05-01"),
    emp("E3", "P2", 2022, "公益岗位", "县内", "2022-03-01"),  # P2's post is in welfare_jobs
    emp("E4", "P3", 2022, "公益岗位", "县内", "2022-04-01"),  # no welfare_jobs row
    emp("E5", "P4", 2022, "劳务输出", "省内县外", "2022-06-15"),  # 丧失劳动力 in 劳务输出
    emp("E6", "P5", 2022, "帮扶车间", "县内", "2022-01-20"),
    emp("E7", "P6", 2022, "灵活就业", "县内", "2022-09-01"),  # after AS_OF: not yet counted
    emp("E8", "P1", 2021, "劳务输出", "省外", "2021-03-01"),
    emp("E9", "P5", 2021, "劳务输出", "省外", "2021-08-01"),  # after the same day a year earlier
]
TARGETS = [
    {"year": 2022, "township_code": None, "target": 10},
    {"year": 2022, "township_code": T1, "target": 10},
    # T2 has no target of its own.
]


def job(jid, pid, year, ptype, village, months, subsidy, started):
    return {
        "job_id": jid, "person_id": pid, "year": year, "post_type": ptype, "village_code": village,
        "months": months, "monthly_subsidy": subsidy, "started_on": started,
    }  # fmt: skip


WELFARE_JOBS = [
    job("J1", "P2", 2022, "保洁员", V1, 10, 650, "2022-03-01"),
    job("J2", "P6", 2022, "护路员", V3, 10, 650, "2022-03-01"),  # no employment row
    job("J3", "P4", 2022, "护林员", V2, 10, 650, "2022-05-01"),  # no employment row either
    job("J4", "P2", 2021, "保洁员", V1, 9, 600, "2021-03-01"),
]
TRAININGS = [
    {
        "training_id": "T1",
        "year": 2022,
        "title": "果树修剪",
        "township_code": T1,
        "started_on": "2022-03-01",
        "participants": 50,
    },
    {
        "training_id": "T2",
        "year": 2022,
        "title": "电商",
        "township_code": T2,
        "started_on": "2022-04-01",
        "participants": 40,
    },
    {
        "training_id": "T3",
        "year": 2022,
        "title": "家政",
        "township_code": None,
        "started_on": "2022-05-01",
        "participants": 30,
    },
    {
        "training_id": "T4",
        "year": 2022,
        "title": "焊工",
        "township_code": T1,
        "started_on": "2022-10-01",
        "participants": 20,
    },
    {
        "training_id": "T5",
        "year": 2021,
        "title": "养殖",
        "township_code": T2,
        "started_on": "2021-05-01",
        "participants": 25,
    },
]


@pytest.fixture(scope="module")
def b():
    return bundle_from_frames(
        as_of=AS_OF,
        households=HOUSEHOLDS,
        persons=PERSONS,
        employment=EMPLOYMENT,
        employment_targets=TARGETS,
        welfare_jobs=WELFARE_JOBS,
        trainings=TRAININGS,
    )


def test_person_with_two_rows_counts_once(b):
    # P1 (twice), P2, P3, P4, P5; P6 starts after AS_OF.
    assert em.employment_placed(b, as_of=AS_OF, year=2022) == 5
    by_t = em.employment_by_township(b, as_of=AS_OF, year=2022)
    assert by_t["placed"].sum() == 5
    assert dict(zip(by_t["township_code"], by_t["placed"], strict=True)) == {T1: 4, T2: 1}
    # Channels add up to the persons too: P1 is in 劳务输出 (first row) only.
    ch = em.employment_by_channel(b, as_of=AS_OF, year=2022).set_index("channel")
    assert ch["persons"].sum() == 5
    assert ch.loc["劳务输出", "persons"] == 2 and ch.loc["县内企业吸纳", "persons"] == 0


def test_township_with_no_target(b):
    by_t = em.employment_by_township(b, as_of=AS_OF, year=2022).set_index("township_code")
    assert pd_na(by_t.loc[T2, "target"])
    assert by_t.loc[T2, "status"] == "no_target"
    assert by_t.loc[T2, "short"] == 0
    assert em.employment_target(b, as_of=AS_OF, year=2022, township=T2) is None
    assert em.employment_pace(b, as_of=AS_OF, year=2022, township=T2) is None
    # It is never on the behind-pace list: there is no pace to be behind.
    assert T2 not in set(em.townships_behind_pace(b, as_of=AS_OF, year=2022)["township_code"])


def pd_na(x):
    return pd.isna(x)


def test_pace_at_a_mid_year_date(b):
    # The even pace, the yardstick's last resort: 2 July 2022 is day 183 of 365.
    assert em.target_pace(3650, 2022, dt.date(2022, 7, 2)) == pytest.approx(1830)
    assert em.target_pace(366, 2024, dt.date(2024, 12, 31)) == 366  # leap year, last day
    assert em.target_pace(100, 2022, dt.date(2021, 12, 31)) == 0
    assert em.target_pace(100, 2022, dt.date(2023, 3, 1)) == 100
    assert em.target_pace(None, 2022, AS_OF) is None
    # With last year's placements the county's one yardstick is last year's curve (lulong_data.metrics.pace):
    # of 2021's two placements (P1 from March, P5 from August) one had started by 2 July 2021.
    assert pace.yardstick(b, as_of=AS_OF).basis == "last_year"
    expected = 10 * 1 / 2
    assert em.employment_pace(b, as_of=AS_OF, year=2022) == pytest.approx(expected)
    row = em.employment_by_township(b, as_of=AS_OF, year=2022).set_index("township_code").loc[T1]
    assert row["pace"] == pytest.approx(expected)
    assert row["placed"] == 4 and row["short"] == 1  # ⌈5 − 4⌉
    assert row["gap"] == 6 and row["rate"] == pytest.approx(40)
    behind = em.townships_behind_pace(b, as_of=AS_OF, year=2022)
    assert behind["township_code"].tolist() == [T1] and behind["short"].tolist() == [1]
    # The status rule reads the same pace (one yardstick for the page, the overview and the meeting).
    towns = pace.township_pace(b, as_of=AS_OF).set_index("township_code")
    assert towns.loc[T1, "expected"] == pytest.approx(row["pace"])
    # On 1 April P1 had already started in 2021 (half of last year by then): 3 placed against 5.
    early = em.employment_by_township(b, as_of=dt.date(2022, 4, 1), year=2022).set_index("township_code")
    assert early.loc[T1, "placed"] == 3 and early.loc[T1, "pace"] == pytest.approx(5)
    assert early.loc[T1, "status"] == "behind"
    # A past year's pace is its full target, whatever the date.
    assert em.employment_pace(b, as_of=dt.date(2023, 3, 1), year=2022) == 10


def test_cumulative_by_month(b):
    cum = em.employment_cumulative(b, as_of=AS_OF, year=2022)
    assert cum["month"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert cum["date"].iloc[-1] == AS_OF  # the last point is the as-of date, not 31 July
    assert cum["placed"].tolist() == [1, 2, 3, 4, 4, 5, 5]
    assert cum["placed"].iloc[-1] == em.employment_placed(b, as_of=AS_OF, year=2022)
    # The pace at each month end is last year's curve on that day: nothing by February, P1 from March.
    assert cum["pace"].tolist() == pytest.approx([0, 0, 5, 5, 5, 5, 5])
    assert cum["pace"].iloc[-1] == pytest.approx(em.employment_pace(b, as_of=AS_OF, year=2022))


def test_change_against_the_same_day_a_year_earlier(b):
    assert em.same_day_year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    loc = em.employment_by_location(b, as_of=AS_OF, year=2022).set_index("location")
    # 2021 up to 2 July 2021: only P1 (E8); P5's 2021 row started in August.
    assert loc.loc["省外", "persons_prev"] == 1 and loc.loc["省外", "persons"] == 1
    assert loc.loc["县内", "persons"] == 3 and loc.loc["县内", "change"] == 3
    assert loc["persons"].sum() == 5


def test_welfare_posts_breakdowns(b):
    assert em.welfare_post_persons(b, as_of=AS_OF, year=2022) == 3
    by_type = em.welfare_posts_by_type(b, as_of=AS_OF, year=2022).set_index("post_type")
    assert by_type["persons"].sum() == 3
    assert by_type.loc["保洁员", "persons_prev"] == 1 and by_type.loc["保洁员", "change"] == 0
    assert by_type.loc["保洁员", "subsidy"] == 650
    by_t = em.welfare_posts_by_township(b, as_of=AS_OF, year=2022).set_index("township_code")
    assert by_t.loc[T1, "persons"] == 2 and by_t.loc[T2, "persons"] == 1  # by the post's village
    assert by_t["persons"].sum() == em.welfare_post_persons(b, as_of=AS_OF, year=2022)


def test_weak_or_elderly_share(b):
    # Holders: P2 (born 1958: 64 in 2022), P6 (普通劳动力, 32), P4 (丧失劳动力) -> 2 of 3.
    assert em.welfare_post_weak_share(b, as_of=AS_OF, year=2022) == pytest.approx(200 / 3)
    groups = em.welfare_post_holders(b, as_of=AS_OF, year=2022).set_index("group")["persons"]
    assert groups.to_dict() == {"weak": 0, "none": 1, "elderly": 1, "other": 1}
    assert em.welfare_post_weak_share(b, as_of=AS_OF, year=2020) is None


def test_trainings(b):
    assert em.training_sessions(b, as_of=AS_OF, year=2022) == 3
    by_t = em.trainings_by_township(b, as_of=AS_OF, year=2022)
    assert by_t["sessions"].sum() == 3 and by_t["participants"].sum() == 120
    assert "未注明乡镇" in set(by_t["township"])
    by_y = em.trainings_by_year(b, as_of=AS_OF)
    assert by_y.to_dict("list") == {"year": [2021, 2022], "sessions": [1, 3], "participants": [25, 120]}
    assert len(em.training_list(b, as_of=AS_OF, year=2022)) == 3


def test_reconciliation_lists(b):
    posts = rc.posts_without_employment(b, as_of=AS_OF, year=2022)
    assert posts["job_id"].tolist() == ["J3", "J2"]  # sorted by township: T1 (P4) before T2 (P6)
    assert posts["head_masked"].tolist() == ["李*", "王*"]  # names masked
    no_post = rc.employment_without_post(b, as_of=AS_OF, year=2022)
    assert no_post["record_id"].tolist() == ["E4"]
    dup = rc.duplicate_employment(b, as_of=AS_OF, year=2022)
    assert dup["person_id"].tolist() == ["P1"]
    assert dup["rows"].tolist() == [2] and dup["channels"].tolist() == ["劳务输出、县内企业吸纳"]
    nowork = rc.no_work_labour_export(b, as_of=AS_OF, year=2022)
    assert nowork["record_id"].tolist() == ["E5"] and nowork["labour_ability"].tolist() == ["丧失劳动力"]
    summary = rc.summary(b, as_of=AS_OF, year=2022).set_index("check")["findings"]
    assert summary.to_dict() == {
        "posts_without_employment": 2,
        "employment_without_post": 1,
        "duplicate_employment": 1,
        "no_work_labour_export": 1,
    }


def test_reconciliation_respects_as_of_and_township(b):
    # On 1 April, P4's post (1 May) did not exist yet; E4 (1 April) did.
    early = dt.date(2022, 4, 1)
    assert rc.posts_without_employment(b, as_of=early, year=2022)["job_id"].tolist() == ["J2"]
    assert rc.duplicate_employment(b, as_of=early, year=2022).empty
    assert rc.posts_without_employment(b, as_of=AS_OF, year=2022, township=T2)["job_id"].tolist() == ["J2"]
    assert rc.employment_without_post(b, as_of=AS_OF, year=2022, township=T2).empty


def test_empty_ledgers_do_not_crash():
    b = bundle_from_frames()
    assert em.employment_by_township(b, as_of=AS_OF, year=2022)["placed"].sum() == 0
    assert em.employment_cumulative(b, as_of=AS_OF, year=2022)["placed"].sum() == 0
    assert em.employment_by_channel(b, as_of=AS_OF, year=2022)["persons"].sum() == 0
    assert em.welfare_posts_by_type(b, as_of=AS_OF, year=2022)["persons"].sum() == 0
    assert em.trainings_by_year(b, as_of=AS_OF).empty
    assert rc.summary(b, as_of=AS_OF, year=2022)["findings"].sum() == 0


def test_sample_breakdowns_add_up(sample_bundle):
    b, d = sample_bundle, sample_bundle.as_of
    placed = em.employment_placed(b, as_of=d, year=2022)
    by_t = em.employment_by_township(b, as_of=d, year=2022)
    assert by_t["placed"].sum() == placed == 4019
    assert by_t["target"].sum() == em.employment_target(b, as_of=d, year=2022) == 3946
    for code, n in zip(by_t["township_code"], by_t["placed"], strict=True):
        assert n == em.employment_placed(b, as_of=d, year=2022, township=code)
    assert em.employment_by_channel(b, as_of=d, year=2022)["persons"].sum() == placed
    assert em.employment_by_location(b, as_of=d, year=2022)["persons"].sum() == placed
    posts = em.welfare_posts_by_type(b, as_of=d, year=2022)
    assert posts["persons"].sum() == 2434 and posts["persons_prev"].sum() == 2227
