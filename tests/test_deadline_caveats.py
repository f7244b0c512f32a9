"""Deadlines say what they rest on (issue 17 item 1, issue 16 item 6): a year without a holiday schedule is
counted on weekdays and says so; a case without the county's procedure ledger, or a folder without visit
records, is not judged and says 需导入本县程序台账."""

from __future__ import annotations

import datetime as dt

from factories import V1, V2, bundle_from_frames

from lulong_data.metrics import monitoring as m

HOUSEHOLDS = [
    {"household_id": "H1", "village_code": V1, "household_type": "脱贫户", "exit_year": 2016, "persons": 1},
    {"household_id": "H2", "village_code": V2, "household_type": "一般农户", "persons": 1},
]
PERSONS = [
    {"person_id": f"{h}-0", "household_id": h, "sex": "男", "birth_year": 1960}
    | {"labour_ability": "普通劳动力", "health": "健康"}
    for h in ("H1", "H2")
]


def _case(case_id, household, approved, **kw):
    return {
        "case_id": case_id,
        "household_id": household,
        "category": "脱贫不稳定户" if household == "H1" else "边缘易致贫户",
        "risk_1": "因病",
        "approved_on": approved,
        **kw,
    }


def _bundle(cases, as_of="2022-07-26", **extra):
    return bundle_from_frames(
        as_of=as_of, households=HOUSEHOLDS, persons=PERSONS, monitoring_cases=cases, **extra
    )


LEDGER = {"found_on": "2022-07-01", "verified_on": "2022-07-02", "channel": "农户自主申报"}


def test_a_case_from_the_national_export_alone_is_not_judged_and_says_so():
    b = _bundle(
        [
            _case("C1", "H1", "2022-07-10", **LEDGER),  # ledger: contact due 2022-07-11, never done
            _case("C2", "H2", "202206", date_precision="月"),  # the export alone: month of approval only
        ],
        visits=[],
    )
    items = m.deadline_items(b, as_of=dt.date(2022, 7, 26))
    assert set(items["case_id"]) == {"C1"}
    assert m.overdue_list(b, as_of=dt.date(2022, 7, 26))["check"].tolist() == ["contact"]
    assert m.summary(b, as_of=dt.date(2022, 7, 26)).monitored_households == 2  # still counted as monitored
    (note,) = m.deadline_caveats(b, as_of=dt.date(2022, 7, 26))
    assert note.code == "ledger_missing"
    assert note.zh.startswith("1户监测对象没有本县程序台账") and note.zh.endswith("需导入本县程序台账。")


def test_no_visit_records_no_visit_deadlines():
    cases = [
        _case("C1", "H1", "2022-03-10", contact_assigned_on="2022-03-11", plan_on="2022-03-14", **LEDGER)
    ]
    cases[0]["found_on"] = "2022-03-01"
    cases[0]["verified_on"] = "2022-03-02"
    without = _bundle(cases)
    assert "visit" not in set(m.deadline_items(without, as_of=dt.date(2022, 7, 26))["check"])
    assert [c.code for c in m.deadline_caveats(without, as_of=dt.date(2022, 7, 26))] == ["visits_missing"]
    with_ledger = _bundle(cases, visits=[])  # the ledger is there, no visit since March: overdue
    assert "visit" in set(m.overdue_list(with_ledger, as_of=dt.date(2022, 7, 26))["check"])
    assert m.deadline_caveats(with_ledger, as_of=dt.date(2022, 7, 26)) == ()


def test_a_year_nobody_covers_is_counted_on_weekdays_and_flagged():
    ledger = {"found_on": "2030-01-02", "verified_on": "2030-01-02", "channel": "农户自主申报"}
    b = _bundle([_case("C1", "H1", "2030-01-04", **ledger)], as_of="2030-01-10", visits=[])  # a Friday
    (item,) = m.deadline_items(b, as_of=dt.date(2030, 1, 10)).query("check == 'contact'").itertuples()
    assert item.due_on.date() == dt.date(2030, 1, 7)  # the Monday after: weekdays only
    (note,) = m.deadline_caveats(b, as_of=dt.date(2030, 1, 10))
    assert note.code == "calendar_estimated" and note.zh == "2030年节假日安排未导入,按周一至周五估算。"


def test_the_folder_holiday_table_makes_the_year_known():
    ledger = {"found_on": "2030-01-02", "verified_on": "2030-01-02", "channel": "农户自主申报"}
    holidays = [{"date": "2030-01-07", "kind": "休", "source": "测试用节假日安排"}]
    b = _bundle([_case("C1", "H1", "2030-01-04", **ledger)], as_of="2030-01-10", visits=[], holidays=holidays)
    (item,) = m.deadline_items(b, as_of=dt.date(2030, 1, 10)).query("check == 'contact'").itertuples()
    assert item.due_on.date() == dt.date(2030, 1, 8)  # Monday 7 January is a day off in the table
    assert m.deadline_caveats(b, as_of=dt.date(2030, 1, 10)) == ()


def test_a_measure_dated_to_the_month_has_no_feedback_deadline():
    ledger = {"found_on": "2022-03-01", "verified_on": "2022-03-02", "channel": "农户自主申报"}
    case = _case("C1", "H1", "2022-03-10", contact_assigned_on="2022-03-11", plan_on="2022-03-14", **ledger)
    policy = [{"policy_code": "Z1", "name": "产业奖补", "department": "县农业农村局", "category": "产业"}]
    measures = [
        {
            "measure_id": "M1",
            "case_id": "C1",
            "policy_code": "Z1",
            "started_on": "2022-03-01",
            "date_precision": "月",
        },
        {"measure_id": "M2", "case_id": "C1", "policy_code": "Z1", "started_on": "2022-04-01"},
    ]
    b = _bundle([case], visits=[], policy_menu=policy, assistance_measures=measures)
    feedback = m.deadline_items(b, as_of=dt.date(2022, 7, 26)).query("check == 'feedback'")
    assert feedback["start_on"].dt.date.tolist() == [dt.date(2022, 4, 1)]
