"""Contract v2 (issues 16/17/18): optional procedure columns, month-only dates, the national system's
spellings, employment without a year, monthly and 公益岗位 targets, family size, the holidays and
population datasets, and rules files written before the new keys existed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from factories import bundle_from_frames, employment_row
from loader_builders import T1, find, tables, write_folder

from lulong_data.bundle import load_bundle
from lulong_data.contract import DATASETS
from lulong_data.loader import load_folder
from lulong_data.metrics import compute
from lulong_data.rules import DEFAULT_RULES_PATH, load_rules

AS_OF = dt.date(2022, 7, 26)


def _load(tmp_path, change=None, **kwargs):
    data = tables()
    if change:
        change(data)
    return load_folder(write_folder(tmp_path, data, **kwargs))


def _codes(result):
    return sorted(p.code for p in result.problems)


def test_new_columns_are_optional_and_nullable():
    new = {
        "monitoring_cases": (
            "channel",
            "found_on",
            "date_precision",
            "income_at_elimination",
            "poverty_outcome",
        ),
        "households": (
            "income_per_capita",
            "income_year",
            "no_labour_household",
            "education_ok",
            "housing_ok",
            "water_ok",
        ),
        "employment": ("year", "ended_on", "date_precision"),
        "social_assistance": ("family_size", "date_precision"),
        "employment_targets": ("month", "target_kind"),
    }
    for dataset, names in new.items():
        for name in names:
            col = DATASETS[dataset].column(name)
            assert not col.required and col.nullable, (dataset, name)


def test_an_old_folder_without_the_new_columns_or_datasets_still_loads(tmp_path):
    data = tables()
    for name in ("holidays", "population"):
        data.pop(name)
    v1 = {
        "monitoring_cases": ("date_precision", "income_at_elimination", "poverty_outcome"),
        "households": ("income_per_capita", "income_year", "no_labour_household"),
        "employment": ("ended_on", "date_precision"),
        "social_assistance": ("family_size", "date_precision"),
        "employment_targets": ("month", "target_kind"),
    }
    for dataset, names in v1.items():
        data[dataset] = [{k: v for k, v in row.items() if k not in names} for row in data[dataset]]
    result = load_folder(write_folder(tmp_path, data))
    assert result.problems == []


def test_the_national_export_without_the_procedure_ledger(tmp_path):
    """发现途径 and 发现日期 come from the county's own ledger; the export alone must load and count."""

    def change(d):
        for case in d["monitoring_cases"]:
            case.update(channel="", found_on="", verified_on="", village_review_on="", township_audit_on="")

    result = _load(tmp_path, change)
    assert result.problems == []
    b = load_bundle(tmp_path)
    assert compute(b, "monitored_households", AS_OF) == 1  # C001, approved 2022-03-12
    assert compute(b, "monitored_households", dt.date(2022, 3, 1)) == 0


@pytest.mark.parametrize("month", ["202203", "2022-03", "2022年3月", "2022/3", "202203.0"])
def test_month_only_dates_are_the_first_of_the_month(tmp_path, month):
    def change(d):
        case = d["monitoring_cases"][0]
        case.update(found_on="", verified_on="", village_review_on="", township_audit_on="")
        case.update(approved_on=month, contact_assigned_on="", plan_on="", date_precision="")

    result = _load(tmp_path, change)
    assert result.problems == []
    cases = result.frames["monitoring_cases"]
    assert cases.loc[0, "approved_on"] == pd.Timestamp("2022-03-01")
    assert cases.loc[0, "date_precision"] == "月"  # set by the loader: the file left it empty
    assert pd.isna(cases.loc[1, "date_precision"])  # full dates: 日 (empty)


def test_month_dates_compare_by_month_with_the_ledger_dates(tmp_path):
    """An approval given as 202203 is not "before" a township audit of 2022-03-09."""
    result = _load(tmp_path, lambda d: d["monitoring_cases"][0].update(approved_on="202203"))
    assert result.problems == []


def test_a_month_date_with_day_precision_is_refused(tmp_path):
    def change(d):
        d["monitoring_cases"][0].update(approved_on="202203", date_precision="日")
        d["monitoring_cases"][1].update(date_precision="")

    result = _load(tmp_path, change, headers="alias")
    (p,) = find(result.problems, "month_date_day_precision")
    assert (p.file, p.row, p.column, p.value) == ("monitoring_cases.csv", 2, "日期精度", "日")


def test_a_month_is_no_date_where_the_contract_wants_a_day(tmp_path):
    result = _load(tmp_path, lambda d: d["visits"][0].update(visited_on="202204"))
    (p,) = find(result.problems, "bad_date")
    assert (p.file, p.row, p.value) == ("visits.csv", 2, "202204")


def test_the_national_spellings_of_the_elimination_kind(tmp_path):
    def change(d):
        d["monitoring_cases"][0].update(eliminated_on="2022-07-20", elimination_kind="帮扶消除")

    result = _load(tmp_path, change)
    assert result.problems == []
    assert result.frames["monitoring_cases"].loc[0, "elimination_kind"] == "帮扶后稳定消除"
    result = _load(tmp_path / "b", lambda d: d["monitoring_cases"][0].update(
        eliminated_on="2022-07-20", elimination_kind="自然消除"
    ))  # fmt: skip
    assert result.frames["monitoring_cases"].loc[0, "elimination_kind"] == "风险自然消除"


def test_income_at_elimination_and_outcome_marks(tmp_path):
    def change(d):
        d["monitoring_cases"][0].update(
            eliminated_on="2022-07-20",
            elimination_kind="帮扶消除",
            income_at_elimination="9100",
            poverty_outcome="",
        )
        d["monitoring_cases"][1].update(income_at_elimination="100", poverty_outcome="返贫")  # a 一般农户

    result = _load(tmp_path, change)
    assert _codes(result) == ["income_at_elimination_unexpected", "outcome_mismatch"]
    (p,) = find(result.problems, "outcome_mismatch")
    assert p.row == 3 and "一般农户" in p.message_zh and p.severity == "error"
    assert result.frames["monitoring_cases"].loc[0, "income_at_elimination"] == 9100.0


def test_household_income_and_guarantees(tmp_path):
    def change(d):
        d["households"][0].update(
            income_per_capita="8200.5", income_year="2021", education_ok="是", housing_ok="否", water_ok="1"
        )
        d["households"][1].update(no_labour_household="是")

    result = _load(tmp_path, change)
    assert result.problems == []
    h = result.frames["households"]
    assert h.loc[0, "income_per_capita"] == 8200.5 and h.loc[0, "income_year"] == 2021
    assert (h.loc[0, "education_ok"], h.loc[0, "housing_ok"], h.loc[0, "water_ok"]) == (True, False, True)
    assert bool(h.loc[1, "no_labour_household"]) is True


def test_employment_without_a_year_and_with_an_end(tmp_path):
    def change(d):
        d["employment"][1].update(year="", started_on="202111", ended_on="")  # still in work
        d["employment"][0].update(ended_on="2022-02-01")  # ends before it starts (2022-03-01)

    result = _load(tmp_path, change)
    (p,) = find(result.problems, "ended_before_started")
    assert (p.row, p.value) == (2, "2022-02-01")
    assert _codes(result) == ["ended_before_started"]
    assert result.frames["employment"].loc[1, "date_precision"] == "月"


def _people(n):
    households = [
        {"household_id": "H1", "village_code": "130324100201", "household_type": "脱贫户", "exit_year": 2016}
        | {"persons": n}
    ]
    persons = [
        {
            "person_id": f"P{i}",
            "household_id": "H1",
            "sex": "男",
            "birth_year": 1980,
            "labour_ability": "普通劳动力",
            "health": "健康",
        }
        for i in range(n)
    ]
    return households, persons


def test_a_record_without_a_year_counts_in_every_year_it_overlaps():
    households, persons = _people(4)
    b = bundle_from_frames(
        households=households,
        persons=persons,
        employment=[
            employment_row("E1", "P0", "2021-05-01"),  # still in work: 2021 and 2022
            employment_row("E2", "P1", "2021-05-01", ended="2021-12-31"),  # 2021 only
            employment_row("E3", "P2", "2022-08-01"),  # after the as-of date
            employment_row("E4", "P3", "2022-03-01", year=2022),  # a v1 row
        ],
    )
    assert compute(b, "employment_placed:year=2022", AS_OF) == 2  # P0, P3
    assert compute(b, "employment_placed:year=2021", AS_OF) == 2  # P0, P1


def test_monthly_plans_and_welfare_post_targets_are_not_the_annual_target(tmp_path):
    def change(d):
        d["employment_targets"] += [
            {"year": "2022", "township_code": "", "target": "2", "month": "6"},
            {"year": "2022", "township_code": T1, "target": "1", "month": "6"},
            {"year": "2022", "township_code": "", "target": "9", "target_kind": "公益岗位"},
        ]

    result = _load(tmp_path, change)
    # the June plan of the county is 2 but its townships add up to 1 (the other has no June row)
    assert _codes(result) == ["target_sum"]
    assert "2022" in find(result.problems, "target_sum")[0].message_zh
    b = load_bundle(tmp_path)
    assert compute(b, "employment_target:year=2022", AS_OF) == 3


def test_a_monthly_target_given_twice(tmp_path):
    def change(d):
        row = {"year": "2022", "township_code": "", "target": "2", "month": "6"}
        d["employment_targets"] += [row, dict(row)]

    result = _load(tmp_path, change)
    (p,) = find(result.problems, "target_duplicate")
    assert "6月" in p.message_zh


def test_family_size_bounds_the_persons_covered(tmp_path):
    def change(d):
        d["social_assistance"][0].update(persons="2", family_size="3")  # 单人保-like: fine
        d["social_assistance"][1].update(persons="2", family_size="1")

    result = _load(tmp_path, change, headers="alias")
    (p,) = find(result.problems, "persons_above_family")
    assert (p.row, p.column, p.value) == (3, "保障人数", "2")


def test_holidays_and_population(tmp_path):
    def change(d):
        d["holidays"].append({"date": "2023-01-02", "kind": "休", "name": "元旦", "source": "国办通知"})

    result = _load(tmp_path, change)
    assert result.problems == []  # a holiday after the as-of date is no "after as-of" finding
    assert result.frames["holidays"]["kind"].tolist() == ["休", "班", "休"]
    pop = result.frames["population"]
    assert pop["persons"].tolist() == [120000, 50000]
    b = load_bundle(tmp_path)
    assert b.as_of == AS_OF


def test_population_given_twice_and_a_holiday_given_twice(tmp_path):
    def change(d):
        d["population"].append(dict(d["population"][0]))
        d["holidays"].append(dict(d["holidays"][0]))

    result = _load(tmp_path, change)
    assert _codes(result) == ["duplicate_key", "population_duplicate"]
    (p,) = find(result.problems, "population_duplicate")
    assert p.row == 4 and "第 2 行" in p.message_zh


def _old_rules_text() -> str:
    """The packaged rules.toml as it was before the new keys (sources, document_no, applies_to ...)."""
    lines = DEFAULT_RULES_PATH.read_text(encoding="utf-8").splitlines()
    dropped = ("source =", "document_no =", "applies_to =", "require_guarantees =")
    return "\n".join(line for line in lines if not line.startswith(dropped)) + "\n"


def test_a_county_rules_file_may_omit_the_new_keys(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(_old_rules_text(), encoding="utf-8")
    old, packaged = load_rules(path), load_rules()
    assert old.elimination.applies_to == ("帮扶后稳定消除",)
    assert old.elimination.require_guarantees is True
    assert old.source_of("deadlines") == packaged.source_of("deadlines") != ""
    assert [line.document_no for line in old.income_lines] == ["", "", ""]


def test_income_lines_carry_a_document_number(tmp_path):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    text = text.replace('document_no = ""', 'document_no = "冀乡振发〔2022〕1号"', 1)
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).income_lines[0].document_no == "冀乡振发〔2022〕1号"
    assert all(line.document_no == "" for line in load_rules().income_lines)  # not invented


def test_every_packaged_rule_names_its_source():
    r = load_rules()
    for rule in ("deadlines", "visits", "consultation", "elimination", "ranking"):
        assert r.source_of(rule), rule
