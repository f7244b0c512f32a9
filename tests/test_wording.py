"""One wording per thing (issue 22): no text the dashboard shows or exports uses a wording the glossary
avoids (lulong_data/glossary.toml ``avoid``: 监测帮扶中 → 未消除风险户, 风险已消除 → 已消除风险户,
定期走访(≤61天) → 每2个月走访一次, 问题多的在前 → 按问题严重程度排序, 警告 → 提示 …).

Every string literal in pages/, components/ and lulong_data/ is read (docstrings are documentation, not
text on screen; a metric's ``phrases`` are what the press checker recognises in others' texts). An avoided wording counts where a word starts — not right after another Chinese
character — so "帮扶消除(户)" does not trip the avoided "消除(户)" and "仍在监测帮扶中" (a sentence of an
official definition) does not trip "监测帮扶中"; a compound that must go is listed in ``avoid`` as it is.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from lulong_data import glossary

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py"), *ROOT.glob("lulong_data/**/*.py")])
CJK = r"\u3400-\u9fff"


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _pattern(avoided: dict[str, str]) -> re.Pattern[str]:
    words = sorted(avoided, key=len, reverse=True)
    return re.compile(rf"(?<![{CJK}])(" + "|".join(map(re.escape, words)) + ")")


def _phrases(tree: ast.AST) -> set[int]:
    """Wordings a figure is *recognised* by in other people's texts (a metric's ``phrases``, read by the press
    checker): an avoided wording there is what it is for."""
    return {
        id(c)
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg == "phrases"
        for c in ast.walk(node.value)
    }


def findings(path: Path, pattern: re.Pattern[str], avoided: dict[str, str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _phrases(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            for m in pattern.finditer(node.value):
                use = glossary.get(avoided[m.group(1)])
                out.append(f"{path.relative_to(ROOT)}:{node.lineno} {m.group(1)!r} → {use.zh!r} ({use.key})")
    return out


def test_the_pattern_starts_at_a_word():
    avoided = {"消除(户)": "eliminated_households", "监测帮扶中": "monitored_households"}
    p = _pattern(avoided)
    assert p.search("消除(户)") and p.search("户,监测帮扶中459户")
    assert p.search("帮扶消除(户)") is None and p.search("仍在监测帮扶中的对象") is None
    assert p.search("监测帮扶中(户)") and p.search("(监测帮扶中)")


def test_no_text_uses_a_wording_the_glossary_avoids():
    avoided = glossary.avoided()
    pattern = _pattern(avoided)
    found = [f for p in FILES for f in findings(p, pattern, avoided)]
    assert not found, "avoided wordings (use the glossary's):\n" + "\n".join(found)
