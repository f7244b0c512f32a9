"""One data file -> a frame of text cells with canonical column names.

Everything is read as text first, whatever the format, so codes keep their leading zeros and every
cell can be reported exactly as the clerk typed it; :mod:`lulong_data.parsing` types the cells
afterwards. The frame's index is the spreadsheet row (header = row 1), which is what every message
quotes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lulong_data import messages
from lulong_data.contract import DATASETS, Problem

# BOMs, zero-width and non-breaking spaces that Excel and WPS leave in headers.
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u00a0\u3000\s]+")


@dataclass
class RawTable:
    """The text cells of one file, before typing."""

    dataset: str
    path: Path
    frame: pd.DataFrame | None  # None when the file could not be read at all
    headers: dict[str, str] = field(default_factory=dict)  # canonical name -> header as in file
    extra_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None


def read_table(path: str | Path, dataset: str) -> RawTable:
    """Read one ``<dataset>.csv|.xlsx|.parquet`` file; problems are returned, never raised."""
    path = Path(path)
    table = RawTable(dataset, path, None)
    fmt = path.suffix.lower().lstrip(".")
    try:
        if path.stat().st_size == 0:
            table.problems.append(messages.make("empty_file", path.name, dataset=dataset))
            return table
        if fmt == "csv":
            grid, table.encoding = _read_csv(path)
        elif fmt == "xlsx":
            grid = _read_xlsx(path)
        elif fmt == "parquet":
            grid = _read_parquet(path)
        else:  # the loader only hands over known suffixes
            raise ValueError(f"unsupported format {fmt}")
    except UnicodeError:
        table.problems.append(messages.make("bad_encoding", path.name, dataset=dataset))
        return table
    except pd.errors.EmptyDataError:  # only blank lines or a BOM
        table.problems.append(messages.make("empty_file", path.name, dataset=dataset))
        return table
    except (pd.errors.ParserError, csv.Error) as exc:
        table.problems.append(_csv_problem(str(exc), path.name, dataset))
        return table
    except Exception as exc:  # any reader failure on a damaged file must become a message
        reason = f"{type(exc).__name__}: {exc}".strip()[:200]
        table.problems.append(
            messages.make("corrupt_file", path.name, dataset=dataset, fmt=fmt.upper(), reason=reason)
        )
        return table
    _name_columns(table, grid)
    return table


# -- formats ------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Detect the encoding: strict UTF-8 (with or without BOM) first, then GB18030 (a superset
    of GBK/GB2312), and UTF-16 for Excel's "Unicode text" export."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    text, encoding = _decode(data)  # detection only: strict UTF-8 decoding is cheap next to parsing
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    sep = "\t" if "\t" in first_line and "," not in first_line else ","
    if encoding == "utf-8":
        # The parser reads UTF-8 bytes as they are (and skips a BOM); handing it the decoded text made
        # pandas encode it back to UTF-8 first. Other encodings go through text as before.
        del text
        source: io.IOBase = io.BytesIO(data)
        kwargs = {"encoding": "utf-8"}
    else:
        source, kwargs = io.StringIO(text), {}
    grid = pd.read_csv(
        source,
        **kwargs,
        sep=sep,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,  # keep row numbers as Excel shows them
        engine="c",
    )
    return grid, encoding


def _csv_problem(error: str, file: str, dataset: str) -> Problem:
    """pandas' parser error, said the way a spreadsheet user counts rows."""
    ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if ragged:
        expected, line, seen = ragged.groups()
        return messages.make("csv_ragged", file, dataset=dataset, row=int(line), expected=expected, seen=seen)
    if "EOF inside string" in error:
        return messages.make("csv_open_quote", file, dataset=dataset)
    reason = error.strip().splitlines()[-1][:200]
    return messages.make("bad_csv", file, dataset=dataset, reason=reason)


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # a code typed as a number: 130324100.0 -> 130324100
        return repr(value)
    return str(value)


def _read_xlsx(path: Path) -> pd.DataFrame:
    # openpyxl directly rather than pandas.read_excel: read_excel drops blank rows, which would
    # shift every row number after them.
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [[_xlsx_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows, dtype=object)


def _series_text(s: pd.Series) -> pd.Series:
    """A typed Parquet column as the text a spreadsheet would show."""
    if pd.api.types.is_bool_dtype(s):
        out = s.map({True: "true", False: "false"})
    elif pd.api.types.is_datetime64_any_dtype(s):
        has_time = (s.dropna() != s.dropna().dt.normalize()).any()
        out = s.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    elif pd.api.types.is_integer_dtype(s):
        out = s.astype("Int64").astype("str")
    elif pd.api.types.is_float_dtype(s):
        out = s.map(_xlsx_text, na_action="ignore")
    elif pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        out = s
    else:
        out = s.map(_xlsx_text, na_action="ignore")
    return out.astype(object).where(s.notna(), "")


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    df = pq.read_table(path).to_pandas()
    header = [str(c) for c in df.columns]
    body = pd.DataFrame({i: _series_text(df[c]) for i, c in enumerate(df.columns)})
    return pd.concat([pd.DataFrame([header]), body], ignore_index=True)


# -- headers ------------------------------------------------------------------------------------


def clean_header(text: object) -> str:
    """A header cell without BOM, invisible characters or surrounding blanks."""
    return _INVISIBLE.sub(" ", str(text)).strip()


def _name_columns(table: RawTable, grid: pd.DataFrame) -> None:
    """Turn the grid (row 0 = header) into a frame with canonical column names.

    Unknown headers are kept under their own name; a missing required column is added empty so
    the typed frame always has every contract column.
    """
    ds = DATASETS[table.dataset]
    name = table.path.name
    if grid.shape[0] == 0:
        table.problems.append(messages.make("no_header", name, dataset=ds.name))
        return
    header = [clean_header(h) for h in grid.iloc[0]]
    body = grid.iloc[1:]
    body = body.set_axis(np.arange(2, len(body) + 2), axis=0)  # spreadsheet row numbers
    if not any(header):
        table.problems.append(messages.make("no_header", name, dataset=ds.name))
        return
    lookup = {k.lower(): v for k, v in ds.aliases.items()}
    columns: dict[str, pd.Series] = {}
    for position, head in enumerate(header):
        # Arrow's trim on pandas 3 strings (~10 ns a cell) is cheaper than finding the padded columns
        # first (measured on var/scale/city; see docs/benchmark.md), so every cell is stripped.
        cells = body.iloc[:, position].astype("str").str.strip().fillna("")
        if not head:
            if (cells != "").any():
                table.problems.append(
                    messages.make(
                        "blank_header",
                        name,
                        severity="warning",
                        dataset=ds.name,
                        position=_column_letter(position),
                    )
                )
            continue
        canonical = lookup.get(head.lower())
        key = canonical or head
        if key in columns:
            first = table.headers.get(key, key)
            table.problems.append(
                messages.make(
                    "duplicate_column",
                    name,
                    column=head,
                    name=canonical,
                    dataset=ds.name,
                    first=first,
                    second=head,
                )
            )
            continue
        if canonical:
            table.headers[canonical] = head
        else:
            table.extra_columns.append(head)
        columns[key] = cells
    frame = pd.DataFrame(columns, index=body.index)
    # Rows left completely empty (Excel's formatted-but-blank rows) are not data.
    if len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    for col in ds.columns:
        if col.name not in frame.columns:
            if col.required:
                table.problems.append(
                    messages.make(
                        "missing_column",
                        name,
                        dataset=ds.name,
                        alias=col.alias,
                        name=col.name,
                    )
                )
            frame[col.name] = ""
    if table.extra_columns:
        table.problems.append(
            messages.make(
                "extra_columns",
                name,
                severity="warning",
                dataset=ds.name,
                columns="、".join(table.extra_columns),
            )
        )
    ordered = [c.name for c in ds.columns] + table.extra_columns
    table.frame = frame[ordered].replace("", np.nan)


def _column_letter(position: int) -> str:
    """Excel's column letter for a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- the files that are not tables --------------------------------------------------------------


def read_manifest(path: Path) -> tuple[dict, list[Problem]]:
    """``manifest.toml`` as a dict, with ``data_as_of`` as a :class:`datetime.date`."""
    import tomllib

    from lulong_data.parsing import parse_date

    try:
        manifest = tomllib.loads(_decode(path.read_bytes())[0])
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [messages.make("bad_manifest", path.name, reason=str(exc)[:200])]
    problems: list[Problem] = []
    if "county_code" in manifest:
        manifest["county_code"] = str(manifest["county_code"]).strip()
    as_of = manifest.get("data_as_of")
    if isinstance(as_of, dt.datetime):
        manifest["data_as_of"] = as_of.date()
    elif as_of is not None and not isinstance(as_of, dt.date):
        parsed, _ = parse_date(pd.Series([str(as_of)], dtype="str"))
        if parsed.notna().all():
            manifest["data_as_of"] = parsed.iloc[0].date()
        else:
            # dropped, so the as-of date falls back to the data rather than to garbage
            del manifest["data_as_of"]
            problems.append(messages.make("bad_manifest_date", path.name, value=str(as_of)))
    return manifest, problems


def read_geojson(path: Path) -> tuple[dict | None, list[Problem]]:
    """A GeoJSON FeatureCollection, or None and the reason it is not one."""
    import json

    try:
        data = json.loads(_decode(path.read_bytes())[0])
    except (OSError, UnicodeError, ValueError) as exc:
        return None, [messages.make("bad_geojson", path.name, reason=str(exc)[:200])]
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        got = data.get("type") if isinstance(data, dict) else type(data).__name__
        reason = f"type = {got!r}"
        return None, [messages.make("bad_geojson", path.name, reason=reason)]
    features = data.get("features")
    if not isinstance(features, list) or not all(
        isinstance(f, dict) and f.get("type") == "Feature" for f in features
    ):
        reason = "features 应为 Feature 列表 / features must be a list of Features"
        return None, [messages.make("bad_geojson", path.name, reason=reason)]
    return data, []
