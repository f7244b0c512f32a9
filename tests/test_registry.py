"""The registry: every figure is a registered metric that knows its own period (issues 17, 21).

``registry.evaluate`` gives a Figure (value, period, basis, caveats or why it is missing) for every
registered metric; a year-to-date figure says which days it covers and a past year reads as a full year.
"""

from __future__ import annotations

import datetime as dt

import pytest
from factories import bundle_from_frames

from lulong_data.figures import BASES, Caveat, Figure, Period, same_day_year_before
from lulong_data.metrics import METRICS
from lulong_data.metrics.registry import compute, department_for, evaluate, metric

D = dt.date

# Representative parameters for metrics that need more than as_of (and year, which evaluate fills in).
PARAMS = {
    "assistance_new_persons": {"scheme": "农村低保"},
    "assistance_households": {"scheme": "特困供养"},
    "assistance_persons": {"scheme": "农村低保"},
    "indicator": {"name": "家庭医生签约团队数"},
    "employment_ledger_findings": {"check": "duplicate_employment"},
}


# -- Period ---------------------------------------------------------------------------------------------


def test_period_texts():
    assert Period.point(D(2022, 6, 30)).text() == "截至2022年6月30日"
    assert Period(D(2022, 1, 1), D(2022, 7, 26)).text() == "2022年1月1日至7月26日"
    assert Period.year(2022).text() == "2022年全年"
    assert Period.month(2022, 6).text() == "2022年6月"
    assert Period(D(2021, 12, 1), D(2022, 1, 5)).text() == "2021年12月1日至2022年1月5日"
    assert Period.point(D(2022, 6, 30)).text("en") == "as of 30 Jun 2022"
    assert Period.year(2021).text("en") == "the whole of 2021"


def test_period_short_texts_leave_out_the_pages_year():
    today = D(2022, 7, 26)
    assert Period.point(D(2022, 6, 30)).short(today=today) == "截至6月底"
    assert Period.point(D(2022, 7, 26)).short(today=today) == "截至7月26日"
    assert Period.point(D(2021, 12, 31)).short(today=today) == "截至2021年12月底"
    assert Period(D(2022, 1, 1), D(2022, 7, 26)).short(today=today) == "1月1日至7月26日"
    assert Period.month(2022, 7).short(today=today) == "7月"
    assert Period.year(2021).short(today=today) == "2021年全年"


def test_year_to_date_and_the_same_period_of_last_year():
    assert Period.year_to_date(D(2022, 7, 26)) == Period(D(2022, 1, 1), D(2022, 7, 26))
    assert Period.year_to_date(D(2022, 7, 26), 2021) == Period.year(2021)  # a past year is whole
    with pytest.raises(ValueError):
        Period.year_to_date(D(2022, 7, 26), 2023)
    assert Period(D(2022, 1, 1), D(2022, 7, 26)).year_before() == Period(D(2021, 1, 1), D(2021, 7, 26))
    assert Period.month(2024, 2).year_before() == Period.month(2023, 2)
    assert same_day_year_before(D(2024, 2, 29)) == D(2023, 2, 28)


def test_a_figure_checks_its_basis():
    with pytest.raises(ValueError):
        Figure("x", 1, Period.point(D(2022, 1, 1)), "monthly")
    with pytest.raises(ValueError):
        Period(D(2022, 2, 1), D(2022, 1, 1))


# -- every registered metric ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(METRICS))
@pytest.mark.parametrize("day", [None, D(2022, 2, 15)], ids=["data-date", "2022-02-15"])
def test_every_metric_returns_a_figure_with_its_period(sample_bundle, name, day):
    day = day or sample_bundle.as_of
    f = evaluate(sample_bundle, name, as_of=day, **PARAMS.get(name, {}))
    assert isinstance(f, Figure) and f.name == name
    assert f.basis in BASES
    assert isinstance(f.period, Period) and f.period.text()
    # Only a full-year figure (a target, a budget) or a month still being inspected (which says so) may
    # reach past the date; nothing starts after it.
    in_progress = any(c.code == "month_in_progress" for c in f.caveats)
    assert f.basis == "full_year" or in_progress or f.period.end <= max(day, sample_bundle.as_of)
    assert f.period.start is None or f.period.start <= day
    # A value or the reason it is missing, never neither.
    assert (f.value is None) == (f.missing is not None), f
    if f.value is not None:
        assert isinstance(f.value, int | float) and not isinstance(f.value, bool)
        assert compute(sample_bundle, name + _spec(PARAMS.get(name, {})), day) == f.value


def _spec(params: dict) -> str:
    return (":" + ",".join(f"{k}={v}" for k, v in params.items())) if params else ""


def test_every_metric_has_its_registry_fields():
    pages = {"overview", "map", "dispatch", "monitoring", "employment", "environment", "welfare", "press"}
    for name, m in METRICS.items():
        assert m.label_zh and m.label_en and m.department and m.definition_zh and m.definition_en, name
        assert m.basis in BASES, name
        assert m.better in ("up", "down", None), name
        assert m.yearly == ("year" in m.params), name
        assert set(m.pages) <= pages, (name, m.pages)
        assert name == "indicator" or (m.unit and m.pages and m.phrases), name
        assert m.title_zh == m.label_zh  # alias kept for old callers


def test_bases_of_the_published_figures(sample_bundle):
    b, day = sample_bundle, sample_bundle.as_of
    assert evaluate(b, "poverty_households", as_of=day).period == Period.point(day)
    placed = evaluate(b, "employment_placed", as_of=day)
    assert (placed.basis, placed.period) == ("ytd", Period(D(2022, 1, 1), day))
    last_year = evaluate(b, "employment_placed:year=2021", as_of=day)
    assert (last_year.basis, last_year.period) == ("full_year", Period.year(2021))
    target = evaluate(b, "employment_target", as_of=day)
    assert (target.basis, target.period, target.value) == ("full_year", Period.year(2022), 3946)
    assert evaluate(b, "env_red_villages", as_of=day).period == Period.month(2022, 7)


def test_indicators_read_their_own_date(sample_bundle):
    b, day = sample_bundle, sample_bundle.as_of
    teams = evaluate(b, "indicator:name=家庭医生签约团队数", as_of=day)
    assert (teams.value, teams.period.text()) == (458, "截至2022年6月30日")
    assert teams.unit == "个" and teams.department == "卢龙县卫生健康局"
    for name, value in (("城乡居民医保参保率", 96.8), ("养老保险覆盖率", 99.5)):
        f = evaluate(b, f"indicator:name={name}", as_of=day)
        assert (f.value, f.period) == (value, Period.point(D(2022, 6, 30)))
    money = evaluate(b, "indicator:name=县本级衔接资金,period=2022", as_of=day)
    assert (money.value, money.period.text()) == (2700, "2022年全年")
    none = evaluate(b, "indicator:name=没有这个指标", as_of=day)
    assert none.value is None and "没有报送" in none.missing.zh


def test_a_year_not_begun_and_an_absent_ledger_are_missing_not_zero(sample_bundle):
    f = evaluate(sample_bundle, "employment_placed:year=2023", as_of=D(2022, 7, 26))
    assert f.value is None and f.missing.code == "period_not_begun"
    empty = bundle_from_frames()
    f = evaluate(empty, "training_sessions", as_of=D(2022, 7, 26))
    assert f.value is None and f.missing.code == "ledger_missing" and "技能培训" in f.missing.zh
    assert compute(empty, "training_sessions", D(2022, 7, 26)) is None


def test_departments_are_full_names_and_follow_the_county():
    assert METRICS["employment_placed"].department == "卢龙县人力资源和社会保障局"
    assert METRICS["township_count"].department != "卢龙县防贫中心"
    for m in METRICS.values():
        assert m.name == "indicator" or m.department.startswith("卢龙县"), m.name
    assert department_for(METRICS["dibao_coverage"], "昌黎县") == "昌黎县民政局"
    assert department_for(METRICS["dibao_coverage"], "卢龙县") == "卢龙县民政局"


def test_the_old_registration_form_still_works():
    @metric("_legacy_test", "旧式", "old form", "个", "卢龙县防贫中心", "年", "旧式口径。", "Old form.")
    def legacy(b, *, as_of, year, township=None):
        return 3

    try:
        m = METRICS["_legacy_test"]
        assert (m.basis, m.yearly, m.frequency, m.title_zh) == ("ytd", True, "年", "旧式")
        f = evaluate(bundle_from_frames(), "_legacy_test", as_of=D(2022, 7, 26))
        assert (f.value, f.period) == (3, Period(D(2022, 1, 1), D(2022, 7, 26)))
    finally:
        del METRICS["_legacy_test"]


def test_a_metric_must_agree_with_its_own_signature():
    with pytest.raises(ValueError, match="yearly"):

        @metric("_bad", label_zh="坏", department="卢龙县防贫中心", scope="x", method="y", yearly=True)
        def bad(b, *, as_of):
            return 1

    assert "_bad" not in METRICS


def test_a_caveat_is_kept_once():
    c = Caveat("x", "甲。", "A.")
    f = Figure("n", 1, Period.point(D(2022, 1, 1)), "stock").with_caveat(c).with_caveat(c)
    assert f.caveats == (c,) and f.notes() == ["甲。"]


# -- every township at once (issue 21: grouped computations are a registry capability) -------------------


@pytest.mark.slow
@pytest.mark.parametrize("day", [None, D(2022, 2, 15), D(2020, 6, 30)], ids=["data-date", "2022-02", "2020"])
def test_grouped_figures_equal_the_metric_per_township(sample_bundle, day):
    from lulong_data.metrics.registry import by_townships

    b = sample_bundle
    day = day or b.as_of
    names = sorted(n for n, m in METRICS.items() if m.by_township is not None)
    assert {"poverty_households", "employment_rate", "overdue_items", "env_mean_score"} <= set(names)
    grouped = by_townships(b, names, as_of=day)
    assert list(grouped.index) == sorted(b.frames["townships"]["township_code"])
    for name in names:
        for code in grouped.index:
            expected = evaluate(b, name, as_of=day, township=code).value
            got = grouped.loc[code, name]
            assert got == pytest.approx(expected) if expected is not None else got is None, (name, code)


def test_a_metric_without_a_grouped_form_is_evaluated_per_township(sample_bundle):
    from lulong_data.metrics.registry import by_township

    b = sample_bundle
    assert METRICS["monitored_persons"].by_township is None
    got = by_township(b, "monitored_persons", as_of=b.as_of)
    code = got.index[0]
    assert got[code] == evaluate(b, "monitored_persons", as_of=b.as_of, township=code).value


# -- 口径 as official definitions (issues 17.5, 19.5) ------------------------------------------------------


def _contract_words() -> set[str]:
    from lulong_data.contract import DATASETS

    words = set(DATASETS)  # dataset names: households, social_assistance, …
    for d in DATASETS.values():
        words |= {c.name for c in d.columns}
        words |= {f"{d.title}表", f"{d.title}数据"}  # 农户表, 学生资助表 … (how the old texts named them)
    return words


def test_definitions_are_official_definitions_without_table_or_column_names():
    import re

    words = _contract_words()
    for name, m in METRICS.items():
        zh, en = m.definition_zh, m.definition_en
        assert not re.search(r"[A-Za-z_]", zh), (name, zh)  # no identifiers, rule keys or table.column
        assert not [w for w in words if not w.isascii() and w in zh], (name, zh)
        assert not any(w in zh for w in ("行数", "字段", "表中", "表的", "规则 ", "ranking")), (name, zh)
        for part in ("统计范围:", "计算方法:", f"责任单位:{m.department}。"):
            assert part in zh, (name, part, zh)
        assert "统计时点:" in zh or "统计时段:" in zh, (name, zh)
        assert ("统计时点:" in zh) == (m.basis == "stock"), (name, m.basis)
        # English: plain words, no snake_case names or table.column.
        assert not re.search(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b", en), (name, en)


def test_departments_are_never_short_forms():
    from lulong_data.departments import full_name

    for m in METRICS.values():
        assert "县人社局" not in m.definition_zh and m.department == full_name(m.department), m.name
    assert full_name("县人社局") == "卢龙县人力资源和社会保障局"
    assert full_name("县医保局") == "卢龙县医疗保障局"
    assert full_name("县财政局") == "卢龙县财政局"
    assert full_name("县卫健委", "昌黎县") == "昌黎县卫生健康局"
    assert full_name("") == ""


def test_periods_text_groups_figures_by_their_own_dates(sample_bundle):
    from lulong_data.figures import periods_text

    b, day = sample_bundle, sample_bundle.as_of
    figs = [
        (n, evaluate(b, n, as_of=day))
        for n in ("poverty_households", "employment_placed", "employment_target")
    ]
    figs.append(("参保率", evaluate(b, "indicator:name=城乡居民医保参保率", as_of=day)))
    assert periods_text(figs, today=day) == (
        "统计时段:poverty_households截至7月26日;employment_placed1月1日至7月26日;employment_target2022年全年;"
        "参保率截至6月底。"
    )


# The glossary's own wording does not fit these registry names, each for a reason (issue 22, item 4 here).
GLOSSARY_EXEMPT = {
    "indicator": "a family of department-reported figures: each row carries its own name",
    "phaseout_households": "the stock (时点) beside the flow phaseout_flow_households (issue 17.5): the label "
    "says which, the glossary's 渐退期脱贫户 does not",
}


def test_labels_use_the_glossary_wording_and_no_avoided_one():
    """A figure is called what the glossary calls it (short label = the glossary's short wording, else its
    wording), and no label or 口径 text of any figure uses a wording the glossary lists as avoided
    (在监测户, 监测帮扶中, 风险已消除, 逾期未办事项数 …)."""
    from lulong_data import glossary

    avoided = glossary.avoided()
    terms = glossary.terms()
    for name, m in METRICS.items():
        for text in (m.label_zh, m.short_zh, m.definition_zh):
            assert not [w for w in avoided if w in text], (name, text)
        if name in terms and name not in GLOSSARY_EXEMPT:
            assert m.label("zh", short=True) == glossary.term(name, short=True), name
    assert set(GLOSSARY_EXEMPT) <= set(terms)  # an exemption of a term the glossary no longer has is stale


def test_a_table_says_which_period_each_figure_column_stands_for(sample_bundle):
    """Issue 17.4 for tables and their spreadsheets: a year-to-date column, a full-year target and the same
    period of last year each say their own period; a past year reads as the whole year."""
    from lulong_data.columns import periods_note

    b, day = sample_bundle, sample_bundle.as_of
    by_township = ("township", "placed", "target", "rate")
    assert periods_note(b, keys=by_township, as_of=day, year=2022, township=None) == (
        "统计时段:已就业(人)、完成率1月1日至7月26日;目标任务(人)2022年全年。"
    )
    posts = ("township", "persons", "persons_prev", "change")
    assert periods_note(b, keys=posts, table="welfare_posts", as_of=day, year=2022, township=None) == (
        "统计时段:2022年(人)、增减(人)1月1日至7月26日;2021年同期(人)2021年1月1日至7月26日。"
    )
    assert periods_note(b, keys=by_township, as_of=day, year=2021, township=None) == "统计时段:2021年全年。"
    assert (
        periods_note(b, keys=("township_name", "monitored_households"), as_of=day) == "统计时段:截至7月26日。"
    )
    # no figure column, or only figures of a chosen list month (the table's title says which): nothing
    assert periods_note(b, keys=("village", "total", "score"), as_of=day) == ""
