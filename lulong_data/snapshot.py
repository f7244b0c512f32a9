"""Validated snapshots: a folder's typed frames and its report, saved so a restart need not validate again.

Loading a folder reads, types and checks every file (seconds for a county, ≈ 14 s for a province). Once a
folder has been validated, its typed frames are written as Arrow IPC files with the contract's types,
next to the report (every problem found), the spreadsheet row of each row (what messages name), the
folder's fingerprint and the contract version. The next
load of the same folder — a server start, another process, a rollback to a kept version — reads the
frames back without validating, when, and only when:

- the folder's fingerprint (file names, sizes, mtimes; :func:`lulong_data.bundle.fingerprint`) is the one
  the snapshot was made from,
- the contract version is the same (:func:`contract_version`: the contract's datasets and columns and the
  code that reads and checks them — a new column, dataset or check means validating again),
- every file is whole (size and SHA-256 as written), and
- every contract dataset and column is there with its contract dtype.

Anything else — stale, corrupt, missing, unreadable — and the snapshot is ignored and the folder validated
again (then a fresh snapshot replaces the old one). A snapshot is a cache: losing it costs one validation.

Where a folder's snapshot lives (:func:`location`):

- a version of a versions store (``<root>/versions/<id>``): ``<root>/snapshots/<id>``, written when the
  version is published or imported (lulong_data.publishing) and deleted with it;
- any other folder (the configured data folder read directly, the bundled sample, a folder checked by
  hand): ``<LULONG_STATE_DIR>/snapshots/<hash of its path>``.

Each location holds one snapshot, replaced whole by a rename, so a reader sees the old one, the new one or
none, never half of one. Writing is best effort: a read-only disk only means validating on every start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from lulong_data import contract
from lulong_data.contract import DATASETS, GEO_FILES, MANIFEST_FILE, Problem
from lulong_data.parsing import DTYPES

log = logging.getLogger(__name__)

FORMAT = 1  # of the files below; a change of layout bumps it
META = "meta.json"
SUFFIX = ".arrow"
_READ_WORKERS = 2


@functools.cache
def contract_version() -> str:
    """The contract a snapshot was validated against: the datasets and columns (names, kinds, rules) and
    the source of every module the loader runs (lulong_data.loader and what it imports from lulong_data,
    found by reading the imports), as one digest. A new column, dataset or check changes it."""
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    h.update(repr(getattr(contract, "VERSION", None)).encode())
    h.update(repr(sorted(DATASETS.items())).encode())
    for path in _loader_sources():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _loader_sources() -> list[Path]:
    """The source files of lulong_data.loader and of every lulong_data module it imports, directly or not
    (read, not imported: the loader pulls in pandera, slow to import on a start that needs none of it)."""
    package = Path(__file__).parent
    seen: dict[str, Path] = {}
    todo = ["lulong_data.loader"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        parts = name.split(".")[1:]
        path = package.joinpath(*parts).with_suffix(".py")
        if not path.is_file():
            path = package.joinpath(*parts, "__init__.py")
        if not path.is_file():
            continue
        seen[name] = path
        todo += _imported(path.read_text(encoding="utf-8"))
    return [seen[n] for n in sorted(seen)]


# Import statements naming lulong_data, found in the text (parsing every module into a syntax tree took
# ≈ 0.05–0.09 CPU-s, paid by every process's first load); tests/test_snapshot.py holds the result to the
# syntax tree's. ``if TYPE_CHECKING:`` blocks are left out (imports for annotations only: a module named
# there, such as lulong_data.bundle, is not code that validates); their ``else`` is kept.
_FROM = re.compile(r"^[ \t]*from[ \t]+(lulong_data[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]*)", re.M)
_TYPE_CHECKING = re.compile(r"^([ \t]*)if[ \t]+TYPE_CHECKING[ \t]*:[^\n]*\n?", re.M)
_DOCSTRING = re.compile(r'""".*?"""|\'\'\'.*?\'\'\'', re.S)  # examples in docstrings import nothing


def _imported(source: str) -> list[str]:
    """The lulong_data modules (and, for ``from lulong_data.x import y``, the candidates x.y) that a module's
    source imports outside ``if TYPE_CHECKING:``."""
    source = _without_type_checking(_DOCSTRING.sub("", source).replace("\\\n", " "))
    found = []
    for match in _FROM.finditer(source):
        module, names = match.groups()
        found.append(module)
        for line in names.strip("()").splitlines():
            for item in line.split("#", 1)[0].split(","):
                if item.split():
                    found.append(f"{module}.{item.split()[0]}")
    for match in _IMPORT.finditer(source):
        for item in match.group(1).split("#", 1)[0].split(","):
            if item.split() and item.split()[0].startswith("lulong_data."):
                found.append(item.split()[0])
    return found


def _without_type_checking(source: str) -> str:
    """``source`` without the bodies of its ``if TYPE_CHECKING:`` blocks (the lines indented under one)."""
    while (match := _TYPE_CHECKING.search(source)) is not None:
        indent = len(match.group(1).expandtabs())
        end = match.end()
        for line in source[end:].splitlines(keepends=True):
            text = line.strip()
            if text and not text.startswith("#") and len(line) - len(line.lstrip()) <= indent:
                break
            end += len(line)
        source = source[: match.start()] + source[end:]
    return source


# -- where ------------------------------------------------------------------------------------------


def _state_dir() -> Path:
    from lulong_data.settings import get_settings

    return Path(get_settings().state_dir)


def store_root(folder: Path) -> Path | None:
    """The versions root ``folder`` is a version of (``<root>/versions/<id>``), else None."""
    parent = folder.parent
    if parent.name == "versions" and folder.name.isdigit() and (parent.parent / "current").is_symlink():
        return parent.parent
    return None


def location(folder: str | os.PathLike) -> Path:
    """Where the snapshot of ``folder`` is kept (see the module's docstring)."""
    folder = Path(folder).absolute()
    root = store_root(folder)
    if root is not None:
        return root / "snapshots" / folder.name
    digest = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:24]
    return _state_dir() / "snapshots" / digest


# -- writing ----------------------------------------------------------------------------------------


def _problem_dict(p: Problem) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(Problem):
        value = getattr(p, f.name)
        if f.name == "row":
            value = None if value is None else int(value)  # numpy ints are not JSON
        elif f.name == "value":
            value = None if value is None else str(value)
        out[f.name] = value
    return out


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def write(folder: str | os.PathLike, fingerprint: str, result: Any, where: Path | None = None) -> Path | None:
    """Save what validating ``folder`` gave — ``result``, a :class:`lulong_data.loader.LoadResult` (or a
    :class:`Snapshot`): its typed frames, the datasets present, the files read, the headers as they were
    in the files, the report — and return where, or None when it could not be written (logged: a snapshot
    is a cache). ``fingerprint`` must be the folder's as it was validated."""
    folder = Path(folder).absolute()
    frames: Mapping[str, pd.DataFrame] = result.frames
    target = where or location(folder)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex}")
    try:
        tmp.mkdir(parents=True)
        tables = {}
        row_numbers: Mapping[str, Any] = getattr(result, "rows", None) or {}
        for name, df in frames.items():
            table = _arrow(df)
            data = _ipc(table)
            path = tmp / f"{name}{SUFFIX}"
            with open(path, "wb") as fh:
                fh.write(data)
            digest = hashlib.sha256(data).hexdigest()
            tables[name] = {"file": path.name, "rows": len(df), "bytes": data.size, "sha256": digest}
            tables[name].update(_write_rows(tmp, name, row_numbers.get(name), len(df)))
        meta = {
            "format": FORMAT,
            "contract": contract_version(),
            "fingerprint": fingerprint,
            "folder": str(folder),
            "written": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "present": sorted(result.present),
            "files": {name: Path(p).name for name, p in result.files.items()},
            "headers": {name: dict(h) for name, h in (result.headers or {}).items()},
            "problems": [_problem_dict(p) for p in result.problems],
            "tables": tables,
        }
        text = json.dumps(meta, ensure_ascii=False, default=_json_default)
        (tmp / META).write_text(text, encoding="utf-8")
        _replace(tmp, target)
        return target
    except Exception:  # noqa: BLE001 - never let a cache break a load
        log.warning("cannot write the snapshot of %s to %s", folder, target, exc_info=True)
        shutil.rmtree(tmp, ignore_errors=True)
        return None


# A file rewritten within the same tick of the file system's clock keeps its mtime (and, same length, the
# fingerprint). A folder whose newest file is older than this when its validation starts cannot change
# unseen afterwards; a younger one (being written, or a test's fresh folder) gets no snapshot from load.
SETTLE_SECONDS = 2.0


def worth_keeping(folder: Path, problems: list[Problem], started: float, fingerprint: str) -> bool:
    """Whether a load of ``folder`` that started at ``started`` (time.time()) and found ``problems`` may
    leave a snapshot: the folder was readable, had settled before the load and did not change during it."""
    from lulong_data.bundle import fingerprint as folder_fingerprint

    if any(p.code == "folder_unreadable" for p in problems):
        return False
    try:
        newest = max((p.stat().st_mtime for p in Path(folder).rglob("*") if p.is_file()), default=0.0)
    except OSError:
        return False
    return newest < started - SETTLE_SECONDS and folder_fingerprint(folder) == fingerprint


def _ipc(table: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _write_rows(tmp: Path, name: str, rows: Any, n: int) -> dict[str, Any]:
    """The spreadsheet row of each row of a table (what messages name), as meta entries: ``first_row``
    when they run on from one row (no blank or skipped rows), else a file of them. Nothing when unknown."""
    if rows is None or len(rows) != n:
        return {}
    rows = np.asarray(rows, dtype="int64")
    first = int(rows[0]) if n else 2
    if np.array_equal(rows, np.arange(first, first + n, dtype="int64")):
        return {"first_row": first}
    data = _ipc(pa.table({"row": pa.array(rows)}))
    path = tmp / f"{name}.rows{SUFFIX}"
    with open(path, "wb") as fh:
        fh.write(data)
    return {"rows_file": path.name, "rows_bytes": data.size, "rows_sha256": hashlib.sha256(data).hexdigest()}


def _arrow(df: pd.DataFrame) -> pa.Table:
    from lulong_data.bundle import to_arrow

    return to_arrow(df)


def _replace(tmp: Path, target: Path) -> None:
    """Put the finished ``tmp`` folder at ``target``: the old snapshot is moved aside first, then the new
    one renamed in, so a reader finds a whole snapshot or none."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
        try:
            os.rename(target, old)
        except FileNotFoundError:
            old = None  # another writer moved it first
    try:
        os.rename(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another writer's snapshot got there first: keep it
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove(folder: str | os.PathLike) -> None:
    """Delete the snapshot of ``folder`` (a pruned version)."""
    shutil.rmtree(location(folder), ignore_errors=True)


# -- reading ----------------------------------------------------------------------------------------


class Stale(Exception):
    """The snapshot does not stand for the folder as it is (or is damaged): validate again."""


@dataclasses.dataclass
class Snapshot:
    """What a snapshot gives back: the parts of a LoadResult a Bundle is made of."""

    folder: Path
    frames: dict[str, pd.DataFrame]
    present: set[str]
    files: dict[str, Path]
    headers: dict[str, dict[str, str]]  # dataset -> canonical column -> its header in the file
    problems: list[Problem]
    manifest: dict
    geo: dict[str, dict]
    # dataset -> the spreadsheet row of each row (what validating gave), for the tables the snapshot knows
    # them of (older snapshots and frames written without them have none)
    rows: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)


def read(folder: str | os.PathLike, fingerprint: str) -> Snapshot | None:
    """The snapshot of ``folder`` if it stands for the folder with this fingerprint, else None (the reason
    is logged; the caller validates the folder)."""
    folder = Path(folder).absolute()
    where = location(folder)
    if not (where / META).is_file():
        return None
    try:
        return _read(folder, where, fingerprint)
    except Stale as exc:
        log.info("snapshot of %s not used: %s", folder, exc)
    except Exception as exc:  # noqa: BLE001 - a damaged snapshot is ignored, never trusted
        log.warning("snapshot of %s is damaged and not used: %s", folder, exc)
    return None


def _read(folder: Path, where: Path, fingerprint: str) -> Snapshot:
    meta = json.loads((where / META).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise Stale(f"format {meta.get('format')} != {FORMAT}")
    if meta.get("contract") != contract_version():
        raise Stale("made under another contract version")
    if meta.get("fingerprint") != fingerprint:
        raise Stale("the folder changed since")
    tables = meta["tables"]
    missing = set(DATASETS) - set(tables)
    if missing:
        raise Stale(f"datasets missing: {sorted(missing)}")

    def one(name: str) -> pd.DataFrame:
        info = tables[name]
        data = (where / info["file"]).read_bytes()
        if len(data) != info["bytes"] or hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise Stale(f"{info['file']} is not the file written")
        table = ipc.open_file(pa.py_buffer(data)).read_all()
        if table.num_rows != info["rows"]:
            raise Stale(f"{info['file']}: {table.num_rows} rows, {info['rows']} written")
        return table.to_pandas()

    def rows_of(name: str) -> np.ndarray | None:
        info = tables[name]
        if "first_row" in info:
            first = int(info["first_row"])
            return np.arange(first, first + int(info["rows"]), dtype="int64")
        if "rows_file" not in info:
            return None
        data = (where / info["rows_file"]).read_bytes()
        if len(data) != info["rows_bytes"] or hashlib.sha256(data).hexdigest() != info["rows_sha256"]:
            raise Stale(f"{info['rows_file']} is not the file written")
        rows = ipc.open_file(pa.py_buffer(data)).read_all().column("row").to_numpy()
        if len(rows) != info["rows"]:
            raise Stale(f"{info['rows_file']}: {len(rows)} rows, {info['rows']} written")
        return rows

    names = list(tables)
    if len(names) > 1 and _READ_WORKERS > 1:
        from concurrent.futures import ThreadPoolExecutor

        order = sorted(names, key=lambda n: tables[n]["bytes"], reverse=True)
        with ThreadPoolExecutor(_READ_WORKERS, thread_name_prefix="lulong-snapshot") as pool:
            futures = {n: pool.submit(one, n) for n in order}
            frames = {n: futures[n].result() for n in names}
    else:
        frames = {n: one(n) for n in names}
    for name, ds in DATASETS.items():
        df = frames[name]
        for col in ds.columns:
            if col.name not in df.columns:
                raise Stale(f"{name}.{col.name} missing")
            if df[col.name].dtype != pd.api.types.pandas_dtype(DTYPES[col.kind]):
                raise Stale(
                    f"{name}.{col.name} is {df[col.name].dtype}, the contract says {DTYPES[col.kind]}"
                )
    return Snapshot(
        folder=folder,
        frames=frames,
        present=set(meta["present"]),
        files={name: folder / file for name, file in meta["files"].items()},
        headers={name: dict(h) for name, h in meta["headers"].items()},
        problems=[Problem(**p) for p in meta["problems"]],
        manifest=_manifest(folder),
        geo=_geo(folder),
        rows={name: r for name in names if (r := rows_of(name)) is not None},
    )


def _manifest(folder: Path) -> dict:
    # The files that are not tables are read again (small, and part of the fingerprint); their problems
    # were reported when the folder was validated and are in the snapshot's report.
    from lulong_data import reading

    path = folder / MANIFEST_FILE
    return reading.read_manifest(path)[0] if path.is_file() else {}


def _geo(folder: Path) -> dict[str, dict]:
    from lulong_data import reading

    out = {}
    for geo_file in GEO_FILES:
        path = folder / geo_file
        if path.is_file():
            data, _ = reading.read_geojson(path)
            if data is not None:
                out[geo_file.removesuffix(".geojson")] = data
    return out
