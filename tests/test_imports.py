"""Issue 16: the county's real exports in, a checked contract folder out.

The export files are made here from the bundled sample in the real layouts (lulong_data.generator.exports:
title rows, header on row 3, one row per person, places by name, YYYYMM, 18- and 15-digit ID numbers,
phones, joined multi-select measures, 民政 rosters, the county ledger), imported onto the sample, and the
figures of the result compared with the sample's — the figures an export can carry.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from leaks import leaks
from paths import ROOT, SAMPLE_DIR

from lulong_data.generator import exports
from lulong_data.imports import secret
from lulong_data.imports.run import run_import

AS_OF = dt.date(2022, 7, 26)


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("state") / "pseudonym.key"
    secret.init(path)
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> exports.Built:
    """The week's exports of the sample county, written once per session."""
    out = tmp_path_factory.mktemp("exports")
    return exports.write_all(SAMPLE_DIR, out)


@pytest.fixture(scope="session")
def bare_base(tmp_path_factory) -> Path:
    """The sample without its monitoring ledgers: what a county has before its first import."""
    base = tmp_path_factory.mktemp("bare") / "data"
    shutil.copytree(SAMPLE_DIR, base)
    for name in ("monitoring_cases", "assistance_measures", "visits"):
        (base / f"{name}.csv").unlink()
    return base


@pytest.fixture(scope="session")
def national_only(tmp_path_factory, built, key_file, bare_base):
    out = tmp_path_factory.mktemp("imported") / "national"
    outcome = run_import(
        [("national", built.files["national"])], base=bare_base, out=out, secret_file=key_file
    )
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    return outcome


@pytest.fixture(scope="session")
def chained(tmp_path_factory, built, key_file, national_only):
    """national → dibao → tekun → wugong → ledger → gongyi, each import's output the next one's --base."""
    base, outcomes = national_only.out, [national_only]
    root = tmp_path_factory.mktemp("chain")
    for kind in ("dibao", "tekun", "wugong", "ledger", "gongyi"):
        out = root / kind
        outcome = run_import([(kind, built.files[kind])], base=base, out=out, secret_file=key_file)
        assert outcome.status == 0, (kind, [p.message_en for p in outcome.errors])
        outcomes.append(outcome)
        base = out
    return outcomes


@pytest.fixture(scope="session")
def sample_b(sample_bundle):
    return sample_bundle


def _bundle(folder: Path):
    from lulong_data.bundle import load_bundle

    return load_bundle(folder)


# -- round trip ---------------------------------------------------------------------------------


def test_national_export_alone_gives_the_monitoring_figures(national_only, sample_b):
    from lulong_data.metrics import monitoring as m

    b = _bundle(national_only.out)
    assert not b.errors
    assert b.as_of == sample_b.as_of == AS_OF  # the manifest's, not the export's
    a_sum, b_sum = m.summary(sample_b, as_of=AS_OF), m.summary(b, as_of=AS_OF)
    # the export carries every case the county approved; cases still in procedure live in the ledger only
    assert (b_sum.monitored_households, b_sum.monitored_persons) == (
        a_sum.monitored_households,
        a_sum.monitored_persons,
    )
    assert (b_sum.eliminated_households, b_sum.eliminated_persons) == (
        a_sum.eliminated_households,
        a_sum.eliminated_persons,
    )
    assert b_sum.in_procedure_cases == 0 < a_sum.in_procedure_cases
    for by in ("category", "risk_1", "township"):
        pd.testing.assert_frame_equal(
            m.breakdown(b, as_of=AS_OF, by=by), m.breakdown(sample_b, as_of=AS_OF, by=by)
        )
    # month-only dates: counted from the month's first day, flagged 月
    cases = b.frames["monitoring_cases"]
    assert set(cases["date_precision"]) == {"月"} and (cases["approved_on"].dt.day == 1).all()
    assert cases["found_on"].isna().all() and cases["channel"].isna().all()
    # households and persons are all there, with the head's name and the persons the export lists
    assert len(b.frames["households"]) == len(sample_b.frames["households"])
    assert len(b.frames["persons"]) == len(sample_b.frames["persons"])
    hh = b.frames["households"].set_index("household_id").sort_index()
    sample_hh = sample_b.frames["households"].set_index("household_id").sort_index()
    pd.testing.assert_series_equal(hh["persons"], sample_hh["persons"])
    pd.testing.assert_series_equal(hh["head_name"], sample_hh["head_name"])
    pd.testing.assert_series_equal(hh["village_code"], sample_hh["village_code"])


def test_multi_select_measures_become_one_row_each(national_only, sample_b):
    """Every measure the export lists (joined with 、 or ,) is one row with its policy code, per current case."""
    b = _bundle(national_only.out)
    got = b.frames["assistance_measures"].merge(
        b.frames["monitoring_cases"][["case_id", "household_id"]], on="case_id"
    )
    cases = sample_b.frames["monitoring_cases"].dropna(subset=["approved_on"])
    current = cases.sort_values(["approved_on", "case_id"]).drop_duplicates("household_id", keep="last")
    want = sample_b.frames["assistance_measures"].merge(current[["case_id", "household_id"]], on="case_id")
    key = ["household_id", "policy_code"]
    assert sorted(map(tuple, got[key].to_numpy())) == sorted(map(tuple, want[key].to_numpy()))
    # no date in the export: the measure counts from its case's month, and the report says so
    assert any(p.code == "import_measures_undated" for p in national_only.problems)


def test_persons_keep_sex_and_birth_year_from_the_id_number(national_only, sample_b):
    b = _bundle(national_only.out)
    got = b.frames["persons"].groupby(["household_id", "sex", "birth_year"]).size()
    want = sample_b.frames["persons"].groupby(["household_id", "sex", "birth_year"]).size()
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index())
    # the labour and health spellings of the export (弱劳动力, 残疾,患有大病) map back to the contract's
    for col in ("labour_ability", "health"):
        assert (
            b.frames["persons"][col].value_counts().to_dict()
            == sample_b.frames["persons"][col].value_counts().to_dict()
        )


def test_rosters_give_the_welfare_figures(chained, sample_b):
    from lulong_data.metrics import welfare as w

    b = _bundle(chained[2].out)  # after dibao and tekun
    assert not b.errors
    pd.testing.assert_frame_equal(
        w.assistance_by_scheme(b, as_of=AS_OF), w.assistance_by_scheme(sample_b, as_of=AS_OF)
    )
    pd.testing.assert_frame_equal(
        w.dibao_class_tier(b, as_of=AS_OF), w.dibao_class_tier(sample_b, as_of=AS_OF)
    )
    for scheme in ("农村低保", "特困供养"):
        for year in (2021, 2022):
            assert w.assistance_new_persons(
                b, as_of=AS_OF, scheme=scheme, year=year
            ) == w.assistance_new_persons(sample_b, as_of=AS_OF, scheme=scheme, year=year)
    # the roster's 户主身份证号 (18 digits) joins the national export's person (some written with 15)
    assert w.poverty_assistance_share(b, as_of=AS_OF) == pytest.approx(
        w.poverty_assistance_share(sample_b, as_of=AS_OF)
    )
    assert w.phaseout_households(b, as_of=AS_OF) == w.phaseout_households(sample_b, as_of=AS_OF)
    sa = b.frames["social_assistance"]
    # 单人保 = 保障人口数 < 家庭人口数
    dibao = sa[sa["scheme"] == "农村低保"]
    assert (dibao["single_person"] == (dibao["persons"] < dibao["family_size"])).all()
    linked = sa["household_id"].notna().sum()
    assert linked == sample_b.frames["social_assistance"]["household_id"].notna().sum()


def _latest_identifications(sample_b):
    """The sample as the national export sees it: each household's latest approved identification only (a
    household eliminated in 2021 and identified again in 2022 shows its 2022 case alone)."""
    from lulong_data.bundle import Bundle

    c = sample_b.frames["monitoring_cases"]
    c = c[c["approved_on"].notna()].sort_values(["approved_on", "case_id"])
    frames = dict(sample_b.frames, monitoring_cases=c.groupby("household_id").tail(1))
    return Bundle.from_frames(frames, as_of=sample_b.as_of)


def test_wugong_sheet_gives_the_employment_figures(chained, sample_b):
    from lulong_data.metrics import employment as e

    b = _bundle(chained[3].out)
    assert not b.errors
    assert e.employment_placed(b, as_of=AS_OF, year=2022) == e.employment_placed(
        sample_b, as_of=AS_OF, year=2022
    )
    # A year's 监测对象 are those monitored by its 31 December: the imported folder knows a household's
    # latest identification only, so its 2021 figure is the sample's as the export sees it.
    seen = _latest_identifications(sample_b)
    for year in (2021, 2022):
        assert e.employment_placed(b, as_of=AS_OF, year=year) == e.employment_placed(
            seen, as_of=AS_OF, year=year
        )
    emp = b.frames["employment"]
    assert emp["year"].isna().all()
    # people who started last year and still work are one open-ended row that counts this year too
    still = emp[(emp["started_on"] < "2022-01-01") & emp["ended_on"].isna()]
    assert len(still) > 1000


def test_ledger_brings_back_the_procedure(chained, sample_b):
    from lulong_data.metrics import monitoring as m

    b = _bundle(chained[4].out)
    assert not b.errors
    a_sum, b_sum = m.summary(sample_b, as_of=AS_OF), m.summary(b, as_of=AS_OF)
    assert b_sum == a_sum  # cases still in procedure come back from the ledger
    pd.testing.assert_frame_equal(
        m.procedure_funnel(b, as_of=AS_OF), m.procedure_funnel(sample_b, as_of=AS_OF)
    )
    for by in ("category", "risk_1", "channel", "township"):
        pd.testing.assert_frame_equal(
            m.breakdown(b, as_of=AS_OF, by=by), m.breakdown(sample_b, as_of=AS_OF, by=by)
        )
    # visits and measure dates joined by 户编号. The earlier (closed) case of a household identified again
    # is not in the national export; the ledger gives it (with 风险消除日期 and 风险消除方式), so every case
    # of the sample is there and every deadline item is the sample's, day for day
    cases = b.frames["monitoring_cases"]
    assert cases["found_on"].notna().all() and cases["channel"].notna().all()
    assert sorted(cases["household_id"]) == sorted(sample_b.frames["monitoring_cases"]["household_id"])
    added = [p for p in chained[4].problems if p.code == "import_ledger_earlier_cases"]
    assert added and added[0].severity == "warning"
    key = ["household_id", "check", "start_on", "due_on", "done_on", "status"]

    def items(bundle):
        d = m.deadline_items(bundle, as_of=AS_OF)[key]
        return d.sort_values(key).reset_index(drop=True)

    got, want = items(b), items(sample_b)
    assert len(want) > 3000
    pd.testing.assert_frame_equal(got, want)
    # and so the figures of 2021, which count the households monitored in 2021
    from lulong_data.metrics import employment as e

    assert e.employment_placed(b, as_of=AS_OF, year=2021) == e.employment_placed(
        sample_b, as_of=AS_OF, year=2021
    )


WELFARE_POST_FIGURES = (
    "welfare_post_persons",
    "welfare_post_persons_change",
    "welfare_post_months",
    "welfare_post_subsidy",
    "welfare_post_weak_share",
)
WELFARE_POST_TABLES = ("welfare_posts_by_type", "welfare_posts_by_township", "welfare_post_holders")


def _post_figures(b, as_of: dt.date, year: int) -> dict:
    from lulong_data.metrics import employment as e

    out = {name: getattr(e, name)(b, as_of=as_of, year=year) for name in WELFARE_POST_FIGURES}
    for name in WELFARE_POST_TABLES:
        frame = getattr(e, name)(b, as_of=as_of, year=year)
        out[name] = frame.drop(
            columns=[c for c in frame.columns if "person" in c or "job" in c], errors="ignore"
        )
    return out


def _same_figures(got: dict, want: dict) -> None:
    for name, value in want.items():
        if isinstance(value, pd.DataFrame):
            cols = list(value.columns)
            pd.testing.assert_frame_equal(
                got[name].sort_values(cols).reset_index(drop=True),
                value.sort_values(cols).reset_index(drop=True),
                obj=name,
            )
        else:
            assert got[name] == value, name


def test_gongyi_roster_gives_the_welfare_post_figures(chained, sample_b):
    """The 公益岗 roster onto a bare base: every 公益岗位 figure of 2021 and 2022 is the sample's."""
    gongyi = chained[5]
    b = _bundle(gongyi.out)
    assert not b.errors
    assert gongyi.rows["welfare_jobs"] == len(sample_b.frames["welfare_jobs"])
    for year, as_of in ((2022, AS_OF), (2021, AS_OF), (2021, dt.date(2021, 6, 30))):
        _same_figures(_post_figures(b, as_of, year), _post_figures(sample_b, as_of, year))
    assert _post_figures(b, AS_OF, 2022)["welfare_post_persons"] == 2434  # the published figure
    w = b.frames["welfare_jobs"]
    assert w["job_id"].str.fullmatch(r"G20(21|22)-[0-9a-f]{12}-20(21|22)\d\d").all()
    # spellings (保洁, 道路维护, 河道管护员, 村务协理) mapped; nothing became 其他 that was not
    assert (
        w["post_type"].value_counts().to_dict()
        == sample_b.frames["welfare_jobs"]["post_type"].value_counts().to_dict()
    )
    assert not [p for p in gongyi.problems if p.code.startswith("import_") and p.severity == "error"]


def test_imported_posts_and_employment_reconcile_as_the_samples_do(chained, sample_b):
    """The 务工 sheet's rows carry no year (one row from 上岗 to its end): the data office's reconciliation
    of posts and 公益岗位 employment finds what it finds on the sample, not every post."""
    from lulong_data.metrics import reconciliation as rc

    b = _bundle(chained[5].out)
    for year in (2021, 2022):
        got = rc.summary(b, as_of=AS_OF, year=year)[["check", "findings"]]
        pd.testing.assert_frame_equal(
            got, rc.summary(sample_b, as_of=AS_OF, year=year)[["check", "findings"]]
        )
    codes = ("welfare_job_not_employed", "employment_without_welfare_job")
    found = sorted(p.code for p in b.problems if p.code in codes)
    assert found == sorted(p.code for p in sample_b.problems if p.code in codes) == sorted(codes)


def test_next_weeks_gongyi_roster_keeps_job_ids_and_other_years(chained, key_file, tmp_path):
    """This year's roster again (no 年度 column: the year is its latest 上岗 year): the same job ids, and
    last year's posts of --base are kept. A post taken up last year and still held counts this year."""
    base = chained[5].out
    header, rows = exports.gongyi_table(SAMPLE_DIR)
    year = header.index("年度")
    rows22 = [r[:year] + r[year + 1 :] for r in rows if r[year] == "2022"]
    head = header[:year] + header[year + 1 :]
    started = head.index("上岗时间")
    rows22[0][started] = "2021-11-03"  # taken up last November, on this year's roster
    path = exports.write_table(tmp_path / "公益岗位花名册.xlsx", "t", [head], rows22)
    outcome = run_import([("auto", path)], base=base, out=tmp_path / "o", secret_file=key_file)
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    assert outcome.sheets[0].kind == "gongyi"
    before = pd.read_csv(base / "welfare_jobs.csv", dtype=str)
    after = pd.read_csv(tmp_path / "o" / "welfare_jobs.csv", dtype=str)
    pd.testing.assert_frame_equal(
        after[after["year"] == "2021"].reset_index(drop=True),
        before[before["year"] == "2021"].reset_index(drop=True),
    )
    moved = after[(after["year"] == "2022") & (after["started_on"] == "2021-11-03")]
    assert len(moved) == 1 and moved["job_id"].iloc[0].endswith("-202111")
    same = set(after["job_id"]) & set(before["job_id"])
    assert len(same) == len(before) - 1  # every job id but the one whose 上岗 month changed
    b = _bundle(tmp_path / "o")
    from lulong_data.metrics import employment as e

    assert e.welfare_post_persons(b, as_of=AS_OF, year=2022) == 2434


def _gongyi_rows(n: int) -> tuple[list[str], list[list[str]]]:
    header, rows = exports.gongyi_table(SAMPLE_DIR)
    return header, [list(r) for r in rows if r[header.index("年度")] == "2022"][:n]


def test_unmapped_post_type_is_a_warning_and_imported_as_other(chained, tmp_path, key_file):
    header, rows = _gongyi_rows(8)
    rows[3][header.index("岗位类型")] = "扫雪员"
    path = exports.write_table(tmp_path / "g.xlsx", "t", [header], rows)
    outcome = run_import([("gongyi", path)], base=chained[0].out, out=tmp_path / "o", secret_file=key_file)
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    found = [p for p in outcome.problems if p.code == "import_unmapped_post_type"]
    assert len(found) == 1 and (found[0].file, found[0].row, found[0].column, found[0].value) == (
        "g.xlsx",
        7,
        "岗位类型",
        "扫雪员",
    )
    assert found[0].severity == "warning" and "其他" in found[0].message_zh
    assert "gongyi.toml" in found[0].message_zh  # what to do about it, and who does it
    from lulong_data.imports import report

    for code in ("kept_procedure", "kept_earlier_cases"):  # the panel's words, not the command line's
        assert "--base" not in report.TEMPLATES[code][0] and "现有数据" in report.TEMPLATES[code][0]
    w = pd.read_csv(tmp_path / "o" / "welfare_jobs.csv", dtype=str)
    assert len(w) == 8 and (w["post_type"] == "其他").sum() >= 1


def test_gongyi_person_not_in_the_national_export_is_a_warning(chained, tmp_path, key_file):
    header, rows = _gongyi_rows(5)
    rows[2][header.index("证件号码")] = exports.id_number("nobody", 1970, "男")
    rows[4][header.index("聘期（月）")] = "13"
    path = exports.write_table(tmp_path / "g.xlsx", "t", [header], rows)
    outcome = run_import([("gongyi", path)], base=chained[0].out, out=tmp_path / "o", secret_file=key_file)
    unknown = [p for p in outcome.problems if p.code == "import_person_unknown"]
    assert len(unknown) == 1 and (unknown[0].file, unknown[0].row, unknown[0].severity) == (
        "g.xlsx",
        6,
        "warning",
    )
    bad = [p for p in outcome.problems if p.code == "import_out_of_range"]
    assert len(bad) == 1 and (bad[0].row, bad[0].value, bad[0].severity) == (8, "13", "error")
    assert outcome.status == 1 and not (tmp_path / "o").exists()


def test_auto_recognises_the_gongyi_roster(built, tmp_path):
    from lulong_data.imports import labels, profiles
    from lulong_data.imports.run import recognise

    profs = profiles.load_all(profiles.profile_folders(None))
    _, sheets_, problems, status = recognise([("auto", built.files["gongyi"])], profs)
    assert status == 0 and sheets_[0].kind == "gongyi" and sheets_[0].header_rows == (3,)
    assert "联系电话" in sheets_[0].dropped and not sheets_[0].unknown
    # by its columns alone, under a name that says nothing
    header, rows = _gongyi_rows(3)
    path = exports.write_table(tmp_path / "表1.csv", "t", [header], rows)
    _, sheets_, _, _ = recognise([("auto", path)], profs)
    assert sheets_[0].kind == "gongyi"
    assert labels.kind("gongyi", "roster") == "乡村公益性岗位人员花名册"


def test_next_weeks_national_export_keeps_the_ledgers_procedure(chained, built, key_file, tmp_path, sample_b):
    """The weekly order: the national export is imported again onto last week's folder, which holds the
    ledger's procedure; the cases it still lists keep their step dates, visits and measure dates."""
    from lulong_data.metrics import monitoring as m

    before = _bundle(chained[4].out)
    out = tmp_path / "next"
    outcome = run_import(
        [("national", built.files["national"])], base=chained[4].out, out=out, secret_file=key_file
    )
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    assert any(p.code == "import_kept_procedure" for p in outcome.problems)
    after = _bundle(out)
    cols = ["case_id", "channel", "found_on", "approved_on", "eliminated_on", "date_precision"]
    pd.testing.assert_frame_equal(
        after.frames["monitoring_cases"][cols].sort_values("case_id").reset_index(drop=True),
        before.frames["monitoring_cases"][cols].sort_values("case_id").reset_index(drop=True),
    )  # cases still in procedure (the ledger's own) are kept too: the export cannot list them yet
    assert len(after.frames["visits"]) == len(before.frames["visits"])
    pd.testing.assert_frame_equal(m.compliance(after, as_of=AS_OF), m.compliance(before, as_of=AS_OF))
    assert m.summary(after, as_of=AS_OF) == m.summary(sample_b, as_of=AS_OF)


def test_earlier_closed_cases_of_reidentified_households_are_kept(built, key_file, tmp_path, sample_b):
    """A household whose risk was eliminated in 2021 and that was identified again in 2022 shows its 2022
    case alone in the national export. Imported onto a folder that knows the 2021 case, the case stays, with
    its procedure and measures, so the figures of 2021 are the sample's; a second week changes nothing."""
    from lulong_data.metrics import employment as e

    c = sample_b.frames["monitoring_cases"]
    again = c["household_id"].duplicated(keep=False)
    earlier = c[again & c["eliminated_on"].notna()].sort_values("approved_on").groupby("household_id").head(1)
    assert len(earlier) >= 5
    files = [("national", built.files["national"]), ("wugong", built.files["wugong"])]
    week1, week2 = tmp_path / "w1", tmp_path / "w2"
    outcome = run_import(files, base=SAMPLE_DIR, out=week1, secret_file=key_file)
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    kept = [p for p in outcome.problems if p.code == "import_kept_earlier_cases"]
    assert kept and kept[0].severity == "warning" and f"{len(earlier)} " in kept[0].message_en
    b = _bundle(week1)
    assert not b.errors
    cols = [
        "case_id",
        "household_id",
        "channel",
        "found_on",
        "approved_on",
        "eliminated_on",
        "elimination_kind",
    ]
    got = b.frames["monitoring_cases"].set_index("case_id").loc[earlier["case_id"]].reset_index()[cols]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), earlier[cols].reset_index(drop=True))
    mine = sample_b.frames["assistance_measures"]
    mine = mine[mine["case_id"].isin(earlier["case_id"])]
    theirs = b.frames["assistance_measures"]
    assert len(mine) and sorted(theirs[theirs["case_id"].isin(earlier["case_id"])]["measure_id"]) == sorted(
        mine["measure_id"]
    )
    visits = [
        f["visits"][f["visits"]["case_id"].isin(earlier["case_id"])] for f in (sample_b.frames, b.frames)
    ]
    assert len(visits[0]) and len(visits[1]) == len(visits[0])
    for year in (2021, 2022):
        assert e.employment_placed(b, as_of=AS_OF, year=year) == e.employment_placed(
            sample_b, as_of=AS_OF, year=year
        )
    outcome = run_import(files[:1], base=week1, out=week2, secret_file=key_file)
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    pd.testing.assert_frame_equal(
        _bundle(week2).frames["monitoring_cases"].sort_values("case_id").reset_index(drop=True),
        b.frames["monitoring_cases"].sort_values("case_id").reset_index(drop=True),
    )
    # the ledger finds the kept cases (the sample's ids, another scheme) by household and month: no row of
    # it is "without a case", and no case is added twice
    outcome = run_import(
        [("ledger", built.files["ledger"])], base=week2, out=tmp_path / "w3", secret_file=key_file
    )
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    assert not [
        p for p in outcome.problems if p.code in ("import_case_unknown", "import_ledger_earlier_cases")
    ]
    assert len(_bundle(tmp_path / "w3").frames["monitoring_cases"]) == len(b.frames["monitoring_cases"])


# -- personal numbers ---------------------------------------------------------------------------


def _leaks(text: bytes | str, built: exports.Built) -> list[str]:
    return leaks(text, {n.upper() for n in built.id_numbers | built.phones})


def test_no_id_number_or_phone_reaches_the_output_the_log_or_a_message(chained, built, key_file, tmp_path):
    assert built.id_numbers and built.phones and any(len(n) == 15 for n in built.id_numbers)
    for outcome in chained:
        for path in outcome.out.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not _leaks(data, built), path
                assert key_file.read_text().strip().encode() not in data
        for p in outcome.problems:
            assert not _leaks(json.dumps(p.__dict__, ensure_ascii=False, default=str), built)
    # the CLI: its report and its audit entry
    audit = tmp_path / "audit.jsonl"
    proc = _cli("import", "auto", *map(str, built.files.values()), "--base", str(SAMPLE_DIR), "--out",
                str(tmp_path / "out"), env={"LULONG_SECRET_FILE": str(key_file), "LULONG_AUDIT_FILE": str(audit)})  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not _leaks(proc.stdout + proc.stderr, built)
    entries = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert (
        entries and entries[-1]["action"] == "import" and not _leaks(audit.read_text(encoding="utf-8"), built)
    )
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert not _leaks(path.read_bytes(), built), path
    # the whole week at once onto the sample: its cases still in procedure are the ledger's, not twice
    from lulong_data.metrics import monitoring as m

    b = _bundle(tmp_path / "out")
    assert not b.errors
    sample = _bundle(SAMPLE_DIR)
    assert m.summary(b, as_of=AS_OF) == m.summary(sample, as_of=AS_OF)
    # every case of the sample, once: the ledger's cases still in procedure are not added twice, and the
    # earlier (closed) cases of re-identified households, which the export cannot list, are kept
    assert sorted(b.frames["monitoring_cases"]["household_id"]) == sorted(
        sample.frames["monitoring_cases"]["household_id"]
    )
    # the 公益岗 roster came with the national export: its posts are back, and no warning says they are gone
    from lulong_data.metrics import employment as e

    assert e.welfare_post_persons(b, as_of=AS_OF, year=2022) == 2434
    assert "请一并导入乡村公益性岗位人员花名册" not in proc.stdout


def test_the_same_person_gets_one_pseudonym_in_every_export(key_file):
    s = secret.load(key_file)
    n18 = exports.id_number("P1", 1950, "男")
    n15 = exports.as15(n18)
    assert len(n15) == 15 and secret.normalise_id(n15) == (n18, "15")
    assert s.pseudonym(secret.normalise_id(n15)[0]) == s.pseudonym(secret.normalise_id(n18)[0])
    assert s.pseudonym(secret.normalise_id(n18.lower() + " ")[0]) == s.pseudonym(n18)
    assert secret.born_and_sex(n18) == (1950, "男")
    # another county's secret gives other pseudonyms: nothing can be matched without the key
    other = secret.Secret(b"\x00" * 32, key_file)
    assert other.pseudonym(n18) != s.pseudonym(n18)
    assert n18 not in repr(s) and key_file.read_text().strip() not in repr(s)


def test_a_whole_column_of_numbers_reads_as_one_number_does(key_file):
    """The column-wise reading of 100,000 numbers at once (people.normalise, born_and_sexes, the batch
    HMAC) gives what the one-number functions give, for every spelling seen in exports."""
    from lulong_data.imports import people

    n18 = exports.id_number("P1", 1950, "男")
    n18x = next(n for i in range(200) if (n := exports.id_number(f"Q{i}", 1988, "女")).endswith("X"))
    typo = n18[:17] + ("0" if n18[17] != "0" else "1")
    odd = n18[:10] + "13" + n18[12:14] + "0" + n18[15:]  # month 13: no birth year
    cases = [
        n18,
        exports.as15(n18),
        n18x.lower(),
        f" {n18[:6]} {n18[6:14]}\u3000{n18[14:]} ",
        n18.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
        f"'{n18}",
        f"{exports.as15(n18)}.0",
        typo,
        odd[:17] + secret.check_char(odd[:17]),
        "A1234567",
        "",
        "1.30324E+17",
    ]
    number, kind = people.normalise(pd.Series(cases, dtype="str"))
    for i, text in enumerate(cases[:-2]):
        assert (number[i], kind[i]) == secret.normalise_id(text), text
    assert list(kind[-2:]) == ["missing", "number"]
    valid = kind.isin(("18", "18?", "15")).to_numpy()
    year, sex = people.born_and_sexes(number, valid)
    for i in range(len(cases)):
        want = secret.born_and_sex(number[i]) if valid[i] else (None, None)
        got = (None if pd.isna(year[i]) else int(year[i]), None if pd.isna(sex[i]) else sex[i])
        assert got == want, cases[i]
    s = secret.load(key_file)
    numbers = [exports.id_number(f"R{i}", 1940 + i % 70, "男") for i in range(300)] + ["A1234567"]
    assert s.pseudonyms(numbers) == {n: s.pseudonym(n) for n in numbers}


def test_national_and_roster_join_through_pseudonyms(chained, sample_b):
    """The roster's head (18 digits) and the national export's head (some with 15) are one person."""
    b = _bundle(chained[2].out)
    got = b.frames["social_assistance"].dropna(subset=["household_id"])
    want = sample_b.frames["social_assistance"].dropna(subset=["household_id"])
    assert sorted(zip(got["household_id"], got["scheme"], strict=True)) == sorted(
        zip(want["household_id"], want["scheme"], strict=True)
    )


@pytest.mark.parametrize(
    "content, mode, says",
    [
        (None, 0o600, "secret init"),
        (b"not a key at all\n", 0o600, "64"),
        (b"ab" * 31 + b"\n", 0o600, "64"),
        (b"ab" * 32 + b"\n", 0o644, "chmod 600"),
    ],
    ids=["missing", "malformed", "truncated", "readable-by-others"],
)
def test_a_missing_or_bad_secret_is_a_clear_error_and_writes_nothing(built, tmp_path, content, mode, says):
    key = tmp_path / "state" / "pseudonym.key"
    if content is not None:
        key.parent.mkdir()
        key.write_bytes(content)
        key.chmod(mode)
    out = tmp_path / "out"
    proc = _cli("import", "national", str(built.files["national"]), "--base", str(SAMPLE_DIR), "--out", str(out),
                env={"LULONG_SECRET_FILE": str(key), "LULONG_AUDIT_FILE": str(tmp_path / "a.jsonl")})  # fmt: skip
    assert proc.returncode == 2
    assert says in proc.stdout and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    if content is not None:
        assert content.decode(errors="replace").strip() not in proc.stdout + proc.stderr
    assert key.read_bytes() == content if content is not None else not key.exists()  # never replaced


def test_secret_init_creates_mode_600_once(tmp_path):
    key = tmp_path / "s" / "pseudonym.key"
    env = {"LULONG_SECRET_FILE": str(key)}
    first = _cli("secret", "init", env=env)
    assert first.returncode == 0 and oct(key.stat().st_mode & 0o777) == "0o600"
    text = key.read_text()
    again = _cli("secret", "init", env=env)
    assert again.returncode == 1 and "已存在" in again.stderr and key.read_text() == text
    assert text.strip() not in first.stdout + first.stderr + again.stdout + again.stderr
    assert _cli("secret", "check", env=env).returncode == 0


def test_secret_inside_the_data_folder_is_refused(tmp_path, built):
    base = tmp_path / "base"
    shutil.copytree(SAMPLE_DIR, base)
    key = base / "keys" / "pseudonym.key"
    secret.init(key)
    outcome = run_import(
        [("national", built.files["national"])], base=base, out=tmp_path / "out", secret_file=key
    )
    assert outcome.status == 1 and outcome.errors[0].code == "import_secret_inside"


# -- layouts ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def table():
    """The national export of the sample as (header, rows); tests write small variants of it."""
    return exports.national_table(SAMPLE_DIR)


def _households(rows: list[list[str]], n: int) -> list[list[str]]:
    i = exports.NATIONAL_COLUMNS.index("户编号")
    keep = list(dict.fromkeys(r[i] for r in rows))[:n]
    return [r for r in rows if r[i] in set(keep)]


@pytest.mark.parametrize(
    "name", ["two-level.xlsx", "export.gbk.csv", "export.csv", "long-title.csv", "old.xls"]
)
def test_other_layouts_and_formats_read_alike(table, tmp_path, key_file, name):
    header, rows = table
    rows = _households(rows, 40)
    if name.startswith("two-level"):
        head, merges = exports.two_level_header(header)
        path = exports.write_table(tmp_path / name, "监测对象信息表", head, rows, merges=merges)
    elif name.startswith("long-title"):  # a title row longer than the first 64 KB the header is looked for in
        path = exports.write_table(tmp_path / name, "监测对象信息表" + "(说明)" * 20000, [header], rows)
    else:
        path = exports.write_table(tmp_path / name, "监测对象信息表", [header], rows)
    ref = exports.write_table(tmp_path / "ref.xlsx", "监测对象信息表", [header], rows)
    a = run_import([("auto", path)], base=SAMPLE_DIR, out=tmp_path / "a", secret_file=key_file)
    b = run_import([("national", ref)], base=SAMPLE_DIR, out=tmp_path / "b", secret_file=key_file)
    assert a.status == b.status == 0, [p.message_en for p in a.errors + b.errors]
    assert a.sheets[0].kind == "national" and a.sheets[0].header_rows == ((3, 4) if "two" in name else (3,))
    assert a.sheets[0].unknown == []  # under 帮扶责任人, 姓名 and 联系电话 are its own, not the person's
    for ds in ("households", "persons", "monitoring_cases", "assistance_measures"):
        assert (tmp_path / "a" / f"{ds}.csv").read_bytes() == (tmp_path / "b" / f"{ds}.csv").read_bytes(), ds


def test_recognition_report_names_kind_header_columns_and_unknown_columns(table, tmp_path, key_file):
    header, rows = table
    rows = _households(rows, 10)
    header = header + ["备注说明"]
    rows = [r + ["x"] for r in rows]
    path = exports.write_table(tmp_path / "卢龙县监测.xlsx", "t", [header], rows)
    outcome = run_import([("auto", path)], base=SAMPLE_DIR, out=tmp_path / "o", secret_file=key_file)
    sheet = outcome.sheets[0]
    assert (sheet.kind, sheet.table, sheet.header_rows, sheet.export_date) == (
        "national",
        "persons",
        (3,),
        "2022-07-26",
    )
    assert sheet.mapped["id_number"] == ["证件号码"] and len(sheet.mapped["measures"]) == 10
    assert sheet.unknown == ["备注说明"] and "联系电话" in sheet.dropped
    unknown = [p for p in outcome.problems if p.code == "import_unknown_column"]
    assert unknown and unknown[0].column == "备注说明" and unknown[0].severity == "warning"
    assert unknown[0].file == "卢龙县监测.xlsx"


def test_unmapped_value_is_a_warning_naming_file_row_column_value(table, tmp_path, key_file):
    header, rows = table
    rows = [list(r) for r in _households(rows, 10)]
    col = header.index("劳动技能")
    rows[3][col] = "半劳力(待核)"
    path = exports.write_table(tmp_path / "n.xlsx", "t", [header], rows)
    outcome = run_import([("national", path)], base=SAMPLE_DIR, out=tmp_path / "o", secret_file=key_file)
    found = [p for p in outcome.problems if p.code == "import_unmapped_value"]
    assert found and (found[0].file, found[0].row, found[0].column, found[0].value) == (
        "n.xlsx",
        7,
        "劳动技能",
        "半劳力(待核)",
    )
    assert found[0].severity == "error"  # the contract needs a labour ability
    assert outcome.status == 1 and not (tmp_path / "o").exists()


# -- bad input: a clear error and no output -------------------------------------------------------


def _refused(outcome, out: Path, code: str):
    assert outcome.status in (1, 2), outcome.status
    assert not out.exists() and not list(out.parent.glob(f".{out.name}*"))
    found = [p for p in outcome.errors if p.code == code]
    assert found, [(p.code, p.message_en) for p in outcome.errors]
    return found[0]


def test_unknown_layout(tmp_path, key_file):
    path = exports.write_table(
        tmp_path / "周报.xlsx", "会议纪要", [["日期", "事项", "责任人", "备注"]], [["7月", "x", "y", ""]]
    )
    out = tmp_path / "out"
    p = _refused(
        run_import([("auto", path)], base=SAMPLE_DIR, out=out, secret_file=key_file),
        out,
        "import_layout_unknown",
    )
    assert p.file == "周报.xlsx" and "不是可导入的导出文件" in p.message_zh
    assert "请从上传列表中移除" in p.message_zh and "乡村公益性岗位人员花名册" in p.message_zh
    doc = tmp_path / "通知.docx"
    doc.write_bytes(b"PK\x03\x04 not really")
    p = _refused(
        run_import([("auto", doc)], base=SAMPLE_DIR, out=out, secret_file=key_file), out, "import_file_format"
    )
    assert ".xlsx" in p.message_zh


def _recognised(*paths: Path):
    from lulong_data.imports import profiles
    from lulong_data.imports.run import recognise

    profs = profiles.load_all(profiles.profile_folders(SAMPLE_DIR))
    return recognise([("auto", p) for p in paths], profs)


def test_an_export_older_than_the_rest_of_the_upload_is_a_warning(table, tmp_path):
    """Last week's roster among this week's exports: one warning for that file, with both dates."""
    header, rows = table
    rows = _households(rows, 5)
    new = exports.write_table(tmp_path / "监测_0726.xlsx", "t", [header], rows)  # 导出时间 2022-07-26
    head = [["特困人员查询"], ["导出时间:2022/7/19 09:30"], header]
    old = exports.write_table(tmp_path / "旧.xlsx", "t", head, rows, title_rows=False)
    named = exports.write_table(tmp_path / "台账_20220712.xlsx", "t", [header], rows, title_rows=False)
    _, _, problems, _ = _recognised(new, old, named)
    older = {p.file: p for p in problems if p.code == "import_export_older"}
    assert set(older) == {"旧.xlsx", "台账_20220712.xlsx"}  # no 导出时间: the date in the name
    p = older["旧.xlsx"]
    assert p.severity == "warning" and "2022-07-19" in p.message_zh and "2022-07-26" in p.message_zh
    assert "早 7 天" in p.message_zh and "重新导出" in p.message_zh
    assert "早 14 天" in older["台账_20220712.xlsx"].message_zh
    _, _, problems, _ = _recognised(new, exports.write_table(tmp_path / "b.xlsx", "t", [header], rows))
    assert not [p for p in problems if p.code == "import_export_older"]


def test_a_renamed_required_column_names_the_unknown_ones(table, tmp_path):
    header, rows = table
    renamed = ["家庭编码" if h == "户编号" else h for h in header]
    path = exports.write_table(tmp_path / "监测.xlsx", "t", [renamed], _households(rows, 5))
    _, _, problems, _ = _recognised(path)
    p = next(p for p in problems if p.code == "import_missing_column")
    assert p.severity == "error" and p.file == "监测.xlsx"
    assert "本表有未识别的列「家庭编码」" in p.message_zh and "请把表头改为「户编号」" in p.message_zh
    assert "'家庭编码'" not in p.message_en and "「家庭编码」" in p.message_en


def test_header_not_found(table, tmp_path, key_file):
    header, rows = table
    path = exports.write_table(tmp_path / "监测.xlsx", "t", [], _households(rows, 5))  # the header row lost
    out = tmp_path / "out"
    p = _refused(
        run_import([("national", path)], base=SAMPLE_DIR, out=out, secret_file=key_file),
        out,
        "import_header_not_found",
    )
    assert "证件号码" in p.message_zh and "户编号" in p.message_zh
    # a 务工 sheet given as national: the message says what it looks like
    w = exports.write_table(
        tmp_path / "w.xlsx", "t", [["证件号码", "就业渠道", "开始时间", "结束时间", "务工所在省"]], []
    )
    p = _refused(
        run_import([("national", w)], base=SAMPLE_DIR, out=out, secret_file=key_file),
        out,
        "import_header_not_found",
    )
    assert "wugong" in p.message_zh


def test_village_that_cannot_be_placed(table, tmp_path, key_file):
    header, rows = table
    rows = [list(r) for r in _households(rows, 12)]
    v, t = header.index("行政村"), header.index("乡(镇)")
    hid, rel = header.index("户编号"), header.index("与户主关系")
    rows[4][v] = "桃花源村"
    # a household's place is its head's: the ambiguous village goes on the next household's head row
    yijie = next(i for i, r in enumerate(rows) if i > 4 and r[hid] != rows[4][hid] and r[rel] == "户主")
    rows[yijie][v], rows[yijie][t] = "一街村", ""  # 一街 is in two townships: no township, no decision
    path = exports.write_table(tmp_path / "监测.xlsx", "t", [header], rows)
    out = tmp_path / "out"
    outcome = run_import([("national", path)], base=SAMPLE_DIR, out=out, secret_file=key_file)
    p = _refused(outcome, out, "import_village_unknown")
    assert (p.file, p.column, p.value) == ("监测.xlsx", "行政村", "桃花源村") and p.row == 8
    amb = [e for e in outcome.errors if e.code == "import_village_ambiguous"]
    assert amb and "一街村" in amb[0].message_zh and "卢龙镇" in amb[0].message_zh


def test_a_member_who_disagrees_with_the_head_is_reported(table, tmp_path, key_file):
    """Household fields come from the head's row; a member's other value is a warning naming its row."""
    header, rows = table
    rows = [list(r) for r in _households(rows, 12)]
    hid, rel, kind = header.index("户编号"), header.index("与户主关系"), header.index("户类型")
    member = next(i for i, r in enumerate(rows) if r[rel] != "户主")
    head = next(r for r in rows if r[hid] == rows[member][hid] and r[rel] == "户主")
    rows[member][kind] = "一般农户" if head[kind] != "一般农户" else "脱贫户"
    path = exports.write_table(tmp_path / "监测.xlsx", "t", [header], rows)
    outcome = run_import([("national", path)], base=SAMPLE_DIR, out=tmp_path / "out", secret_file=key_file)
    assert outcome.status == 0
    found = [p for p in outcome.problems if p.code == "import_household_differs"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert (found[0].row, found[0].column) == (member + 4, "户类型")
    hh = _bundle(tmp_path / "out").frames["households"].set_index("household_id")
    assert hh.at["H" + head[hid].lstrip("H"), "household_type"] == head[kind]  # the head's value


def test_renamed_township_and_village_suffixes_are_read_and_reported(national_only):
    renamed = [p for p in national_only.problems if p.code == "import_township_renamed"]
    assert renamed and renamed[0].value == "印庄乡" and "印庄镇" in renamed[0].message_zh
    assert renamed[0].severity == "warning"


def test_profile_mapping_two_columns_to_one_is_an_error(table, tmp_path, key_file):
    header, rows = table
    rows = _households(rows, 5)
    base = tmp_path / "base"
    shutil.copytree(SAMPLE_DIR, base)
    (base / "import_profiles").mkdir()
    text = (ROOT / "lulong_data/imports/profiles/national.toml").read_text(encoding="utf-8")
    text = text.replace('name = ["姓名", "人员姓名", "成员姓名"]', 'name = ["姓名", "证件号码"]')
    (base / "import_profiles" / "national.toml").write_text(text, encoding="utf-8")
    path = exports.write_table(tmp_path / "n.xlsx", "t", [header], rows)
    out = tmp_path / "out"
    p = _refused(
        run_import([("national", path)], base=base, out=out, secret_file=key_file), out, "import_profile"
    )
    assert "证件号码" in p.message_zh and "import_profiles" in p.message_zh
    # and a file whose two columns both mean one field
    header2 = header + ["身份证号码"]
    rows2 = [r + [r[header.index("证件号码")]] for r in rows]
    path = exports.write_table(tmp_path / "n2.xlsx", "t", [header2], rows2)
    p = _refused(
        run_import([("national", path)], base=SAMPLE_DIR, out=out, secret_file=key_file),
        out,
        "import_two_columns_one_target",
    )
    assert "证件号码" in p.message_zh and "身份证号码" in p.message_zh


def test_county_profile_wins_over_the_shipped_one(table, tmp_path, key_file):
    header, rows = table
    header = ["家庭编码" if h == "户编号" else h for h in header]
    base = tmp_path / "base"
    shutil.copytree(SAMPLE_DIR, base)
    (base / "import_profiles").mkdir()
    text = (ROOT / "lulong_data/imports/profiles/national.toml").read_text(encoding="utf-8")
    (base / "import_profiles" / "national.toml").write_text(
        text.replace('household = ["户编号", "家庭编号", "户号"]', 'household = ["户编号", "家庭编码"]'),
        encoding="utf-8",
    )
    path = exports.write_table(tmp_path / "n.xlsx", "t", [header], _households(rows, 5))
    bad = run_import([("national", path)], base=SAMPLE_DIR, out=tmp_path / "o1", secret_file=key_file)
    assert bad.status == 1
    good = run_import([("national", path)], base=base, out=tmp_path / "o2", secret_file=key_file)
    assert good.status == 0, [p.message_en for p in good.errors]
    assert (tmp_path / "o2" / "import_profiles" / "national.toml").is_file()  # travels with the folder


# -- the output folder --------------------------------------------------------------------------


def test_visits_of_cases_no_longer_listed_are_dropped(table, tmp_path, key_file):
    """Onto the sample (whose cases have other ids), the sample's visits lose their cases: dropped with a
    warning; its cases still in procedure stay (the export cannot list them yet) and keep their visits."""
    header, rows = table
    path = exports.write_table(tmp_path / "n.xlsx", "t", [header], _households(rows, 3000))
    outcome = run_import([("national", path)], base=SAMPLE_DIR, out=tmp_path / "o", secret_file=key_file)
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    dropped = [p for p in outcome.problems if p.code == "import_dropped_rows" and p.file == "visits.csv"]
    assert dropped and dropped[0].severity == "warning"
    b = _bundle(tmp_path / "o")
    assert not b.errors
    pending = b.frames["monitoring_cases"]["approved_on"].isna()
    assert pending.any() and b.frames["monitoring_cases"].loc[pending, "case_id"].str.startswith("JC").all()
    assert set(b.frames["visits"]["case_id"]) <= set(b.frames["monitoring_cases"]["case_id"])


def test_out_is_replaced_whole_or_not_at_all(table, tmp_path, key_file, monkeypatch):
    header, rows = table
    path = exports.write_table(tmp_path / "n.xlsx", "t", [header], _households(rows, 20))
    out = tmp_path / "out"
    shutil.copytree(SAMPLE_DIR, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    from lulong_data.imports import run as run_mod

    def broken(folder, state=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run_mod, "validate", broken)
    with pytest.raises(RuntimeError):
        run_import([("national", path)], base=SAMPLE_DIR, out=out, secret_file=key_file)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not list(tmp_path.glob(".out.*"))
    monkeypatch.undo()
    ok = run_import(
        [("national", path)], base=out, out=out, secret_file=key_file
    )  # in place, as a chain step
    assert ok.status == 0
    assert (out / "households.csv").read_bytes() != before["households.csv"]
    assert not list(tmp_path.glob(".out.*"))


def test_a_validated_base_is_not_validated_again(table, tmp_path, key_file, monkeypatch):
    """--base comes from its validated snapshot, and in the result only the datasets the import wrote (or
    whose base file had a finding) are read and checked again; the outcome and the files are those of
    checking everything."""
    from lulong_data import loader, snapshot
    from lulong_data.imports import state as state_mod

    monkeypatch.setenv("LULONG_STATE_DIR", str(tmp_path / "state"))
    header, rows = table
    path = exports.write_table(tmp_path / "n.csv", "t", [header], _households(rows, 30))
    base = tmp_path / "base"
    shutil.copytree(SAMPLE_DIR, base)
    trainings = base / "trainings.csv"  # a finding in one base file: an extra column
    lines = trainings.read_text(encoding="utf-8").splitlines()
    trainings.write_text(
        "\n".join([lines[0] + ",备注"] + [x + "," for x in lines[1:]]) + "\n", encoding="utf-8"
    )
    for f in base.rglob("*"):
        os.utime(f, (1e9, 1e9))  # settled long ago (snapshot.SETTLE_SECONDS)
    named = {p.file for p in loader.load_folder(base).problems}
    assert "trainings.csv" in named

    first = run_import([("national", path)], base=base, out=tmp_path / "a", secret_file=key_file)
    assert first.status == 0 and (snapshot.location(base) / snapshot.META).is_file()  # left a snapshot
    read: list[str] = []
    real = loader._load_table
    monkeypatch.setattr(loader, "_load_table", lambda p, name: (read.append(name), real(p, name))[1])
    again = run_import([("national", path)], base=base, out=tmp_path / "b", secret_file=key_file)
    assert again.status == 0
    with_finding = {n for n in loader.DATASETS if f"{n}.csv" in named}
    assert set(read) == set(again.changed) | (with_finding - set(again.withdrawn))  # left out: not read
    assert "trainings" in read and "environment_scores" not in read and "villages" not in read
    read.clear()
    monkeypatch.setattr(state_mod, "_validated", lambda result: {})
    full = run_import([("national", path)], base=base, out=tmp_path / "c", secret_file=key_file)
    assert "environment_scores" in read and "villages" in read  # everything checked
    key = [(p.code, p.file, p.row, p.column, p.message_zh) for p in again.problems]
    assert key == [(p.code, p.file, p.row, p.column, p.message_zh) for p in full.problems]
    for f in (tmp_path / "c").iterdir():
        if f.is_file():
            assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_arrow_allocates_through_malloc_while_an_import_runs(table, tmp_path, key_file, monkeypatch):
    """run_import switches Arrow's default pool to the C library's malloc (mimalloc's huge pages cost the
    import more kernel time than its own work) and gives the previous pool back, also after a failure."""
    import pyarrow as pa

    from lulong_data.imports import run as run_mod

    before = pa.default_memory_pool().backend_name
    header, rows = table
    path = exports.write_table(tmp_path / "n.csv", "t", [header], _households(rows, 20))
    seen: list[str] = []
    real = run_mod.validate

    def spy(folder, state=None):
        seen.append(pa.default_memory_pool().backend_name)
        return real(folder, state)

    monkeypatch.setattr(run_mod, "validate", spy)
    assert run_import([("national", path)], base=SAMPLE_DIR, out=tmp_path / "a", secret_file=key_file).ok
    assert seen == ["system"] and pa.default_memory_pool().backend_name == before
    with run_mod.malloc_pool():
        with run_mod.malloc_pool():  # overlapping imports (two sessions of one server)
            assert pa.default_memory_pool().backend_name == "system"
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == before
    monkeypatch.setattr(run_mod, "validate", lambda folder, state=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_import([("national", path)], base=SAMPLE_DIR, out=tmp_path / "b", secret_file=key_file)
    assert pa.default_memory_pool().backend_name == before


def test_out_that_is_not_a_data_folder_is_left_alone(table, tmp_path, key_file):
    header, rows = table
    path = exports.write_table(tmp_path / "n.xlsx", "t", [header], _households(rows, 3))
    out = tmp_path / "docs"
    out.mkdir()
    (out / "report.docx").write_bytes(b"x")
    outcome = run_import([("national", path)], base=SAMPLE_DIR, out=out, secret_file=key_file)
    assert outcome.status == 1 and outcome.errors[0].code == "import_out_exists"
    assert [p.name for p in out.iterdir()] == ["report.docx"]


def test_replacing_drops_or_unlinks_what_depended_on_it(national_only, sample_b):
    """The sample's employment and posts belong to persons the export replaced (the sample's ids are not
    pseudonyms): dropped, with a warning each; the welfare records all stay; nothing dangles."""
    codes = {(p.code, p.file) for p in national_only.problems}
    # every row gone: the warning says so and names the export that brings them back
    for ds, bringer in (("employment", "务工监测表"), ("welfare_jobs", "乡村公益性岗位人员花名册")):
        assert ("import_dropped_all_rows", f"{ds}.csv") in codes
        said = next(p for p in national_only.problems if p.file == f"{ds}.csv" and "dropped" in p.code)
        assert f"请一并导入{bringer}" in said.message_zh and said.severity == "warning"
    from lulong_data.metrics import registry

    b = _bundle(national_only.out)
    assert not b.errors  # nothing dangles
    # left out of --out rather than written empty: their figures read as not supplied, never as 0
    for ds, figure in (("employment", "employment_placed"), ("welfare_jobs", "welfare_post_persons")):
        assert not list(national_only.out.glob(f"{ds}.*")) and not b.has(ds)
        assert ds in national_only.withdrawn and ds not in national_only.changed
        said = registry.evaluate(b, figure, as_of=AS_OF)
        assert said.value is None and said.missing is not None, (figure, said)
    assert len(b.frames["social_assistance"]) == len(sample_b.frames["social_assistance"])


def test_rows_dropped_from_a_table_the_run_rewrites_are_not_reported(built, bare_base, key_file, tmp_path):
    """With the 务工 sheet in the same upload, the sample's employment rows the national export orphaned
    are replaced anyway: no "deleted 6,585 rows" for the clerk to worry about."""
    outcome = run_import(
        [("auto", built.files["national"]), ("auto", built.files["wugong"])],
        base=bare_base,
        out=tmp_path / "o",
        secret_file=key_file,
    )
    assert outcome.status == 0, [p.message_en for p in outcome.errors]
    said = {(p.code, p.file) for p in outcome.problems}
    assert not {c for c, f in said if f == "employment.csv" and "dropped" in c}
    assert ("import_dropped_all_rows", "welfare_jobs.csv") in said  # no roster in this run: still said
    assert outcome.rows["employment"] == len(pd.read_csv(tmp_path / "o" / "employment.csv"))


# -- CLI ----------------------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "lulong_data", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full,
        timeout=600,
    )


def test_cli_exit_codes_and_json_report(table, tmp_path, key_file):
    header, rows = table
    good = exports.write_table(tmp_path / "n.xlsx", "t", [header], _households(rows, 5))
    env = {"LULONG_SECRET_FILE": str(key_file), "LULONG_AUDIT_FILE": str(tmp_path / "a.jsonl")}
    proc = _cli(
        "import",
        "national",
        str(good),
        "--base",
        str(SAMPLE_DIR),
        "--out",
        str(tmp_path / "o"),
        "--format",
        "json",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["sheets"][0]["kind"] == "national" and report["rows"]["households"] == 5
    check = _cli("check", str(tmp_path / "o"), env=env)
    assert check.returncode == 0, check.stdout
    missing = _cli(
        "import",
        "national",
        str(tmp_path / "nope.xlsx"),
        "--base",
        str(SAMPLE_DIR),
        "--out",
        str(tmp_path / "o2"),
        env=env,
    )
    assert missing.returncode == 2 and not (tmp_path / "o2").exists()
