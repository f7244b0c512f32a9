"""The press checker (issue 19, item 1) on its corpus and on the generated draft.

The corpus (tests/data/textcheck_corpus.toml) was written before the checker: sentences of the 2022-07-27
press conference and variations of them, with the expected verdict of every number.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter

import pytest
from paths import ROOT

from lulong_data import textcheck, textnumbers
from lulong_data.metrics.registry import parse_spec

CORPUS = tomllib.loads((ROOT / "tests" / "data" / "textcheck_corpus.toml").read_text(encoding="utf-8"))
CASES = CORPUS["case"]


def corpus_published(sample_bundle) -> list[textcheck.Published]:
    extra = [
        textcheck.Published(
            id=p["id"],
            statement=p["statement"],
            value=float(p["value"]),
            unit=p["unit"],
            as_of=p["as_of"],
            source=p.get("source", ""),
            metric=p.get("metric"),
        )
        for p in CORPUS["published"]
    ]
    return textcheck.default_published(sample_bundle) + extra


@pytest.fixture(scope="module")
def checkers(sample_bundle):
    pubs = corpus_published(sample_bundle)
    cache: dict[dt.date, textcheck.Checker] = {}

    def get(as_of: dt.date) -> textcheck.Checker:
        if as_of not in cache:
            cache[as_of] = textcheck.Checker(sample_bundle, pubs, as_of)
        return cache[as_of]

    return get


def _same_source(expected: str, actual: str | None, optional: tuple[str, ...] = ()) -> bool:
    """A metric spec matches when the name is the same and the expected parameters are among the actual
    ones (the checker may name the list month or the period it used), ``optional`` ones only when the
    checker names them; a published id matches exactly."""
    if actual is None:
        return False
    if (
        "#" in expected
    ):  # a change on the year before: the checker names how it compared (#change, #pp_change)
        if "#" not in actual:
            return False
        expected, actual = expected.partition("#")[0], actual.partition("#")[0]
    if ":" not in expected and ":" not in actual:
        return expected == actual
    en, ep = parse_spec(expected)
    an, ap = parse_spec(actual.partition("#")[0])
    return en == an and all(ap.get(k) == v for k, v in ep.items() if k not in optional or k in ap)


def test_the_corpus_is_large_and_covers_every_verdict():
    assert len(CASES) >= 60
    verdicts = Counter(e[1] for c in CASES for e in c["expect"])
    assert set(verdicts) == set(textcheck.VERDICTS)
    texts = " ".join(c["text"] for c in CASES)
    for wording in (
        "余",
        "近",
        "超过",
        "逾",
        "约",
        "万",
        "亿",
        "%",
        "个百分点",
        "至",
        "由",
        "〔",
        "第12期",
        "五千四百",
    ):
        assert wording in texts, wording


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}" for i in range(len(CASES))])
def test_corpus_sentence(case, checkers):
    as_of = case.get("as_of", CORPUS["as_of"])
    findings = checkers(as_of).check(case["text"])
    got = [(f.text, f.verdict) for f in findings]
    assert got == [(e[0], e[1]) for e in case["expect"]], [
        (f.text, f.verdict, f.source, f.note) for f in findings
    ]
    for f, e in zip(findings, case["expect"], strict=True):
        if len(e) > 2 and e[2]:
            assert _same_source(e[2], f.source), (f.text, e[2], f.source)
        if len(e) > 3:
            assert f.value == pytest.approx(e[3]), (f.text, e[3], f.value, f.note)
        if f.verdict == textcheck.MISMATCH:
            assert f.value is not None and f.note, f
        if f.verdict == textcheck.UNCHECKED:
            assert f.note, f  # the reason is given


def test_student_aid_same_period_change_is_read_from_the_payment_dates(checkers, sample_bundle):
    """同比 of the students aided is this year to the date against last year to the same day, derived here
    from the ledger's rows (year, payment date, student): never this year's part against last year's whole."""
    import pandas as pd

    a = sample_bundle.frames["student_aid"]
    paid = pd.to_datetime(a["paid_on"])

    def students(year: int, day: str) -> int:
        return a.loc[(a["year"] == year) & (paid <= pd.Timestamp(day)), "student_id"].nunique()

    now, before = students(2022, "2022-07-26"), students(2021, "2021-07-26")
    assert a["student_id"].notna().all()
    (f,) = checkers(dt.date(2022, 7, 26)).check("今年受资助学生人数同比增长3.8%。")
    assert f.verdict == textcheck.MISMATCH
    assert f.value == pytest.approx((now / before - 1) * 100, abs=0.05)  # written to one decimal


def test_positions_index_the_text(checkers):
    text = "全县现有脱贫人口5400余户9200余人。"
    for f in checkers(dt.date(2022, 7, 26)).check(text):
        assert text[f.start : f.end] == f.text


def test_chinese_numerals():
    assert textnumbers.cn_number("五千四百") == 5400
    assert textnumbers.cn_number("两千四百三十四") == 2434
    assert textnumbers.cn_number("一万二千") == 12000
    assert textnumbers.cn_number("四十点八") == 40.8
    assert textnumbers.cn_number("十二") == 12
    assert textnumbers.cn_number("一百零三") == 103
    assert textnumbers.cn_number("十二五") is None


def test_approximations_bracket_the_value():
    def tok(text):
        return next(t for t in textnumbers.read(text) if t.kind == "figure")

    assert textcheck.agrees(tok("5400余户"), 5494)
    assert not textcheck.agrees(tok("5400余户"), 5940)  # [n, 1.1n)
    assert not textcheck.agrees(tok("5400余户"), 5399)
    assert textcheck.agrees(tok("近5500户"), 5494) and not textcheck.agrees(tok("近5500户"), 5500)
    assert not textcheck.agrees(tok("近5500户"), 5224)  # more than 5 % below
    assert textcheck.agrees(tok("约5500户"), 5775) and not textcheck.agrees(tok("约5500户"), 5776)
    assert textcheck.agrees(tok("102%"), 101.84997)
    assert not textcheck.agrees(tok("102%"), 101.4)
    assert textcheck.agrees(tok("40.8万人"), 40.84)


def test_the_generated_draft_checks_clean(sample_bundle):
    """Every number the draft writes is found, read as the figure it is, and agrees with the data."""
    from lulong_data import briefing

    d = briefing.draft(sample_bundle, sample_bundle.as_of)
    checker = textcheck.Checker(sample_bundle, textcheck.default_published(sample_bundle))
    for p in d.paragraphs:
        findings = [f for f in checker.check(p.text) if f.verdict != textcheck.NOT_A_FIGURE]
        assert len(findings) == len(p.figures), (p.theme, [f.text for f in findings])
        for f, fig in zip(findings, p.figures, strict=True):
            assert f.verdict == textcheck.DATA, (p.theme, f)
            # A sentence that names no month is checked against the latest list month (the draft's).
            assert _same_source(fig.spec, f.source, optional=("period",)), (f.text, fig.spec, f.source)


def test_the_check_sheet_names_whom_to_ask_and_keeps_the_code_last(sample_bundle):
    """The 核对单 (issue 19 review): 来源 is the responsible department's full name (the registry's; an
    indicator's reporting department from the data) with the figure's own period; the metric code is a
    last column for the data office; a figure only said in public names where it was said."""
    said = textcheck.Published(
        "R0001", "全县发放宣传资料3000余份", 3000, "份", dt.date(2022, 7, 20), "秦皇岛日报"
    )
    text = (
        "今年以来,全县脱贫劳动力实现就业4109人,完成市下目标任务3946人的102%。"
        "截至6月底,全县组建家庭医生签约团队458个。发放宣传资料3000余份。"
    )
    found = textcheck.check(
        sample_bundle, text, published=[*textcheck.default_published(sample_bundle), said]
    )
    df = textcheck.findings_table(found)
    assert list(df.columns) == ["序号", "文中数字", "核对结果", "正确值", "指标", "来源", "说明", "指标代码"]
    rows = df.set_index("文中数字")
    assert rows.loc["4109人", "来源"] == "卢龙县人力资源和社会保障局(2022年1月1日至7月26日)"
    assert rows.loc["4109人", "指标代码"] == "employment_placed:year=2022"
    assert rows.loc["3946人", "来源"] == "卢龙县人力资源和社会保障局(2022年全年)"
    assert rows.loc["458个", "来源"] == "卢龙县卫生健康局(截至2022年6月30日)"
    assert rows.loc["3000余份", "来源"] == "已发布:秦皇岛日报(截至2022年7月20日)"
    assert rows.loc["3000余份", "指标代码"] == "R0001"
    assert not any("_" in s or "=" in s for s in df["来源"]), "a metric code in 来源"
    en = textcheck.findings_table(found, "en").set_index("In the text")
    assert en.loc["4109人", "Source"] == "Lulong County Human Resources and Social Security Bureau"
    assert list(en.columns)[-1] == "Metric"


# --- the command line --------------------------------------------------------------------------------------
def _run(capsys, *argv: str) -> tuple[int, str, str]:
    from lulong_data.__main__ import main

    code = main(["checktext", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_checktext_json_on_a_text_file(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.delenv("LULONG_DATA_DIR", raising=False)
    f = tmp_path / "发布词.txt"
    f.write_text("全县现有脱贫人口5400余户9200余人。2022年安排衔接资金2800万元。", encoding="utf-8")
    code, out, _ = _run(capsys, str(f), "--format", "json")
    assert code == 1  # a contradiction
    rows = json.loads(out)
    assert [(r["text"], r["verdict"], r["value"], r["source"]) for r in rows] == [
        ("5400余户", "data", 5494, "poverty_households"),
        ("9200余人", "data", 9236, "poverty_persons"),
        ("2022年", "not_a_figure", None, None),
        ("2800万元", "mismatch", 2700, "indicator:name=县本级衔接资金"),
    ]


def test_checktext_reads_a_docx_and_standard_input(tmp_path, capsys, monkeypatch):
    import io
    import sys

    import docx

    monkeypatch.delenv("LULONG_DATA_DIR", raising=False)
    doc = docx.Document()
    doc.add_paragraph("目前,全县脱贫劳动力实现就业4019人,完成市下目标任务3946人的102%。")
    path = tmp_path / "通稿.docx"
    doc.save(path)
    code, out, _ = _run(capsys, str(path))
    assert code == 0
    assert "4019人\t√ 与数据一致" in out and "共核对数字3个:与数据一致3个" in out
    # GBK text on standard input (a Windows Notepad file), checked as of an earlier date
    stdin = io.TextIOWrapper(
        io.BytesIO("全县脱贫劳动力实现就业4019人。".encode("gb18030")), encoding="gb18030"
    )
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = _run(capsys, "-", "--as-of", "2022-06-30")
    assert code == 1 and "应为 3988人" in out  # employment_placed on 30 June 2022 (脱贫人口 + 监测对象)


def test_checktext_refuses_what_it_cannot_read(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("LULONG_DATA_DIR", raising=False)
    code, _, err = _run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in err
    f = tmp_path / "a.txt"
    f.write_text("12个乡镇", encoding="utf-8")
    code, _, err = _run(capsys, str(f), "--as-of", "2022-13-01")
    assert code == 2 and "2022-13-01" in err


def test_checktext_picks_a_county_of_a_multi_county_folder(
    three_county_folder, tmp_path, capsys, monkeypatch
):
    from lulong_data.bundle import load_bundle
    from lulong_data.county import counties

    monkeypatch.setenv("LULONG_DATA_DIR", str(three_county_folder))
    f = tmp_path / "a.txt"
    f.write_text("全县下辖12个乡镇。", encoding="utf-8")
    code, _, err = _run(capsys, str(f))
    assert code == 2 and "--county" in err
    code_name = counties(load_bundle(three_county_folder))
    code, out, _ = _run(capsys, str(f), "--county", code_name[0][0], "--format", "json")
    assert code in (0, 1) and '"text": "12个"' in out
    code, _, err = _run(capsys, str(f), "--county", "999999")
    assert code == 2 and "999999" in err
