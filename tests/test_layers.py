"""The layers import only downwards (docs/architecture.md): lulong_data never imports Streamlit, components
or pages; components never import pages. Read from the source (AST), so a lazy import inside a function
counts too."""

from __future__ import annotations

import ast

import pytest
from paths import ROOT

FORBIDDEN = {
    "lulong_data": {"streamlit", "streamlit_folium", "components", "pages", "app", "serve"},
    "components": {"pages", "app", "serve"},
}


def imported(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_only_downwards(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    wrong = {
        str(f.relative_to(ROOT)): sorted(imported(f) & FORBIDDEN[package])
        for f in files
        if imported(f) & FORBIDDEN[package]
    }
    assert not wrong, wrong


def test_the_check_sees_a_streamlit_import(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("def f():\n    import streamlit.components.v1 as c\n", encoding="utf-8")
    assert "streamlit" in imported(f)
