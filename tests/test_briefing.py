"""Briefing draft, its checks and the Word export (issue #9) on the bundled sample and edited copies."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil

import docx
import openpyxl
import pandas as pd
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from paths import SAMPLE_DIR

from lulong_data import briefing, images, textcheck
from lulong_data.briefing_doc import Picture, briefing_docx
from lulong_data.bundle import load_bundle
from lulong_data.county import name_of
from lulong_data.exports import to_xlsx
from lulong_data.metrics.published import check_published
from lulong_data.metrics.registry import compute, lookup


@pytest.fixture(scope="module")
def sample_draft(sample_bundle):
    return briefing.draft(sample_bundle, sample_bundle.as_of)


def _copy_sample(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder


def _move_one_2022_placement_to_2021(folder) -> str:
    """Turn one person's only 2022 employment row into a 2021 row: 2022 placements drop by one."""
    path = folder / "employment.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    per_person = pd.Series([r["person_id"] for r in rows if r["year"] == "2022"]).value_counts()
    row = next(r for r in rows if r["year"] == "2022" and per_person[r["person_id"]] == 1)
    row["year"], row["started_on"] = "2021", "2021-06-01"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return row["person_id"]


# --- the draft ----------------------------------------------------------------------------------------
def test_draft_has_one_paragraph_per_theme(sample_draft):
    assert [p.title_zh for p in sample_draft.paragraphs] == [
        "防止返贫监测帮扶",
        "就业帮扶",
        "兜底保障",
        "教育帮扶",
        "健康帮扶和社会保障",
        "人居环境",
    ]
    assert all(p.text and p.figures and not p.omitted for p in sample_draft.paragraphs)
    assert sample_draft.lead.text and [p.theme for p in sample_draft.parts][0] == "lead"


def test_every_draft_number_is_the_metric(sample_bundle, sample_draft):
    for p in [*sample_draft.headlines, *sample_draft.parts]:
        for fig in p.figures:
            assert p.text[fig.start : fig.end] == fig.text
            spec, _, derived = fig.spec.partition("#")
            lookup(spec)  # registered
            if derived:
                continue  # a change on the year before: checked by its wording (test_textcheck)
            value = compute(sample_bundle, spec, sample_draft.as_of)
            assert fig.value == pytest.approx(float(value))
            assert fig.text == briefing.number_text(value, fig.digits)


def test_the_release_is_a_news_text(sample_draft, sample_bundle):
    """A 通稿: headline options, a lead with attribution, each paragraph saying whose figures they are,
    one way of saying the period (今年以来), and the year-on-year news."""
    heads = [h.text for h in sample_draft.headlines]
    assert heads[0] == "卢龙县扎实推进巩固拓展脱贫攻坚成果同乡村振兴有效衔接"
    assert "卢龙县安置乡村公益岗位2434人\u3000比上年增加207人" in heads
    lead = sample_draft.lead.text
    # The lead's figures are employment figures: cited to the bureau that owns them (issue 19 review).
    assert lead.startswith("今年以来,卢龙县坚持把防止返贫动态监测和帮扶")
    assert (
        "记者从卢龙县人力资源和社会保障局获悉,截至7月26日,全县脱贫劳动力实现就业4019人,完成市下目标任务的102%"
        in lead
    )
    assert "安置乡村公益岗位2434人,比上年增加207人" in lead
    text = {p.theme: p.text for p in sample_draft.paragraphs}
    # Every paragraph names its sources in full; a sentence of another owner's figures says whose they are.
    assert text["monitoring"].startswith("记者从卢龙县人民政府获悉,卢龙县下辖12个乡镇、548个行政村")
    assert "据卢龙县乡村振兴局统计,全县现有脱贫人口5494户9236人。" in text["monitoring"]
    assert "据卢龙县防贫中心统计,目前尚未消除风险的监测对象459户997人" in text["monitoring"]
    assert text["employment"].startswith("记者从卢龙县人力资源和社会保障局获悉,")
    assert text["welfare"].startswith("记者从卢龙县民政局获悉,")
    assert text["education"].startswith("记者从卢龙县教育局获悉,")
    assert text["health"].startswith("记者从卢龙县卫生健康局获悉,")
    assert "据卢龙县医疗保障局统计,全县城乡居民医保参保率96.8%" in text["health"]
    assert "据卢龙县人力资源和社会保障局统计,养老保险覆盖率99.5%" in text["health"]
    assert text["environment"].startswith("记者从卢龙县农业农村局获悉,")
    whole = lead + "".join(text.values())
    assert "2022年以来" not in whole and "县人社局" not in whole
    # Year on year, each theme that has last year's figure. 533 = 4019 against 3486 on 26 July 2021:
    # 脱贫人口 and 监测对象 in work, people still in work from an earlier year included (口径 v2, issue 17).
    assert (
        "全县脱贫劳动力实现就业4019人,比上年同期增加533人,完成市下目标任务3946人的102%" in text["employment"]
    )
    assert "今年安置乡村公益岗位2434人,比上年增加207人" in text["employment"]
    assert (
        "公益岗签订期限由上年的9个月延长至10个月,月补贴由上年的600元/人提高到650元/人" in text["employment"]
    )
    # 风险消除 counts both kinds: the sentence names each (issue 17 item 2), never "通过帮扶" for all of them.
    assert (
        "已有261户标注“风险消除”,比上年末增加129户,其中帮扶后稳定消除234户、风险自然消除27户"
        in text["monitoring"]
    )
    assert "通过帮扶" not in text["monitoring"]
    assert "全县农村低保覆盖率为3.1%,比上年末下降0.1个百分点" in text["welfare"]
    assert "家庭医生签约团队458个,比上年末增加6个" in text["health"]
    # Reported for 30 June, not for the release's 26 July: the figures say their own date (issue 17 item 4).
    assert "获悉,截至6月底,全县组建家庭医生签约团队458个" in text["health"]
    assert "医保参保率96.8%,比上年末提高0.3个百分点" in text["health"]
    # On 26 July the July inspections are still running: the release reports June, the last month that is
    # over, against June 2021 as its list stood on 26 July 2021 — and the 约谈 list, not a claim of talks held.
    day = sample_bundle.as_of
    now = compute(sample_bundle, "env_mean_score:period=2022-06", as_of=day)
    then = compute(sample_bundle, "env_mean_score:period=2021-06", as_of=day.replace(year=2021))
    talks = compute(sample_bundle, "env_talk_villages:period=2022-06", as_of=day)
    assert (
        f"2022年6月检查中,全县受检村平均得分{now:.1f}分,比上年同月提高{now - then:.1f}分"
        in text["environment"]
    )
    assert "7月检查" not in text["environment"] and "开展约谈" not in text["environment"]
    assert f"连续上黑榜的{talks:.0f}个村列入约谈督导名单" in text["environment"]
    # 养老保险 is social insurance, not "教育医疗".
    assert "养老保险覆盖率99.5%" in text["health"] and "养老保险" not in text["education"]


_CITED = re.compile(r"(?:记者从|据)([^,。]+?)(?:获悉|统计),")


def _citations(b, text: str) -> list[tuple[int, list[str]]]:
    """(offset, full department names) of each "记者从…获悉," / "据…统计," of a text."""
    county = name_of(b)
    return [
        (m.start(), [n if n.startswith(county) else county + n for n in m.group(1).split("、")])
        for m in _CITED.finditer(text)
    ]


def test_every_figure_is_cited_to_the_department_that_owns_it(sample_bundle, sample_draft):
    """Issue 19 review: a 通稿 never names an office as the source of a figure it does not own. Each figure
    falls under the last citation before it in its paragraph; that citation names the figure's department
    (the registry's, an indicator's from the data), and names no office none of its figures belong to."""
    for p in sample_draft.parts:
        cites = _citations(sample_bundle, p.text)
        owners: dict[int, set[str]] = {start: set() for start, _ in cites}
        for fig in p.figures:
            before = [c for c in cites if c[0] < fig.start]
            assert before, (p.theme, fig.text, "a figure before any source is named")
            start, names = before[-1]
            owner = briefing.department_of(sample_bundle, fig.spec.partition("#")[0])
            assert owner in names, (p.theme, fig.text, owner, names)
            owners[start].add(owner)
        for start, names in cites:
            assert set(names) == owners[start], (p.theme, names, owners[start])


def test_a_bureau_answers_for_its_own_figures_and_cites_the_others(sample_bundle):
    """答问口径: the answering bureau speaks its own figures without citation; a figure another office owns
    is cited to that office ("据卢龙县医疗保障局统计,…"), as the bureaus did at the 2022-07-27 conference."""
    from lulong_data import press_package

    b, day = sample_bundle, sample_bundle.as_of
    for key, zh, en, build, specs in briefing.THEMES:
        bureau = next(filter(None, (briefing.department_of(b, s) for s in specs)))
        p = briefing._paragraph(b, day, key, zh, en, build(b, day), attribute=True, speaker=bureau)
        cites = _citations(b, p.text)
        for fig in p.figures:
            before = [names for start, names in cites if start < fig.start]
            owner = briefing.department_of(b, fig.spec.partition("#")[0])
            assert owner in (before[-1] if before else [bureau]), (key, fig.text, owner, bureau)
    docs = {d.key: d.text for d in press_package.package(b, day)}
    assert "答:感谢这位记者的提问。截至6月底,全县组建家庭医生签约团队458个" in docs["qa_health"]
    assert "据卢龙县医疗保障局统计,全县城乡居民医保参保率96.8%" in docs["qa_health"]
    assert "据卢龙县人力资源和社会保障局统计,养老保险覆盖率99.5%" in docs["qa_health"]
    assert "统计," not in docs["qa_employment"]  # every figure the bureau's own
    assert "统计," not in docs["statement"]  # the county government speaks for its departments


def test_draft_speaks_like_the_press_conference(sample_draft):
    text = {p.theme: p.text for p in sample_draft.paragraphs}
    assert "今年已开展实用技术培训12期645人" in text["employment"]
    assert "新增农村低保对象183人、特困人员61人" in text["welfare"]
    assert "脱贫户940户、1721人" in text["welfare"]
    assert "为6572名低收入家庭学生发放资助资金583.86万元" in text["education"]
    assert "脱贫人口5494户9236人" in text["monitoring"]
    assert "红榜" in text["environment"] and "黑榜" in text["environment"]


def test_student_aid_is_compared_with_the_same_days_of_last_year(sample_draft, sample_bundle):
    """The education sentence: students paid so far this year against those paid by the same day of 2021,
    both counted here from the ledger's rows (issue 17 review: payment timing alike in both years)."""
    a = sample_bundle.frames["student_aid"]
    paid = pd.to_datetime(a["paid_on"])

    def students(year: int, day: dt.date) -> int:
        return a.loc[(a["year"] == year) & (paid <= pd.Timestamp(day)), "student_id"].nunique()

    d = sample_bundle.as_of
    change = students(d.year, d) - students(d.year - 1, d.replace(year=d.year - 1))
    text = {p.theme: p.text for p in sample_draft.paragraphs}["education"]
    assert f"受资助学生比上年同期{'增加' if change >= 0 else '减少'}{abs(change)}名" in text


def test_nothing_paid_yet_this_year_is_not_news(sample_bundle):
    """Before the spring term's aid is paid, the draft does not say "已为0名…发放资助资金0万元"."""
    a = sample_bundle.frames["student_aid"]
    first = pd.to_datetime(a.loc[a["year"] == 2022, "paid_on"]).min().date()
    day = first - dt.timedelta(days=1)
    assert compute(sample_bundle, "student_aid_students:year=2022", as_of=day) == 0
    d = briefing.draft(sample_bundle, day)
    text = {p.theme: p.text for p in d.paragraphs}["education"]
    assert "名低收入家庭学生" not in text and "0万元" not in text
    assert all("student_aid" not in spec for spec in (f.spec for p in d.parts for f in p.figures))


def test_a_list_month_still_running_is_reported_only_when_no_month_is_over(sample_bundle):
    """The red/black list of a month whose inspections are still running is reported (saying so) only while
    no earlier month is over; from the next month on, the release reports the month that is over."""
    scores = sample_bundle.frames["environment_scores"]
    first_day = pd.to_datetime(scores["inspected_on"]).min().date()
    text = {p.theme: p.text for p in briefing.draft(sample_bundle, first_day).paragraphs}["environment"]
    ym = f"{first_day.year}年{first_day.month}月"
    assert f"{ym}检查中(检查尚未结束,为截至{first_day.month}月{first_day.day}日的结果)" in text
    later = (first_day.replace(day=28) + dt.timedelta(days=10)).replace(day=5)  # early next month
    text = {p.theme: p.text for p in briefing.draft(sample_bundle, later).paragraphs}["environment"]
    assert f"{ym}检查中," in text and "尚未结束" not in text


def test_a_year_without_last_years_figure_says_no_change(tmp_path):
    """No 2021 placements in the data: the employment sentence stands without a year-on-year clause.

    A ledger kept from 2022 on: the 2021 rows go, and the work still running into 2022 (rows without a
    year) is recorded as 2022's (ended in 2021: gone), so 2022 keeps its 4019 and 2021 has nobody."""
    folder = _copy_sample(tmp_path)
    path = folder / "employment.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["year"] != "2021" and not r["ended_on"].startswith("2021")]
    for r in rows:
        r["year"] = r["year"] or "2022"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    b = load_bundle(folder)
    employment = next(p for p in briefing.draft(b, b.as_of).paragraphs if p.theme == "employment")
    assert "实现就业4019人,完成市下目标任务" in employment.text and "上年同期" not in employment.text


def test_a_missing_ledger_drops_its_sentences(tmp_path):
    folder = _copy_sample(tmp_path)
    (folder / "trainings.csv").unlink()
    (folder / "environment_scores.csv").unlink()
    b = load_bundle(folder)
    d = briefing.draft(b, b.as_of)
    employment = next(p for p in d.paragraphs if p.theme == "employment")
    assert "培训" not in employment.text and "4019人" in employment.text
    assert "training_sessions:year=2022" in employment.omitted
    assert next(p for p in d.paragraphs if p.theme == "environment").text == ""


# --- consistency checks ------------------------------------------------------------------------------
def test_every_published_figure_matches_on_the_sample(sample_bundle):
    df = check_published(sample_bundle)
    assert len(df) == 43
    assert set(df["status"]) == {"match"}, df[df["status"] != "match"]
    assert {briefing.published_label(r) for r in df.to_dict("records")} == {"√ 一致"}


def test_a_changed_data_file_turns_a_figure_into_differs(tmp_path):
    folder = _copy_sample(tmp_path)
    _move_one_2022_placement_to_2021(folder)
    b = load_bundle(folder)
    assert not b.errors, b.errors[:3]
    df = check_published(b).set_index("figure_id")
    assert df.loc["P06", "status"] == "differs"
    assert df.loc["P06", "computed"] == 4018
    assert briefing.published_label(df.loc["P06"]) == "× 不一致 (差值 −1)"
    assert briefing.published_label(df.loc["P06"], "en") == "× differs (difference −1)"
    assert df.loc["P07", "status"] == "match"
    # The draft now says 4018: right by the data, with a note that 4019 was said in public.
    d = briefing.draft(b, b.as_of)
    employment = next(p for p in d.paragraphs if p.theme == "employment")
    found = next(f for f in textcheck.check(b, employment.text) if f.text == "4018人")
    assert found.verdict == "data" and "已发布P06为4019人" in found.note
    # Quoting the published 4019 is not a contradiction, but says the data have moved on.
    quoted = next(
        f for f in textcheck.check(b, employment.text.replace("4018", "4019")) if f.text == "4019人"
    )
    assert (quoted.verdict, quoted.source) == ("published", "P06") and "数据现为4018人" in quoted.note


def test_not_computable_label_gives_the_reason():
    row = {"status": "not computable", "reason": "未知指标 / unknown metric: foo", "difference": None}
    assert briefing.published_label(row) == "○ 无法计算 (未知指标)"
    assert briefing.published_label(row, "en") == "○ not computable (unknown metric: foo)"


def test_edited_numbers_are_flagged(sample_bundle, sample_draft):
    p = next(p for p in sample_draft.paragraphs if p.theme == "employment")
    edited = p.text.replace("4019", "4,020").replace("12期", "").replace("2434人", "2434人(另有35人待岗)")
    found = {f.text: f for f in textcheck.check(sample_bundle, edited)}
    placed = found["4,020人"]
    assert placed.verdict == "mismatch" and placed.right_text() == "4019人"
    assert placed.source == "employment_placed:year=2022" and "已发布P06为4019人" in placed.note
    assert found["3946人"].verdict == "data"
    # An aside in parentheses is not read as the sentence's figure.
    assert found["35人"].verdict == "unchecked"
    # Same digits written differently are the same number.
    same = textcheck.check(sample_bundle, p.text.replace("4019", "4,019"))
    assert {f.verdict for f in same} <= {"data", "not_a_figure"}


def test_an_edited_year_is_not_silently_accepted(sample_bundle, sample_draft):
    p = next(p for p in sample_draft.paragraphs if p.theme == "employment")
    edited = p.text.replace("比上年增加207人", "比2020年增加207人")
    assert edited != p.text
    found = {f.text: f for f in textcheck.check(sample_bundle, edited)}
    assert found["207人"].verdict == "unchecked" and "2020年" in found["207人"].note


def test_a_draft_at_an_earlier_date_checks_against_that_date(sample_bundle):
    d = briefing.draft(sample_bundle, dt.date(2022, 6, 30))
    employment = next(p for p in d.paragraphs if p.theme == "employment")
    assert "实现就业3988人" in employment.text and "4019" not in employment.text
    found = {f.text: f for f in textcheck.check(sample_bundle, employment.text, as_of=dt.date(2022, 6, 30))}
    # 3988 at 30 June; the 4019 published for 26 July is later than the draft and is not held against it.
    assert found["3988人"].verdict == "data" and found["3988人"].published == ()


def test_reported_figures_say_their_own_date_and_no_change_on_that_date(sample_bundle):
    """On 15 February 2022 the health indicators were last reported for 31 December 2021: the paragraph
    says 截至2021年底 and makes no "比上年末" comparison of that date with itself; it checks clean."""
    d = briefing.draft(sample_bundle, dt.date(2022, 2, 15))
    health = next(p for p in d.paragraphs if p.theme == "health")
    assert "获悉,截至2021年底,全县组建家庭医生签约团队452个,做到应签尽签。" in health.text
    # the date is said once, each figure cited to its own department
    assert (
        "据卢龙县医疗保障局统计,全县城乡居民医保参保率96.5%。据卢龙县人力资源和社会保障局统计,养老保险覆盖率99.3%。"
        in health.text
    )
    assert "上年末" not in health.text
    found = textcheck.check(sample_bundle, health.text, as_of=dt.date(2022, 2, 15))
    assert {f.verdict for f in found} <= {"data", "published", "not_a_figure"}, found


# --- tables and files --------------------------------------------------------------------------------
def test_figures_table_carries_the_definitions(sample_bundle, sample_draft):
    df = briefing.figures_table(sample_bundle, sample_draft)
    assert list(df.columns) == ["指标", "数值", "单位", "口径", "来源", "更新频次", "指标代码"]
    row = df.set_index("指标代码").loc["employment_placed:year=2022"]
    assert (row["指标"], row["数值"], row["单位"], row["来源"]) == (
        "脱贫人口和监测对象务工就业人数(2022年)",
        "4019",
        "人",
        "卢龙县人力资源和社会保障局",  # full official names, never 县人社局 (issue 19)
    )
    teams = df.set_index("指标代码").loc["indicator:name=家庭医生签约团队数"]
    assert (teams["单位"], teams["来源"]) == ("个", "卢龙县卫生健康局")
    assert df["口径"].str.len().min() > 5


def _release(b, d) -> list[str]:
    """The Word 通稿 of draft ``d`` with ``b``'s byline, as its paragraphs' texts."""
    data = briefing_docx(
        title=d.title,
        as_of=d.as_of,
        paragraphs=[(p.title_zh, p.text) for p in d.parts],
        figures=briefing.figures_table(b, d).drop(columns=["指标代码", "更新频次"]),
        **briefing.byline(b),
    )
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_release_is_issued_by_the_press_office_never_by_the_data_office(sample_bundle, tmp_path):
    """Issue 19 review: the byline is the county's publishing office (manifest ``press_office``); the
    sample names none, so the 通稿 says 发稿单位未设置 rather than the data office's name. The data office
    (``prepared_by``) is credited in the annex only and is cited as the source of nothing."""
    from lulong_data.briefing_doc import NO_ISSUER

    d = briefing.draft(sample_bundle, sample_bundle.as_of)
    paras = _release(sample_bundle, d)
    assert paras[1:3] == [NO_ISSUER, "(数据截至2022年7月26日)"]
    credit = "数据由卢龙县防贫中心(样例数据,虚构)汇总整理(数据截至2022年7月26日)。"
    assert [p for p in paras if "卢龙县防贫中心(样例数据" in p] == [
        f"表中各项数字由“来源”栏所列单位负责。{credit}"
    ]
    # A hand-built folder: another data office, and the county's publishing office named.
    folder = _copy_sample(tmp_path)
    (folder / "manifest.toml").write_text(
        'county_code = "130324"\ndata_as_of = 2022-07-26\nprepared_by = "卢龙县统计局"\n'
        'press_office = "中共卢龙县委宣传部"\n',
        encoding="utf-8",
    )
    b = load_bundle(folder)
    assert briefing.byline(b) == {"issued_by": "中共卢龙县委宣传部", "prepared_by": "卢龙县统计局"}
    other = briefing.draft(b, b.as_of)
    assert [p.text for p in other.parts] == [p.text for p in d.parts]  # the data office changes no citation
    paras = _release(b, other)
    assert paras[1:3] == ["中共卢龙县委宣传部", "(数据截至2022年7月26日)"]
    assert [p for p in paras if "卢龙县统计局" in p] == [
        "表中各项数字由“来源”栏所列单位负责。数据由卢龙县统计局汇总整理(数据截至2022年7月26日)。"
    ]
    assert NO_ISSUER not in paras and not any("宣传部" in p.text for p in other.parts)


def test_xlsx_neutralises_formulas(sample_bundle, sample_draft):
    df = briefing.figures_table(sample_bundle, sample_draft)
    df.loc[0, "指标"] = "=1+1"
    df.loc[1, "来源"] = "@SUM(A1)"
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(df, title="数据截至 2022-07-26"))).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "'=1+1" in values and "'@SUM(A1)" in values
    assert "=1+1" not in values


def test_word_release_in_the_office_format(sample_bundle, sample_draft):
    import altair as alt
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    chart = (
        alt.Chart(pd.DataFrame({"乡镇": ["卢龙镇", "潘庄镇"], "人数": [3, 5]}))
        .mark_bar()
        .encode(x="人数:Q", y="乡镇:N")
    )
    png = images.chart_image(
        chart, title="测试图", unit="人", source="县人社局", as_of=sample_draft.as_of, scale=1
    )
    paragraphs = [(p.title_zh, p.text) for p in sample_draft.parts]
    data = briefing_docx(
        title=sample_draft.title,
        as_of=sample_draft.as_of,
        paragraphs=paragraphs,
        figures=briefing.figures_table(sample_bundle, sample_draft).drop(columns=["指标代码"]),
        pictures=[Picture("测试图", png), Picture("测试图", png)],
    )
    doc = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == sample_draft.title and "(数据截至2022年7月26日)" in text
    for _, body in paragraphs:
        assert body in text
    assert len(doc.inline_shapes) == 2
    assert len(doc.tables) == 1 and doc.tables[0].rows[0].cells[0].text == "指标"
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    # The office's format: 仿宋_GB2312 三号 body on exact 28-point lines, 方正小标宋简体 二号 title, 黑体 headings,
    # each font with a fallback a PC without it uses.
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28)
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = doc.styles["Title"]
    assert (
        title.font.size == Pt(22)
        and title.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    )
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in doc.paragraphs if p.text == paragraphs[1][1])
    assert body.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    table = parse_xml(doc.part.part_related_by(RT.FONT_TABLE).blob)
    alts = {f.get(qn("w:name")): f.find(qn("w:altName")) for f in table.findall(qn("w:font"))}
    assert (
        alts["仿宋_GB2312"].get(qn("w:val")) == "仿宋" and alts["方正小标宋简体"].get(qn("w:val")) == "宋体"
    )
    # Pictures are not cropped by the exact line height.
    picture = next(p for p in doc.paragraphs if p._p.xpath(".//pic:pic"))
    assert picture.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE
