"""The validated data of one folder, ready for metrics.

A :class:`Bundle` holds the typed frames of every contract dataset (empty typed frames for absent ones),
the problems found while loading, the as-of date, a cheap fingerprint of the folder (the cache key of the
app), the county rules, the manifest and the GeoJSON files. Its frames are registered once in an embedded
in-memory DuckDB so metrics can be written as Ibis expressions over :meth:`Bundle.table`.

Bundles are cached and shared between sessions: never mutate ``frames`` (copy first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from lulong_data import contract, parsing
from lulong_data.contract import DATASETS, Problem
from lulong_data.parsing import DTYPES
from lulong_data.rules import Rules, RulesError, load_rules

__all__ = ["Bundle", "coerce", "dtype_of", "empty_frame", "fingerprint", "load_bundle", "to_arrow"]

# Date columns that look forward (a phase-out end is scheduled months ahead) must not set the as-of date;
# statements about the data and calendars are not data: a figure published later must not move it either.
_FORWARD_DATES = contract.FORWARD_DATES
_NOT_LEDGERS = contract.NOT_LEDGERS
_TRUE = {"true", "1", "是", "y", "yes", "t"}
_FALSE = {"false", "0", "否", "n", "no", "f"}


def dtype_of(column: contract.Column) -> str:
    """The pandas dtype of a contract column in a typed frame."""
    return DTYPES[column.kind]


def empty_frame(dataset: str) -> pd.DataFrame:
    """An empty frame with the dataset's contract columns and dtypes."""
    return parsing.empty_frame(DATASETS[dataset].columns)


def _text(value: Any, code: bool) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return float("nan")
    if code and isinstance(value, float) and value.is_integer():
        value = int(value)  # 130324100.0 from Excel
    text = str(value)
    if code and text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def _bool(value: Any) -> Any:
    if value is None or (not isinstance(value, (str, bool)) and pd.isna(value)):
        return pd.NA
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _coerce_column(series: pd.Series, column: contract.Column) -> pd.Series:
    kind = column.kind
    if kind in ("code6", "code9", "code12", "str", "enum", "period"):
        return series.map(lambda v: _text(v, kind.startswith("code"))).astype("str")
    if kind == "int":
        return pd.to_numeric(series, errors="raise").astype("Int64")
    if kind == "float":
        return pd.to_numeric(series, errors="raise").astype("float64")
    if kind == "date":
        if column.month_ok and (series.dtype.kind in "OUT" or pd.api.types.is_string_dtype(series)):
            text = series.map(lambda v: v.strip() if isinstance(v, str) else v)
            months = parsing.month_only(text.where(text.map(lambda v: isinstance(v, str))))
            if months.any():  # 202206 / 2022-06 / 2022年6月: the first day of the month
                parsed, _ = parsing.parse_date(text[months].astype("str"), months=True)
                series = series.astype(object).where(~months, parsed)
        return pd.to_datetime(series, errors="raise").astype("datetime64[ns]").dt.normalize()
    if kind == "bool":
        return series.map(_bool).astype("boolean")
    raise ValueError(f"unknown column kind {kind}")


def coerce(dataset: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with contract columns cast to the typed-frame dtypes and missing ones added.

    Meant for trusted input (tests, generated data): it raises on a value it cannot convert instead of
    reporting a Problem, which is the loader's job. Extra columns are kept as they are.
    """
    out = df.copy()
    for col in DATASETS[dataset].columns:
        if col.name in out.columns:
            out[col.name] = _coerce_column(out[col.name], col)
        else:
            out[col.name] = pd.Series(index=out.index, dtype=dtype_of(col))  # all missing
    contract_cols = [c.name for c in DATASETS[dataset].columns]
    return out[contract_cols + [c for c in out.columns if c not in contract_cols]].reset_index(drop=True)


def fingerprint(folder: str | Path) -> str:
    """sha256 over (relative name, size, mtime_ns) of the folder's files: changes when any file does."""
    folder = Path(folder)
    h = hashlib.sha256()
    entries = []
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            entries.append((p.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns))
    for name, size, mtime in sorted(entries):
        h.update(f"{name}\0{size}\0{mtime}\n".encode())
    return h.hexdigest()


def _latest_date(frames: Mapping[str, pd.DataFrame]) -> dt.date | None:
    latest = None
    for name, df in frames.items():
        if name in _NOT_LEDGERS:
            continue
        for col in df.columns:
            if (name, col) in _FORWARD_DATES or not pd.api.types.is_datetime64_any_dtype(df[col]):
                continue
            m = df[col].max()
            if pd.notna(m) and (latest is None or m.date() > latest):
                latest = m.date()
    return latest


def _to_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(str(value)).date()


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """A typed frame as Arrow (shares pandas' Arrow text buffers); Arrow keeps the types of empty frames."""
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        # An extra column of mixed python objects: keep it as text rather than fail the bundle.
        df = df.copy()
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].map(lambda v: v if v is None or pd.isna(v) else str(v)).astype("str")
        return pa.Table.from_pandas(df, preserve_index=False)


def _register(con: Any, name: str, df: pd.DataFrame) -> None:
    # ibis' create_table is broken with this duckdb/sqlglot pair (it emits "DROP VIEW IF EXISTS" with no
    # name), so register through Arrow.
    table = to_arrow(df)
    # One copy of the data: the table is a view that scans the frame's Arrow buffers in place (pandas'
    # text columns are Arrow already, numbers and dates are shared with numpy) instead of a DuckDB copy
    # of every row. A view made from a relation, unlike one over a registered name, is seen by the
    # cursors of other threads (Bundle.backend) and keeps the Arrow table alive.
    # Dates are calendar days: present them as DATE so `col <= as_of` compares days, not instants.
    casts = [
        f'CAST("{_quoted(f.name)}" AS DATE) AS "{_quoted(f.name)}"'
        for f in table.schema
        if pa.types.is_timestamp(f.type)
    ]
    relation = con.con.from_arrow(table)
    if casts:
        relation = relation.project(f"* REPLACE ({', '.join(casts)})")
    relation.create_view(name, replace=False)


def _quoted(identifier: str) -> str:
    return identifier.replace('"', '""')


class _CompiledQueries:
    """The SQL of every Ibis expression a bundle has run, by expression.

    Ibis turns an expression into SQL in Python (through sqlglot) on every execution, which cost the
    metrics more than DuckDB's running of the query; a page and its neighbours build the same expressions
    again and again (the same counts at the same dates). Ibis expressions are immutable and compare by
    structure, so one built anew on the same tables finds the SQL of the first. Bounded (least recently
    used first out); kept by the bundle, so it goes with it.
    """

    SIZE = 4096

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._sql: OrderedDict[tuple, str] = OrderedDict()

    def compiler(self, compile_: Callable[..., str]) -> Callable[..., str]:
        def compile_cached(expr: Any, /, *args: Any, params: Any = None, **kwargs: Any) -> str:
            if args or params:  # not what the bundle runs: no key for it
                return compile_(expr, *args, params=params, **kwargs)
            key = (expr.op(), tuple(sorted(kwargs.items())))
            with self.lock:
                sql = self._sql.get(key)
                if sql is not None:
                    self._sql.move_to_end(key)
                    return sql
            sql = compile_(expr, **kwargs)
            with self.lock:
                self._sql[key] = sql
                if len(self._sql) > self.SIZE:
                    self._sql.popitem(last=False)
            return sql

        return compile_cached


@dataclass(frozen=True, eq=False)
class Bundle:
    folder: Path | None
    frames: Mapping[str, pd.DataFrame]
    present: frozenset[str]
    problems: tuple[Problem, ...]
    as_of: dt.date
    fingerprint: str
    rules: Rules
    manifest: Mapping[str, Any] = field(default_factory=dict)
    geo: Mapping[str, dict] = field(default_factory=dict)
    files: Any = ()  # what the loader read, as it reports it
    # dataset -> the contract columns its file had (an optional column a file leaves out is "not recorded",
    # which a metric must not read as zero); see has_column
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _con: Any = field(init=False, repr=False, default=None)
    _local: Any = field(init=False, repr=False, default=None)
    _tables: Any = field(init=False, repr=False, default=None)
    _con_lock: Any = field(init=False, repr=False, default=None)  # the connection: one call at a time
    _sql: Any = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        con = ibis.duckdb.connect()
        for name, df in self.frames.items():
            _register(con, name, df)
        object.__setattr__(self, "_con", con)
        object.__setattr__(self, "_local", threading.local())
        object.__setattr__(self, "_tables", {})
        object.__setattr__(self, "_con_lock", threading.Lock())
        object.__setattr__(self, "_sql", _CompiledQueries())

    # -- data access -------------------------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        """The dataset as an Ibis table in the bundle's DuckDB (empty, typed, when absent).

        One Ibis table per dataset for every thread (Ibis asks DuckDB for a table's schema each time one
        is made); expressions built on it run on the calling thread's cursor (:meth:`execute`)."""
        table = self._tables.get(name)
        if table is None:
            if name not in self.frames:
                raise KeyError(f"unknown dataset {name!r}; known: {sorted(self.frames)}")
            with self._con_lock:
                table = self._tables.get(name)
                if table is None:
                    table = self._tables[name] = self._con.table(name)
        return table

    @property
    def backend(self) -> Any:
        """This thread's Ibis backend on the bundle's database.

        A cached bundle serves every session and a DuckDB connection refuses a second concurrent call
        ("connection is busy"), so each thread gets its own cursor on the same in-memory database. Its
        SQL compilation goes through the bundle's cache of compiled queries.
        """
        local = self._local
        backend = getattr(local, "backend", None)
        if backend is None:
            with self._con_lock:
                cursor = self._con.con.cursor()
            backend = ibis.duckdb.from_connection(cursor)
            backend.compile = self._sql.compiler(backend.compile)
            local.backend = backend
        return backend

    def execute(self, expr: ibis.Expr) -> Any:
        """Execute an Ibis expression built on :meth:`table` on this thread's cursor (as
        ``expr.execute()`` would on the bundle's one connection)."""
        return self.backend.execute(expr)

    def has(self, name: str) -> bool:
        """True if the dataset was present in the folder (not just an empty stand-in)."""
        return name in self.present

    def has_column(self, name: str, column: str) -> bool:
        """True if the dataset's file had ``column`` (an optional column of contract v2, say). Without a
        record of the file's columns: the dataset is present and the column holds a value."""
        if not self.has(name):
            return False
        if name in self.columns:
            return column in self.columns[name]
        frame = self.frames.get(name)
        return frame is not None and column in frame.columns and bool(frame[column].notna().any())

    @property
    def connection(self) -> Any:
        """The Ibis DuckDB backend that owns the tables (single-threaded use; metrics use :meth:`table`)."""
        return self._con

    # -- problems ----------------------------------------------------------------------------------
    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    # -- construction ------------------------------------------------------------------------------
    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, pd.DataFrame | list[dict]],
        *,
        as_of: dt.date | str,
        rules: Rules | None = None,
        geo: Mapping[str, dict] | None = None,
        manifest: Mapping[str, Any] | None = None,
    ) -> Bundle:
        """A bundle from in-memory frames (tests, topic helpers); plain python values are coerced."""
        unknown = set(frames) - set(DATASETS)
        if unknown:
            raise KeyError(f"unknown datasets: {sorted(unknown)}")
        typed = {}
        given: dict[str, frozenset[str]] = {}
        for name in DATASETS:
            if name in frames:
                df = frames[name]
                df = df if isinstance(df, pd.DataFrame) else pd.DataFrame(list(df))
                given[name] = frozenset(df.columns)
                typed[name] = coerce(name, df)
            else:
                typed[name] = empty_frame(name)
        return cls(
            folder=None,
            frames=typed,
            present=frozenset(frames),
            problems=(),
            as_of=_to_date(as_of),
            fingerprint="frames-" + uuid.uuid4().hex,
            rules=rules or load_rules(),
            manifest=dict(manifest or {}),
            geo=dict(geo or {}),
            columns=given,
        )


def load_bundle(folder: str | Path, *, snapshots: bool = True) -> Bundle:
    """Load and validate a data folder. Never raises for bad data: problems are in ``b.problems``.

    A folder validated before is read from its snapshot instead (lulong_data.snapshot: same fingerprint,
    same contract version, files whole), and a folder validated now leaves one for the next load;
    ``snapshots=False`` validates and writes nothing.
    """
    from lulong_data import snapshot

    folder = Path(folder)
    started = time.time()
    before = fingerprint(folder)
    result = snapshot.read(folder, before) if snapshots else None
    if result is None:
        # Imported here: the loader pulls in pandera, which from_frames (tests, helpers) does not need.
        from lulong_data.loader import load_folder

        result = load_folder(folder)
        if snapshots and snapshot.worth_keeping(folder, result.problems, started, before):
            snapshot.write(folder, before, result)
    problems = list(result.problems)
    rules_path = folder / contract.RULES_FILE
    try:
        rules = load_rules(rules_path if rules_path.is_file() else None)
    except RulesError as exc:
        problems.append(
            Problem(
                "error",
                contract.RULES_FILE,
                f"{exc}(已改用卢龙县默认规则)",
                f"{exc} (using Lulong's default rules instead)",
                code="bad_rules",
            )
        )
        rules = load_rules()
    frames = {name: result.frames[name] if name in result.frames else empty_frame(name) for name in DATASETS}
    # Extra datasets beyond the contract are allowed; keep them too.
    frames.update({k: v for k, v in result.frames.items() if k not in frames})
    manifest = dict(result.manifest or {})
    try:
        as_of = _to_date(manifest.get("data_as_of"))
    except (ValueError, TypeError):
        as_of = None  # the loader reports a bad manifest date
    if as_of is None:
        # No manifest date: the latest event in the ledgers, but never a day in the future (a typo in a
        # date must not make "today" look like next year); nothing dated at all -> today.
        latest = _latest_date(frames)
        as_of = min(latest, dt.date.today()) if latest else dt.date.today()
    return Bundle(
        folder=folder,
        frames=frames,
        present=frozenset(result.present),
        problems=tuple(problems),
        as_of=as_of,
        fingerprint=fingerprint(folder),
        rules=rules,
        manifest=manifest,
        geo=dict(result.geo or {}),
        files=getattr(result, "files", ()),
        columns={name: frozenset(headers) for name, headers in (result.headers or {}).items()},
    )
