"""Load a data folder: find the files, read, type and validate every dataset, run the
cross-dataset rules, and report every problem at once.

``load_folder`` never raises for bad data. Its frames are typed (docs/architecture.md, "Typed
frames") with a plain RangeIndex; ``rows[name]`` gives each row's spreadsheet row number.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from lulong_data import cells as text_cells
from lulong_data import checks, messages, reading, schemas, workdays
from lulong_data.contract import (
    CODE_LENGTH,
    DATASETS,
    DAY,
    GEO_FILES,
    MANIFEST_FILE,
    MONTH,
    RULES_FILE,
    TABLE_SUFFIXES,
    Dataset,
    Problem,
)
from lulong_data.parsing import DTYPES, empty_frame, month_only, parse_column
from lulong_data.rules import RulesError, load_rules

# Kinds that can hide a personal number: free text and numbers. Codes are left out: they are
# checked for their exact length anyway, and an 11-digit slip in a code is not a phone number.
_PERSONAL_KINDS = {"str", "int", "float"}


@dataclass
class LoadResult:
    """Everything read from one data folder."""

    folder: Path
    frames: dict[str, pd.DataFrame]  # every contract dataset; empty typed frame when absent
    present: set[str] = field(default_factory=set)  # datasets read successfully
    files: dict[str, Path] = field(default_factory=dict)  # dataset -> the file read
    problems: list[Problem] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    geo: dict[str, dict] = field(default_factory=dict)  # "township_boundaries" -> GeoJSON
    rows: dict[str, np.ndarray] = field(default_factory=dict)  # spreadsheet row of each row
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical -> as in file

    @property
    def ok(self) -> bool:
        """No error (warnings allowed): the folder may go live."""
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def row_count(self) -> int:
        return sum(len(self.frames[name]) for name in self.present)

    def summary(self, lang: str = "zh") -> str:
        return messages.summary(self.problems, len(self.present), self.row_count, lang)


@dataclass(frozen=True)
class Known:
    """A dataset file already read, typed and validated on its own with no problem at all — the byte copy
    of a file in a validated folder (lulong_data.imports copies the datasets an import leaves alone)."""

    file: str  # its name; the folder's file of the dataset must have this name to stand for it
    frame: pd.DataFrame  # typed, index = spreadsheet row (as _load_table gives it)
    headers: dict[str, str]


def load_folder(path: str | os.PathLike, *, known: Mapping[str, Known] | None = None) -> LoadResult:
    """Read and check every file of a data folder (see docs/data-contract.md).

    ``known``: datasets whose file need not be read, typed and validated again (:class:`Known`); the
    folder-wide rules still run over them with every other dataset."""
    folder = Path(path)
    result = LoadResult(folder, {})
    entries = None
    try:
        entries = sorted(folder.iterdir()) if folder.is_dir() else None
    except OSError as exc:
        zh = en = exc.strerror or str(exc)
    else:
        zh, en = "不存在或不是文件夹", "it does not exist or is not a folder"
    if entries is None:
        result.problems.append(
            messages.make("folder_unreadable", str(folder), folder=str(folder), reason_zh=zh, reason_en=en)
        )
        return _finish(result, {})

    candidates, extras = _sort_entries(entries, result)
    work: dict[str, pd.DataFrame] = {}
    unavailable: set[str] = set()
    chosen = {name: found[0] for name, found in candidates.items() if len(found) == 1 and name in DATASETS}
    # The files are read, typed and validated side by side (pyarrow's parser and most Arrow kernels
    # release the GIL); problems and frames are then taken in contract order, exactly as one by one.
    reused = {name: k for name, k in (known or {}).items() if name in chosen and chosen[name].name == k.file}
    loaded = _load_tables({name: p for name, p in chosen.items() if name not in reused})
    loaded.update({name: (k.frame, [], dict(k.headers)) for name, k in reused.items()})
    _release_free_memory()
    for name, ds in DATASETS.items():
        found = candidates.get(name, [])
        if not found:
            if ds.required:
                result.problems.append(
                    messages.make(
                        "missing_file",
                        f"{name}.csv",
                        dataset=name,
                        title=ds.title,
                        title_en=ds.title_en,
                    )
                )
            continue
        if len(found) > 1:
            files = "、".join(p.name for p in found)
            result.problems.append(
                messages.make(
                    "two_forms",
                    files,
                    dataset=name,
                    title=ds.title,
                    title_en=ds.title_en,
                    files=files,
                )
            )
            unavailable.add(name)
            continue
        result.files[name] = found[0]
        frame, problems, headers = loaded.pop(name)
        result.problems += problems
        if headers is not None:
            result.headers[name] = headers
        if frame is None:
            unavailable.add(name)
            continue
        work[name] = frame
        result.present.add(name)

    if MANIFEST_FILE in extras:
        result.manifest, problems = reading.read_manifest(extras[MANIFEST_FILE])
        result.problems += problems
        result.problems += checks.manifest_county(result.manifest, work.get("townships"))
    for geo_file in GEO_FILES:
        if geo_file in extras:
            data, problems = reading.read_geojson(extras[geo_file])
            result.problems += problems
            if data is not None:
                if geo_file.startswith("township"):
                    result.problems += checks.geo_townships(data, geo_file, work.get("townships"))
                result.geo[geo_file.removesuffix(".geojson")] = data

    tables = checks.Tables(
        work,
        {name: result.files[name].name for name in work},
        result.headers,
        unavailable,
    )
    as_of = result.manifest.get("data_as_of")
    result.problems += checks.run(tables, as_of)
    # the working-day calendar of the data's year and the next 30 days (deadlines are estimated without it)
    holidays = work.get("holidays")
    as_of = as_of or checks.latest_date(work)
    file = result.files["holidays"].name if holidays is not None else "holidays.csv"
    result.problems += workdays.coverage_problems(holidays, as_of, file)
    # the monitoring income line of the data's year (figures that need it are missing without it)
    result.problems += _income_line(folder, as_of)
    _release_free_memory()
    return _finish(result, work)


def _income_line(folder: Path, as_of: dt.date | None) -> list[Problem]:
    """A warning when the rules (the folder's rules.toml, else the packaged ones) give no monitoring income
    line for the data's year: figures that need it show as missing. A broken rules.toml is the bundle's
    error to report (bad_rules)."""
    if as_of is None:
        return []
    path = folder / RULES_FILE
    try:
        rules = load_rules(path if path.is_file() else None)
    except RulesError:
        return []
    if rules.income_line(as_of.year) is not None:
        return []
    return [messages.make("income_line_missing", RULES_FILE, severity="warning", year=str(as_of.year))]


def _finish(result: LoadResult, work: dict[str, pd.DataFrame]) -> LoadResult:
    """Frames with a plain index (row numbers kept aside) and an empty one for each absent dataset."""
    for name in DATASETS:
        if name in work:
            result.rows[name] = work[name].index.to_numpy()
            result.frames[name] = work[name].reset_index(drop=True)
        else:
            result.frames[name] = empty(name)
            result.rows[name] = np.array([], dtype=int)
    return result


def empty(dataset: str) -> pd.DataFrame:
    """The typed empty frame standing in for an absent dataset."""
    return empty_frame(DATASETS[dataset].columns)


def _sort_entries(entries: list[Path], result: LoadResult) -> tuple[dict[str, list[Path]], dict[str, Path]]:
    """Split a folder listing into dataset files and the other known files; warn about the rest."""
    candidates: dict[str, list[Path]] = {}
    extras: dict[str, Path] = {}
    by_title = {ds.title: ds.name for ds in DATASETS.values()}
    for entry in entries:
        name = entry.name
        # hidden files, Excel's lock files (~$x.xlsx) and folders are not the clerk's data
        if name.startswith((".", "~$")) or entry.is_dir():
            continue
        if name in (MANIFEST_FILE, RULES_FILE, *GEO_FILES):
            extras[name] = entry
            continue
        if name.upper().startswith("README"):
            continue
        stem, suffix = entry.stem.strip().lower(), entry.suffix.lower()
        if suffix in TABLE_SUFFIXES and stem in DATASETS:
            candidates.setdefault(stem, []).append(entry)
            continue
        hint_zh = hint_en = ""
        meant = stem if stem in DATASETS else by_title.get(entry.stem.strip())
        if meant and suffix in TABLE_SUFFIXES:
            hint_zh, hint_en = (
                f";如果这是「{DATASETS[meant].title}」,请改名为 {meant}{suffix}",
                (f"; if it is {DATASETS[meant].title_en}, rename it {meant}{suffix}"),
            )
        elif meant or suffix == ".xls":
            target = meant or entry.stem
            hint_zh = f";请在 Excel 中另存为 {target}.xlsx 或 {target}.csv"
            hint_en = f"; save it from Excel as {target}.xlsx or {target}.csv"
        result.problems.append(
            messages.make("unknown_file", name, severity="warning", hint_zh=hint_zh, hint_en=hint_en)
        )
    return candidates, extras


# Files read at once. Two keep both cores busy (pyarrow's CSV parser and most Arrow kernels release the
# GIL); each file in flight holds its text cells and typed frame, so more would mostly add memory.
LOAD_WORKERS = 2


def _load_tables(
    files: dict[str, Path],
) -> dict[str, tuple[pd.DataFrame | None, list[Problem], dict[str, str] | None]]:
    """``_load_table`` of every dataset file, on ``LOAD_WORKERS`` threads, largest files first (so the
    small ones fill the gaps at the end); each file is handled alone, so the results do not depend on
    the order. The C heap's free pages are returned after each file (see _release_free_memory)."""
    if len(files) <= 1 or LOAD_WORKERS <= 1:
        return {name: _load_table(path, name) for name, path in files.items()}

    def size(item: tuple[str, Path]) -> int:
        try:
            return item[1].stat().st_size
        except OSError:
            return 0

    def one(path: Path, name: str) -> tuple[pd.DataFrame | None, list[Problem], dict[str, str] | None]:
        try:
            return _load_table(path, name)
        finally:
            _release_free_memory()

    order = sorted(files.items(), key=size, reverse=True)
    with ThreadPoolExecutor(max_workers=LOAD_WORKERS, thread_name_prefix="lulong-load") as pool:
        futures = {name: pool.submit(one, path, name) for name, path in order}
        return {name: futures[name].result() for name in files}


def _release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc only; a no-op elsewhere). The reader threads
    leave freed text cells in their own malloc arenas; without this the working memory of the rules and
    of the bundle's registration comes on top of them and sets the load's peak."""
    if not _TRIM:
        try:
            _TRIM.append(ctypes.CDLL("libc.so.6").malloc_trim)
        except (OSError, AttributeError):
            _TRIM.append(None)
    if _TRIM[0] is not None:
        _TRIM[0](0)
    pa.default_memory_pool().release_unused()  # the same for Arrow's own allocator


_TRIM: list = []


def _load_table(path: Path, name: str) -> tuple[pd.DataFrame | None, list[Problem], dict[str, str] | None]:
    """Read, type and validate one dataset file: (typed frame or None, its problems, its headers)."""
    out: list[Problem] = []
    frame, headers = _type_table(path, name, out)
    return frame, out, headers


def _type_table(path: Path, name: str, out: list[Problem]) -> tuple[pd.DataFrame | None, dict | None]:
    ds = DATASETS[name]
    table = reading.read_table(path, name)
    out += table.problems
    if table.frame is None:
        return None, None
    raw, file = table.frame, path.name
    kinds = {c.name: c.kind for c in ds.columns}

    # control characters, over-long text: reported, blanked, and not reported again as empty
    problems, blanked = text_cells.check(raw, name, file, table.headers)
    out += problems
    scanned = [c for c in raw.columns if kinds.get(c, "str") in _PERSONAL_KINDS]
    problems, personal = checks.personal_numbers(raw[scanned], name, file, table.headers)
    out += problems
    for col in personal:
        if col in kinds:
            raw[col] = checks.scrub(raw, col)
        else:
            raw = raw.drop(columns=col)

    typed: dict[str, pd.Series] = {}
    unparsed: set[tuple[int, str]] = set(blanked)
    for col in ds.columns:
        values, bad = parse_column(raw[col.name], col)
        typed[col.name] = values.astype(DTYPES[col.kind])
        for code, cells in bad.groupby(bad, sort=False):
            rows = cells.index
            unparsed.update((int(r), col.name) for r in rows)
            out += messages.per_row(
                code,
                file,
                pd.DataFrame({"value": raw.loc[rows, col.name]}),
                column=table.headers.get(col.name, col.name),
                name=col.name,
                dataset=name,
                length=str(CODE_LENGTH.get(col.kind, 0)),
            )
    for col in raw.columns:
        if col not in typed:
            typed[col] = raw[col]
    out += _month_precision(raw, typed, ds, file, table.headers, unparsed)
    frame = pd.DataFrame(typed, index=raw.index)

    absent = tuple(c.name for c in ds.columns if c.name not in table.headers)
    out += schemas.validate(
        frame,
        name,
        file=file,
        raw=raw,
        headers=table.headers,
        skip=unparsed,
        absent=absent,
    )
    return frame, table.headers


def _month_precision(
    raw: pd.DataFrame,
    typed: dict[str, pd.Series],
    ds: Dataset,
    file: str,
    headers: dict[str, str],
    unparsed: set[tuple[int, str]],
) -> list[Problem]:
    """Rows that give a month-only date (202206, 2022-06, 2022年6月) in a ``month_ok`` column: an empty
    日期精度 becomes 月 (the national system's exports say nothing); 日 with a month-only date is refused,
    since the day the row claims to know is not there."""
    dates = [c.name for c in ds.columns if c.month_ok]
    if not dates or "date_precision" not in typed:
        return []
    monthly = pd.Series(False, index=raw.index)
    for name in dates:
        monthly |= month_only(raw[name])
    if not monthly.any():
        return []
    precision = typed["date_precision"]
    typed["date_precision"] = precision.where(~(monthly & precision.isna()), MONTH).astype("str")
    bad = monthly & (precision == DAY).fillna(False).astype(bool)
    if not bad.any():
        return []
    unparsed.update((int(r), "date_precision") for r in raw.index[bad.to_numpy()])
    return messages.per_row(
        "month_date_day_precision",
        file,
        pd.DataFrame({"value": raw.loc[bad, "date_precision"]}),
        column=headers.get("date_precision", "date_precision"),
        name="date_precision",
        dataset=ds.name,
    )


# -- the report as a table ----------------------------------------------------------------------

REPORT_COLUMNS = {
    "zh": ("文件", "行", "列", "值", "问题", "级别"),
    "en": ("File", "Row", "Column", "Value", "Problem", "Severity"),
}
SEVERITY_LABELS = {"zh": {"error": "错误", "warning": "提示"}, "en": {"error": "error", "warning": "warning"}}


def problems_frame(problems: list[Problem] | tuple[Problem, ...], lang: str = "zh") -> pd.DataFrame:
    """The problems as a table for the data-status page and the CLI's CSV (errors first)."""
    lang = lang if lang in REPORT_COLUMNS else "zh"
    file, row, column, value, message, severity = REPORT_COLUMNS[lang]
    ordered = sorted(problems, key=lambda p: p.severity != "error")  # stable: keeps file order
    return pd.DataFrame(
        {
            file: pd.Series([p.file for p in ordered], dtype="str"),
            row: pd.array([p.row for p in ordered], dtype="Int64"),
            column: pd.Series([p.column for p in ordered], dtype="str"),
            value: pd.Series([p.value for p in ordered], dtype="str"),
            message: pd.Series(
                [p.message_zh if lang == "zh" else p.message_en for p in ordered], dtype="str"
            ),
            severity: pd.Series(
                [SEVERITY_LABELS[lang].get(p.severity, p.severity) for p in ordered], dtype="str"
            ),
        }
    )
