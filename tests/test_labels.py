"""Every label in pages/ and components/ comes from the glossary (issue 22, "Must show").

A *label* names a thing on screen: a page or menu title, a heading, a widget's label (selectbox, button,
download button, expander, tab, checkbox, uploader …), a tile's label, a chart's or axis's title, a table
column's header, a bold heading line. Labels come from lulong_data/glossary.toml through
``term("key", …)`` (components.context) / ``glossary.term``, from a registry name (``kpi.label(name)``,
``m.label(lang)``: the registry takes them from the glossary) or from the column table (``columns.header``,
whose every header is a glossary wording — tests/test_glossary.py). Messages — whole sentences in captions, notices and help texts — stay
``t(zh, en)`` where they are said; the wording test (tests/test_wording.py) checks them for avoided words.

The scan reads the source (no import): a Chinese string literal inside a label argument fails, also when
the argument is a name bound in the same module (an assignment, a for-loop over literal tuples, a dict).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py")])
CJK = re.compile(r"[\u3400-\u9fff]")

# Calls whose label is the first positional argument (or ``label=`` / ``body=``).
FIRST_ARG = {
    "title", "header", "subheader", "selectbox", "radio", "multiselect", "checkbox", "toggle", "button",
    "download_button", "expander", "metric", "text_input", "date_input", "time_input", "file_uploader",
    "number_input", "text_area", "form_submit_button", "segmented_control", "pills", "slider",
    "select_slider", "popover", "link_button", "color_picker", "tabs", "tile",
    # st.column_config.*Column(label)
    "Column", "TextColumn", "NumberColumn", "DateColumn", "DatetimeColumn", "CheckboxColumn",
    "ProgressColumn", "LinkColumn", "ListColumn", "SelectboxColumn", "BarChartColumn", "LineChartColumn",
}  # fmt: skip
LABEL_KEYWORDS = {"label", "body", "title", "x_title", "y_title", "legend_title", "header", "heading"}
# Lists of entries with a label in them: the label's place in each entry ((spec, label, note) for tiles,
# (figure, label, note, change) for kpi.figure_row, (title, section) for components.layout.tabbed).
ENTRY_LISTS = {"figure_tiles": 1, "versus_tiles": 1, "figure_row": 1, "tabbed": 0}
# Calls whose result is built from their arguments' text.
TEXT_CALLS = {"t", "format", "join", "strip", "replace", "str"}
# A bold or heading line drawn with st.markdown is a label too.
HEADING = re.compile(r"^\s*(\*\*|#)")


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


class Module:
    """One source file: where its names are bound, to follow a label held in a variable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.bound: dict[str, list[ast.AST]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    self._bind(target, node.value)
            elif isinstance(node, ast.For | ast.comprehension):
                for item in self._literal_items(node.iter):
                    self._bind(node.target, item)

    @staticmethod
    def _literal_items(node: ast.AST) -> list[ast.AST]:
        return list(node.elts) if isinstance(node, ast.Tuple | ast.List | ast.Set) else []

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.bound.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
            for t, v in zip(target.elts, value.elts, strict=False):
                self._bind(t, v)

    def literals(self, node: ast.AST, seen: frozenset[str] = frozenset()) -> list[str]:
        """Chinese string literals an expression puts on screen, following names bound in the module and
        calls that build text (t(), str.format, join); another call's arguments are not its result."""
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) and CJK.search(node.value) else []
        if isinstance(node, ast.Name):
            if node.id in seen:
                return []
            return [s for v in self.bound.get(node.id, ()) for s in self.literals(v, seen | {node.id})]
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name not in TEXT_CALLS:
                return []
            parts = [*node.args, *(k.value for k in node.keywords)]
            if isinstance(node.func, ast.Attribute):
                parts.append(node.func.value)  # "、".join(...), "{}年".format(...)
            return [s for p in parts for s in self.literals(p, seen)]
        if isinstance(node, ast.Attribute):
            return []
        return [s for child in ast.iter_child_nodes(node) for s in self.literals(child, seen)]

    def label_args(self):
        """(line, call name, argument) for every label argument in the module."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Dict):  # {t("行数", "Rows"): …}: a table's column header
                for k in node.keys:
                    if isinstance(k, ast.Call) and _name(k.func) == "t":
                        yield k.lineno, "column header", k
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            args: list[ast.AST] = []
            if name in FIRST_ARG and node.args:
                args.append(node.args[0])
            if name == "page_link" and len(node.args) > 1:
                args.append(node.args[1])
            if name == "markdown" and node.args and self._is_heading(node.args[0]):
                args.append(node.args[0])
            if name in ENTRY_LISTS and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
                i = ENTRY_LISTS[name]
                args += [e.elts[i] for e in node.args[0].elts if isinstance(e, ast.Tuple) and len(e.elts) > i]
            args += [k.value for k in node.keywords if k.arg in LABEL_KEYWORDS]
            for arg in args:
                yield node.lineno, name, arg

    @staticmethod
    def _is_heading(node: ast.AST) -> bool:
        first = node
        if isinstance(node, ast.Call) and node.args:  # t(f"**…**", …) / term(…)
            first = node.args[0]
        if isinstance(first, ast.JoinedStr) and first.values:
            first = first.values[0]
        return (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and bool(HEADING.match(first.value))
        )

    def findings(self) -> list[str]:
        out = []
        for line, name, arg in sorted(self.label_args(), key=lambda x: x[0]):
            found = self.literals(arg)
            if found:
                rel = self.path.relative_to(ROOT)
                out.append(f"{rel}:{line} {name}(): {' / '.join(dict.fromkeys(found))}")
        return out


def scan(source: str, tmp_path: Path) -> list[str]:
    p = tmp_path / "pages" / "x.py"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(source, encoding="utf-8")
    m = Module(p)
    m.path = ROOT / "pages" / "x.py"
    return m.findings()


def test_the_scanner_finds_labels_written_in_place(tmp_path):
    src = (
        'st.title(t("乡镇地图", "Township map"))\n'  # literal in a label
        'st.subheader(t(f"{year}年新增", "New"))\n'  # f-string piece
        'title = ("在监测户", "Monitored")\nshow_chart(c, title=t(*title))\n'  # through a name
        'for fig, title2 in (("a", ("近12个月", "x")),):\n    charts.trend(d, title=t(*title2))\n'
        'kpi.figure_tiles([("x", ("今年新增", "New"), None)])\n'
        'st.markdown(t(f"**{name}的村**", "x"))\n'
        'st.button(term("download_xlsx"))\nst.caption(t("这是一句说明。", "A sentence."))\n'
        'st.selectbox(term("map_indicator"), names, format_func=kpi.label)\n'
        'df = pd.DataFrame({t("行数", "Rows"): [1], "code": [2]})\n'
    )
    found = scan(src, tmp_path)
    assert len(found) == 7, found
    assert [f.split()[1] for f in found] == [
        "title():", "subheader():", "show_chart():", "trend():", "figure_tiles():", "markdown():", "column",
    ]  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_label_comes_from_the_glossary(path):
    found = Module(path).findings()
    assert not found, (
        "labels written in place (use term(key) and add the key to lulong_data/glossary.toml):\n"
        + "\n".join(found)
    )


def _term_keys(path: Path) -> list[tuple[int, str]]:
    """Glossary keys a module names literally: term("key"), glossary.term("key"), unit_header("key")."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and _name(node.func) in (
            "term",
            "unit_header",
            "header",
            "count",
            "amount",
        ):
            args = node.args[1:2] if _name(node.func) in ("count", "amount") else node.args[:1]
            if _name(node.func) == "header" and not (
                isinstance(node.func, ast.Attribute) and _name(node.func.value) == "glossary"
            ):
                continue  # columns.header / st.header are not the glossary's
            out += [
                (node.lineno, a.value)
                for a in args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
    return out


def test_every_glossary_key_a_page_names_exists():
    from lulong_data import glossary

    known = glossary.terms()
    missing = [
        f"{p.relative_to(ROOT)}:{line} {key}"
        for p in FILES
        for line, key in _term_keys(p)
        if key not in known
    ]
    assert not missing, "keys not in lulong_data/glossary.toml:\n" + "\n".join(missing)
