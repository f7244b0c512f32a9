"""Text cells the dashboard accepts: no control characters, and a length a name or a note can have.

A file that travels by USB stick can carry anything: a NUL byte that ends a string early in Word or in a
C library, an escape sequence that rewrites a terminal, a 20-million-character "name" that stalls every
page. Such cells are refused with the file, row, column and a visible form of the value, and blanked
in the frame (the data of a folder with errors is never published, but the data office still sees it).
"""

from __future__ import annotations

import re

import numpy as np
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
        if clean(s, limit(dataset, name)):
            continue  # nothing to report: the per-cell look below would find nothing either
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


def arrow_chunks(s: pd.Series) -> list | None:
    """The Arrow string arrays holding a pandas text column (Arrow-backed ``str``), else None."""
    import pyarrow as pa

    if not isinstance(s.dtype, pd.StringDtype) or getattr(s.dtype, "storage", None) != "pyarrow":
        return None
    try:
        arr = pa.array(s.array)
    except (TypeError, ValueError, pa.ArrowException):
        return None
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    if not all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks):
        return None
    return chunks


def cell_bytes(chunk) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes of each cell of an Arrow string array, the bytes its cells span); null cells count
    with whatever bytes their slot spans (usually none)."""
    import pyarrow as pa

    offsets_buf, data_buf = chunk.buffers()[1:3]
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    start, end = (int(offsets[0]), int(offsets[-1])) if len(offsets) else (0, 0)
    return np.diff(offsets), data[start:end]


# The UTF-8 bytes of CONTROL's characters: C0 controls but tab, line feed and carriage return, and DEL (one
# byte each); the C1 controls are 0xC2 followed by 0x80-0x9F.
_LINE_BREAKS = np.array([0x09, 0x0A, 0x0D], dtype=np.uint8)


def clean(s: pd.Series, cap: int) -> bool:
    """True when no cell of the text column ``s`` can hold a control character or more than ``cap``
    characters — proved on the column's UTF-8 bytes at once (a character is at least one byte, so no cell
    of at most ``cap`` bytes is too long). False: look cell by cell (also for a column not held by Arrow)."""
    chunks = arrow_chunks(s)
    if chunks is None:
        return False
    for chunk in chunks:
        if not len(chunk):
            continue
        lengths, data = cell_bytes(chunk)
        if lengths.max(initial=0) > cap:
            return False
        if not len(data):
            continue
        if data.min() < 0x20 and not np.isin(data[data < 0x20], _LINE_BREAKS).all():
            return False
        if (data == 0x7F).any():
            return False
        lead = np.flatnonzero(data[:-1] == 0xC2)
        if len(lead) and ((data[lead + 1] >= 0x80) & (data[lead + 1] <= 0x9F)).any():
            return False
    return True


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"
