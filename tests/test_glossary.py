"""The glossary (issue 22): one wording per term, both languages, units and counters from a fixed list."""

from __future__ import annotations

import pytest

from lulong_data import glossary
from lulong_data.glossary import GlossaryError, UnknownTerm


def test_the_shipped_glossary_reads_and_has_the_terms_pages_need():
    terms = glossary.terms()
    assert len(terms) > 100
    for key in ("township", "village", "poverty_persons", "eliminated_households", "step_visit_rule"):
        assert key in terms


def test_term_in_both_languages_and_short():
    assert glossary.term("eliminated_households") == "已消除风险户"
    assert glossary.term("eliminated_households", "en") == "Households with risk eliminated"
    assert glossary.term("employment_placed", short=True) == "务工就业"
    assert glossary.term("employment_placed", "en", short=True) == "In work"
    # no short form: the full wording
    assert glossary.term("township", short=True) == "乡镇"


def test_the_visit_rule_is_the_county_wording_not_a_day_count():
    assert glossary.term("step_visit_rule") == "每2个月走访一次"
    assert "定期走访(≤61天)" in glossary.avoided()


def test_unknown_key_names_itself():
    with pytest.raises(UnknownTerm, match="no_such_term"):
        glossary.term("no_such_term")


def test_amount_count_and_header():
    assert glossary.amount(4019, "employment_placed") == "4,019人"
    assert glossary.amount(4019, "employment_placed", "en") == "4,019 persons"
    assert glossary.amount(None, "employment_placed") == "—"
    assert glossary.amount(3.14, "dibao_coverage") == "3.1%"
    assert glossary.amount(5838600, "student_aid_amount") == "583.86万元"
    assert glossary.amount(87.25, "env_mean_score") == "87.3分"
    assert glossary.count(12, "township") == "12个乡镇"
    assert glossary.count(12, "township", "en") == "12 townships"
    assert glossary.count(3, "household") == "3户"
    assert glossary.count(1, "env_talk_villages") == "1个需约谈村"
    assert glossary.header("poverty_persons") == "脱贫人口(人)"
    assert glossary.header("poverty_persons", "en") == "Persons lifted out of poverty (persons)"
    assert glossary.header("township") == "乡镇"


def test_find_by_wording():
    assert glossary.find("务工就业").key == "employment_placed"
    assert glossary.find("乡镇").key == "township"
    assert glossary.find("不存在的词") is None


def test_every_registry_unit_is_a_glossary_unit():
    # A metric's unit is printed next to its figure: it must be one the glossary knows (no 件, no 户次).
    from lulong_data.metrics import METRICS

    bad = {name: m.unit for name, m in METRICS.items() if m.unit and m.unit not in glossary.UNITS}
    assert not bad, f"units not in the glossary: {bad}"


def _write(tmp_path, text: str):
    p = tmp_path / "glossary.toml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[term.Bad-Key]\nzh = "乡镇"\nen = "Township"\n', "snake_case"),
        ('[term.a]\nzh = "乡镇"\n', "en is required"),
        ('[term.a]\nzh = "乡镇"\nen = "x"\nunit = "件"\n', "unit '件'"),
        ('[term.a]\nzh = "乡镇"\nen = "x"\ncounter = "只"\n', "counter '只'"),
        ('[term.a]\nzh = "乡镇"\nen = "x"\n[term.b]\nzh = "乡镇"\nen = "y"\n', "already names"),
        ('[term.a]\nzh = "乡镇"\nen = "x"\n[term.b]\nzh = "村"\nen = "y"\navoid = ["乡镇"]\n', "wording of"),
        ('[term.a]\nzh = "乡镇"\nen = "x"\ncolour = "red"\n', "unknown field"),
        ('[term.a]\nzh = "乡镇"\nen = "x"\n[term.b]\nzh = "村"\nen = "y"\nalias_of = "a"\n', "alias_of"),
    ],
)
def test_a_broken_glossary_is_refused_with_key_and_field(tmp_path, body, message):
    with pytest.raises(GlossaryError, match=message):
        glossary._read(_write(tmp_path, body))


def test_an_alias_may_share_the_wording(tmp_path):
    body = '[term.a]\nzh = "数据状态"\nen = "x"\n[term.b]\nzh = "数据状态"\nen = "y"\nalias_of = "a"\n'
    terms = glossary._read(_write(tmp_path, body))
    assert terms["b"].zh == terms["a"].zh


def test_amounts_in_wan_as_the_county_publishes_them():
    assert glossary.amount(408000, "registered_population") == "40.8万人"
    assert glossary.amount(408000, "registered_population", "en") == "40.8 × 10,000 persons"


def test_a_label_with_fields_is_filled_in():
    assert glossary.term("show_all_columns", n=8, hidden=3) == "显示全部8列(另有3列)"
    assert glossary.term("show_all_columns", "en", n=8, hidden=3) == "Show all 8 columns (3 more)"
    with pytest.raises(GlossaryError, match="needs the field"):
        glossary.term("show_all_columns", n=8)


def test_every_language_of_a_label_names_the_same_fields(tmp_path):
    body = '[term.a]\nzh = "{n}个乡镇"\nen = "{count} townships"\n'
    with pytest.raises(GlossaryError, match="same fields"):
        glossary._read(_write(tmp_path, body))


def test_the_menu_and_page_titles_come_from_the_glossary():
    from components.nav import SPECS

    assert SPECS["overview"].title_zh == glossary.term("page_overview") == "总览"
    assert SPECS["environment"].title_en == glossary.term("page_environment", "en")
    for url in SPECS:
        glossary.get(f"page_{url}")  # every page has its title in the glossary


def test_every_registry_figure_takes_its_wording_from_the_glossary():
    """The one file: a figure's label, short label, English and unit are its glossary term's."""
    from lulong_data.metrics import METRICS

    terms = glossary.terms()
    for name, m in METRICS.items():
        t = terms[name]
        assert (m.label_zh, m.label_en, m.unit) == (t.zh, t.en, t.unit), name
        assert m.label("zh", short=True) == glossary.term(name, short=True), name
        assert m.label("en", short=True) == glossary.term(name, "en", short=True), name


def test_no_metric_decorator_writes_a_wording_of_its_own():
    import ast
    from pathlib import Path

    own = {"label_zh", "label_en", "short_zh", "short_en", "unit", "title_zh", "title_en"}
    found = []
    for path in sorted((Path(glossary.__file__).parent / "metrics").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "metric":
                found += [f"{path.name}:{node.lineno} {k.arg}" for k in node.keywords if k.arg in own]
                found += [f"{path.name}:{node.lineno} positional wording" for _ in node.args[1:2]]
    assert not found, found


def test_a_decorator_contradicting_the_glossary_is_refused(monkeypatch):
    from lulong_data.metrics import METRICS
    from lulong_data.metrics.registry import metric

    terms = {**glossary.terms(), "_g": glossary.Term("_g", "测试户数", "Test households", unit="户")}
    monkeypatch.setattr(glossary, "terms", lambda: terms)
    common = {"department": "卢龙县防贫中心", "scope": "全县。", "method": "计数。"}
    try:
        metric("_g", **common)(lambda b, *, as_of: 1)
        assert (METRICS["_g"].label_zh, METRICS["_g"].unit) == ("测试户数", "户")
        del METRICS["_g"]
        with pytest.raises(ValueError, match="glossary"):
            metric("_g", label_zh="别的说法", **common)(lambda b, *, as_of: 1)
    finally:
        METRICS.pop("_g", None)


def test_every_column_header_is_a_glossary_wording():
    """The column-label table (lulong_data/columns.py) says nothing the glossary does not: a header is a
    term's wording or short wording, alone or with the term's unit ("已就业(人)")."""
    from lulong_data import columns

    accepted = set()
    for t in glossary.terms().values():
        for w in filter(None, (t.zh, t.short)):
            accepted |= {w, f"{w}({t.unit})"} if t.unit else {w}
    odd = [f"{c.key} ({c.table or 'every table'}): {c.zh}" for c in columns._ROWS if c.zh not in accepted]
    assert not odd, "column headers not in lulong_data/glossary.toml:\n" + "\n".join(odd)
