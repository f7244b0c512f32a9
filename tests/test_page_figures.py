"""Every figure a page shows is a registry name; pages read like a description of the UI (issue 21).

A figure is a number rendered by a tile or a table column (chart encodings draw the same frames the
tables show; the press text is checked by tests/test_registry_coverage.py and the press checker). The scan
reads each page's syntax tree:

- tiles are registered figures: specs passed to ``figure``, ``versus`` and ``kpi.figure_tiles`` name
  registered metrics, and no page draws a tile from a bare number (``kpi.tile`` / ``st.metric``);
- tables go through the one column-label table: every ``show_table`` (and the monitoring page's
  ``household_table``) passes its ``columns`` as keys that lulong_data.columns knows, every ``show_view``
  a lulong_data ``TableView`` whose columns it knows, and every figure column there names a registered
  metric;
- no page file is over 200 lines, and the median page (route guards aside) is at most 120 lines, as ruff
  format lays it out: no page pins its layout with ``# fmt: skip`` / ``# fmt: off``.
"""

from __future__ import annotations

import ast
import importlib
import statistics

import pytest
from paths import ROOT

from lulong_data import columns as col
from lulong_data.metrics import METRICS
from lulong_data.metrics.registry import parse_spec

PAGES = sorted((ROOT / "pages").glob("*.py"))
MAX_LINES = 200
MEDIAN_LINES = 120
# Not screens: a legacy run of /map or /data lands on these and is sent back to the router.
ROUTE_GUARDS = {"map.py", "data.py"}
# Pages not yet rebuilt on the registry and the column-label table, each with its owner's reason.
NOT_YET = {
    "data_status.py": "shows the data office's file checks, no figures",
    "audit.py": "shows the audit log, no figures",
}
TILE_CALLS = {"figure", "versus", "figure_tiles"}
# Components that draw a page's figures for it: scanned with the page (a bare tile there is the page's).
DRAWN_BY = {"dispatch.py": ("dispatch_sections.py",)}
# Table calls and the column-table scope they show under when the call names none (the monitoring page's
# household lists are shown by components.monitoring_tables under "household_list").
TABLE_CALLS = {"show_table": None, "household_table": "household_list"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _spec_name(node: ast.AST) -> str | None:
    """The metric name a spec literal starts with: "employment_placed", f"env_red_villages:period={p}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return parse_spec(node.value)[0]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        head = str(node.values[0].value)
        return head.partition(":")[0] if ":" in head else None
    return None


def _imports(tree: ast.AST) -> dict[str, str]:
    """Local name -> module of the page's ``from X import Y [as Z]`` imports."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _columns(node: ast.AST | None, imports: dict[str, str]) -> list[str] | None:
    """The column keys of a ``columns=`` argument: a literal tuple/list (with starred parts), or a module's
    constant (notice.LIST_COLUMNS, rc.COLUMNS)."""
    if isinstance(node, ast.Tuple | ast.List):
        out: list[str] = []
        for e in node.elts:
            if isinstance(e, ast.Constant):
                out.append(e.value)
            elif isinstance(e, ast.Starred):
                out += _columns(e.value, imports) or []
        return out
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imports:
        module = importlib.import_module(imports[node.value.id])
        return list(getattr(module, node.attr))
    if isinstance(node, ast.GeneratorExp):
        return []  # computed keys (the score items): their entries are checked in the column table
    return None


def _views(node: ast.AST | None, imports: dict[str, str]) -> list[col.TableView] | None:
    """The TableViews a ``show_view(df, module.VIEW, ...)`` call may show: a lulong_data module's constant,
    or every view of a module's dict of them (``notice.LIST_TABLES[name]``)."""
    if isinstance(node, ast.Subscript):
        found = _views(node.value, imports)
        return found if found and len(found) > 1 else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imports:
        value = getattr(importlib.import_module(imports[node.value.id]), node.attr)
        views = list(value.values()) if isinstance(value, dict) else [value]
        return views if views and all(isinstance(v, col.TableView) for v in views) else None
    return None


def scan(source: str) -> dict[str, list]:
    """Figures, table columns and bare tiles of one page."""
    found: dict[str, list] = {
        "specs": [],
        "unknown_specs": [],
        "tables": [],
        "bare_tiles": [],
        "labelled": [],
    }
    tree = ast.parse(source)
    imports = _imports(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in TILE_CALLS:
            args = node.args[:1]
            if name == "figure_tiles" and args and isinstance(args[0], ast.List | ast.Tuple):
                args = [e.elts[0] for e in args[0].elts if isinstance(e, ast.Tuple) and e.elts]
            elif name == "figure_tiles" and args and isinstance(args[0], ast.ListComp):
                elt = args[0].elt
                args = [elt.elts[0]] if isinstance(elt, ast.Tuple) and elt.elts else args
            for arg in args:
                spec = _spec_name(arg)
                (found["specs"] if spec else found["unknown_specs"]).append(spec or ast.unparse(arg))
        elif name == "show_view":
            views = _views(node.args[1] if len(node.args) > 1 else None, imports) or [None]
            for view in views:
                keys = list(view.columns) if view else None
                found["tables"].append((view.table if view else None, keys, ast.unparse(node)[:80]))
        elif name in TABLE_CALLS:
            kw = {k.arg: k.value for k in node.keywords}
            table = kw.get("table")
            table = table.value if isinstance(table, ast.Constant) else TABLE_CALLS[name]
            found["tables"].append((table, _columns(kw.get("columns"), imports), ast.unparse(node)[:80]))
        elif name in ("tile", "metric") and _name(getattr(node.func, "value", None)) in ("kpi", "st"):
            found["bare_tiles"].append(ast.unparse(node)[:80])
        elif name == "labelled":
            found["labelled"].append(ast.unparse(node)[:80])
    return found


def test_scanner_reads_tiles_tables_and_bare_numbers():
    src = (
        'figure("employment_placed", as_of=d)\nversus(f"welfare_post_persons:year={y}")\n'
        'kpi.figure_tiles([("dibao_coverage", ("a", "b"), None)], as_of=d)\n'
        'show_table(df, "x", key="k", columns=("township", "placed"), table="t")\n'
        'kpi.tile("x", "3")\nst.metric("x", 3)\nlabelled(df, {})\nfigure(name)\n'
        "from lulong_data import notice\nshow_table(df, 'y', key='j', columns=notice.TALK_COLUMNS)\n"
        "from lulong_data.metrics import employment as em\nshow_view(df, em.BEHIND_TABLE, key='b')\n"
        "show_view(df, view, key='c')\nfrom lulong_data import notice\nshow_view(df, notice.LIST_TABLES[n], key='l')\n"
    )
    got = scan(src)
    assert got["specs"] == ["employment_placed", "welfare_post_persons", "dibao_coverage"]
    assert got["unknown_specs"] == ["name"]
    assert got["tables"][0][:2] == ("t", ["township", "placed"])
    assert got["tables"][1][1] == ["village", "township", "months_running", "since"]
    assert got["tables"][2][:2] == (None, ["township", "placed", "target", "pace", "short"])
    assert got["tables"][3][1] is None  # a view the scan cannot name fails the page
    assert [t[0] for t in got["tables"][4:]] == ["env_list", "env_list"]  # each view of the dict
    assert len(got["bare_tiles"]) == 2 and len(got["labelled"]) == 1


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_figure_on_a_page_is_a_registry_name(path):
    if path.name in NOT_YET:
        pytest.skip(NOT_YET[path.name])
    found = scan(path.read_text(encoding="utf-8"))
    for part in DRAWN_BY.get(path.name, ()):
        for k, v in scan((ROOT / "components" / part).read_text(encoding="utf-8")).items():
            found[k] += v
    assert not found["unknown_specs"], f"figures not named in the page: {found['unknown_specs']}"
    assert set(found["specs"]) <= set(METRICS), set(found["specs"]) - set(METRICS)
    assert not found["bare_tiles"], f"tiles from bare numbers: {found['bare_tiles']}"
    assert not found["labelled"], f"tables labelled in the page: {found['labelled']}"
    for table, keys, call in found["tables"]:
        assert keys is not None, f"no columns= keys in {call}"
        for key in keys:
            col.column(key, table)  # raises UnknownColumn


def test_every_household_list_of_the_monitoring_page_shows_known_columns():
    # The page draws its lists from these specs (components.monitoring_tables.household_list).
    from lulong_data import glossary
    from lulong_data.metrics import monitoring_view as mv

    assert {spec.name for spec in mv.HOUSEHOLD_LISTS} == set(mv.LISTS)
    for spec in mv.HOUSEHOLD_LISTS:
        glossary.get(spec.heading), glossary.get(spec.counter)
        for key in spec.columns:
            col.column(key, "household_list")  # raises UnknownColumn


def test_every_figure_column_names_a_registered_metric():
    for c in col.COLUMNS.values():
        assert c.metric is None or c.metric in METRICS, (c.key, c.table, c.metric)
    assert not (col.HOUSEHOLD_KEYS & {c.key for c in col.COLUMNS.values() if c.metric})


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_page_over_200_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name}: {lines} lines"


def test_the_median_page_is_at_most_120_lines():
    lines = {
        p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PAGES if p.name not in ROUTE_GUARDS
    }
    assert statistics.median(lines.values()) <= MEDIAN_LINES, sorted(lines.items(), key=lambda kv: kv[1])


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_page_is_laid_out_by_ruff_format(path):
    pinned = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "fmt: " in line]
    assert not pinned, f"{path.name}: layout pinned on lines {pinned}"
