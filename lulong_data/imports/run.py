"""One import: recognise the files, shape them, write a checked contract folder.

    outcome = run_import([("national", [path, ...])], base=..., out=...)

Kinds are applied in the order of ``ORDER`` whatever order they were given in (national first: the others
join to its persons and households), so one call can take a whole week's exports. The status follows
``python -m lulong_data check``: 0 written (warnings allowed), 1 errors (nothing written), 2 a file, the
--base folder or the secret cannot be read at all (nothing written).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import profiles as profiles_mod
from lulong_data.imports import report, sheets
from lulong_data.imports import secret as secret_mod
from lulong_data.imports.profiles import Profile, ProfileError
from lulong_data.imports.state import State, install, is_data_folder, open_state, stage, validate

ORDER = ("national", "dibao", "tekun", "wugong", "gongyi", "ledger")
AUTO = "auto"


@dataclass
class Sheet:
    """What was recognised in one sheet (shown on the page and printed by the CLI)."""

    file: str
    kind: str | None
    table: str | None
    header_rows: tuple[int, ...] = ()
    mapped: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    rows: int = 0
    export_date: str | None = None


@dataclass
class Outcome:
    status: int  # 0 written, 1 errors, 2 unreadable
    sheets: list[Sheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # rows written per derived dataset
    changed: list[str] = field(default_factory=list)  # datasets rewritten in --out
    withdrawn: list[str] = field(
        default_factory=list
    )  # datasets of --base left out of --out (every row gone)
    out: Path | None = None
    # CPU seconds of each step (read, base, shape, write, validate): where an import spends its time
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def errors(self) -> list[Problem]:
        return report.errors(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


# -- recognising --------------------------------------------------------------------------------


def _guess_kind(name: str, head: list[list[str]], profs: dict[str, Profile]) -> tuple[str | None, int]:
    scores = {k: sheets.best_matches(head, p) for k, p in profs.items()}
    best = max(scores.values(), default=0)
    if best == 0:
        return None, 0
    top = [k for k, s in scores.items() if s == best]
    if len(top) > 1:
        # same number of known columns: the file name decides (…农村低保… / …特困人员…)
        named = [k for k in top if any(w in name for w in profs[k].file_words)]
        top = named or top
    return top[0], best


def recognise(
    files: Iterable[tuple[str, Path]], profs: dict[str, Profile], display: dict[Path, str] | None = None
) -> tuple[list[tuple[sheets.Read, Sheet]], list[Sheet], list[Problem], int]:
    """Find kind, header and rows of every sheet. ``files``: (kind or "auto", path). Returns the reads,
    every sheet's summary, the problems and the worst status (2 = a file could not be read)."""
    reads: list[tuple[sheets.Read, Sheet]] = []
    summaries: list[Sheet] = []
    problems: list[Problem] = []
    status = 0
    for kind, path in files:
        name = path[0] if isinstance(path, tuple) else (display or {}).get(path, Path(path).name)
        try:
            grids = sheets.grids(path, name)
        except sheets.ReadError as exc:
            problems.append(exc.problem)
            summaries.append(Sheet(report.redact(name), None, None))
            status = 2
            continue
        found_any = False
        skipped: list[Problem] = []
        for grid in grids:
            if not any(any(c for c in row) for row in grid.head):
                continue  # an empty sheet
            if kind == AUTO:
                guess, _ = _guess_kind(name, grid.head, profs)
                profile = profs.get(guess) if guess else None
                header = sheets.find_header(grid.head, profile) if profile else None
            else:
                profile = profs[kind]
                header = sheets.find_header(grid.head, profile)
            if header is None:
                summaries.append(Sheet(report.redact(grid.file), None, None))
                skipped.append(_not_found(grid, kind, profs))
                continue
            found_any = True
            read = sheets.read(grid, profile, header)
            problems += read.problems
            sheet = Sheet(
                file=report.redact(grid.file),
                kind=profile.kind,
                table=header.table,
                header_rows=header.rows,
                mapped=read.mapped,
                unknown=read.unknown,
                dropped=read.dropped,
                rows=len(read.frame),
                export_date=read.export_date,
            )
            summaries.append(sheet)
            reads.append((read, sheet))
            for table in profile.tables.values():
                if table.name != header.table:
                    continue
                for target in table.required:
                    if target not in read.mapped:
                        names = "、".join(table.names(target))
                        title = sheets.profile_target_zh(profile, header.table, target)
                        problems.append(
                            report.problem(
                                "missing_column",
                                grid.file,
                                target=title,
                                names=names,
                                **_renamed_hint(title, read.unknown),
                            )
                        )
        if not found_any:
            problems += skipped or [report.problem("no_rows", name)]
        else:
            problems += [report.problem("sheet_skipped", p.file, severity="warning") for p in skipped]
    problems += _older_exports(summaries)
    return reads, summaries, problems, status


def _renamed_hint(target: str, unknown: list[str]) -> dict[str, str]:
    """A required column is missing while the sheet has columns nobody knows: most likely one of them is
    it, renamed in the export — say which ones and what to do."""
    if not unknown:
        return {"hint_zh": "", "hint_en": ""}
    names = "、".join(f"「{u}」" for u in unknown[:5]) + ("等" if len(unknown) > 5 else "")
    return {
        "hint_zh": f"。本表有未识别的列{names}:如其中一列就是「{target}」,请把表头改为「{target}」后重新上传,"
        "或请系统管理员把该列名加入导入配置",
        "hint_en": f". The sheet has unknown columns {names}: if one of them is '{target}', rename its header "
        f"to '{target}' and upload again, or have the administrator add the name to the import profile",
    }


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_NAME_DATE = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")
OLDER_DAYS = 5  # a week's exports are made within a few days of each other


def _export_day(sheet: Sheet) -> datetime.date | None:
    """The day a file was exported: its 导出时间, else a YYYYMMDD in its name."""
    m = _DATE.search(sheet.export_date or "") or _NAME_DATE.search(sheet.file)
    try:
        return datetime.date(*map(int, m.groups())) if m else None
    except ValueError:
        return None


def _older_exports(summaries: list[Sheet]) -> list[Problem]:
    """One warning per file exported ``OLDER_DAYS`` or more before the newest file of the upload (last
    week's roster uploaded by mistake)."""
    days: dict[str, datetime.date] = {}
    for s in summaries:
        day = _export_day(s) if s.kind else None
        if day is not None:
            days.setdefault(s.file.split("[")[0], day)
    if not days:
        return []
    newest = max(days.values())
    return [
        report.problem(
            "export_older",
            file,
            severity="warning",
            date=day.isoformat(),
            newest=newest.isoformat(),
            days=(newest - day).days,
        )
        for file, day in days.items()
        if (newest - day).days >= OLDER_DAYS
    ]


def _not_found(grid: sheets.Grid, kind: str, profs: dict[str, Profile]) -> Problem:
    rows = len(grid.head)
    kinds = "、".join(p.title_zh for p in profs.values())
    if kind == AUTO:
        return report.problem("layout_unknown", grid.file, rows=rows, kinds=kinds)
    profile = profs[kind]
    other, score = _guess_kind(grid.file, grid.head, {k: p for k, p in profs.items() if k != kind})
    hint_zh = hint_en = ""
    if other and score >= min(t.min_matches for t in profs[other].tables.values()):
        hint_zh = f"。这份文件看起来是「{profs[other].title_zh}」,请按 {other} 导入"
        hint_en = f". This file looks like {profs[other].title_en}: import it as {other}"
    table = next(iter(profile.tables.values()))
    required = "、".join(f"「{table.names(t)[0]}」" for t in table.required)
    return report.problem(
        "header_not_found",
        grid.file,
        title=profile.title_zh,
        title_en=profile.title_en,
        rows=rows,
        required=required,
        hint_zh=hint_zh,
        hint_en=hint_en,
    )


# -- running ------------------------------------------------------------------------------------


def _frame(reads: list[sheets.Read], state: State) -> pd.DataFrame:
    parts = []
    headers: dict[str, dict[str, str]] = {}
    for read in reads:
        f = read.frame.copy()
        f["_file"] = read.file
        parts.append(f)
        for column, name in read.column_names.items():
            headers.setdefault(column, {})[read.file] = name
            headers.setdefault(column.split("#")[0], {}).setdefault(read.file, name)
    state.headers = headers
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return frame


def run_import(
    files: Iterable[tuple[str, str | Path | tuple[str, bytes]]],
    *,
    base: str | Path,
    out: str | Path,
    secret_file: str | Path,
    profile_folders: list[Path] | None = None,
    display: dict[Path, str] | None = None,
) -> Outcome:
    """Import ``files`` (pairs of kind or "auto" and a path, or (file name, bytes) of an upload) onto ``base``
    and write ``out``."""
    with malloc_pool():
        return _run_import(files, base, out, secret_file, profile_folders, display)


def _run_import(
    files: Iterable[tuple[str, str | Path | tuple[str, bytes]]],
    base: str | Path,
    out: str | Path,
    secret_file: str | Path,
    profile_folders: list[Path] | None,
    display: dict[Path, str] | None,
) -> Outcome:
    from lulong_data.imports import gongyi, ledger, national, rosters, wugong

    files = [(k, p if isinstance(p, tuple) else Path(p)) for k, p in files]
    base, out = Path(base), Path(out)
    # The secret first: without it nothing is read at all.
    try:
        key = secret_mod.load(Path(secret_file))
    except secret_mod.SecretError as exc:
        return Outcome(2, problems=[report.problem("secret", "", zh=exc.zh, en=exc.en)])
    for folder in (base, out):
        if secret_mod.inside(key.path, folder):
            return Outcome(1, problems=[report.problem("secret_inside", str(key.path), path=str(key.path))])
    folders = profile_folders if profile_folders is not None else profiles_mod.profile_folders(base)
    try:
        profs = profiles_mod.load_all(folders)
        places = profiles_mod.load_places(folders)
    except ProfileError as exc:
        return Outcome(1, problems=[report.problem("profile", "", zh=exc.zh, en=exc.en)])
    if out.exists() and not (out.is_dir() and (is_data_folder(out) or not any(out.iterdir()))):
        return Outcome(1, problems=[report.problem("out_exists", str(out), folder=str(out))])

    clock = _Clock()
    reads, summaries, problems, status = recognise(files, profs, display)
    outcome = Outcome(status, summaries, problems, timings=clock.timings)
    clock.lap("read")
    if report.errors(problems):
        outcome.status = max(status, 1)
        return outcome

    state, found = open_state(base, key, places)
    clock.lap("base")
    outcome.problems += found
    if state is None:
        outcome.status = 2
        return outcome
    state.kinds = {s.kind for _, s in reads if s.kind}
    state.tables = {f"{s.kind}/{s.table}" for _, s in reads if s.kind}
    shapers = {
        "national": national.shape,
        "dibao": rosters.shape_dibao,
        "tekun": rosters.shape_tekun,
        "wugong": wugong.shape,
        "gongyi": gongyi.shape,
        "ledger": ledger.shape,
    }
    for kind in ORDER:
        mine = [r for r, s in reads if s.kind == kind]
        if not mine:
            continue
        if kind == "ledger":
            tables = {}
            for table in profs[kind].tables:
                part = [r for r in mine if r.table == table]
                if part:
                    tables[table] = _frame(part, state)
            shapers[kind](state, tables, profs[kind])
            continue
        frame = _frame(mine, state)
        if frame.empty:
            outcome.problems.append(report.problem("no_rows", mine[0].file))
            continue
        shapers[kind](state, frame, profs[kind])
    clock.lap("shape")
    outcome.problems += state.problems
    outcome.rows = dict(state.rows)
    outcome.changed = sorted(state.changed - state.withdrawn)
    outcome.withdrawn = sorted(state.withdrawn)
    if report.errors(outcome.problems):
        outcome.status = 1
        return outcome

    tmp = stage(state, out)
    clock.lap("write")
    try:
        checked = validate(tmp, state)
        clock.lap("validate")
        if report.errors(checked):
            outcome.problems.append(report.problem("result_invalid", out.name))
            outcome.problems += [_redacted(p) for p in checked if p.severity == "error"]
            outcome.status = 1
            return outcome
        outcome.problems += [_redacted(p) for p in checked if p.code not in _QUIET]
        install(tmp, out)
        tmp = None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    outcome.out = out
    return outcome


# Arrow's default allocator on Linux (mimalloc) asks the kernel for transparent huge pages: its first
# touch of each fresh 2 MB page is zeroed by the kernel, which on a busy machine costs as much as the import's
# own work (measured on the benchmark's 123,550-person export: ≈ 1.0–1.5 of 3.4 CPU-s were kernel time, with
# the C library's malloc ≈ 0.3). An import is a short burst of allocations that are all freed at its end, so
# while one runs Arrow allocates through malloc. Every buffer is freed by the pool that made it, so
# allocations of other threads meanwhile are unaffected but for their allocator.
_POOL_LOCK = threading.Lock()
_POOL_USERS: list = []  # the pool to restore, while imports run (one entry per running import)


@contextlib.contextmanager
def malloc_pool() -> Iterator[None]:
    """Arrow's default memory pool is the C library's malloc inside the block (the previous one after the
    last of overlapping blocks ends). Without the system pool (a build lacking it) nothing changes."""
    import pyarrow as pa

    try:
        system = pa.system_memory_pool()
    except (AttributeError, NotImplementedError, pa.ArrowException):  # pragma: no cover
        yield
        return
    with _POOL_LOCK:
        previous = _POOL_USERS[0] if _POOL_USERS else pa.default_memory_pool()
        _POOL_USERS.append(previous)
        pa.set_memory_pool(system)
    try:
        yield
    finally:
        with _POOL_LOCK:
            _POOL_USERS.pop()
            if not _POOL_USERS:
                pa.set_memory_pool(previous)


class _Clock:
    def __init__(self) -> None:
        import time

        self._now = time.process_time
        self._last = self._now()
        self.timings: dict[str, float] = {}

    def lap(self, step: str) -> None:
        now = self._now()
        self.timings[step] = round(now - self._last, 3)
        self._last = now


# Loader warnings about the written folder that say nothing the import has not said.
_QUIET = {"extra_columns"}


def _redacted(p: Problem) -> Problem:
    return Problem(
        severity=p.severity,
        file=report.redact(p.file),
        message_zh=report.redact(p.message_zh),
        message_en=report.redact(p.message_en),
        row=p.row,
        column=None if p.column is None else report.redact(p.column),
        value=None if p.value is None else report.redact(p.value),
        code=p.code,
    )
