"""Social-assistance, student-aid and indicator metrics on hand-built data (issue #7)."""

from __future__ import annotations

import datetime as dt

import pytest

from lulong_data.metrics import indicators as ind
from lulong_data.metrics import welfare as wf
from tests.factories import T1, T2, V1, V2, V3, bundle_from_frames

AS_OF = dt.date(2022, 7, 26)

HOUSEHOLDS = [
    {"household_id": f"H{i}", "village_code": v, "household_type": kind, "exit_year": 2016 if kind == "脱贫户" else None,
     "persons": n, "head_name": name}
    for i, v, kind, n, name in [
        (1, V1, "脱贫户", 2, "张三明"), (2, V1, "脱贫户", 3, "李四"), (3, V2, "脱贫户", 1, "王五"),
        (4, V3, "一般农户", 2, "赵六"), (5, V3, "脱贫户", 2, "孙七"),
    ]
]  # fmt: skip


def sa(
    rid,
    hid,
    village,
    scheme,
    persons,
    started,
    *,
    cls=None,
    tier=None,
    single=False,
    ended=None,
    until=None,
    amount=500.0,
):
    return {
        "record_id": rid, "household_id": hid, "village_code": village, "scheme": scheme, "persons": persons,
        "dibao_class": cls, "tier": tier, "single_person": single, "started_on": started, "ended_on": ended,
        "phaseout_until": until, "monthly_amount": amount,
    }  # fmt: skip


ASSISTANCE = [
    sa("S1", "H1", V1, "农村低保", 2, "2020-05-01", cls=1, tier=1, amount=800),
    sa(
        "S2", "H2", V1, "农村低保", 3, "2021-03-01", cls=3, tier=2, until="2022-11-30", amount=900
    ),  # phase-out
    sa("S3", "H3", V2, "特困供养", 1, "2022-02-10", single=True, amount=1200),  # new this year
    sa("S4", "H5", V3, "农村低保", 2, "2019-01-01", cls=12, tier=4, ended="2022-06-30", amount=300),  # ended
    sa(
        "S5", None, V3, "农村低保", 1, "2022-03-05", cls=12, tier=4, single=True, amount=400
    ),  # not on the roll
    sa("S6", "H5", V3, "农村低保", 2, "2022-07-01", cls=5, tier=3, until="2023-01-31", amount=350),
    sa("S7", "H4", V3, "农村低保", 2, "2022-08-01", cls=2, tier=1, amount=350),  # after as_of
    sa("S8", "H1", V1, "农村低保", 1, "2022-01-05", tier=2, amount=100),  # no class: unclassified
]

STUDENT_AID = [
    {
        "record_id": "A1",
        "village_code": V1,
        "household_id": "H1",
        "year": 2022,
        "stage": "义务教育",
        "program": "营养餐",
        "amount": 800,
        "student_id": "ST1",
    },
    {
        "record_id": "A2",
        "village_code": V1,
        "household_id": "H1",
        "year": 2022,
        "stage": "义务教育",
        "program": "生活补助",
        "amount": 1000,
        "student_id": "ST1",
    },
    {
        "record_id": "A3",
        "village_code": V3,
        "household_id": None,
        "year": 2022,
        "stage": "普通高中",
        "program": "国家助学金",
        "amount": 2000,
        "student_id": None,
    },
    {
        "record_id": "A4",
        "village_code": V3,
        "household_id": None,
        "year": 2021,
        "stage": "高校",
        "program": "生源地贷款",
        "amount": 8000,
        "student_id": "ST9",
    },
]

INDICATORS = [
    {
        "indicator": "家庭医生签约团队数",
        "period": "2021",
        "township_code": None,
        "value": 440,
        "unit": "个",
        "department": "县卫健局",
    },
    {
        "indicator": "家庭医生签约团队数",
        "period": "2022-06-30",
        "township_code": None,
        "value": 458,
        "unit": "个",
        "department": "县卫健局",
    },
    {
        "indicator": "家庭医生签约团队数",
        "period": "2022-09-30",
        "township_code": None,
        "value": 460,
        "unit": "个",
        "department": "县卫健局",
    },
    {
        "indicator": "城乡居民医保参保率",
        "period": "2022",
        "township_code": None,
        "value": 96.8,
        "unit": "%",
        "department": "县医保局",
    },
    {
        "indicator": "城乡居民医保参保率",
        "period": "2022",
        "township_code": T1,
        "value": 97.1,
        "unit": "%",
        "department": "县医保局",
    },
    {
        "indicator": "未来指标",
        "period": "2023",
        "township_code": None,
        "value": 1,
        "unit": "个",
        "department": "县统计局",
    },
]


@pytest.fixture(scope="module")
def b():
    return bundle_from_frames(
        as_of=AS_OF,
        households=HOUSEHOLDS,
        social_assistance=ASSISTANCE,
        student_aid=STUDENT_AID,
        indicators=INDICATORS,
    )


def test_record_ended_before_as_of_is_not_counted(b):
    by = wf.assistance_by_scheme(b, as_of=AS_OF).set_index("scheme")
    # 低保 active on 26 July: S1, S2, S5, S6, S8 (S4 ended 30 June, S7 starts in August).
    assert by.loc["农村低保", "households"] == 5 and by.loc["农村低保", "persons"] == 9
    assert wf.assistance_households(b, as_of=AS_OF, scheme="农村低保") == 5
    assert wf.assistance_persons(b, as_of=AS_OF, scheme="农村低保") == 9
    # Before S4 ended it was counted (ended_on is the first day not covered).
    assert wf.assistance_persons(b, as_of=dt.date(2022, 6, 29), scheme="农村低保") == 2 + 3 + 2 + 1 + 1
    assert wf.assistance_persons(b, as_of=dt.date(2022, 6, 30), scheme="农村低保") == 2 + 3 + 1 + 1
    # 单人保 is a 低保 measure: a 特困 record flagged so (or covering fewer than its family) is not one.
    assert by.loc["特困供养", "households"] == 1 and by.loc["特困供养", "single_person"] is None
    assert by.loc["农村低保", "single_person"] == 1
    assert "特困" not in wf.single_person_note(by.reset_index()) and "1" in wf.single_person_note(
        by.reset_index()
    )
    assert wf.assistance_monthly_amount(b, as_of=AS_OF) == pytest.approx(
        (800 + 900 + 1200 + 400 + 350 + 100) / 10000
    )


def test_class_tier_totals_equal_the_total(b):
    grid = wf.dibao_class_tier(b, as_of=AS_OF)
    assert len(grid) == 48  # 12 classes × 4 tiers, empty cells included
    unclassified = wf.dibao_unclassified(b, as_of=AS_OF)
    assert unclassified == 1
    assert grid["households"].sum() + unclassified == wf.assistance_households(
        b, as_of=AS_OF, scheme="农村低保"
    )
    cell = grid.set_index(["dibao_class", "tier"])
    assert cell.loc[(12, 4), "households"] == 1  # S5 only: S4 has ended
    assert cell.loc[(3, 2), "persons"] == 3


def test_phaseout_end_dates(b):
    # S2 (脱贫户 H2, until 30 Nov) and S6 (脱贫户 H5, until 31 Jan 2023).
    assert wf.phaseout_households(b, as_of=AS_OF) == 2
    assert wf.phaseout_persons(b, as_of=AS_OF) == 5
    sched = wf.phaseout_schedule(b, as_of=AS_OF)
    assert sched.to_dict("list") == {"month": ["2022-11", "2023-01"], "households": [1, 1], "persons": [3, 2]}
    assert sched["persons"].sum() == wf.phaseout_persons(b, as_of=AS_OF)
    lst = wf.phaseout_list(b, as_of=AS_OF)
    assert lst["record_id"].tolist() == ["S2", "S6"]
    assert lst["head_masked"].tolist() == ["李*", "孙*"]
    assert "head_name" not in lst.columns
    # After 30 November S2's phase-out is over; by February 2023 none is left.
    assert wf.phaseout_schedule(b, as_of=dt.date(2022, 12, 1))["month"].tolist() == ["2023-01"]
    assert wf.phaseout_schedule(b, as_of=dt.date(2023, 2, 1)).empty


def test_new_this_year_by_month(b):
    new = wf.assistance_new_by_month(b, as_of=AS_OF, year=2022)
    assert new["month"].max() == 7
    dibao = new[new["scheme"] == "农村低保"]
    assert (
        dibao["persons"].sum() == wf.assistance_new_persons(b, as_of=AS_OF, scheme="农村低保", year=2022) == 4
    )
    assert new[new["scheme"] == "特困供养"]["persons"].sum() == 1


def test_by_township(b):
    by_t = wf.assistance_by_township(b, as_of=AS_OF).set_index("township_code")
    assert by_t.loc[T1, "dibao_persons"] == 2 + 3 + 1 and by_t.loc[T1, "tekun_persons"] == 1
    assert by_t.loc[T2, "dibao_persons"] == 3
    assert by_t["dibao_persons"].sum() == wf.assistance_persons(b, as_of=AS_OF, scheme="农村低保")
    assert by_t.loc[T1, "dibao_coverage"] == pytest.approx(6 / 40000 * 100)
    # 低保金 and 特困供养金 per township, never added up; together they are the county's monthly amount
    assert (by_t["dibao_amount"].sum() + by_t["tekun_amount"].sum()) / 10000 == pytest.approx(
        wf.assistance_monthly_amount(b, as_of=AS_OF)
    )
    assert by_t["dibao_amount"].sum() / 10000 == pytest.approx(
        wf.assistance_monthly_amount(b, as_of=AS_OF, scheme="农村低保")
    )
    one = wf.assistance_by_township(b, as_of=AS_OF, township=T2)
    assert one["township_code"].tolist() == [T2]


def test_student_aid(b):
    assert wf.student_aid_students(b, as_of=AS_OF, year=2022).value == 2  # ST1 twice + one row without id
    by_stage = wf.student_aid_by(b, as_of=AS_OF, year=2022, by="stage").set_index("stage")
    assert by_stage.loc["义务教育", "students"] == 1 and by_stage.loc["义务教育", "amount"] == 1800
    assert by_stage["amount"].sum() == pytest.approx(
        wf.student_aid_amount(b, as_of=AS_OF, year=2022).value * 10000
    )
    by_prog = wf.student_aid_by(b, as_of=AS_OF, year=2022, by="program")
    assert by_prog["students"].sum() == 3  # ST1 counts once in each of its two programmes
    by_t = wf.student_aid_by(b, as_of=AS_OF, year=2022, by="township").set_index("township_code")
    assert by_t.loc[T1, "students"] == 1 and by_t.loc[T2, "amount"] == 2000


def test_indicator_panel(b):
    panel = ind.indicator_panel(b, as_of=AS_OF).set_index("indicator")
    assert set(panel.index) == {"家庭医生签约团队数", "城乡居民医保参保率"}  # 2023 not yet; county rows only
    assert panel.loc["家庭医生签约团队数", "value"] == 458
    assert panel.loc["家庭医生签约团队数", "period"] == "2022-06-30"
    assert panel.loc["家庭医生签约团队数", "period_text"] == "截至2022年6月30日"
    assert panel.loc["城乡居民医保参保率", "department"] == "卢龙县医疗保障局"  # full name, not 县医保局
    for name, row in panel.iterrows():
        assert row["value"] == ind.indicator(b, as_of=AS_OF, name=name).value


def test_empty_folder_does_not_crash():
    b = bundle_from_frames()
    assert wf.dibao_class_tier(b, as_of=AS_OF)["households"].sum() == 0
    assert wf.phaseout_schedule(b, as_of=AS_OF).empty
    assert wf.assistance_by_scheme(b, as_of=AS_OF)["persons"].sum() == 0
    assert wf.student_aid_by(b, as_of=AS_OF, year=2022, by="program").empty
    assert ind.indicator_panel(b, as_of=AS_OF).empty


def test_sample_breakdowns_add_up(sample_bundle):
    b, d = sample_bundle, sample_bundle.as_of
    dibao = wf.assistance_households(b, as_of=d, scheme="农村低保")
    assert wf.dibao_class_tier(b, as_of=d)["households"].sum() + wf.dibao_unclassified(b, as_of=d) == dibao
    by_t = wf.assistance_by_township(b, as_of=d)
    assert by_t["dibao_persons"].sum() == wf.assistance_persons(b, as_of=d, scheme="农村低保")
    # the stock still in phase-out on the date: the 2022 flow of P20/P21 and late-2021 phase-outs still running
    assert wf.phaseout_schedule(b, as_of=d)["persons"].sum() == wf.phaseout_persons(b, as_of=d)
    assert wf.phaseout_flow_persons(b, as_of=d, year=2022).value == 1721
    assert wf.phaseout_flow_households(b, as_of=d, year=2022).value == 940
    assert wf.phaseout_households(b, as_of=d) == 940 + 160
    new = wf.assistance_new_by_month(b, as_of=d, year=2022)
    assert new.groupby("scheme")["persons"].sum().to_dict() == {"农村低保": 183, "特困供养": 61}
    assert wf.student_aid_by(b, as_of=d, year=2022, by="stage")["students"].sum() == 6572
    panel = ind.indicator_panel(b, as_of=d)
    for name, value in zip(panel["indicator"], panel["value"], strict=True):
        assert value == ind.indicator(b, as_of=d, name=name).value


def test_student_aid_respects_the_date(sample_bundle):
    """Issue 17: at 2022-02-15 nothing of 2022 had been paid (the sample's spring term is paid from March),
    so the figure is 0 for 1 January to 15 February and the breakdowns are empty, not the July total."""
    from lulong_data.metrics.registry import evaluate

    b = sample_bundle
    early = dt.date(2022, 2, 15)
    figure = evaluate(b, "student_aid_students:year=2022", as_of=early)
    assert figure.value == 0 and figure.missing is None and figure.period.text() == "2022年1月1日至2月15日"
    assert wf.student_aid_by(b, as_of=early, year=2022, by="stage")["students"].sum() == 0
    assert wf.student_aid_by(b, as_of=b.as_of, year=2022, by="stage")["students"].sum() == 6572
    last_year = evaluate(b, "student_aid_students:year=2021", as_of=early)
    assert last_year.value is not None and last_year.period.text() == "2021年全年"


def test_the_sample_pays_student_aid_term_by_term_alike_in_both_years(sample_bundle):
    """Issue 17 review: the sample pays the spring term from mid-March to the end of June and the autumn term
    from mid-September to December, in 2021 as in 2022, so 2022 to date compares like for like with 2021 to
    the same day (the old sample spread 2021 over March–December: "+3398 students", +107%)."""
    import pandas as pd

    from lulong_data.metrics.registry import evaluate, year_before

    b = sample_bundle
    a = b.frames["student_aid"]
    paid = pd.to_datetime(a["paid_on"])
    spring = paid.dt.month.between(3, 6)
    autumn = paid.dt.month.between(9, 12)
    assert (spring | autumn).all()  # no payments in the summer holidays or in January–February
    for year in (2021, 2022):
        mine = a["year"] == year
        assert (paid[mine].dt.year == year).all()
        assert set(paid[mine & spring].dt.month) == {3, 4, 5, 6}
    # Every programme paid in 2022's spring term was paid in 2021's spring term too.
    programmes = {y: set(a.loc[(a["year"] == y) & spring, "program"]) for y in (2021, 2022)}
    assert programmes[2022] <= programmes[2021]
    # A 2021 student of a per-term programme got both terms, each half of the year's amount.
    twice = a[a["year"] == 2021].groupby(["student_id", "program"])["amount"].agg(["size", "min", "max"])
    assert (twice["size"] <= 2).all() and ((twice["size"] == 1) | (twice["min"] == twice["max"])).all()
    # Like for like: this year to date against last year to the same day moves by a plausible few percent.
    for spec in ("student_aid_students:year=2022", "student_aid_amount:year=2022"):
        now, before = evaluate(b, spec, as_of=b.as_of), year_before(b, spec, as_of=b.as_of)
        assert before.period.end == dt.date(2021, 7, 26)
        assert abs(now.value / before.value - 1) < 0.25, (spec, now.value, before.value)


def test_student_aid_with_payment_dates_counts_what_was_paid_by_the_date():
    rows = [
        {"record_id": "A1", "village_code": V1, "year": 2022, "stage": "义务教育", "program": "x", "amount": 1000.0,
         "student_id": "S1", "paid_on": "2022-03-01"},
        {"record_id": "A2", "village_code": V1, "year": 2022, "stage": "义务教育", "program": "x", "amount": 500.0,
         "student_id": "S2", "paid_on": "2022-09-01"},
    ]  # fmt: skip
    b = bundle_from_frames(student_aid=rows, as_of="2022-12-31")
    from lulong_data.metrics.registry import evaluate

    f = evaluate(b, "student_aid_students:year=2022", as_of=dt.date(2022, 6, 30))
    assert (f.value, f.period.text(), f.caveats) == (1, "2022年1月1日至6月30日", ())
    assert evaluate(b, "student_aid_amount:year=2022", as_of=dt.date(2022, 12, 31)).value == 0.15


def test_student_aid_without_payment_dates_is_missing_before_the_year_ends():
    """An aid ledger with years only: during the year nothing is known to have been paid by the date, so
    the year's figure is missing with its reason (not the whole year's total); after the year it counts."""
    from lulong_data.metrics.registry import evaluate

    rows = [
        {"record_id": "A1", "village_code": V1, "year": 2022, "stage": "义务教育", "program": "x", "amount": 1000.0,
         "student_id": "S1"},
    ]  # fmt: skip
    b = bundle_from_frames(student_aid=rows, as_of="2023-01-31")
    assert (
        evaluate(b, "student_aid_students:year=2022", as_of=dt.date(2022, 2, 15)).missing.code
        == "aid_undated"
    )
    assert evaluate(b, "student_aid_students:year=2022", as_of=dt.date(2023, 1, 31)).value == 1
