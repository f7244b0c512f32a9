"""Status symbols render with a Chinese font alone (issue 22): no emoji, no dingbats.

✅ ❔ ⚠️ need a colour-emoji font and ✔ ✖ are not in the CJK fonts either: on a server or PC without them
they print as empty boxes, in tables (drawn on a canvas), tiles and exported pictures alike. Text uses the
symbols of GB 2312 (√ × ▲ ● ○ ■ □ ★ ※ →, in every Chinese font); Streamlit elements that take an icon use
Material icons (``icon=":material/warning:"``, served by Streamlit itself).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Dingbats, miscellaneous symbols, emoji blocks and the emoji variation selector — but ★ ☆ (U+2605/6),
# which GB 2312 has (A1EF/A1EE) and every Chinese font draws.
FORBIDDEN = re.compile("[\u2600-\u2604\u2607-\u27bf\U0001f000-\U0001faff\ufe0f]")
# Symbols read from the county's files (✓/✗ in a yes/no column), never shown.
INPUT_ONLY = {"lulong_data/parsing.py"}


def test_no_emoji_or_dingbat_in_the_interface_text():
    found = []
    for folder in ("pages", "components", "lulong_data"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in INPUT_ONLY:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FORBIDDEN.search(line):
                    found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
