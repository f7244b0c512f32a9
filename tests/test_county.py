"""Several counties in one folder (issue #12): the county_code extension of the county-wide rows and its
checks, and lulong_data.county (the counties of a folder, one county's data as a Bundle)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from paths import SAMPLE_DIR

from lulong_data import county
from lulong_data.bundle import load_bundle
from lulong_data.generator import scale
from lulong_data.metrics import registry

CODES = ["139901", "139902", "139903"]
COUNTY_CODE_PROBLEMS = ("county_code_mismatch", "county_code_unknown", "county_code_missing")


@pytest.fixture(scope="module")
def folder(three_county_folder):
    return three_county_folder


@pytest.fixture(scope="module")
def full(three_county_bundle):
    return three_county_bundle


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """County 1 written alone: the same rows as county 1 of the 3-county folder (same random stream)."""
    out = tmp_path_factory.mktemp("county1") / "data"
    scale.write(out, 1, scale=0.08)
    return load_bundle(out)


def _problems(b, *codes):
    return [p for p in b.problems if p.code in codes]


# -- the contract extension ------------------------------------------------------------------------


def test_generated_folder_names_the_county_of_county_wide_rows(full):
    assert not full.errors, full.errors[:5]
    for name in ("employment_targets", "indicators"):
        df = full.frames[name]
        wide = df[df["township_code"].isna()]
        assert sorted(wide["county_code"].unique()) == CODES, name
        towns = df[df["township_code"].notna()]
        assert towns["county_code"].eq(towns["township_code"].str.slice(0, 6)).all(), name
    # one county total per county and year, equal to its townships' sum (no duplicate/sum errors)
    assert not _problems(full, "target_duplicate", "target_sum")
    assert not full.has("published_figures")


def test_sample_needs_no_county_code(sample_bundle):
    assert not _problems(sample_bundle, *COUNTY_CODE_PROBLEMS)
    assert sample_bundle.frames["employment_targets"]["county_code"].isna().all()
    header = (SAMPLE_DIR / "employment_targets.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "county_code" not in header  # the sample stays as it was


def _edit(src, dst, name, edit):
    shutil.copytree(src, dst)
    path = dst / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = edit(df)
    df.to_csv(path, index=False)
    return load_bundle(dst)


def test_bad_county_codes_are_named_by_file_row_column_value(folder, tmp_path):
    def edit(df):
        wide = df.index[df["township_code"].eq("")]
        df.loc[wide[0], "county_code"] = ""  # spreadsheet row wide[0] + 2
        df.loc[wide[1], "county_code"] = "139977"  # not a county of the folder
        town = df.index[df["township_code"].ne("")][0]
        df.loc[town, "county_code"] = (
            "139902" if not df.loc[town, "township_code"].startswith("139902") else "139901"
        )
        # Chinese header for the new column
        return df.rename(columns={"county_code": "县代码"})

    targets = pd.read_csv(folder / "employment_targets.csv", dtype=str, keep_default_na=False)
    wide = targets.index[targets["township_code"].eq("")]
    town = targets.index[targets["township_code"].ne("")][0]
    b = _edit(folder, tmp_path / "bad", "employment_targets", edit)
    found = {p.code: p for p in _problems(b, *COUNTY_CODE_PROBLEMS)}
    assert set(found) == set(COUNTY_CODE_PROBLEMS), [p.message_zh for p in b.problems]
    for p in found.values():
        assert p.severity == "error" and p.file == "employment_targets.csv" and p.column == "县代码"
    missing, unknown, mismatch = (
        found[c] for c in ("county_code_missing", "county_code_unknown", "county_code_mismatch")
    )
    assert missing.row == wide[0] + 2 and f"第 {wide[0] + 2} 行" in missing.message_zh
    assert "3 个县" in missing.message_zh and "139901、139902、139903" in missing.message_zh
    assert f"Row {wide[0] + 2}" in missing.message_en and "county code" in missing.message_en
    assert unknown.row == wide[1] + 2 and unknown.value == "139977" and "139977" in unknown.message_zh
    assert mismatch.row == town + 2 and targets.loc[town, "township_code"] in mismatch.message_zh
    assert mismatch.value in mismatch.message_en


def test_one_county_folder_without_county_code_is_fine_but_a_wrong_one_is_not(tmp_path):
    def edit(df):
        df["county_code"] = ""
        df.loc[df.index[df["township_code"].eq("")][0], "county_code"] = "130399"
        return df

    b = _edit(SAMPLE_DIR, tmp_path / "one", "indicators", edit)
    found = _problems(b, *COUNTY_CODE_PROBLEMS)
    assert [p.code for p in found] == ["county_code_unknown"]
    assert (
        found[0].file == "indicators.csv" and found[0].value == "130399" and "130324" in found[0].message_zh
    )


def test_county_totals_are_checked_per_county(folder, tmp_path):
    def edit(df):
        row = df.index[df["township_code"].eq("") & df["county_code"].eq("139902")][0]
        df.loc[row, "target"] = str(int(df.loc[row, "target"]) + 1)
        return df

    b = _edit(folder, tmp_path / "sum", "employment_targets", edit)
    sums = _problems(b, "target_sum", "target_duplicate")
    assert [p.code for p in sums] == ["target_sum"]


# -- counties and subsets --------------------------------------------------------------------------


def test_counties_have_readable_names(full, sample_bundle):
    assert county.counties(full) == [(c, f"模拟县{i}(虚构)") for i, c in enumerate(CODES, start=1)]
    assert county.counties(sample_bundle) == [("130324", "卢龙县")]


def test_subsets_partition_the_folder(full):
    parts = {c: county.subset(full, c) for c in CODES}
    for name, df in full.frames.items():
        sizes = [len(p.frames[name]) for p in parts.values()]
        if name == "policy_menu":
            assert sizes == [len(df)] * 3  # one province-wide menu, shared
        else:
            assert sum(sizes) == len(df), (name, sizes, len(df))
    for code, b in parts.items():
        f = b.frames
        assert county.county_codes(b) == [code]
        assert b.fingerprint == f"{full.fingerprint}#{code}"
        assert b.manifest["county_code"] == code and b.manifest["county_name"].startswith("模拟县")
        assert (b.as_of, b.rules, b.problems, b.folder) == (
            full.as_of,
            full.rules,
            full.problems,
            full.folder,
        )
        # every row of a place is the county's, and foreign keys hold inside the subset
        assert f["villages"]["village_code"].str.startswith(code).all()
        assert f["villages"]["township_code"].isin(f["townships"]["township_code"]).all()
        assert f["households"]["village_code"].isin(f["villages"]["village_code"]).all()
        assert f["persons"]["household_id"].isin(f["households"]["household_id"]).all()
        assert f["monitoring_cases"]["household_id"].isin(f["households"]["household_id"]).all()
        assert f["assistance_measures"]["case_id"].isin(f["monitoring_cases"]["case_id"]).all()
        assert f["visits"]["case_id"].isin(f["monitoring_cases"]["case_id"]).all()
        assert f["employment"]["person_id"].isin(f["persons"]["person_id"]).all()
        assert f["welfare_jobs"]["person_id"].isin(f["persons"]["person_id"]).all()
        targets = f["employment_targets"]
        wide = targets[targets["township_code"].isna()]
        assert len(wide) == 2 and wide["county_code"].eq(code).all()  # 2021 and 2022
        # the maps keep the county's own features
        towns = b.geo["township_boundaries"]["features"]
        assert len(towns) == 12 and all(x["properties"]["township_code"].startswith(code) for x in towns)
        assert [x["properties"]["adcode"] for x in b.geo["county_boundary"]["features"]] == [int(code)]


def test_subset_metrics_equal_the_county_on_its_own(full, single):
    """Every registered figure of county 1 cut out of a 3-county folder equals county 1 written alone."""
    published = pd.read_csv(SAMPLE_DIR / "published_figures.csv", dtype=str, keep_default_na=False)
    specs = sorted(set(published["metric"]) - {""})
    assert len(specs) > 10
    one = county.subset(full, "139901")
    day = full.as_of
    compared = 0
    for spec in specs:
        expected = registry.compute(single, spec, day)
        got = registry.compute(one, spec, day)
        assert got == expected or (expected is None and got is None), (spec, got, expected)
        compared += expected is not None
    assert compared > 10
    # the counties differ, so this compares something
    two = county.subset(full, "139902")
    assert any(registry.compute(two, s, day) != registry.compute(one, s, day) for s in specs)


def test_single_county_subset_is_the_whole_folder(sample_bundle):
    b = county.subset(sample_bundle, "130324")
    for name, df in sample_bundle.frames.items():
        assert len(b.frames[name]) == len(df), name
    with pytest.raises(KeyError):
        county.subset(sample_bundle, "139901")


def test_subset_reads_and_validates_nothing(full, monkeypatch):
    """A county's first visit cuts rows out of the loaded bundle: no file is read again, no check runs
    again (its time is measured by tools/benchmark.py, "one county cut out of the folder")."""
    from lulong_data import checks, loader, reading, schemas

    def forbidden(*args, **kwargs):
        raise AssertionError("county.subset must not read or validate files")

    for module, name in ((loader, "load_folder"), (reading, "read_table"), (schemas, "validate")):
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(checks, "run", forbidden)
    part = county.subset(full, "139902")
    towns = part.frames["townships"]
    assert len(towns) and towns["township_code"].str.startswith("139902").all()
    assert part.problems is full.problems  # the parent's report, not a new one


def test_manifest_names_one_county_of_several(folder, tmp_path):
    copy = tmp_path / "named"
    shutil.copytree(folder, copy)
    manifest = copy / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(f'county_code = "139902"\ncounty_name = "青龙示例县"\n{text}', encoding="utf-8")
    b = load_bundle(copy)
    assert not _problems(b, "manifest_county_mismatch")  # one of the folder's counties: fine
    assert dict(county.counties(b))["139902"] == "青龙示例县"
    assert county.subset(b, "139902").manifest["county_name"] == "青龙示例县"
    assert county.subset(b, "139901").manifest["county_name"] == "模拟县1(虚构)"


def test_the_press_office_issues_for_its_own_county_only(full):
    """The manifest's 发稿单位 (press_office) belongs to the manifest's county: another county of a
    multi-county folder has none (its 通稿 says so) rather than a neighbour's."""
    import dataclasses

    from lulong_data import briefing

    own, other = CODES[0], CODES[1]
    b = dataclasses.replace(
        full, manifest={**full.manifest, "county_code": own, "press_office": "中共模拟县委宣传部"}
    )
    assert briefing.byline(county.subset(b, own))["issued_by"] == "中共模拟县委宣传部"
    assert briefing.byline(county.subset(b, other))["issued_by"] == ""


def test_documents_are_titled_with_the_county_they_hold(full, sample_bundle):
    """A province folder's county must not print 卢龙县 on its briefing, notice or dispatch page."""
    from lulong_data import briefing, dispatch, notice

    code, name = county.counties(full)[1]
    part = county.subset(full, code)
    assert county.name_of(part) == name and county.name_of(part, "en") == f"county {code}"
    assert briefing.title(part).startswith(name) and "卢龙" not in briefing.title(part)
    assert notice.issuer(part) == f"{name}农业农村局"
    meeting = dispatch.prepare(part, as_of=part.as_of)
    assert (meeting.county_zh, meeting.county_en) == (name, f"county {code}")
    # The bundled sample keeps its own name.
    assert briefing.title(sample_bundle) == "卢龙县巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况"
    assert notice.issuer(sample_bundle) == "卢龙县农业农村局"
    assert county.name_of(sample_bundle, "en") == "Lulong county"
