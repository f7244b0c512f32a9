import datetime as dt
import os

import pandas as pd
import pytest
from factories import PLACES, T1, V1, V3, bundle_from_frames

from lulong_data.bundle import Bundle, _latest_date, coerce, empty_frame, fingerprint, load_bundle
from lulong_data.contract import DATASETS


def test_from_frames_coerces_to_contract_dtypes():
    b = bundle_from_frames(
        social_assistance=[
            {
                "record_id": "S1",
                "village_code": 130324100001,  # an int, as a careless test might write it
                "scheme": "农村低保",
                "persons": "2",
                "single_person": "是",
                "started_on": "2022-01-05",
                "monthly_amount": 500,
            }
        ]
    )
    df = b.frames["social_assistance"]
    assert df.loc[0, "village_code"] == V1
    assert str(df["village_code"].dtype) == "str"
    assert str(df["persons"].dtype) == "Int64"
    assert str(df["monthly_amount"].dtype) == "float64"
    assert str(df["started_on"].dtype) == "datetime64[ns]"
    assert str(df["single_person"].dtype) == "boolean"
    assert pd.isna(df.loc[0, "ended_on"]) and pd.isna(df.loc[0, "household_id"])
    assert b.has("social_assistance") and b.has("villages") and not b.has("employment")


def test_absent_datasets_are_empty_typed_tables():
    b = bundle_from_frames()
    assert set(b.frames) == set(DATASETS)
    for name, ds in DATASETS.items():
        assert list(b.frames[name].columns) == [c.name for c in ds.columns]
        assert b.table(name).count().execute() == (len(PLACES[name]) if name in PLACES else 0)
    schema = b.table("monitoring_cases").schema()
    assert schema["approved_on"].is_date() and schema["income_per_capita"].is_floating()
    assert b.table("environment_scores").schema()["veto"].is_boolean()
    # Metrics can compare empty date columns with an as-of date without crashing.
    t = b.table("visits")
    assert t.filter(t.visited_on <= dt.date(2022, 7, 26)).count().execute() == 0


def test_empty_frame_and_coerce_keep_extra_columns():
    assert empty_frame("villages").empty
    df = coerce("villages", pd.DataFrame([{**PLACES["villages"][0], "备注": "x"}]))
    assert list(df.columns)[-1] == "备注"
    assert df.loc[0, "township_code"] == T1


def test_excel_float_codes_repaired():
    df = coerce(
        "townships",
        pd.DataFrame([{"township_code": 130324100.0, "county_code": "130324", "name": "a", "kind": "镇"}]),
    )
    assert df.loc[0, "township_code"] == T1


def test_table_unknown_name():
    with pytest.raises(KeyError, match="nope"):
        bundle_from_frames().table("nope")


def test_ibis_join_across_tables():
    b = bundle_from_frames(
        households=[
            {
                "household_id": "H1",
                "village_code": V3,
                "household_type": "脱贫户",
                "exit_year": 2016,
                "persons": 2,
            }
        ]
    )
    h, v = b.table("households"), b.table("villages")
    joined = h.join(v, "village_code").select("household_id", "township_code").execute()
    assert joined.to_dict("records") == [{"household_id": "H1", "township_code": "130324101"}]


def test_problem_properties():
    from lulong_data.contract import Problem

    b = Bundle.from_frames(PLACES, as_of=dt.date(2022, 7, 26))
    assert b.ok and b.errors == () and b.warnings == ()
    err = Problem("error", "x.csv", "错", "bad")
    warn = Problem("warning", "x.csv", "注意", "note")
    b2 = Bundle(
        folder=None,
        frames=b.frames,
        present=b.present,
        problems=(err, warn),
        as_of=b.as_of,
        fingerprint="f",
        rules=b.rules,
    )
    assert not b2.ok and b2.errors == (err,) and b2.warnings == (warn,)


def test_latest_date_ignores_forward_dates_and_published_figures():
    frames = {
        "visits": coerce(
            "visits",
            pd.DataFrame(
                [{"visit_id": "1", "case_id": "C", "visited_on": "2022-07-20", "visitor_role": "网格员"}]
            ),
        ),
        "social_assistance": coerce(
            "social_assistance",
            pd.DataFrame(
                [
                    {
                        "record_id": "S",
                        "village_code": V1,
                        "scheme": "农村低保",
                        "persons": 1,
                        "started_on": "2022-07-01",
                        "phaseout_until": "2023-07-01",
                        "monthly_amount": 1,
                    }
                ]
            ),
        ),
        "published_figures": coerce(
            "published_figures",
            pd.DataFrame(
                [
                    {
                        "figure_id": "P",
                        "statement": "s",
                        "value": 1,
                        "unit": "个",
                        "as_of": "2022-08-01",
                        "source": "x",
                    }
                ]
            ),
        ),
    }
    assert _latest_date(frames) == dt.date(2022, 7, 20)


def test_fingerprint_changes_with_files(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    first = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == first
    (tmp_path / "a.csv").write_text("x\n12\n", encoding="utf-8")
    assert fingerprint(tmp_path) != first
    second = fingerprint(tmp_path)
    os.utime(tmp_path / "a.csv", ns=(1, 1))
    assert fingerprint(tmp_path) != second


# -- load_bundle on a real folder (needs lulong_data.loader) ---------------------------------------


def _write_places(folder):
    (folder / "townships.csv").write_text(
        "乡镇代码,县代码,乡镇名称,类型,户籍人口,农村人口\n130324100,130324,卢龙镇,镇,60000,40000\n",
        encoding="utf-8",
    )
    (folder / "villages.csv").write_text(
        "村代码,乡镇代码,村名称,类型\n130324100001,130324100,东村,村委会\n", encoding="utf-8"
    )
    (folder / "households.csv").write_text(
        "户编号,村代码,户类型,脱贫年度,家庭人口\nH1,130324100001,脱贫户,2016,1\n", encoding="utf-8"
    )
    (folder / "persons.csv").write_text(
        "人编号,户编号,性别,出生年份,劳动能力,健康状况\nP1,H1,男,1970,普通劳动力,健康\n", encoding="utf-8"
    )
    (folder / "visits.csv").write_text("visit_id,case_id,visited_on,visitor_role\n", encoding="utf-8")


def test_load_bundle_manifest_as_of(tmp_path):
    _write_places(tmp_path)
    (tmp_path / "manifest.toml").write_text(
        'county_code = "130324"\ndata_as_of = 2022-07-26\n', encoding="utf-8"
    )
    b = load_bundle(tmp_path)
    assert b.as_of == dt.date(2022, 7, 26)
    assert b.folder == tmp_path and len(b.fingerprint) == 64
    assert b.table("townships").count().execute() == 1
    assert b.has("townships") and not b.has("employment")
    assert b.table("employment").count().execute() == 0
    assert b.rules.deadlines.identification_days == 15


def test_load_bundle_rules_override_and_bad_rules(tmp_path):
    from lulong_data.rules import DEFAULT_RULES_PATH

    _write_places(tmp_path)
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace(
        "batch_households = 5", "batch_households = 8"
    )
    (tmp_path / "rules.toml").write_text(text, encoding="utf-8")
    assert load_bundle(tmp_path).rules.batch_households == 8

    (tmp_path / "rules.toml").write_text("deadlines = [", encoding="utf-8")
    b = load_bundle(tmp_path)  # never raises for bad data
    assert b.rules.batch_households == 5
    assert any(p.file == "rules.toml" and p.severity == "error" for p in b.problems)


def test_load_bundle_as_of_without_manifest_is_latest_date(tmp_path):
    _write_places(tmp_path)
    (tmp_path / "visits.csv").write_text(
        "visit_id,case_id,visited_on,visitor_role\nV1,C1,2022-05-03,网格员\n", encoding="utf-8"
    )
    assert load_bundle(tmp_path).as_of == dt.date(2022, 5, 3)
