"""Find personal numbers of an input in any text: every run of 11+ digits (X allowed) and every 11-, 15- and
18-character stretch inside it is looked up in a set, so a number hidden in a longer run is found too."""

from __future__ import annotations

import re
from collections.abc import Iterable

_RUN = re.compile(r"[0-9Xx]{11,}")


def leaks(text: bytes | str, numbers: Iterable[str]) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    wanted = numbers if isinstance(numbers, (set, frozenset)) else set(numbers)
    found = []
    for run in _RUN.findall(text):
        run = run.upper()
        for length in (11, 15, 18):
            found += [
                run[i : i + length] for i in range(len(run) - length + 1) if run[i : i + length] in wanted
            ]
    return found
