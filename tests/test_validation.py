"""Cell, schema and cross-dataset rules: each problem names the right file, row, column and value."""

from __future__ import annotations

import pandas as pd
import pytest
from loader_builders import T1, V1, V2, find, tables, write_folder

from lulong_data.contract import DATASETS
from lulong_data.loader import load_folder, problems_frame
from lulong_data.schemas import schema


def _load(tmp_path, change=None, **kwargs):
    data = tables()
    if change:
        change(data)
    return load_folder(write_folder(tmp_path, data, **kwargs))


def _only(result, code):
    found = find(result.problems, code)
    assert len(found) == 1, [(p.code, p.message_zh) for p in result.problems]
    return found[0]


# -- cells ---------------------------------------------------------------------------------------


def test_bad_date_message_names_row_column_and_value(tmp_path):
    def change(d):
        d["monitoring_cases"][0]["found_on"] = "2022-13-01"  # spreadsheet row 2

    result = _load(tmp_path, change, headers="alias")
    p = _only(result, "bad_date")
    assert (p.file, p.row, p.column, p.value) == ("monitoring_cases.csv", 2, "发现日期", "2022-13-01")
    assert p.message_zh == "第 2 行「发现日期」的值“2022-13-01”不是有效日期(应为 YYYY-MM-DD)"
    assert p.message_en.startswith("Row 2, 发现日期 (found_on):")
    assert p.extra["name"] == "found_on"
    # a required cell that failed to parse is not reported a second time as empty
    assert result.problems == [p]


def test_canonical_header_is_shown_with_its_alias(tmp_path):
    result = _load(tmp_path, lambda d: d["visits"][0].update(visited_on="昨天"))
    p = _only(result, "bad_date")
    assert p.column == "visited_on"
    assert "「visited_on(走访日期)」" in p.message_zh


def test_broken_code(tmp_path):
    def change(d):
        d["households"][1]["village_code"] = "13032410120"  # 11 digits, row 3

    result = _load(tmp_path, change, headers="alias")
    p = _only(result, "bad_code")
    assert (p.file, p.row, p.column, p.value) == ("households.csv", 3, "村代码", "13032410120")
    assert "12 位数字代码" in p.message_zh
    assert not find(result.problems, "fk_missing")  # the broken cell is not also a missing village


def test_scientific_notation_code_gets_its_own_advice(tmp_path):
    result = _load(tmp_path, lambda d: d["villages"][1].update(village_code="1.30324E+11"))
    p = _only(result, "bad_code_scientific")
    assert p.row == 3 and "文本" in p.message_zh


def test_broken_enum(tmp_path):
    result = _load(tmp_path, lambda d: d["persons"][2].update(sex="M"), headers="alias")
    p = _only(result, "not_allowed")
    assert (p.file, p.row, p.column, p.value) == ("persons.csv", 4, "性别", "M")
    assert "男/女" in p.message_zh


def test_enum_is_exact_after_stripping_blanks(tmp_path):
    result = _load(tmp_path, lambda d: d["persons"][2].update(sex=" 男 "))
    assert result.problems == []
    assert result.frames["persons"].loc[2, "sex"] == "男"


def test_required_empty_and_out_of_range(tmp_path):
    def change(d):
        d["persons"][0]["birth_year"] = ""
        d["environment_scores"][1]["garbage"] = "26"
        d["environment_scores"][1]["sewage"] = "-1"

    result = _load(tmp_path, change)
    empty = _only(result, "required_value")
    assert (empty.file, empty.row, empty.column) == ("persons.csv", 2, "birth_year")
    high = _only(result, "above_max")
    assert (high.row, high.column, high.value) == (3, "garbage", "26")
    assert "不能大于 25" in high.message_zh
    low = _only(result, "below_min")
    assert (low.row, low.column, low.value) == (3, "sewage", "-1")


def test_bad_number_and_bool(tmp_path):
    def change(d):
        d["households"][0]["persons"] = "两"
        d["environment_scores"][0]["veto"] = "maybe"

    result = _load(tmp_path, change)
    assert _only(result, "bad_int").value == "两"
    assert _only(result, "bad_bool").row == 2
    assert not find(result.problems, "persons_mismatch")  # unknown size: nothing to compare


def test_duplicate_key_is_reported_per_repeated_row(tmp_path):
    def change(d):
        d["persons"].append(dict(d["persons"][0]))  # row 5 repeats row 2
        d["persons"].append(dict(d["persons"][0]))  # row 6 too
        d["households"][0]["persons"] = "4"

    result = _load(tmp_path, change)
    dups = find(result.problems, "duplicate_key")
    assert [(p.file, p.row, p.column, p.value) for p in dups] == [
        ("persons.csv", 5, "person_id", "P001"),
        ("persons.csv", 6, "person_id", "P001"),
    ]
    assert "与第 2 行重复" in dups[0].message_zh


def test_all_problems_of_a_folder_at_once(tmp_path):
    def change(d):
        d["townships"][0]["kind"] = "县"
        d["persons"][0]["sex"] = "?"
        d["visits"][0]["visited_on"] = "x"
        d["employment"][0]["person_id"] = "P999"

    result = _load(tmp_path, change)
    assert {p.file for p in result.errors} == {
        "townships.csv",
        "persons.csv",
        "visits.csv",
        "employment.csv",
    }


def test_many_identical_problems_are_summarised(tmp_path, monkeypatch):
    from lulong_data import messages

    monkeypatch.setattr(messages, "MAX_PER_GROUP", 2)

    def change(d):
        d["persons"] = [dict(d["persons"][0], person_id=f"P{i}", sex="?") for i in range(5)]
        d["persons"][4]["household_id"] = "H002"
        d["households"][0]["persons"] = "4"
        d["employment"][0]["person_id"] = "P0"
        d["employment"][1]["person_id"] = "P1"
        d["welfare_jobs"][0]["person_id"] = "P0"

    result = _load(tmp_path, change)
    listed = find(result.problems, "not_allowed")
    assert len(listed) == 2
    [rest] = find(result.problems, "more_problems")
    assert rest.extra["count"] == 3 and rest.severity == "error"
    assert result.summary().startswith("5 个错误")


# -- personal identifiers -------------------------------------------------------------------------


def test_id_number_column_is_refused_and_dropped(tmp_path):
    def change(d):
        for i, row in enumerate(d["persons"]):
            row["证件号"] = f"13032419800101{i:03d}X"

    result = _load(tmp_path, change)
    p = _only(result, "personal_id_number")
    assert (p.file, p.column, p.row, p.severity) == ("persons.csv", "证件号", None, "error")
    assert "身份证号" in p.message_zh and "证件号" in p.message_zh
    assert "13032419800101000X" not in p.message_zh + p.message_en + (p.value or "")
    assert p.value == "130324********000X"
    assert "证件号" not in result.frames["persons"].columns  # not kept in memory, not cached
    assert [p.code for p in result.errors] == ["personal_id_number"]


def test_mobile_number_column_is_refused(tmp_path):
    def change(d):
        d["households"][0]["联系电话"] = "13812345678"
        d["households"][1]["联系电话"] = "13912345678.0"  # Excel number

    result = _load(tmp_path, change)
    p = _only(result, "personal_mobile")
    assert (p.file, p.column) == ("households.csv", "联系电话")
    assert "手机号码" in p.message_zh and "共 2 处" in p.message_zh
    assert "13812345678" not in p.message_zh and p.value == "138****5678"


def test_personal_numbers_in_a_contract_column_are_masked_in_memory(tmp_path):
    result = _load(tmp_path, lambda d: d["environment_scores"][1].update(note="村民 13812345678 反映"))
    p = _only(result, "personal_mobile")
    assert p.column == "note"
    assert result.frames["environment_scores"].loc[1, "note"] == "村民 138****5678 反映"


def test_pseudonymous_ids_are_not_taken_for_personal_numbers(tmp_path):
    def change(d):
        d["persons"][0]["person_id"] = "P13032410020100101"
        d["employment"][0]["person_id"] = "P13032410020100101"
        d["welfare_jobs"][0]["person_id"] = "P13032410020100101"
        d["policy_menu"][0]["policy_code"] = "130324100201001011"  # 18 digits, no birth date
        d["assistance_measures"][0]["policy_code"] = "130324100201001011"

    assert _load(tmp_path, change).problems == []


# -- across datasets -------------------------------------------------------------------------------


def test_foreign_key(tmp_path):
    result = _load(tmp_path, lambda d: d["visits"][0].update(case_id="C404"), headers="alias")
    p = _only(result, "fk_missing")
    assert (p.file, p.row, p.column, p.value) == ("visits.csv", 2, "监测编号", "C404")
    assert "监测对象" in p.message_zh


def test_foreign_key_to_a_missing_optional_dataset_warns_once(tmp_path):
    result = _load(tmp_path, skip=("policy_menu",))
    p = _only(result, "fk_unchecked")
    assert p.severity == "warning" and p.file == "assistance_measures.csv"
    assert result.ok


def test_village_code_must_start_with_its_township(tmp_path):
    result = _load(tmp_path, lambda d: d["villages"][1].update(township_code=T1))
    p = _only(result, "village_not_in_township")
    assert (p.file, p.row, p.column, p.value) == ("villages.csv", 3, "village_code", V2)


def test_household_size_must_match_its_members(tmp_path):
    result = _load(tmp_path, lambda d: d["households"][0].update(persons="3"))
    p = _only(result, "persons_mismatch")
    assert (p.file, p.row, p.column, p.value) == ("households.csv", 2, "persons", "3")
    assert "有 2 人" in p.message_zh


def test_exit_year(tmp_path):
    def change(d):
        d["households"][0]["exit_year"] = ""
        d["households"][1]["exit_year"] = "2016"

    result = _load(tmp_path, change)
    assert _only(result, "exit_year_missing").row == 2
    unexpected = _only(result, "exit_year_unexpected")
    assert unexpected.row == 3 and unexpected.severity == "warning"


def test_category_must_fit_the_household_type(tmp_path):
    result = _load(tmp_path, lambda d: d["monitoring_cases"][1].update(category="脱贫不稳定户"))
    p = _only(result, "category_mismatch")
    assert (p.file, p.row, p.column, p.value) == ("monitoring_cases.csv", 3, "category", "脱贫不稳定户")
    assert "一般农户" in p.message_zh
    result = _load(tmp_path / "b", lambda d: d["monitoring_cases"][0].update(category="边缘易致贫户"))
    assert _only(result, "category_mismatch").row == 2


def test_procedure_dates_in_order_skipping_empty_ones(tmp_path):
    def change(d):
        case = d["monitoring_cases"][0]
        case["verified_on"] = ""
        case["village_review_on"] = "2022-02-27"  # before found_on (verified_on empty: skipped)
        case["eliminated_on"] = "2022-03-01"  # before approved_on
        case["elimination_kind"] = "风险自然消除"
        d["monitoring_cases"][1]["eliminated_on"] = "2022-07-20"  # never approved, kind missing

    result = _load(tmp_path, change, headers="alias")
    p = _only(result, "date_order")
    assert (p.row, p.column, p.value) == (2, "村级评议公示日期", "2022-02-27")
    assert "发现日期" in p.message_zh and "2022-03-01" in p.message_zh
    assert _only(result, "eliminated_before_approved").row == 2
    assert _only(result, "eliminated_not_approved").row == 3
    assert _only(result, "elimination_kind_missing").row == 3


def test_dates_within_year_and_period(tmp_path):
    def change(d):
        d["employment"][1]["started_on"] = "2021-12-31"
        d["environment_scores"][0]["inspected_on"] = "2022-07-01"

    result = _load(tmp_path, change)
    year = _only(result, "date_outside_year")
    assert (year.file, year.row, year.column) == ("employment.csv", 3, "started_on")
    period = _only(result, "date_outside_period")
    assert (period.file, period.row, period.value) == ("environment_scores.csv", 2, "2022-07-01")


def test_rows_dated_after_their_year_are_flagged(tmp_path):
    """A post, training or aid payment recorded under 2021 but dated in 2022 counts in no year's figure
    (a year's figures stop at its 31 December): a warning names the row, the load goes on."""

    def change(d):
        d["welfare_jobs"][0]["year"] = "2021"  # taken up 2022-03-01
        d["trainings"][0]["year"] = "2021"  # started 2022-05-01
        d["student_aid"][0].update(year="2021", paid_on="2022-01-15")

    result = _load(tmp_path, change)
    found = find(result.problems, "dated_after_year")
    got = {(p.file, p.row, p.column, p.severity) for p in found}
    assert got == {
        ("welfare_jobs.csv", 2, "started_on", "warning"),
        ("trainings.csv", 2, "started_on", "warning"),
        ("student_aid.csv", 2, "paid_on", "warning"),
    }
    assert all("2021 年之后" in p.message_zh for p in found)
    assert not find(_load(tmp_path / "ok").problems, "dated_after_year")


def test_township_targets_sum_to_the_county_target(tmp_path):
    result = _load(tmp_path, lambda d: d["employment_targets"][2].update(target="5"))
    p = _only(result, "target_sum")
    assert (p.file, p.row, p.column, p.value) == ("employment_targets.csv", 2, "target", "3")
    assert "合计 7" in p.message_zh


def test_target_given_twice(tmp_path):
    result = _load(tmp_path, lambda d: d["employment_targets"].append(dict(d["employment_targets"][1])))
    p = _only(result, "target_duplicate")
    assert p.row == 5 and "第 3 行" in p.message_zh


def test_welfare_posts_and_employment_mismatch_is_a_warning(tmp_path):
    def change(d):
        d["employment"][0]["channel"] = "劳务输出"  # the post holder no longer shows as 公益岗位
        d["employment"][1]["channel"] = "公益岗位"  # and someone without a post does

    result = _load(tmp_path, change)
    w = _only(result, "welfare_job_not_employed")
    assert (w.file, w.row, w.value, w.severity) == ("welfare_jobs.csv", 2, "P001", "warning")
    e = _only(result, "employment_without_welfare_job")
    assert (e.file, e.row, e.value, e.severity) == ("employment.csv", 3, "P002", "warning")
    assert result.ok


def test_an_employment_row_without_year_meets_the_posts_of_every_year_it_spans(tmp_path):
    """Contract v2: a row without a year (as the 务工 sheet's import writes) is in work from its start to its
    end, so it matches a post in each of those years, and a year without a post is a finding."""

    def spanning(d, posts):
        d["employment"][0].update(year="", started_on="2021-05-01")
        d["welfare_jobs"] = [
            dict(d["welfare_jobs"][0], job_id=f"W{y}", year=y, started_on=f"{y}-03-01") for y in posts
        ]

    result = _load(tmp_path / "a", lambda d: spanning(d, ["2021", "2022"]))
    assert not find(result.problems, "welfare_job_not_employed")
    assert not find(result.problems, "employment_without_welfare_job")
    result = _load(tmp_path / "b", lambda d: spanning(d, ["2022"]))
    e = _only(result, "employment_without_welfare_job")
    assert (e.file, e.row, e.value) == ("employment.csv", 2, "P001") and "2021" in e.message_zh
    assert not find(result.problems, "welfare_job_not_employed") and result.ok


def test_dibao_fields_follow_the_scheme(tmp_path):
    def change(d):
        d["social_assistance"][0]["tier"] = ""
        d["social_assistance"][1]["dibao_class"] = "2"

    result = _load(tmp_path, change)
    missing = _only(result, "dibao_field_missing")
    assert (missing.row, missing.column) == (2, "tier")
    unexpected = _only(result, "dibao_field_unexpected")
    assert (unexpected.row, unexpected.column, unexpected.value) == (3, "dibao_class", "2")


def test_dates_after_the_data_as_of_date_warn(tmp_path):
    def change(d):
        d["visits"][0]["visited_on"] = "2022-08-01"
        d["social_assistance"][0]["phaseout_until"] = "2023-01-01"  # scheduled ahead: fine

    result = _load(tmp_path, change)
    p = _only(result, "after_as_of")
    assert (p.file, p.row, p.severity) == ("visits.csv", 2, "warning")
    assert "2022-07-26" in p.message_zh
    assert result.ok


def test_manifest_county_mismatch_warns(tmp_path):
    result = _load(tmp_path, manifest='county_code = "130300"\ndata_as_of = 2022-07-26\n')
    assert _only(result, "manifest_county_mismatch").severity == "warning"


# -- schemas and report -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_schema_describes_every_column(name):
    s = schema(name)
    assert s.strict is False
    for col in DATASETS[name].columns:
        assert s.columns[col.name].title == col.alias
        assert s.columns[col.name].description == col.description


def test_problems_frame(tmp_path):
    result = _load(
        tmp_path, lambda d: (d["visits"][0].update(visited_on="2022-08-01"), d["persons"][0].update(sex="?"))
    )
    frame = problems_frame(result.problems)
    assert list(frame.columns) == ["文件", "行", "列", "值", "问题", "级别"]
    assert frame["级别"].tolist() == ["错误", "提示"]  # errors first
    assert frame.loc[0, "行"] == 2 and frame.loc[0, "列"] == "sex"
    assert list(problems_frame(result.problems, "en").columns)[-1] == "Severity"
    assert problems_frame([]).empty


def test_problems_frame_of_a_clean_folder_is_empty(tmp_path):
    result = _load(tmp_path)
    assert problems_frame(result.problems).shape == (0, 6)


def test_sizes_of_typed_frames_keep_row_numbers(tmp_path):
    result = _load(tmp_path)
    assert isinstance(result.frames["persons"].index, pd.RangeIndex)
    assert result.rows["visits"].tolist() == [2]
    assert V1 in result.frames["villages"]["village_code"].tolist()


def test_the_shortcut_knows_every_check_of_the_schemas():
    """``schemas._surely_valid`` passes a frame without pandera only by the checks it knows (bounds,
    allowed values, required, unique, dtype); a new kind of check in a schema must be taught to it first."""
    known = {"greater_than_or_equal_to", "less_than_or_equal_to", "isin"}
    for name in DATASETS:
        for col in schema(name).columns.values():
            assert {c.name for c in col.checks} <= known, (name, col.name)


def test_the_shortcut_never_passes_what_pandera_refuses(sample_bundle):
    """Each kind of fault, put into a valid sample frame: the shortcut leaves the frame to pandera."""
    from pandera.errors import SchemaErrors

    from lulong_data.schemas import _surely_valid

    tried = 0
    for name, frame in sample_bundle.frames.items():
        if frame.empty:
            continue
        assert _surely_valid(frame, name, ()), name  # the sample is valid as it is
        for col in DATASETS[name].columns:
            faults = []
            if not col.nullable:
                faults.append(None)
            if col.values:
                faults.append("不在清单中")
            if col.min is not None:
                faults.append(col.min - 1)
            if col.max is not None:
                faults.append(col.max + 1)
            if col.unique and len(frame) > 1:
                faults.append(frame[col.name].iloc[1])
            for value in faults:
                broken = frame.copy()
                try:
                    broken.loc[broken.index[0], col.name] = value
                except (TypeError, ValueError):
                    continue  # the dtype cannot hold it: the loader would have refused the cell
                try:
                    schema(name).validate(broken, lazy=True)
                except SchemaErrors:
                    pass
                else:
                    continue  # not a fault for this column (a unique column's value appears once)
                tried += 1
                assert not _surely_valid(broken, name, ()), (name, col.name, value)
    assert tried > 20
