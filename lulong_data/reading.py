"""One data file -> a frame of text cells with canonical column names.

Everything is read as text first, whatever the format, so codes keep their leading zeros and every
cell can be reported exactly as the clerk typed it; :mod:`lulong_data.parsing` types the cells
afterwards. The frame's index is the spreadsheet row (header = row 1), which is what every message
quotes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def _read_csv(path: Path) -> tuple[pd.DataFrame | pa.Table, str]:
    data = path.read_bytes()
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        table = _read_csv_arrow(data)
        if table is not None:
            return table, "utf-8"
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


def _read_csv_arrow(data: bytes) -> pa.Table | None:
    """The usual file (UTF-8, rectangular) parsed by pyarrow into text columns, or None for anything
    else, which then goes through pandas' parser as before (it gives the row numbers of ragged rows
    and reads the other encodings). Arrow checks the UTF-8 of every cell, so a GB18030 file falls
    back too; rows are not skipped or padded, so the row numbers are the same."""
    import pyarrow.csv as pacsv

    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if body[:1] in (b"\n", b"\r", b""):  # pandas finds no columns when the file starts with a blank line
        return None
    end = body.find(b"\n")
    first_line = body if end < 0 else body[:end]
    sep = "\t" if b"\t" in first_line and b"," not in first_line else ","
    if b'"' in body and not _quoted_fields_only(body, sep):
        return None
    # all text, stored as pandas stores its strings (large_string)
    names = {f"f{i}": pa.large_string() for i in range(first_line.count(sep.encode()) + 1)}
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, ignore_empty_lines=False, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=names, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, ValueError):  # ragged rows, an open quote, not UTF-8, ...
        return None
    if table.num_rows == 0 or not all(pa.types.is_large_string(t) for t in table.schema.types):
        return None
    return table


def _quoted_fields_only(body: bytes, sep: str) -> bool:
    """Every quote of the file opens or closes a whole quoted cell, or is a doubled quote inside one.
    pandas and pyarrow read such cells alike; they differ on a quote in the middle of a cell or one
    never closed, which pandas then reads (or reports) as before."""
    d = re.escape(sep.encode())
    cell = rb"(?:^|(?<=[" + d + rb'\r\n]))"(?:[^"]|"")*"(?=[' + d + rb"\r\n]|\Z)"
    return b'"' not in re.sub(cell, b"", body)


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


def _name_columns(table: RawTable, grid: pd.DataFrame | pa.Table) -> None:
    """Turn the grid (row 0 = header) into a frame with canonical column names.

    Unknown headers are kept under their own name; a missing required column is added empty so
    the typed frame always has every contract column. A CSV read by pyarrow arrives as an Arrow
    table of text columns and is trimmed, filtered and turned into NaN-for-empty in Arrow, the same
    steps the pandas grid of the other formats goes through.
    """
    ds = DATASETS[table.dataset]
    name = table.path.name
    arrow = isinstance(grid, pa.Table)
    if grid.shape[0] == 0:
        table.problems.append(messages.make("no_header", name, dataset=ds.name))
        return
    # The header is row 1, unless row 1 names no column of the dataset and a row below it does (a merged
    # title row above the table, as Excel exports of the national system have): then that row.
    header_at = _header_row(grid, arrow, ds)
    if header_at:
        table.problems.append(
            messages.make(
                "header_moved",
                name,
                severity="warning",
                row=header_at + 1,
                dataset=ds.name,
                above_zh="第 1 行" if header_at == 1 else f"第 1 至 {header_at} 行",
                above_en="row 1" if header_at == 1 else f"rows 1 to {header_at}",
            )
        )
    if arrow:
        header = [clean_header(grid.column(i)[header_at].as_py()) for i in range(grid.num_columns)]
        rows = np.arange(header_at + 2, grid.num_rows + 1)  # spreadsheet row numbers
    else:
        header = [clean_header(h) for h in grid.iloc[header_at]]
        body = grid.iloc[header_at + 1 :]
        body = body.set_axis(np.arange(header_at + 2, len(body) + header_at + 2), axis=0)  # spreadsheet rows
    if not any(header):
        table.problems.append(messages.make("no_header", name, dataset=ds.name))
        return
    lookup = {k.lower(): v for k, v in ds.aliases.items()}
    columns: dict[str, pd.Series] = {}
    for position, head in enumerate(header):
        # Arrow's trim on pandas 3 strings (~10 ns a cell) is cheaper than finding the padded columns
        # first (measured on var/scale/city; see docs/benchmark.md), so every cell is stripped.
        if arrow:
            cells = grid.column(position).slice(header_at + 1)
            if _may_need_trim(cells):
                cells = pc.utf8_trim_whitespace(cells)  # what .str.strip() calls
        else:
            cells = body.iloc[:, position].astype("str").str.strip().fillna("")
        if not head:
            if pc.any(pc.greater(pc.binary_length(cells), 0)).as_py() if arrow else (cells != "").any():
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
    if arrow:
        frame = _arrow_frame(columns, rows)
    else:
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
            frame[col.name] = pd.Series(np.nan, index=frame.index, dtype="str") if arrow else ""
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
    table.frame = frame[ordered] if arrow else frame[ordered].replace("", np.nan)


# First bytes of the characters Arrow's utf8_trim_whitespace removes (ASCII blanks and controls, U+0085,
# U+00A0, U+1680, U+2000-U+200A, U+2028/9, U+202F, U+205F, U+3000: all one to three bytes long).
_TRIM_LEADS = np.zeros(256, dtype=bool)
_TRIM_LEADS[[*range(0x00, 0x21), 0x7F, 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _may_need_trim(cells: pa.ChunkedArray) -> bool:
    """False when no cell can start or end with a blank, so trimming would change nothing: looks at the
    first byte of every cell and at the bytes where its last character can start, straight in the Arrow
    buffers. Trimming a whole column costs several times more, mostly for nothing (ids, codes)."""
    for chunk in cells.chunks:
        if len(chunk) == 0:
            continue
        _, offsets, data = chunk.buffers()
        if data is None:
            continue
        bounds = np.frombuffer(offsets, dtype=np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
        raw = np.frombuffer(data, dtype=np.uint8)
        filled = bounds[1:] > bounds[:-1]
        starts, ends = bounds[:-1][filled], bounds[1:][filled]
        for at in (starts, ends - 1, (ends - 2)[ends - 2 >= starts], (ends - 3)[ends - 3 >= starts]):
            if _TRIM_LEADS[raw[at]].any():
                return True
    return False


def _arrow_frame(columns: dict[str, pa.ChunkedArray], rows: np.ndarray) -> pd.DataFrame:
    """Trimmed Arrow text columns -> the frame: completely blank rows dropped, empty cells NaN."""
    if columns:
        filled = {key: pc.greater(pc.binary_length(cells), 0) for key, cells in columns.items()}
        keep = functools.reduce(pc.or_, filled.values())
        if not pc.all(keep).as_py():  # rows left completely empty (Excel's formatted-but-blank rows)
            rows = rows[keep.to_numpy(zero_copy_only=False)]
            columns = {key: cells.filter(keep) for key, cells in columns.items()}
            filled = {key: mask.filter(keep) for key, mask in filled.items()}
        columns = {
            key: cells if pc.all(filled[key]).as_py() else pc.if_else(filled[key], cells, None)
            for key, cells in columns.items()
        }
    return pd.DataFrame(
        {key: pd.Series(cells, index=rows, dtype="str") for key, cells in columns.items()}, index=rows
    )


HEADER_SEARCH_ROWS = 10


def _header_row(grid: pd.DataFrame | pa.Table, arrow: bool, ds) -> int:
    """0-based row of the header: 0, or the first of the next rows that names at least two columns of
    the dataset when row 1 names none."""
    known = {k.lower() for k in ds.aliases}

    def named(i: int) -> int:
        cells = [grid.column(c)[i].as_py() for c in range(grid.num_columns)] if arrow else list(grid.iloc[i])
        return sum(clean_header(c).lower() in known for c in cells if c is not None)

    height = grid.num_rows if arrow else grid.shape[0]
    if height < 2 or named(0):
        return 0
    for i in range(1, min(height, HEADER_SEARCH_ROWS)):
        if named(i) >= 2:
            return i
    return 0


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
    as_of = manifest.get("data_as_of")
    today = dt.date.today()
    if isinstance(as_of, dt.date) and as_of > today:
        # A typo (2030 for 2023) would date every figure in the future: said, not silently used.
        problems.append(
            messages.make("as_of_future", path.name, severity="warning", value=as_of, today=today.isoformat())
        )
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
