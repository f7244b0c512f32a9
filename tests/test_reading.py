"""Finding, decoding and reading the files of a data folder, and typing their cells."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from loader_builders import MANIFEST, T1, V1, find, tables, write_folder, write_table

from lulong_data.contract import DATASETS
from lulong_data.loader import load_folder
from lulong_data.parsing import DTYPES, parse_bool, parse_code, parse_date, parse_int, parse_period


def _text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str", index=range(2, len(values) + 2))


# -- a clean folder ------------------------------------------------------------------------------


def test_clean_folder_loads_without_problems(tmp_path):
    result = load_folder(write_folder(tmp_path))
    assert result.problems == []
    assert result.ok
    assert result.present == set(DATASETS)
    assert result.manifest["data_as_of"] == dt.date(2022, 7, 26)
    for name, ds in DATASETS.items():
        frame = result.frames[name]
        assert list(frame.columns[: len(ds.columns)]) == [c.name for c in ds.columns]
        for col in ds.columns:
            assert str(frame[col.name].dtype) == str(pd.Series([], dtype=DTYPES[col.kind]).dtype), (
                name,
                col.name,
            )
        assert list(frame.index) == list(range(len(frame)))  # plain index for the metrics
    persons = result.frames["persons"]
    assert persons["birth_year"].tolist() == [1970, 1972, 1950]
    cases = result.frames["monitoring_cases"]
    assert cases.loc[0, "approved_on"] == pd.Timestamp("2022-03-12")
    assert pd.isna(cases.loc[1, "approved_on"])
    assert result.frames["environment_scores"]["veto"].tolist() == [False, True]
    assert result.rows["persons"].tolist() == [2, 3, 4]


def test_absent_optional_dataset_is_an_empty_typed_frame(tmp_path):
    result = load_folder(write_folder(tmp_path, skip=("trainings",)))
    assert "trainings" not in result.present
    frame = result.frames["trainings"]
    assert frame.empty
    assert str(frame["participants"].dtype) == "Int64"
    assert str(frame["started_on"].dtype) == "datetime64[ns]"
    assert result.ok


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    result = load_folder(write_folder(tmp_path, encoding=encoding, headers="alias"))
    assert result.problems == []
    assert result.frames["townships"]["name"].tolist() == ["卢龙镇", "潘庄镇"]
    assert result.frames["persons"]["labour_ability"].iloc[1] == "弱劳动力或半劳动力"


def test_undecodable_csv_is_an_error_naming_the_file(tmp_path):
    write_folder(tmp_path)
    (tmp_path / "visits.csv").write_bytes(b"visit_id,case_id\n\x81\x20\xff\xfe\x00,x\n")
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "bad_encoding", "visits.csv")
    assert problem.severity == "error"
    assert "visits" not in result.present


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_every_format_gives_the_same_frames(tmp_path, fmt):
    reference = load_folder(write_folder(tmp_path / "csv"))
    result = load_folder(write_folder(tmp_path / fmt, fmt=fmt, headers="mixed"))
    assert result.problems == []
    for name in DATASETS:
        pd.testing.assert_frame_equal(result.frames[name], reference.frames[name], check_dtype=True)


@pytest.mark.parametrize("style", ["alias", "mixed"])
def test_chinese_and_mixed_headers(tmp_path, style):
    result = load_folder(write_folder(tmp_path, headers=style))
    assert result.problems == []
    assert result.headers["households"]["household_id"] == "户编号"
    assert result.frames["villages"]["township_code"].tolist() == [T1, "130324101"]


def test_headers_with_bom_and_blanks_are_cleaned(tmp_path):
    write_folder(tmp_path)
    text = "\ufeff 乡镇代码 ,county_code,\u3000乡镇名称,类型\n130324100,130324,卢龙镇,镇\n"
    (tmp_path / "townships.csv").write_text(text, encoding="utf-8")
    result = load_folder(tmp_path)
    assert [p for p in result.problems if p.file == "townships.csv"] == []
    assert result.frames["townships"]["township_code"].tolist() == [T1]


def test_typed_parquet_and_excel_cells_are_read_as_text_first(tmp_path):
    """Numbers, real dates and booleans stored natively still load (codes keep their digits)."""
    write_folder(tmp_path)
    (tmp_path / "environment_scores.csv").unlink()
    (tmp_path / "employment.csv").unlink()
    pd.DataFrame(
        {
            "period": ["2022-06"],
            "village_code": [130324100201.0],  # a code that went through a float
            "inspected_on": pd.to_datetime(["2022-06-15"]),
            "garbage": [20],
            "toilets": [18.0],
            "sewage": [12],
            "appearance": [20],
            "upkeep": [12.5],
            "veto": [True],
            "note": [None],
        }
    ).to_parquet(tmp_path / "environment_scores.parquet")
    pd.DataFrame(
        {
            "record_id": ["E001", "E002"],
            "person_id": ["P001", "P002"],
            "year": [2022.0, 2022.0],
            "channel": ["公益岗位", "劳务输出"],
            "location": ["县内", "省外"],
            "started_on": [dt.datetime(2022, 3, 1), dt.datetime(2022, 4, 1)],
        }
    ).to_excel(tmp_path / "employment.xlsx", index=False)
    result = load_folder(tmp_path)
    assert result.problems == []
    env = result.frames["environment_scores"]
    assert env.loc[0, "village_code"] == V1
    assert env.loc[0, "inspected_on"] == pd.Timestamp("2022-06-15")
    assert bool(env.loc[0, "veto"]) is True
    assert env.loc[0, "upkeep"] == 12.5
    emp = result.frames["employment"]
    assert emp["year"].tolist() == [2022, 2022]
    assert emp["started_on"].tolist() == [pd.Timestamp("2022-03-01"), pd.Timestamp("2022-04-01")]


def test_excel_float_codes_and_serial_dates_are_repaired(tmp_path):
    data = tables()
    data["villages"][0]["village_code"] = "130324100201.0"
    data["villages"][0]["township_code"] = "130324100.0"
    data["visits"][0]["visited_on"] = "44768"  # Excel serial of 2022-07-26
    data["monitoring_cases"][0]["found_on"] = "2022/3/1"
    data["monitoring_cases"][0]["verified_on"] = "2022年3月3日"
    result = load_folder(write_folder(tmp_path, data))
    assert result.problems == []
    assert result.frames["villages"].loc[0, "village_code"] == V1
    assert result.frames["villages"].loc[0, "township_code"] == T1
    assert result.frames["visits"].loc[0, "visited_on"] == pd.Timestamp("2022-07-26")
    assert result.frames["monitoring_cases"].loc[0, "verified_on"] == pd.Timestamp("2022-03-03")


def test_leading_zeros_survive(tmp_path):
    data = tables()
    data["policy_menu"][0]["policy_code"] = "007"
    data["assistance_measures"][0]["policy_code"] = "007"
    result = load_folder(write_folder(tmp_path, data))
    assert result.problems == []
    assert result.frames["policy_menu"].loc[0, "policy_code"] == "007"


# -- files of the folder -------------------------------------------------------------------------


def test_missing_required_file(tmp_path):
    result = load_folder(write_folder(tmp_path, skip=("persons",)))
    [problem] = find(result.problems, "missing_file")
    assert problem.severity == "error" and problem.file == "persons.csv"
    assert "家庭成员" in problem.message_zh and "persons.csv" in problem.message_zh
    assert not result.ok


def test_empty_file_is_an_error_and_header_only_is_fine(tmp_path):
    write_folder(tmp_path)
    (tmp_path / "visits.csv").write_bytes(b"")
    write_table(tmp_path, "trainings", [])  # header row only: zero rows
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "empty_file")
    assert problem.file == "visits.csv" and problem.severity == "error"
    assert "trainings" in result.present and result.frames["trainings"].empty
    assert [p for p in result.problems if p.file == "trainings.csv"] == []


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_corrupt_binary_file_is_a_clear_error(tmp_path, fmt):
    write_folder(tmp_path, skip=("visits",))
    (tmp_path / f"visits.{fmt}").write_bytes(b"PAR1 this is not really a file" * 5)
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "corrupt_file")
    assert problem.file == f"visits.{fmt}"
    assert "无法打开" in problem.message_zh and fmt.upper() in problem.message_zh
    assert "Traceback" not in problem.message_zh
    assert "visits" not in result.present


def test_two_forms_of_one_dataset(tmp_path):
    write_folder(tmp_path)
    write_table(tmp_path, "visits", tables()["visits"], fmt="xlsx")
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "two_forms")
    assert "visits.csv" in problem.message_zh and "visits.xlsx" in problem.message_zh
    assert problem.severity == "error"
    assert "visits" not in result.present
    # the cases the visits point to are still checked as usual, no noise about the missing visits
    assert len(result.errors) == 1


def test_unknown_files_warn_but_known_extras_do_not(tmp_path):
    write_folder(tmp_path)
    (tmp_path / "README.md").write_text("说明")
    (tmp_path / "rules.toml").write_text("")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "农户.csv").write_text("x")
    (tmp_path / "~$households.xlsx").write_bytes(b"lock")
    result = load_folder(tmp_path)
    unknown = find(result.problems, "unknown_file")
    assert sorted(p.file for p in unknown) == ["notes.txt", "农户.csv"]
    assert all(p.severity == "warning" for p in unknown)
    assert "households.csv" in next(p for p in unknown if p.file == "农户.csv").message_zh
    assert result.ok


def test_unreadable_folder_is_one_problem(tmp_path):
    result = load_folder(tmp_path / "nowhere")
    [problem] = result.problems
    assert problem.code == "folder_unreadable" and problem.severity == "error"
    assert set(result.frames) == set(DATASETS)  # still usable as an empty bundle


def test_manifest_date_given_as_text_and_bad_manifest(tmp_path):
    write_folder(tmp_path, manifest='data_as_of = "2022/7/26"\ncounty_code = 130324\n')
    result = load_folder(tmp_path)
    assert result.manifest == {"data_as_of": dt.date(2022, 7, 26), "county_code": "130324"}
    (tmp_path / "manifest.toml").write_text('data_as_of = "soon"\n')
    result = load_folder(tmp_path)
    assert find(result.problems, "bad_manifest_date")
    assert "data_as_of" not in result.manifest
    (tmp_path / "manifest.toml").write_text("data_as_of = = \n")
    assert find(load_folder(tmp_path).problems, "bad_manifest")


# -- headers --------------------------------------------------------------------------------------


def test_extra_columns_are_kept_with_one_warning(tmp_path):
    data = tables()
    for i, row in enumerate(data["persons"]):
        row["备注"], row["mark"] = f"note{i}", "x"
    result = load_folder(write_folder(tmp_path, data))
    [problem] = find(result.problems, "extra_columns")
    assert problem.file == "persons.csv" and problem.severity == "warning"
    assert "备注" in problem.message_zh and "mark" in problem.message_zh
    assert result.frames["persons"]["备注"].tolist() == ["note0", "note1", "note2"]
    assert result.ok


def test_missing_required_column_is_named(tmp_path):
    write_folder(tmp_path)
    rows = tables()["persons"]
    columns = [c for c in rows[0] if c != "health"]
    write_table(tmp_path, "persons", rows, columns=columns, headers="alias")
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "missing_column")
    assert problem.file == "persons.csv"
    assert "健康状况" in problem.message_zh and "health" in problem.message_en
    # the column exists, empty, and is not reported cell by cell as well
    assert result.frames["persons"]["health"].isna().all()
    assert [p.code for p in result.problems] == ["missing_column"]


def test_missing_optional_column_is_fine(tmp_path):
    write_folder(tmp_path)
    rows = tables()["townships"]
    write_table(tmp_path, "townships", rows, columns=["township_code", "county_code", "name", "kind"])
    result = load_folder(tmp_path)
    assert result.problems == []
    assert result.frames["townships"]["population"].isna().all()


def test_same_column_twice_is_an_error(tmp_path):
    write_folder(tmp_path)
    text = "visit_id,监测编号,case_id,visited_on,visitor_role\nV001,C001,C001,2022-04-01,网格员\n"
    (tmp_path / "visits.csv").write_text(text, encoding="utf-8")
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "duplicate_column")
    assert problem.file == "visits.csv" and problem.severity == "error"
    assert "监测编号" in problem.message_zh and "case_id" in problem.message_zh


def test_blank_rows_keep_excel_row_numbers(tmp_path):
    write_folder(tmp_path)
    text = "visit_id,case_id,visited_on,visitor_role\nV001,C001,2022-04-01,网格员\n,,,\n\nV002,C001,2022-13-01,网格员\n"
    (tmp_path / "visits.csv").write_text(text, encoding="utf-8")
    result = load_folder(tmp_path)
    [problem] = find(result.problems, "bad_date")
    assert problem.row == 5
    assert len(result.frames["visits"]) == 2


# -- maps -------------------------------------------------------------------------------------------


def _feature(code):
    props = {} if code is None else {"township_code": code}
    return {"type": "Feature", "properties": props, "geometry": None}


def test_geojson_is_loaded_and_checked(tmp_path):
    write_folder(tmp_path)
    fc = {"type": "FeatureCollection", "features": [_feature(T1), _feature("130324999"), _feature(None)]}
    (tmp_path / "township_boundaries.geojson").write_text(json.dumps(fc), encoding="utf-8")
    (tmp_path / "county_boundary.geojson").write_text('{"type": "Feature"}', encoding="utf-8")
    result = load_folder(tmp_path)
    assert result.geo["township_boundaries"]["features"][0]["properties"]["township_code"] == T1
    assert "county_boundary" not in result.geo
    assert find(result.problems, "bad_geojson", "county_boundary.geojson")
    [unknown] = find(result.problems, "geo_unknown_township")
    assert unknown.value == "130324999"
    assert find(result.problems, "geo_missing_code")
    [missing] = find(result.problems, "geo_township_without_feature")
    assert missing.value == "130324101" and missing.severity == "warning"


# -- cell parsers -----------------------------------------------------------------------------------


def test_parse_code():
    values, bad = parse_code(
        _text(["130324100", "130324100.0", "13032410", "1.30324E+08", None, "13O324100"]), 9
    )
    assert values.tolist()[:2] == ["130324100", "130324100"]
    assert values.iloc[2:].isna().all()
    assert bad.to_dict() == {4: "bad_code", 5: "bad_code_scientific", 7: "bad_code"}


def test_parse_date():
    raw = ["2022-07-26", "2022/7/6", "2022年7月26日", "44768", "2022-13-01", "2022-02-30", "123", "", None]
    values, bad = parse_date(_text(raw).replace("", None))
    assert values.iloc[:4].tolist() == [
        pd.Timestamp(d) for d in ("2022-07-26", "2022-07-06", "2022-07-26", "2022-07-26")
    ]
    assert sorted(bad.index) == [6, 7, 8]
    assert str(values.dtype) == "datetime64[ns]"


def test_parse_numbers_bools_periods():
    ints, bad = parse_int(_text(["12", "12.0", "1,234", "12.5", "x"]))
    assert ints.tolist()[:3] == [12, 12, 1234] and sorted(bad.index) == [5, 6]
    bools, bad = parse_bool(_text(["是", "否", "TRUE", "n", "√", "×", "1", "maybe"]))
    assert bools.tolist()[:7] == [True, False, True, False, True, False, True] and list(bad.index) == [9]
    periods, bad = parse_period(_text(["2022-07", "2022/7", "2022年7月", "2022-07-01", "2022-13"]))
    assert periods.tolist()[:4] == ["2022-07"] * 4 and list(bad.index) == [6]


def test_manifest_constant_is_valid_toml():
    import tomllib

    assert tomllib.loads(MANIFEST)["data_as_of"] == dt.date(2022, 7, 26)


@pytest.mark.parametrize(
    ("content", "code", "row"),
    [
        (b"\n\n\n", "empty_file", None),
        (b"\xef\xbb\xbf", "empty_file", None),
        (b"visit_id,case_id\nV1,C001\nV2,C001,2022-04-01,x\n", "csv_ragged", 3),
        (b'visit_id,case_id\n"V1,C001\n', "csv_open_quote", None),
    ],
)
def test_malformed_csv_is_explained(tmp_path, content, code, row):
    write_folder(tmp_path, skip=("visits",))
    (tmp_path / "visits.csv").write_bytes(content)
    [problem] = load_folder(tmp_path).problems
    assert (problem.code, problem.file, problem.row, problem.severity) == (code, "visits.csv", row, "error")
    assert "Error" not in problem.message_zh  # no parser jargon for the clerk


def test_excel_unicode_text_export_is_read(tmp_path):
    """Excel's "Unicode text" is UTF-16 with tabs."""
    write_folder(tmp_path, skip=("visits",))
    text = "走访编号\t监测编号\t走访日期\t走访人身份\r\nV001\tC001\t2022/4/1\t网格员\r\n"
    (tmp_path / "visits.csv").write_bytes(text.encode("utf-16"))
    result = load_folder(tmp_path)
    assert result.problems == []
    assert result.frames["visits"].loc[0, "visitor_role"] == "网格员"


# -- the pyarrow CSV path (reading._read_csv_arrow) gives what pandas' parser gives ---------------

_CSV_CASES = {
    "plain": b"township_code,name\n130324100,\xe5\x8d\xa2\xe9\xbe\x99\xe9\x95\x87\n",
    "bom_crlf": b"\xef\xbb\xbftownship_code,name\r\n130324100,a\r\n130324101,b\r\n",
    "padded": "township_code , name\n 130324100\u3000,\xa0a \n".encode(),
    "quoted": b'township_code,name\n"130324100","a, ""b""\nc"\n',
    "blank_rows": b"township_code,name\n130324100,a\n,\n\n130324101,b\n",
    "tabs": b"township_code\tname\n130324100\ta\n",
    "mid_quote": b'township_code,name\n130324100,a"b\n',
    "open_quote": b'township_code,name\n130324100,"a\n',
    "ragged": b"township_code,name\n130324100,a,x\n",
    "short_row": b"township_code,name\n130324100\n",
    "leading_blank": b"\ntownship_code,name\n130324100,a\n",
    "gb18030": "township_code,name\n130324100,卢龙镇\n".encode("gb18030"),
}


@pytest.mark.parametrize("case", sorted(_CSV_CASES))
def test_csv_arrow_path_agrees_with_pandas(tmp_path, monkeypatch, case):
    from lulong_data import reading

    path = tmp_path / "townships.csv"
    path.write_bytes(_CSV_CASES[case])
    fast = reading.read_table(path, "townships")
    monkeypatch.setattr(reading, "_read_csv_arrow", lambda data: None)
    slow = reading.read_table(path, "townships")
    assert fast.problems == slow.problems
    assert (fast.headers, fast.extra_columns, fast.encoding) == (
        slow.headers,
        slow.extra_columns,
        slow.encoding,
    )
    if slow.frame is None:
        assert fast.frame is None
    else:
        pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)


def test_trim_check_sees_every_blank_arrow_trims():
    # reading._may_need_trim lets a column skip the trim, so it must flag every character Arrow trims
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from lulong_data.reading import _may_need_trim

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells = pa.array(
        [c + "a" for c in chars] + ["a" + c for c in chars] + ["中" + c for c in chars], pa.large_string()
    )
    trimmed = np.flatnonzero(~pc.equal(pc.utf8_trim_whitespace(cells), cells).to_numpy(zero_copy_only=False))
    assert len(trimmed) > 50
    assert all(_may_need_trim(pa.chunked_array([cells.slice(i, 1)])) for i in trimmed)
    assert not _may_need_trim(pa.chunked_array([pa.array(["P1399011", "中文", "é", ""], pa.large_string())]))
