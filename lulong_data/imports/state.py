"""One import run's working folder: the --base frames, the datasets derived so far, and writing the result.

An import replaces its datasets and every dataset keyed on them: after a replacement, rows of other datasets
whose foreign key (contract ``references``) no longer finds its row are dropped — or, where the key is
optional (social_assistance.household_id), unlinked — and said so in one warning per dataset. Nothing is
left dangling, so the output of one import is a valid --base for the next.

The result is written beside --out (``.<name>.import-<random>``), checked with the loader, and only then
renamed into place; a run that fails leaves --out as it was.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lulong_data.contract import DATASETS, GEO_FILES, MANIFEST_FILE, RULES_FILE, TABLE_SUFFIXES, Problem
from lulong_data.imports import report
from lulong_data.imports.people import isin, pseudonymise
from lulong_data.imports.places import Resolver
from lulong_data.imports.profiles import COUNTY_FOLDER, Places
from lulong_data.imports.secret import Secret
from lulong_data.parsing import DTYPES

if TYPE_CHECKING:  # the loader pulls in pandera: imported where it is used
    from lulong_data.loader import Known

# Contract v2 columns (PLAN.md §3) this importer writes; used only while contract.py lacks them.
V2_COLUMNS: dict[str, dict[str, str]] = {
    "monitoring_cases": {
        "date_precision": "enum",
        "income_at_elimination": "float",
        "poverty_outcome": "enum",
    },
    "households": {
        "income_per_capita": "float",
        "income_year": "int",
        "no_labour_household": "bool",
        "education_ok": "bool",
        "housing_ok": "bool",
        "water_ok": "bool",
    },
    "employment": {"ended_on": "date", "date_precision": "enum"},
    "social_assistance": {"family_size": "int", "date_precision": "enum"},
    # announced by `rules` (NOTES-rules.md): measures dated from the export are month-only
    "assistance_measures": {"date_precision": "enum"},
}


# Datasets that a sheet of an import kind rewrites whole: rows dropped from --base's copy before that sheet
# is shaped need no warning when the sheet is in the same run (the clerk would read "删除 6,585 行" for a
# table the run is about to replace).
REPLACED_WHOLE_BY: dict[str, str] = {"employment": "wugong/jobs", "visits": "ledger/visits"}


# Datasets keyed on persons or cases that an import kind writes: when a national import drops every row of
# one (their ids were not this county's pseudonyms), the warning names the export that brings them back.
BROUGHT_BY: dict[str, tuple[str, str, str]] = {
    "welfare_jobs": ("gongyi", "乡村公益性岗位人员花名册", "rural public-welfare post roster (公益岗)"),
    "employment": ("wugong", "务工监测表", "务工 (employment) sheet"),
    "visits": ("ledger", "本县程序台账(走访记录)", "county procedure ledger (visits)"),
}


def columns_of(dataset: str) -> dict[str, str]:
    """Column -> kind: the contract's, then the v2 columns it does not have yet."""
    out = {c.name: c.kind for c in DATASETS[dataset].columns}
    for name, kind in V2_COLUMNS.get(dataset, {}).items():
        out.setdefault(name, kind)
    return out


def col_names(frame: pd.DataFrame, state: State) -> dict[str, dict[str, str]]:
    """target -> {file: column name as headed there}, from the reads that made ``frame``."""
    return state.headers


@dataclass
class State:
    base: Path
    secret: Secret
    resolver: Resolver
    frames: dict[str, pd.DataFrame]
    present: set[str]
    files: dict[str, Path]
    base_frames: dict[str, pd.DataFrame]
    changed: set[str] = field(default_factory=set)
    withdrawn: set[str] = field(default_factory=set)  # changed datasets left out of --out (every row gone)
    # datasets of --base whose file was validated with no problem: name -> (the file's (size, mtime_ns),
    # what the loader need not work out again for a byte copy of it)
    validated: dict[str, tuple[tuple[int, int], Known]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # of the kind being shaped
    rows: dict[str, int] = field(default_factory=dict)  # rows per derived dataset (for the report)
    kinds: set[str] = field(default_factory=set)  # the kinds imported in this run
    tables: set[str] = field(default_factory=set)  # "kind/table" of every sheet imported in this run

    # -- frames -----------------------------------------------------------------------------------
    def empty(self, dataset: str) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series([], dtype=DTYPES[k]) for c, k in columns_of(dataset).items()})

    def typed(self, dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with every column of the dataset (missing ones empty), in contract order, typed."""
        kinds = columns_of(dataset)
        out = {}
        n = len(frame)
        for name, kind in kinds.items():
            dtype = DTYPES[kind]
            if name in frame:
                s = frame[name]
                if dtype == "datetime64[ns]":
                    s = pd.to_datetime(s).astype(dtype)
                elif dtype == "str":
                    s = s.astype("str").where(pd.notna(s))
                    s = s.astype("str")
                else:
                    s = s.astype(dtype)
                out[name] = s.reset_index(drop=True)
            else:
                out[name] = pd.Series(
                    [pd.NA] * n if dtype in ("Int64", "boolean") else [np.nan] * n, dtype=dtype
                )
        return pd.DataFrame(out)

    def own_persons(self, frame: pd.DataFrame, cols: dict) -> tuple[pd.DataFrame, list[Problem]]:
        """The rows of an export that belong to this county, their ID numbers replaced by pseudonyms
        (:func:`people.pseudonymise`: ``person_id``, ``id_ok`` …), and what was said about the others."""
        other, problems = self.resolver.other_county(frame, "", None)
        frame, found = pseudonymise(frame[~other.to_numpy()].copy(), self.secret, cols.get("id_number", {}))
        return frame, problems + found

    def replace(self, dataset: str, frame: pd.DataFrame) -> None:
        self.frames[dataset] = self.typed(dataset, frame)
        self.present.add(dataset)
        self.changed.add(dataset)
        self.rows[dataset] = len(frame)

    def after_replacing(self, replaced: tuple[str, ...]) -> None:
        """Drop or unlink the rows of other datasets that refer to rows no longer there."""
        todo = list(replaced)
        while todo:
            target = todo.pop(0)
            key = DATASETS[target].key
            if key is None:
                continue
            keys = self.frames[target][key].dropna()  # Arrow's lookup set takes repeated keys as one
            ref = f"{target}.{key}"
            for name, ds in DATASETS.items():
                if name in replaced or name not in self.present:
                    continue
                for col in ds.columns:
                    if col.references != ref:
                        continue
                    frame = self.frames[name]
                    vals = frame[col.name]
                    lost = vals.notna() & ~pd.Series(isin(vals, keys), index=vals.index)
                    if not lost.any():
                        continue
                    example = str(frame.loc[lost, col.name].iloc[0])
                    what = DATASETS[target].title
                    if col.nullable:
                        frame = frame.copy()
                        frame.loc[lost, col.name] = np.nan
                        self.problems.append(
                            report.problem(
                                "unlinked_rows",
                                f"{name}.csv",
                                severity="warning",
                                count=int(lost.sum()),
                                title=ds.title,
                                title_en=ds.title_en,
                                example=example,
                            )
                        )
                    else:
                        frame = frame[~lost].reset_index(drop=True)
                        todo.append(name)
                        said = dict(
                            count=int(lost.sum()),
                            title=ds.title,
                            title_en=ds.title_en,
                            what=what,
                            what_en=DATASETS[target].title_en,
                            example=example,
                        )
                        if name in BROUGHT_BY and BROUGHT_BY[name][0] not in self.kinds and bool(lost.all()):
                            # every row gone and no export of this run brings them back: the dataset is
                            # left out of --out (each is optional), so its figures read as not supplied,
                            # not as 0
                            self.withdrawn.add(name)
                            zh, en = BROUGHT_BY[name][1:]
                            code, said = "dropped_all_rows", {**said, "bringer": zh, "bringer_en": en}
                        elif REPLACED_WHOLE_BY.get(name) in self.tables:
                            code = None  # replaced later in this run: nothing to tell
                        else:
                            code = "dropped_rows"
                        if code:
                            self.problems.append(
                                report.problem(code, f"{name}.csv", severity="warning", **said)
                            )
                    self.frames[name] = frame
                    self.changed.add(name)


def open_state(base: Path, secret: Secret, places: Places) -> tuple[State | None, list[Problem]]:
    """Load --base (the county's current contract folder): from its validated snapshot when it has one
    (lulong_data.snapshot: a published version has), else validated now, leaving a snapshot as a load of
    the app would."""
    base = Path(base)
    if not base.is_dir():
        return None, [
            report.problem(
                "base_unreadable", str(base), folder=str(base), reason="不存在或不是文件夹 / not a folder"
            )
        ]
    result = _load_base(base)
    if "townships" not in result.present or "villages" not in result.present:
        return None, [report.problem("base_no_places", str(base))]
    frames = dict(result.frames)
    county = str(result.manifest.get("county_name", "") or "")
    resolver = Resolver(frames["townships"], frames["villages"], places, county_name=county)
    state = State(
        base=base,
        secret=secret,
        resolver=resolver,
        frames=frames,
        present=set(result.present),
        files=dict(result.files),
        base_frames={k: v for k, v in frames.items()},
        validated=_validated(result),
    )
    # datasets the base could not read stay as they are (copied); the final check reports them
    return state, []


def _load_base(base: Path):
    """The base's LoadResult or Snapshot (both give frames, present, files, headers, rows, problems,
    manifest)."""
    import time

    from lulong_data import snapshot
    from lulong_data.bundle import fingerprint
    from lulong_data.loader import load_folder

    started = time.time()
    before = fingerprint(base)
    found = snapshot.read(base, before)
    if found is not None:
        return found
    result = load_folder(base)
    if snapshot.worth_keeping(base, result.problems, started, before):
        snapshot.write(base, before, result)
    return result


def _validated(result) -> dict[str, tuple[tuple[int, int], Known]]:
    """The base's dataset files that were validated with no problem naming them, with their row numbers
    (the snapshot or the load gave them): a byte copy of one need not be validated again."""
    from lulong_data.loader import Known

    named = {p.file for p in result.problems}
    out = {}
    for name in result.present:
        path = result.files.get(name)
        rows = result.rows.get(name)
        frame = result.frames.get(name)
        if path is None or rows is None or frame is None or len(rows) != len(frame) or path.name in named:
            continue
        try:
            st = Path(path).stat()
        except OSError:
            continue
        known = Known(path.name, frame.set_axis(pd.Index(rows)), dict(result.headers.get(name, {})))
        out[name] = ((st.st_size, st.st_mtime_ns), known)
    return out


# -- writing ------------------------------------------------------------------------------------


_DAY_NS = 86_400 * 10**9


def _text(series: pd.Series, kind: str):
    """A column as the text the contract's loader reads (an Arrow string array; null = empty cell): dates
    YYYY-MM-DD, 是/否, integers, numbers as the shortest text that reads back as the same value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "date":
        series = series.astype("datetime64[ns]")
        stamps = series.to_numpy()
        if ((stamps.view("int64") % _DAY_NS == 0) | np.isnat(stamps)).all():
            arr = _arrow(series).cast(
                pa.date32()
            )  # written YYYY-MM-DD by Arrow, 30 times quicker than strftime
        else:  # a time of day (which the cast would round differently before 1970)
            arr = pc.strftime(_arrow(series), format="%Y-%m-%d")
    elif kind == "bool":
        arr = pc.if_else(_arrow(series.astype("boolean")), "是", "否")
    elif kind == "int":
        arr = _arrow(series.astype("Int64"))
    elif kind == "float":
        arr = _arrow(series.astype("float64"))  # the shortest text that reads back as the same number
    else:
        arr = _arrow(series.astype("str"))
    return arr.cast(pa.large_string())


def _arrow(series: pd.Series):
    import pyarrow as pa

    arr = pa.array(series, from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


_QUOTED_BYTES = tuple(np.uint8(ord(c)) for c in ',"\r\n')


def _csv_field(arr):
    """Cells quoted as Python's csv module quotes them (QUOTE_MINIMAL: those holding a comma, a quote or a
    line break; quotes doubled), empty for null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from lulong_data.cells import cell_bytes

    arr = pc.fill_null(arr, "")
    data = cell_bytes(arr)[1]  # none of the four is ever a byte of a longer UTF-8 character
    if not any((data == b).any() for b in _QUOTED_BYTES):
        return arr
    quote = pc.match_substring_regex(arr, '[,"\\r\\n]')
    if not pc.any(quote).as_py():
        return arr
    q, none = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
    quoted = pc.binary_join_element_wise(q, pc.replace_substring(arr, '"', '""'), q, none)
    return pc.if_else(quote, quoted, arr)


def write_csv(frame: pd.DataFrame, dataset: str, path: Path) -> None:
    """The dataset as UTF-8 CSV, one line per row; built by Arrow's string kernels in one buffer."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = columns_of(dataset)
    # columns the contract does not know yet are left out (the loader would call them unknown)
    left_out = {c for c in V2_COLUMNS.get(dataset, {}) if c not in DATASETS[dataset].aliases}
    names = [c for c in kinds if c in frame and c not in left_out]
    names += [c for c in frame.columns if c not in kinds]
    cells = [_csv_field(_text(frame[c], kinds.get(c, "str"))) for c in names]
    header = ",".join(_csv_field(pa.array(names, pa.large_string())).to_pylist()) + "\n"
    with open(path, "wb") as fh:
        fh.write(header.encode("utf-8"))
        if len(frame) and cells:
            text = functools.partial(pa.scalar, type=pa.large_string())
            lines = pc.binary_join_element_wise(*cells, text(","))
            lines = pc.binary_join_element_wise(lines, text(""), text("\n"))  # each line ends with "\n"
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[
                lines.offset : lines.offset + len(lines) + 1
            ]
            fh.write(memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]])


def stage(state: State, out: Path) -> Path:
    """Write the result beside ``out``: changed datasets as CSV, everything else copied from --base."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.import-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    for entry in sorted(state.base.iterdir()):
        name = entry.name
        if entry.is_dir():
            if name == COUNTY_FOLDER:  # the county's profiles travel with its folder
                shutil.copytree(entry, tmp / name)
            continue
        if name.startswith(".") or name.startswith("~$"):
            continue
        stem, suffix = entry.stem.strip().lower(), entry.suffix.lower()
        if suffix in TABLE_SUFFIXES and stem in state.changed:
            continue  # rewritten below
        if (
            name in (MANIFEST_FILE, RULES_FILE, *GEO_FILES)
            or suffix in TABLE_SUFFIXES
            or name.upper().startswith("README")
        ):
            shutil.copy2(entry, tmp / name)
    for dataset in sorted(state.changed - state.withdrawn):
        write_csv(state.frames[dataset], dataset, tmp / f"{dataset}.csv")
    return tmp


def validate(folder: Path, state: State | None = None) -> list[Problem]:
    """Check the written folder as the app will load it. The datasets copied unchanged from a base file
    that was validated with no problem are not read and checked again (the copy is byte for byte, same
    size and mtime); the folder-wide rules run over every dataset."""
    from lulong_data.loader import load_folder

    known = {}
    for name, (stat, k) in (state.validated if state is not None else {}).items():
        if name in state.changed:
            continue
        try:
            st = (folder / k.file).stat()
        except OSError:
            continue
        if (st.st_size, st.st_mtime_ns) == stat:
            known[name] = k
    return list(load_folder(folder, known=known).problems)


def install(tmp: Path, out: Path) -> None:
    """Rename the staged folder to ``out``; an existing ``out`` is moved aside first and removed after."""
    out = Path(out).absolute()
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:12]}"
        os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def is_data_folder(path: Path) -> bool:
    return any((path / f"townships{s}").is_file() for s in TABLE_SUFFIXES)
