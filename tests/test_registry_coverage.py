"""Every figure a page or the briefing names has a 口径 in the registry (issue #9).

Pages and components name metrics in string literals: metric_help("x"), kpi.definition("x"),
_definitions("x", ...), METRICS["x"], METRICS.get("x"), lookup("x"), compute(b, "x", ...). A name there
without a registry entry would show an empty tooltip, so the scan fails on it.
"""

from __future__ import annotations

import ast

import pytest
from paths import ROOT

from lulong_data.metrics import METRICS
from lulong_data.metrics.registry import lookup, parse_spec

CALLS = {"metric_help", "definition", "definitions", "_definitions", "lookup", "compute"}
SOURCES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")])


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def named_metrics(source: str) -> set[str]:
    """Metric names in string literals passed to the calls above or used as METRICS keys."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        literals: list[ast.AST] = []
        if isinstance(node, ast.Call) and _name(node.func) in CALLS:
            literals = list(node.args)
        elif isinstance(node, ast.Call) and _name(node.func) == "get" and _name(node.func.value) == "METRICS":
            literals = node.args[:1]
        elif isinstance(node, ast.Subscript) and _name(node.value) == "METRICS":
            literals = [node.slice]
        for lit in literals:
            if isinstance(lit, ast.Constant) and isinstance(lit.value, str) and lit.value.strip():
                found.add(parse_spec(lit.value)[0])
    return found


def test_scanner_finds_the_usual_forms():
    src = (
        'metric_help("a")\nkpi.definition("b")\nMETRICS["c"].unit\nMETRICS.get("d")\n'
        'registry.compute(b, "e:year=2022", day)\n_definitions("f", "g")\ncompute(fn, as_of=day)\n'
    )
    assert named_metrics(src) == {"a", "b", "c", "d", "e", "f", "g"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_metrics_named_on_pages_are_registered(path):
    missing = named_metrics(path.read_text(encoding="utf-8")) - set(METRICS)
    assert not missing, f"{path.name} names metrics without a 口径: {sorted(missing)}"


def test_every_published_figure_names_a_registered_metric(sample_bundle):
    specs = sample_bundle.frames["published_figures"]["metric"].dropna()
    assert len(specs) == 43
    for spec in specs:
        lookup(spec)


def test_every_briefing_figure_is_registered(sample_bundle):
    from lulong_data import briefing

    d = briefing.draft(sample_bundle, sample_bundle.as_of)
    assert d.figures
    for fig in [*d.figures, *(f for h in d.headlines for f in h.figures)]:
        lookup(fig.spec.partition("#")[0])  # spec#yoy: the change on the year before of a registered figure


def test_every_registered_metric_has_its_help_fields():
    for name, m in METRICS.items():
        assert m.title_zh and m.department and m.frequency and m.definition_zh, name
        assert name == "indicator" or m.unit, name


def test_metric_help_gives_definition_unit_source_and_frequency():
    from components.help import metric_help

    text = metric_help("employment_placed")
    m = METRICS["employment_placed"]
    for part in (m.definition_zh, f"单位:{m.unit}", f"来源:{m.department}", f"更新频次:{m.frequency}"):
        assert part in text
    assert metric_help("employment_rate:year=2022").startswith(METRICS["employment_rate"].definition_zh)
    assert metric_help("no_such_metric") == "口径未登记:no_such_metric"
