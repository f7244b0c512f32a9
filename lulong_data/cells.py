"""Text cells the dashboard accepts: no control characters, and a length a name or a note can have.

A file that travels by USB stick can carry anything: a NUL byte that ends a string early in Word or in a
C library, an escape sequence that rewrites a terminal, a 20-million-character "name" that stalls every
page. Such cells are refused with the file, row, column and a visible form of the value, and blanked
in the frame (the data of a folder with errors is never published, but the data office still sees it).
"""

from __future__ import annotations

import re

import pandas as pd

from lulong_data import messages
from lulong_data.contract import Problem

TEXT_MAX = 200  # characters in a text cell (names, codes, titles)
NOTE_MAX = 2000  # characters in a note or a published statement
# (dataset, column) pairs that hold sentences rather than names. A new note-like column belongs here.
LONG_TEXT = frozenset(
    {
        ("environment_scores", "note"),
        ("published_figures", "statement"),
        ("published_figures", "source"),
        ("indicators", "indicator"),
    }
)
# C0 controls other than tab, line feed and carriage return (a line break inside a cell), DEL, and the C1
# controls. Written as a character class RE2 (pyarrow) understands.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL)


def limit(dataset: str, column: str) -> int:
    return NOTE_MAX if (dataset, column) in LONG_TEXT else TEXT_MAX


def check(
    raw: pd.DataFrame, dataset: str, file: str, headers: dict[str, str]
) -> tuple[list[Problem], set[tuple[int, str]]]:
    """Problems of the text cells of ``raw`` (index = spreadsheet row) and the (row, column) cells they
    name; those cells are blanked in ``raw`` (the caller skips them in the later checks)."""
    out: list[Problem] = []
    blanked: set[tuple[int, str]] = set()
    for name in list(raw.columns):
        s = raw[name]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        text = s.dropna()
        if text.empty:
            continue
        try:
            text = text.astype("str")
            control = text.str.contains(CONTROL, regex=True).fillna(False).astype(bool)
            long = (text.str.len() > limit(dataset, name)).fillna(False).astype(bool)
        except (TypeError, ValueError):
            continue
        column = headers.get(name, name)
        canonical = name if name in headers else None
        if control.any():
            rows = text[control]
            out += messages.per_row(
                "text_control",
                file,
                pd.DataFrame(
                    {
                        "value": rows,
                        "chars": rows.map(lambda v: "、".join(sorted(set(map(_code, _CONTROL.findall(v)))))),
                    }
                ),
                column=column,
                name=canonical,
                dataset=dataset,
            )
        long = long & ~control
        if long.any():
            rows = text[long]
            out += messages.per_row(
                "text_too_long",
                file,
                pd.DataFrame({"value": rows, "length": rows.str.len().astype("str")}),
                column=column,
                name=canonical,
                dataset=dataset,
                cap=str(limit(dataset, name)),
            )
        bad = control | long
        if bad.any():
            raw.loc[bad[bad].index, name] = pd.NA
            blanked.update((int(r), name) for r in bad[bad].index)
    return out, blanked


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"
