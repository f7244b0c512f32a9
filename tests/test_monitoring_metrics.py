"""Monitoring metrics (issue #4) on tiny hand-built ledgers: every count and every deadline."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from factories import T1, T2, V1, V2, V3, bundle_from_frames

from lulong_data.metrics import monitoring as m
from lulong_data.metrics.registry import METRICS

D = dt.date

# Eight households: H1-H2 in T1, H3-H4 in T2, H5-H8 in T1 (batch and checks tests).
HOUSEHOLDS = [
    {
        "household_id": "H1",
        "village_code": V1,
        "household_type": "脱贫户",
        "exit_year": 2016,
        "persons": 3,
        "head_name": "张三明",
    },
    {
        "household_id": "H2",
        "village_code": V2,
        "household_type": "一般农户",
        "persons": 2,
        "head_name": "李四",
    },
    {
        "household_id": "H3",
        "village_code": V3,
        "household_type": "一般农户",
        "persons": 1,
        "head_name": "王五",
    },
    {
        "household_id": "H4",
        "village_code": V3,
        "household_type": "脱贫户",
        "exit_year": 2018,
        "persons": 2,
        "head_name": "赵六",
    },
] + [
    {
        "household_id": f"H{i}",
        "village_code": V1,
        "household_type": "一般农户",
        "persons": 1,
        "head_name": f"孙{i}",
    }
    for i in range(5, 9)
]


def _persons(ability: dict[str, str] | None = None) -> list[dict]:
    ability = ability or {}
    rows = []
    for h in HOUSEHOLDS:
        for k in range(h["persons"]):
            rows.append(
                {
                    "person_id": f"{h['household_id']}-{k}",
                    "household_id": h["household_id"],
                    "sex": "男",
                    "birth_year": 1960,
                    "labour_ability": ability.get(h["household_id"], "普通劳动力"),
                    "health": "健康",
                }
            )
    return rows


def case(case_id: str, household: str, found: str, approved: str | None = None, **kw) -> dict:
    hh = next(h for h in HOUSEHOLDS if h["household_id"] == household)
    row = {
        "case_id": case_id,
        "household_id": household,
        "category": "脱贫不稳定户" if hh["household_type"] == "脱贫户" else "边缘易致贫户",
        "risk_1": "因病",
        "channel": "农户自主申报",
        "found_on": found,
        "approved_on": approved,
    }
    row.update(kw)
    if approved and "contact_assigned_on" not in kw:  # keep unrelated deadlines quiet by default
        row["contact_assigned_on"] = approved
        row.setdefault("plan_on", approved)
    return row


MENU = [
    {"policy_code": "P01", "name": "产业奖补", "department": "县农业农村局", "category": "产业"},
    {"policy_code": "P02", "name": "公益岗位", "department": "县人社局", "category": "就业"},
    {"policy_code": "P03", "name": "农村低保", "department": "县民政局", "category": "兜底"},
]


def bundle(cases, *, as_of, measures=(), visits=(), social_assistance=(), ability=None, income=None):
    income = income or {}
    return bundle_from_frames(
        as_of=as_of,
        households=[h | {"income_per_capita": income.get(h["household_id"])} for h in HOUSEHOLDS],
        persons=_persons(ability),
        monitoring_cases=list(cases),
        policy_menu=MENU,
        assistance_measures=list(measures) or pd.DataFrame(columns=["measure_id"]),
        visits=list(visits) or pd.DataFrame(columns=["visit_id"]),
        social_assistance=list(social_assistance) or pd.DataFrame(columns=["record_id"]),
    )


def measure(
    mid: str, case_id: str, started: str, feedback: str | None = None, policy: str = "P01", amount=100.0
):
    return {
        "measure_id": mid,
        "case_id": case_id,
        "policy_code": policy,
        "started_on": started,
        "feedback_on": feedback if feedback is not None else started,
        "amount": amount,
    }


def visit(vid: str, case_id: str, on: str) -> dict:
    return {"visit_id": vid, "case_id": case_id, "visited_on": on, "visitor_role": "帮扶责任人"}


def item(items: pd.DataFrame, check: str, case_id: str) -> pd.Series:
    rows = items[(items["check"] == check) & (items["case_id"] == case_id)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# -- counts ----------------------------------------------------------------------------------------

COUNT_CASES = [
    case("C1", "H1", "2022-01-03", "2022-01-14", verified_on="2022-01-05"),
    # H2: eliminated, then re-identified: two cases, one household.
    case(
        "C2", "H2", "2021-05-20", "2021-06-01", eliminated_on="2022-01-10", elimination_kind="帮扶后稳定消除"
    ),
    case(
        "C3",
        "H2",
        "2022-04-20",
        "2022-05-01",
        category="突发严重困难户",
        risk_1="因灾",
        channel="部门筛查预警",
    ),
    case("C4", "H3", "2022-07-20", verified_on="2022-07-22"),  # still in procedure
    case("C5", "H4", "2021-02-20", "2021-03-01", eliminated_on="2021-12-01", elimination_kind="风险自然消除"),
]


def test_counts_as_of_default_date():
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    s = m.summary(b, as_of=D(2022, 7, 26))
    assert s.monitored_households == 2  # H1 and H2 (re-identified, counted once)
    assert s.monitored_persons == 5
    assert s.eliminated_households == 1  # H4 only: H2 is monitored again
    assert s.eliminated_persons == 2
    assert s.in_procedure_cases == 1
    assert s.rural_population == 70000
    assert s.share_pct == pytest.approx(5 / 70000 * 100)


def test_counts_at_an_earlier_date_ignore_later_events():
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    s = m.summary(b, as_of=D(2022, 1, 12))
    # C1 approved 01-14 is still in procedure; C2 eliminated 01-10; C3/C4 not found yet.
    assert (s.monitored_households, s.eliminated_households, s.in_procedure_cases) == (0, 2, 1)
    c = m.cases(b, as_of=D(2022, 1, 12)).set_index("case_id")
    assert c.loc["C1", "stage"] == "verified" and pd.isna(c.loc["C1", "approved_on"])
    assert "C3" not in c.index


def test_township_filter_narrows_counts():
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    s1 = m.summary(b, as_of=D(2022, 7, 26), township=T1)
    s2 = m.summary(b, as_of=D(2022, 7, 26), township=T2)
    assert (s1.monitored_households, s1.eliminated_households, s1.in_procedure_cases) == (2, 0, 0)
    assert (s2.monitored_households, s2.eliminated_households, s2.in_procedure_cases) == (0, 1, 1)
    assert s1.rural_population == 40000 and s2.rural_population == 30000


def test_breakdowns():
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    by_cat = m.breakdown(b, as_of=D(2022, 7, 26), by="category").set_index("category")
    three = ["monitored_households", "monitored_persons", "eliminated_households"]
    assert by_cat.loc["脱贫不稳定户", three].tolist() == [1, 3, 1]  # H1 monitored; H4 eliminated
    assert by_cat.loc["突发严重困难户", three].tolist() == [1, 2, 0]  # H2's latest case C3
    # H4's risk went away by itself (风险自然消除): counted apart from 帮扶消除
    split = ["eliminated_assisted_households", "eliminated_natural_households"]
    assert by_cat.loc["脱贫不稳定户", split].tolist() == [0, 1]
    assert "边缘易致贫户" not in by_cat.index  # H2's old case is not counted twice
    by_channel = m.breakdown(b, as_of=D(2022, 7, 26), by="channel").set_index("channel")
    assert by_channel.loc["部门筛查预警", "monitored_households"] == 1
    by_risk = m.breakdown(b, as_of=D(2022, 7, 26), by="risk_1").set_index("risk_1")
    assert by_risk.loc["因灾", "monitored_households"] == 1
    by_t = m.breakdown(b, as_of=D(2022, 7, 26), by="township").set_index("township_code")
    assert by_t.loc[T1, "monitored_persons"] == 5 and by_t.loc[T2, "monitored_persons"] == 0
    assert by_t.loc[T1, "share_pct"] == pytest.approx(5 / 40000 * 100)
    assert by_t.loc[T2, "eliminated_households"] == 1
    only = m.breakdown(b, as_of=D(2022, 7, 26), township=T2, by="township")
    assert only["township_code"].tolist() == [T2]


def test_monthly_trend():
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    tr = m.monthly_trend(b, as_of=D(2022, 7, 26)).set_index("month")
    assert tr.index[0] == "2021-03" and tr.index[-1] == "2022-07" and len(tr) == 17
    assert tr.loc["2022-01", ["identified", "eliminated"]].tolist() == [1, 1]  # C1 approved, C2 eliminated
    assert tr.loc["2022-01", ["eliminated_assisted", "eliminated_natural"]].tolist() == [1, 0]
    assert tr.loc["2021-12", "eliminated"] == 1
    assert tr.loc["2022-05", "identified"] == 1
    assert tr["identified"].sum() == 4  # C4 is not approved


def test_masked_names_only():
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    c = m.cases(b, as_of=D(2022, 7, 26))
    assert "head_name" not in c.columns
    assert c.set_index("case_id").loc["C1", "head_masked"] == "张*明"


# -- procedure and deadlines -----------------------------------------------------------------------


def test_procedure_funnel_stages():
    cs = [
        case("A", "H1", "2022-07-01"),
        case("B", "H2", "2022-07-20", verified_on="2022-07-21"),
        case(
            "C",
            "H3",
            "2022-07-18",
            verified_on="2022-07-19",
            village_review_on="2022-07-20",
            township_audit_on="2022-07-22",
        ),
        case("E", "H4", "2022-07-01", "2022-07-10"),
    ]
    f = m.procedure_funnel(bundle(cs, as_of="2022-07-26"), as_of=D(2022, 7, 26)).set_index("stage")
    assert f["cases"].to_dict() == {"found": 1, "verified": 1, "village_review": 0, "township_audit": 1}
    assert f.loc["found", "overdue"] == 1  # found 07-01, due 07-16
    assert f["overdue"].sum() == 1


def test_identification_deadline_15_calendar_days():
    cs = [
        case("OK", "H1", "2022-06-01", "2022-06-16"),  # day 15: on time
        case("LATE", "H2", "2022-06-01", "2022-06-17"),  # day 16: late by 1
        case("OVER", "H3", "2022-07-10"),  # due 07-25 < as_of: overdue 1 day
        case("NOTYET", "H4", "2022-07-11"),  # due 07-26 = as_of: not yet due
    ]
    items = m.deadline_items(bundle(cs, as_of="2022-07-26"), as_of=D(2022, 7, 26))
    assert item(items, "identification", "OK")["status"] == "on_time"
    late = item(items, "identification", "LATE")
    assert (late["status"], late["days_over"]) == ("late", 1)
    over = item(items, "identification", "OVER")
    assert (over["status"], over["days_over"], over["due_on"]) == ("overdue", 1, pd.Timestamp("2022-07-25"))
    assert over["stage"] == "found"
    assert item(items, "identification", "NOTYET")["status"] == "pending"


def test_contact_deadline_working_days_around_national_day_2022():
    cs = [
        # Approved Friday 09-30 before 国庆: due the working Saturday 10-08.
        case("FRI", "H1", "2022-09-20", "2022-09-30", contact_assigned_on="2022-10-08", plan_on="2022-10-08"),
        case(
            "FRI_LATE",
            "H2",
            "2022-09-20",
            "2022-09-30",
            contact_assigned_on="2022-10-09",
            plan_on="2022-10-09",
        ),
        # Approved on the working Saturday 10-08: due Sunday 10-09 (also a working day).
        case("SAT", "H3", "2022-09-28", "2022-10-08", contact_assigned_on="2022-10-10", plan_on="2022-10-10"),
        case("NONE", "H4", "2022-09-28", "2022-10-08", contact_assigned_on=None),
    ]
    b = bundle(cs, as_of="2022-10-31")
    items = m.deadline_items(b, as_of=D(2022, 10, 9))
    assert item(items, "contact", "FRI")["due_on"] == pd.Timestamp("2022-10-08")
    assert item(items, "contact", "FRI")["status"] == "on_time"
    assert item(items, "contact", "FRI_LATE")["status"] == "late"
    assert item(items, "contact", "SAT")["due_on"] == pd.Timestamp("2022-10-09")
    assert item(items, "contact", "NONE")["status"] == "pending"  # due 10-09 = as_of
    items = m.deadline_items(b, as_of=D(2022, 10, 10))
    sat = item(items, "contact", "SAT")
    assert (sat["status"], sat["days_over"]) == ("late", 1)
    none = item(items, "contact", "NONE")
    assert (none["status"], none["days_over"]) == ("overdue", 1)
    assert not ((items["check"] == "plan") & (items["case_id"] == "NONE")).any()  # no contact, no plan clock


def test_plan_deadline_two_working_days():
    cs = [
        # Contact Friday 09-30 → 2 working days: 10-08 (Sat), 10-09 (Sun) → due 10-09.
        case("OK", "H1", "2022-09-20", "2022-09-29", contact_assigned_on="2022-09-30", plan_on="2022-10-09"),
        case(
            "LATE", "H2", "2022-09-20", "2022-09-29", contact_assigned_on="2022-09-30", plan_on="2022-10-10"
        ),
        case("OPEN", "H3", "2022-09-20", "2022-09-29", contact_assigned_on="2022-09-30", plan_on=None),
    ]
    items = m.deadline_items(bundle(cs, as_of="2022-10-31"), as_of=D(2022, 10, 12))
    ok = item(items, "plan", "OK")
    assert (ok["due_on"], ok["status"]) == (pd.Timestamp("2022-10-09"), "on_time")
    assert item(items, "plan", "LATE")["status"] == "late"
    opened = item(items, "plan", "OPEN")
    assert (opened["status"], opened["days_over"]) == ("overdue", 3)


def test_feedback_deadline_per_measure():
    cs = [case("C1", "H1", "2022-09-01", "2022-09-10")]
    ms = [
        measure("M1", "C1", "2022-09-29", "2022-10-08"),  # Thu → 09-30, 10-08: due 10-08
        measure("M2", "C1", "2022-09-29", ""),  # no feedback yet
        measure("M3", "C1", "2022-10-20", ""),  # started after as_of: not counted
    ]
    b = bundle(cs, as_of="2022-10-31", measures=ms)
    items = m.deadline_items(b, as_of=D(2022, 10, 9))
    fb = items[items["check"] == "feedback"].set_index("start_on")
    assert len(fb) == 2
    assert (fb["due_on"] == pd.Timestamp("2022-10-08")).all()
    assert sorted(fb["status"]) == ["on_time", "overdue"]
    assert fb.loc[fb["status"] == "overdue", "days_over"].item() == 1


def test_visit_gap_61_days_ok_62_overdue():
    cs = [case("V", "H1", "2022-02-20", "2022-03-01")]
    vs = [visit("v1", "V", "2022-05-01"), visit("v2", "V", "2022-07-02")]  # gaps 61 and 62 days
    b = bundle(cs, as_of="2022-09-30", visits=vs)
    items = m.deadline_items(b, as_of=D(2022, 9, 1))
    gaps = items[items["check"] == "visit"].sort_values("start_on")
    assert gaps["status"].tolist() == ["on_time", "late", "pending"]  # 07-02 → 09-01 is exactly 61
    assert gaps.iloc[1]["days_over"] == 1
    items = m.deadline_items(b, as_of=D(2022, 9, 2))  # 62 days since the last visit
    last = items[items["check"] == "visit"].sort_values("start_on").iloc[-1]
    assert (last["status"], last["days_over"], last["due_on"]) == ("overdue", 1, pd.Timestamp("2022-09-01"))


def test_visit_gap_before_elimination_is_closed():
    cs = [
        case(
            "E", "H2", "2021-12-20", "2022-01-01", eliminated_on="2022-04-01", elimination_kind="风险自然消除"
        )
    ]
    items = m.deadline_items(bundle(cs, as_of="2022-09-30"), as_of=D(2022, 9, 30))
    v = items[items["check"] == "visit"]
    assert v["status"].tolist() == ["late"]  # 90 days with no visit, then eliminated: not overdue now


def test_compliance_and_overdue_list():
    cs = [
        case("OK", "H1", "2022-06-01", "2022-06-16"),
        case("LATE", "H2", "2022-06-01", "2022-06-17"),
        case("OVER", "H3", "2022-07-01"),
    ]
    b = bundle(cs, as_of="2022-07-26")
    comp = m.compliance(b, as_of=D(2022, 7, 26))
    ident = comp[comp["check"] == "identification"].set_index("township_code")
    assert ident.loc[T1, ["on_time", "late", "overdue", "due"]].tolist() == [1, 1, 0, 2]
    assert ident.loc[T1, "rate_pct"] == pytest.approx(50.0)
    assert ident.loc[T2, "rate_pct"] == pytest.approx(0.0)
    county = m.compliance(b, as_of=D(2022, 7, 26), by_township=False).set_index("check")
    assert county.loc["identification", "due"] == 3
    ov = m.overdue_list(b, as_of=D(2022, 7, 26))
    assert ov["case_id"].tolist() == ["OVER"]
    row = ov.iloc[0]
    assert (row["township_code"], row["village_name"], row["head_masked"], row["days_over"]) == (
        T2,
        "东村",
        "王*",
        10,
    )
    assert m.overdue_items(b, as_of=D(2022, 7, 26)).value == 1
    assert m.overdue_items(b, as_of=D(2022, 7, 26), township=T1).value == 0


# -- assistance ------------------------------------------------------------------------------------


def test_measures_menu_coverage_and_missing_measures():
    cs = [case("C1", "H1", "2022-03-01", "2022-03-10"), case("C2", "H2", "2022-03-01", "2022-03-10")]
    ms = [
        measure("M1", "C1", "2022-03-11", policy="P01", amount=500),
        measure("M2", "C1", "2022-03-12", policy="P02", amount=650),
        measure("M3", "C1", "2022-08-01", policy="P03"),  # after as_of
    ]
    b = bundle(cs, as_of="2022-07-26", measures=ms)
    cat = m.measures_by_category(b, as_of=D(2022, 7, 26)).set_index("policy_category")
    assert cat.loc["产业", ["measures", "households", "amount"]].tolist() == [1, 1, 500]
    assert "兜底" not in cat.index
    cov = m.menu_coverage(b, as_of=D(2022, 7, 26)).set_index("policy_code")
    assert len(cov) == 3 and cov["measures"].to_dict() == {"P01": 1, "P02": 1, "P03": 0}
    none = m.households_without_measure(b, as_of=D(2022, 7, 26))
    assert none["household_id"].tolist() == ["H2"] and none.iloc[0]["days_monitored"] == 138


def test_consultation_batches_five_households_same_day():
    day5 = [case(f"B{i}", f"H{i}", "2022-04-01", "2022-04-12") for i in (1, 5, 6, 7, 8)]
    day4 = [case(f"D{i}", f"H{i}", "2022-05-01", "2022-05-12") for i in (2, 3, 4)] + [
        case("D5", "H5", "2022-05-01", "2022-05-12")
    ]
    b = bundle(day5 + day4, as_of="2022-07-26")
    bt = m.consultation_batches(b, as_of=D(2022, 7, 26))
    assert bt["approved_on"].tolist() == [pd.Timestamp("2022-04-12")]
    assert bt.iloc[0]["households"] == 5
    assert m.consultation_batches(b, as_of=D(2022, 7, 26), township=T2).empty  # no T2 household in it
    assert m.consultation_batches(b, as_of=D(2022, 4, 11)).empty


# -- checks ----------------------------------------------------------------------------------------


def test_elimination_candidates():
    # issue 17: income is the latest (at elimination, were it now), not the income at identification
    cs = [
        case("YES", "H1", "2022-01-01", "2022-01-10", income_per_capita=5000),
        case("POOR", "H2", "2022-01-01", "2022-01-10", income_per_capita=9000),  # latest below the 2022 line
        case("SHORT", "H3", "2022-01-20", "2022-01-27"),  # 6 months on 07-27
        case("NOMEAS", "H4", "2022-01-01", "2022-01-10"),
    ]
    ms = [measure(f"M{c}", c, "2022-02-01") for c in ("YES", "POOR", "SHORT")]
    income = {"H1": 7300, "H2": 7299, "H3": 9000, "H4": 9000}
    b = bundle(cs, as_of="2022-07-26", measures=ms, income=income)
    out = m.elimination_candidates(b, as_of=D(2022, 7, 26))
    assert out["case_id"].tolist() == ["YES"]
    assert out.iloc[0]["income_line"] == 7300
    assert sorted(m.elimination_candidates(b, as_of=D(2022, 7, 27))["case_id"]) == ["SHORT", "YES"]


def test_premature_eliminations():
    kind = {"elimination_kind": "帮扶后稳定消除"}
    cs = [
        case(
            "FINE", "H1", "2021-01-01", "2021-01-10", eliminated_on="2021-07-10", **kind
        ),  # exactly 6 months
        case("SOON", "H2", "2021-01-01", "2021-01-10", eliminated_on="2021-07-09", **kind),
        case(
            "NOMEAS", "H3", "2021-01-01", "2021-01-10", eliminated_on="2021-09-01", **kind
        ),  # measure came after
    ]
    ms = [
        measure("M1", "FINE", "2021-02-01"),
        measure("M2", "SOON", "2021-02-01"),
        measure("M3", "NOMEAS", "2021-10-01"),
    ]
    out = m.premature_eliminations(
        bundle(cs, as_of="2022-07-26", measures=ms), as_of=D(2022, 7, 26)
    ).set_index("case_id")
    assert sorted(out.index) == ["NOMEAS", "SOON"]
    assert out.loc["SOON", "too_soon"] and not out.loc["SOON", "no_measure"]
    assert out.loc["NOMEAS", "no_measure"] and not out.loc["NOMEAS", "too_soon"]


def test_no_labour_without_cover():
    cs = [case(f"C{i}", f"H{i}", "2022-01-01", "2022-01-10") for i in (1, 2, 3)]
    ability = {"H1": "丧失劳动力", "H2": "无劳动力", "H3": "丧失劳动力", "H4": "无劳动力"}
    sa = [
        {"record_id": "S2", "household_id": "H2", "village_code": V2, "scheme": "农村低保", "persons": 2,
         "started_on": "2021-01-01", "monthly_amount": 500},
        {"record_id": "S3", "household_id": "H3", "village_code": V3, "scheme": "特困供养", "persons": 1,
         "started_on": "2021-01-01", "ended_on": "2022-03-01", "monthly_amount": 900},
    ]  # fmt: skip
    b = bundle(cs, as_of="2022-07-26", social_assistance=sa, ability=ability)
    out = m.no_labour_without_cover(b, as_of=D(2022, 7, 26))
    assert out["household_id"].tolist() == ["H1", "H3"]  # H2 covered; H3's cover ended
    assert m.no_labour_without_cover(b, as_of=D(2022, 2, 1))["household_id"].tolist() == ["H1"]
    assert m.no_labour_without_cover(b, as_of=D(2022, 7, 26), township=T2)["household_id"].tolist() == ["H3"]
    roll = m.no_labour_without_cover(b, as_of=D(2022, 7, 26), scope="roll")
    assert roll["household_id"].tolist() == ["H1", "H3", "H4"]  # H4 is not monitored but on the roll


def test_headline_metrics_registered():
    for name in ("monitored_households", "monitored_persons", "eliminated_households", "overdue_items"):
        assert name in METRICS and METRICS[name].title_zh and METRICS[name].definition_zh
    b = bundle(COUNT_CASES, as_of="2022-07-26")
    assert METRICS["monitored_households"](b, as_of=D(2022, 7, 26)) == 2
    assert METRICS["monitored_persons"](b, as_of=D(2022, 7, 26), township=T1) == 5


def test_empty_ledgers_do_not_crash():
    b = bundle([], as_of="2022-07-26")
    d = D(2022, 7, 26)
    assert m.summary(b, as_of=d).monitored_households == 0
    assert m.deadline_items(b, as_of=d).empty and m.overdue_list(b, as_of=d).empty
    assert m.compliance(b, as_of=d).empty
    assert m.monthly_trend(b, as_of=d).empty
    for fn in (m.households_without_measure, m.consultation_batches, m.elimination_candidates,
               m.premature_eliminations, m.no_labour_without_cover, m.measures_by_category):  # fmt: skip
        assert fn(b, as_of=d).empty
    assert len(m.menu_coverage(b, as_of=d)) == 3
