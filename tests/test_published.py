"""Published figures (docs/published-figures.md): every metric on tiny data, then the sample."""

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from factories import T1, T2, V1, V2, V3, bundle_from_frames
from paths import ROOT, SAMPLE_DIR

from lulong_data.metrics import METRICS, compute
from lulong_data.metrics.published import MATCH, NOT_COMPUTABLE, check_published, decimals, round_half_up
from lulong_data.metrics.registry import metric, parse_spec

AS_OF = dt.date(2022, 7, 26)


def value(b, spec, as_of=AS_OF):
    return compute(b, spec, as_of)


# -- registry -------------------------------------------------------------------------------------


def test_parse_spec():
    assert parse_spec("township_count") == ("township_count", {})
    assert parse_spec("assistance_new_persons:scheme=农村低保,year=2022") == (
        "assistance_new_persons",
        {"scheme": "农村低保", "year": 2022},
    )
    with pytest.raises(ValueError):
        parse_spec("x:year")


def test_every_metric_is_documented():
    for m in METRICS.values():
        assert m.title_zh and m.title_en and m.department and m.frequency and m.definition_zh, m.name


def test_a_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="twice"):
        metric("township_count", "x", "x", "个", "x", "年", "x")(lambda b, *, as_of: 0)


# -- places ---------------------------------------------------------------------------------------

HOUSEHOLDS = [
    {"household_id": "H1", "village_code": V1, "household_type": "脱贫户", "exit_year": 2016, "persons": 3},
    {"household_id": "H2", "village_code": V3, "household_type": "脱贫户", "exit_year": 2018, "persons": 2},
    {"household_id": "H3", "village_code": V2, "household_type": "一般农户", "persons": 4},
]
PERSONS = [
    {
        "person_id": f"{h}-{i}",
        "household_id": h,
        "sex": "男",
        "birth_year": 1980,
        "labour_ability": "普通劳动力",
        "health": "健康",
    }
    for h, n in (("H1", 3), ("H2", 2), ("H3", 4))
    for i in range(n)
]


def test_places():
    b = bundle_from_frames(
        villages=[
            {"village_code": V1, "township_code": T1, "name": "东村", "kind": "村委会"},
            {"village_code": V2, "township_code": T1, "name": "社区", "kind": "居委会"},
            {"village_code": V3, "township_code": T2, "name": "东村", "kind": "村委会"},
        ],
        households=HOUSEHOLDS,
        policy_menu=[
            {"policy_code": f"Z{i}", "name": "x", "department": "y", "category": "产业"} for i in range(37)
        ],
    )
    assert value(b, "township_count") == 2
    assert value(b, "village_count") == 2  # the 居委会 is not a 行政村
    assert value(b, f"village_count:township={T1}") == 1
    assert value(b, "registered_population") == pytest.approx(10.0)  # (60000 + 40000) / 10000
    assert value(b, f"registered_population:township={T2}") == pytest.approx(4.0)
    assert value(b, "poverty_households") == 2
    assert value(b, "poverty_persons") == 5
    assert value(b, f"poverty_persons:township={T2}") == 2
    assert value(b, "policy_menu_items") == 37


# -- employment -----------------------------------------------------------------------------------


def emp(rid, person, started, year=2022, channel="劳务输出"):
    return {
        "record_id": rid,
        "person_id": person,
        "year": year,
        "channel": channel,
        "location": "省外",
        "started_on": started,
    }


def test_employment_person_with_two_rows_counts_once():
    b = bundle_from_frames(
        households=HOUSEHOLDS,
        persons=PERSONS,
        employment=[
            emp("E1", "H1-0", "2022-03-01"),
            emp("E2", "H1-0", "2022-06-01", channel="灵活就业"),  # same person again
            emp("E3", "H2-0", "2022-04-01"),
            emp("E4", "H2-1", "2022-08-01"),  # after as_of
            emp("E5", "H1-1", "2021-04-01", year=2021),  # other year
        ],
        employment_targets=[
            {"year": 2022, "township_code": None, "target": 4},
            {"year": 2022, "township_code": T1, "target": 3},
            {"year": 2022, "township_code": T2, "target": 2},
            {"year": 2021, "township_code": T1, "target": 5},
            {"year": 2021, "township_code": T2, "target": 6},
        ],
    )
    assert value(b, "employment_placed:year=2022") == 2
    assert value(b, "employment_placed:year=2022", as_of=dt.date(2022, 12, 31)) == 3
    assert value(b, f"employment_placed:year=2022,township={T1}") == 1
    assert value(b, "employment_target:year=2022") == 4  # the county row wins over the township sum
    assert value(b, "employment_target:year=2021") == 11  # no county row: sum of townships
    assert value(b, f"employment_target:year=2022,township={T2}") == 2
    assert value(b, "employment_target:year=2020") is None
    assert value(b, "employment_rate:year=2022") == pytest.approx(50.0)
    assert value(b, "employment_rate:year=2020") is None


def post(jid, person, year, months, subsidy, started, village=V1):
    return {
        "job_id": jid,
        "person_id": person,
        "year": year,
        "post_type": "保洁员",
        "village_code": village,
        "months": months,
        "monthly_subsidy": subsidy,
        "started_on": started,
    }


def test_welfare_posts():
    b = bundle_from_frames(
        households=HOUSEHOLDS,
        persons=PERSONS,
        welfare_jobs=[
            post("J1", "H1-0", 2021, 9, 600, "2021-03-01"),
            post("J2", "H1-1", 2021, 9, 600, "2021-03-01"),
            post("J3", "H1-0", 2022, 10, 650, "2022-03-01"),
            post("J4", "H1-1", 2022, 10, 650, "2022-03-01"),
            post("J5", "H1-1", 2022, 12, 700, "2022-04-01"),  # second post of one person
            post("J6", "H2-0", 2022, 9, 650, "2022-03-01", village=V3),
            post("J7", "H2-1", 2022, 12, 900, "2022-09-01", village=V3),  # after as_of
        ],
    )
    assert value(b, "welfare_post_persons:year=2022") == 3
    assert value(b, "welfare_post_persons:year=2021") == 2
    assert value(b, "welfare_post_persons_change:year=2022") == 1
    assert value(b, f"welfare_post_persons:year=2022,township={T2}") == 1
    assert value(b, "welfare_post_months:year=2022") == pytest.approx(10)  # median of 10, 10, 12, 9
    assert value(b, "welfare_post_months:year=2021") == pytest.approx(9)
    assert value(b, "welfare_post_subsidy:year=2022") == pytest.approx(650)
    assert value(b, "welfare_post_subsidy:year=2020") is None


def test_trainings():
    rows = [
        {
            "training_id": "T1",
            "year": 2022,
            "title": "a",
            "township_code": T1,
            "started_on": "2022-03-01",
            "participants": 50,
        },
        {
            "training_id": "T2",
            "year": 2022,
            "title": "b",
            "township_code": None,
            "started_on": "2022-05-01",
            "participants": 40,
        },
        {
            "training_id": "T3",
            "year": 2022,
            "title": "c",
            "township_code": T2,
            "started_on": "2022-10-01",
            "participants": 99,
        },
        {
            "training_id": "T4",
            "year": 2021,
            "title": "d",
            "township_code": T1,
            "started_on": "2021-10-01",
            "participants": 7,
        },
    ]
    b = bundle_from_frames(trainings=rows)
    assert value(b, "training_sessions:year=2022") == 2
    assert value(b, "training_participants:year=2022") == 90
    assert value(b, f"training_participants:year=2022,township={T1}") == 50


# -- social assistance and student aid ------------------------------------------------------------


def sa(rid, hh, village, scheme, persons, started, ended=None, phaseout=None):
    return {
        "record_id": rid,
        "household_id": hh,
        "village_code": village,
        "scheme": scheme,
        "persons": persons,
        "started_on": started,
        "ended_on": ended,
        "phaseout_until": phaseout,
        "monthly_amount": 400,
    }


SOCIAL = [
    sa("S1", "H1", V1, "农村低保", 2, "2020-05-01", phaseout="2023-01-31"),  # active, in phase-out
    sa("S2", "H1", V1, "农村低保", 1, "2021-05-01", phaseout="2023-03-31"),  # same household again
    sa("S3", "H2", V3, "农村低保", 2, "2022-02-01"),  # new this year, no phase-out
    sa(
        "S4", "H2", V3, "农村低保", 5, "2019-02-01", ended="2022-06-30", phaseout="2022-12-31"
    ),  # ended before as_of
    sa("S5", None, V2, "农村低保", 3, "2022-03-01"),  # not on the households roll
    sa("S6", "H1", V1, "农村低保", 1, "2022-08-15"),  # after as_of
    sa("S7", None, V3, "特困供养", 1, "2022-01-10"),
    sa("S8", "H2", V3, "特困供养", 1, "2021-01-10", ended="2022-07-27"),  # ends after as_of: active
    sa("S9", "H1", V1, "农村低保", 4, "2020-01-01", phaseout="2022-07-01"),  # phase-out already over
]


def test_active_record_ended_before_as_of_not_counted():
    b = bundle_from_frames(households=HOUSEHOLDS, persons=PERSONS, social_assistance=SOCIAL)
    # Active 农村低保 on as_of: S1 2 + S2 1 + S3 2 + S5 3 + S9 4 = 12 (S4 ended, S6 not yet started).
    assert value(b, "dibao_coverage") == pytest.approx(12 / 70000 * 100)
    assert value(b, f"dibao_coverage:township={T2}") == pytest.approx(2 / 30000 * 100)
    # The day before S4 ended it still counts.
    assert value(b, "dibao_coverage", as_of=dt.date(2022, 6, 29)) == pytest.approx((12 + 5) / 70000 * 100)


def test_assistance_new_persons():
    b = bundle_from_frames(households=HOUSEHOLDS, social_assistance=SOCIAL)
    assert value(b, "assistance_new_persons:scheme=农村低保,year=2022") == 5  # S3 + S5 (S6 after as_of)
    assert value(b, "assistance_new_persons:scheme=特困供养,year=2022") == 1
    assert value(b, f"assistance_new_persons:scheme=农村低保,year=2022,township={T2}") == 2
    assert value(b, "assistance_new_persons:scheme=农村低保,year=2021") == 1


def test_phaseout_and_poverty_share():
    b = bundle_from_frames(households=HOUSEHOLDS, persons=PERSONS, social_assistance=SOCIAL)
    assert value(b, "phaseout_households") == 1  # H1 (S1, S2); S4 ended, S9's phase-out is over
    assert value(b, "phaseout_persons") == 3
    # Active records of 脱贫户: S1 2 + S2 1 + S3 2 + S8 1 + S9 4 = 10 of 5 poverty persons.
    assert value(b, "poverty_assistance_share") == pytest.approx(10 / 5 * 100)
    assert value(b, f"poverty_assistance_share:township={T2}") == pytest.approx(3 / 2 * 100)


def test_student_aid():
    rows = [
        {
            "record_id": "A1",
            "village_code": V1,
            "year": 2022,
            "stage": "高校",
            "program": "x",
            "amount": 5000,
            "student_id": "S1",
        },
        {
            "record_id": "A2",
            "village_code": V1,
            "year": 2022,
            "stage": "高校",
            "program": "y",
            "amount": 1000,
            "student_id": "S1",
        },
        {
            "record_id": "A3",
            "village_code": V3,
            "year": 2022,
            "stage": "学前",
            "program": "x",
            "amount": 600,
            "student_id": None,
        },
        {
            "record_id": "A4",
            "village_code": V3,
            "year": 2021,
            "stage": "学前",
            "program": "x",
            "amount": 600,
            "student_id": "S9",
        },
    ]
    b = bundle_from_frames(student_aid=rows)
    assert value(b, "student_aid_students:year=2022") == 2  # S1 once + one row without an id
    assert value(b, "student_aid_amount:year=2022") == pytest.approx(0.66)
    assert value(b, f"student_aid_amount:year=2022,township={T2}") == pytest.approx(0.06)
    no_ids = bundle_from_frames(student_aid=[{k: v for k, v in r.items() if k != "student_id"} for r in rows])
    assert value(no_ids, "student_aid_students:year=2022") == 3  # rows when there is no student_id


# -- indicators -----------------------------------------------------------------------------------


def ind(name, period, val, township=None):
    return {
        "indicator": name,
        "period": period,
        "township_code": township,
        "value": val,
        "unit": "个",
        "department": "卫健局",
    }


def test_indicator_latest_period_not_after_as_of():
    b = bundle_from_frames(
        indicators=[
            ind("家庭医生签约团队数", "2021", 400),
            ind("家庭医生签约团队数", "2022-06-30", 458),
            ind("家庭医生签约团队数", "2022-12-31", 470),  # after as_of
            ind("家庭医生签约团队数", "2022-07-01", 40, township=T1),  # township row, not the county's
            ind("县本级衔接资金", "2022", 2700),
            ind("县本级衔接资金", "2021", 2500),
        ]
    )
    assert value(b, "indicator:name=家庭医生签约团队数") == 458
    assert value(b, "indicator:name=家庭医生签约团队数", as_of=dt.date(2022, 3, 1)) == 400
    assert value(b, "indicator:name=家庭医生签约团队数,period=2022-12-31") == 470
    assert value(b, f"indicator:name=家庭医生签约团队数,township={T1}") == 40
    assert value(b, "indicator:name=县本级衔接资金,period=2022") == 2700  # period given as int by the spec
    assert value(b, "indicator:name=县本级衔接资金") == 2700
    assert value(b, "indicator:name=不存在") is None


# -- check_published ------------------------------------------------------------------------------


def fig(fid, val, spec, unit="个"):
    return {
        "figure_id": fid,
        "statement": fid,
        "value": val,
        "unit": unit,
        "as_of": "2022-07-26",
        "source": "发布会",
        "metric": spec,
    }


def test_check_published_statuses():
    b = bundle_from_frames(
        indicators=[ind("家庭医生签约团队数", "2022", 458)],
        published_figures=[
            fig("A", 2, "township_count"),
            fig("B", 3, "township_count"),
            fig("C", 1, "no_such_metric"),
            fig("D", 1, None),
            fig("E", 1, "indicator"),  # missing its name parameter
            fig("F", 10.0, "registered_population", unit="万人"),
            fig("G", 1, "indicator:name=不存在"),
            fig("H", 0, "training_sessions:year=2022"),  # no trainings file: not "0 matches 0"
        ],
    )
    out = check_published(b).set_index("figure_id")
    assert out.loc["A", "status"] == MATCH and out.loc["A", "computed"] == 2
    assert out.loc["B", "status"] == "differs" and out.loc["B", "difference"] == -1
    assert out.loc["C", "status"] == NOT_COMPUTABLE and "no_such_metric" in out.loc["C", "reason"]
    assert out.loc["D", "status"] == NOT_COMPUTABLE and out.loc["D", "reason"]
    assert out.loc["E", "status"] == NOT_COMPUTABLE and "error" in out.loc["E", "reason"]
    assert out.loc["F", "status"] == MATCH
    assert out.loc["G", "status"] == NOT_COMPUTABLE and "no data" in out.loc["G", "reason"]
    assert out.loc["H", "status"] == NOT_COMPUTABLE and "trainings" in out.loc["H", "reason"]
    assert out.loc["A", "as_of"] == AS_OF


def test_rounding_to_published_decimals():
    assert decimals(40.8) == 1 and decimals(583.86) == 2 and decimals(12.0) == 0 and decimals(3.1) == 1
    assert round_half_up(9.5, 0) == 10 and round_half_up(10.5, 0) == 11  # not banker's rounding
    assert round_half_up(101.85, 0) == 102 and round_half_up(3.05, 1) == Decimal("3.1")


# -- the sample reproduces every published figure -------------------------------------------------

DOC = ROOT / "docs" / "published-figures.md"
DOC_ROWS = {
    m.group(1): (float(m.group(2)), m.group(3))
    for m in re.finditer(
        r"^\| (P\d\d) \| [^|]+ \| ([\d.]+) \| [^|]+ \| `([^`]+)` \|", DOC.read_text(encoding="utf-8"), re.M
    )
}


def _sample_ids() -> list[str]:
    path = Path(SAMPLE_DIR) / "published_figures.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        key = "figure_id" if "figure_id" in (reader.fieldnames or []) else "编号"
        return [row[key] for row in reader]


def test_doc_lists_p01_to_p30():
    assert sorted(DOC_ROWS) == [f"P{i:02d}" for i in range(1, 31)]


@pytest.fixture(scope="module")
def sample_check(sample_bundle):
    return check_published(sample_bundle).set_index("figure_id")


def test_sample_lists_every_documented_figure(sample_bundle):
    figs = sample_bundle.frames["published_figures"].set_index("figure_id")
    for fid, (val, spec) in DOC_ROWS.items():
        assert fid in figs.index, f"{fid} missing from sample published_figures"
        assert figs.loc[fid, "value"] == pytest.approx(val), fid
        assert figs.loc[fid, "metric"] == spec, fid


@pytest.mark.parametrize("figure_id", sorted(set(DOC_ROWS) | set(_sample_ids())))
def test_sample_figure_matches(sample_check, figure_id):
    assert figure_id in sample_check.index, f"{figure_id} not in the sample's published_figures"
    row = sample_check.loc[figure_id]
    assert row["status"] == MATCH, (
        f"{figure_id} {row['statement']}: published {row['value']} {row['unit']}, computed {row['computed']} "
        f"({row['metric']}) -> {row['status']} {row['reason']}"
    )
