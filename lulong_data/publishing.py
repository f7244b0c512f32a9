"""Published data versions: check uploaded files, install them atomically, keep every version.

Layout of a versions root::

    versions/<id>/               one folder per version; never changed once installed
    versions/<id>/.version.json  who, when, what changed, row counts (hidden: the loader skips it)
    snapshots/<id>/              the version's validated frames and report (lulong_data.snapshot), so a
                                 server start reads them instead of validating the version again
    current                      symlink -> versions/<id>: the version the app serves
    log.jsonl                    one JSON line per action (init, import, publish, rollback)
    lock                         flock'ed around every change
    staging/, trash/             candidates being built, versions being deleted
    source.json                  the configured data folder's fingerprint when last imported
    lastgood                     id of the last version served without errors

``current`` is a symlink rather than a pointer file: replacing it is one rename(2) (``os.replace`` of a
temporary link), so a reader sees the old or the new version and never a half-written pointer, and it
stays a real folder path that ``python -m lulong_data check <root>/current`` and a file browser open.
Linux servers have symlinks; ``fcntl`` ties the store to POSIX anyway.

Crash safety comes from the order of the steps (see :meth:`Store.publish`): everything is built in
``staging/``, validated, renamed into ``versions/`` and only then made current; the log line follows.
Whoever takes the lock next repairs what a crash left behind (:meth:`Store._recover`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lulong_data.bundle import fingerprint
from lulong_data.contract import DATASETS, GEO_FILES, MANIFEST_FILE, RULES_FILE, TABLE_SUFFIXES, Problem
from lulong_data.settings import SAMPLE_DIR, Settings

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent
META_FILE = ".version.json"
MB = 1024 * 1024
SYSTEM = "系统"
FOLDER_WHO = "数据文件夹"
_EXTRA_NAMES = (MANIFEST_FILE, RULES_FILE, *GEO_FILES)
# Finder and Windows put these in zips; they are not the clerk's files.
_ZIP_NOISE = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


class StoreBusy(RuntimeError):
    """Another publish holds the lock for longer than we are willing to wait."""


# -- upload checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Upload limits; LULONG_UPLOAD_MAX_FILE_MB, _TOTAL_MB, _UNZIPPED_MB override the defaults."""

    max_file_bytes: int = 50 * MB
    max_total_bytes: int = 200 * MB
    max_unzipped_bytes: int = 300 * MB  # a zip bomb stops here, whatever its header claims
    max_zip_entries: int = 200

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ
        values = {}
        for var, attr in (
            ("LULONG_UPLOAD_MAX_FILE_MB", "max_file_bytes"),
            ("LULONG_UPLOAD_MAX_TOTAL_MB", "max_total_bytes"),
            ("LULONG_UPLOAD_MAX_UNZIPPED_MB", "max_unzipped_bytes"),
        ):
            raw = (env.get(var) or "").strip()
            if raw:
                values[attr] = int(float(raw) * MB)
        return cls(**values)


def _problem(file: str, zh: str, en: str, code: str) -> Problem:
    return Problem("error", file, zh, en, code=code)


def allowed_name(name: str) -> str | None:
    """The canonical file name an upload is installed as, or None when the contract has no such file."""
    lower = name.strip().lower()
    if lower in _EXTRA_NAMES:
        return lower
    stem, dot, suffix = lower.rpartition(".")
    if dot and f".{suffix}" in TABLE_SUFFIXES and stem in DATASETS:
        return lower
    return None


def _name_hint(name: str) -> tuple[str, str]:
    titles = {ds.title: ds.name for ds in DATASETS.values()}
    stem, _, suffix = name.rpartition(".")
    meant = titles.get(stem.strip())
    if meant and f".{suffix.lower()}" in TABLE_SUFFIXES:
        return (
            f";如果这是「{stem}」,请改名为 {meant}.{suffix.lower()}",
            f"; if it is {meant}, rename it {meant}.{suffix.lower()}",
        )
    return "", ""


def _refuse_name(name: str) -> Problem:
    hint_zh, hint_en = _name_hint(name)
    return _problem(
        name,
        "不是数据约定中的文件名(只接受 <数据集>.csv/.xlsx/.parquet、manifest.toml、rules.toml 和两个 geojson)"
        + hint_zh,
        "Not a file name of the data contract (only <dataset>.csv/.xlsx/.parquet, manifest.toml, rules.toml "
        "and the two geojson files)" + hint_en,
        "upload_name",
    )


@dataclass
class Prepared:
    """Uploads checked and unpacked: canonical name -> bytes."""

    files: dict[str, bytes] = field(default_factory=dict)
    whole_folder: bool = False  # a zip stands for the whole folder: files it lacks are removed
    problems: list[Problem] = field(default_factory=list)


def prepare(uploads: Iterable[tuple[str, bytes]], limits: Limits | None = None) -> Prepared:
    """Check the uploaded files (names, sizes, zip safety) without touching any folder."""
    limits = limits or Limits()
    out = Prepared()
    uploads = list(uploads)
    if not uploads:
        out.problems.append(_problem("", "没有选择文件", "No file was chosen", "upload_empty"))
        return out
    total = sum(len(data) for _, data in uploads)
    if total > limits.max_total_bytes:
        out.problems.append(
            _problem(
                "",
                f"上传文件合计 {total / MB:.1f} MB,超过上限 {limits.max_total_bytes / MB:.0f} MB",
                f"The uploads total {total / MB:.1f} MB, over the {limits.max_total_bytes / MB:.0f} MB limit",
                "upload_too_big",
            )
        )
        return out
    zips = [(n, d) for n, d in uploads if n.lower().endswith(".zip")]
    if len(zips) > 1:
        names = "、".join(n for n, _ in zips)
        out.problems.append(
            _problem(names, "一次只能上传一个压缩包", "Upload one zip at a time", "upload_zips")
        )
        return out
    loose: dict[str, bytes] = {}
    for name, data in uploads:
        # Browsers send a bare name; keep only the last part of anything else.
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if len(data) > limits.max_file_bytes:
            out.problems.append(_too_big(base, len(data), limits))
        elif base.lower().endswith(".zip"):
            _unzip(base, data, limits, out)
            out.whole_folder = True
        elif base.lower() in loose:
            out.problems.append(
                _problem(base, "同一个文件上传了两次", "The same file was uploaded twice", "upload_twice")
            )
        else:
            loose[base.lower()] = data
    # Loose files go on top of the zip's folder (or of the current version).
    for base, data in loose.items():
        canonical = allowed_name(base)
        if canonical is None:
            out.problems.append(_refuse_name(base))
        else:
            out.files[canonical] = data
    out.problems += _two_forms(list(out.files))
    return out


def _two_forms(names: list[str]) -> list[Problem]:
    """One dataset given in two formats (households.csv and households.xlsx): which one is meant cannot
    be known, so the upload is refused rather than one of them silently kept."""
    by_stem: dict[str, list[str]] = {}
    for name in names:
        stem, _, suffix = name.rpartition(".")
        if stem in DATASETS and f".{suffix}" in TABLE_SUFFIXES:
            by_stem.setdefault(stem, []).append(name)
    return [
        _problem(
            "、".join(sorted(files)),
            f"「{DATASETS[stem].title}」同时上传了 {'、'.join(sorted(files))} 两种格式,无法确定以哪个为准;"
            "请只上传其中一个",
            f"{DATASETS[stem].title_en} was uploaded in two formats ({', '.join(sorted(files))}); it "
            "cannot be known which one is meant: upload only one",
            "upload_two_forms",
        )
        for stem, files in sorted(by_stem.items())
        if len(files) > 1
    ]


def _too_big(name: str, size: int, limits: Limits) -> Problem:
    return _problem(
        name,
        f"文件大小 {size / MB:.1f} MB,超过单个文件上限 {limits.max_file_bytes / MB:.0f} MB",
        f"The file is {size / MB:.1f} MB, over the {limits.max_file_bytes / MB:.0f} MB limit per file",
        "upload_too_big",
    )


def _unzip(zip_name: str, data: bytes, limits: Limits, out: Prepared) -> None:
    def refuse(zh: str, en: str, code: str) -> None:
        out.problems.append(_problem(zip_name, zh, en, code))

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return refuse("不是有效的 zip 压缩包", "Not a valid zip archive", "zip_bad")
    entries = []
    for info in infos:
        raw = info.filename
        path = raw.replace("\\", "/")
        parts = PurePosixPath(path).parts
        # zip-slip: an entry that would land outside the folder refuses the whole archive
        if path.startswith("/") or (len(path) > 1 and path[1] == ":") or ".." in parts:
            return refuse(
                f"压缩包中的路径不安全:{raw}(绝对路径或包含 ..),整个压缩包被拒绝",
                f"Unsafe path in the zip: {raw} (absolute or containing ..); the archive is refused",
                "zip_slip",
            )
        if info.is_dir() or any(path.startswith(n) or path.endswith(n) for n in _ZIP_NOISE):
            continue
        if parts[-1].startswith(".") or parts[-1].upper().startswith("README"):
            continue  # bookkeeping and notes that travel with a folder (the loader skips them too)
        entries.append((info, parts))
    if len(entries) > limits.max_zip_entries:
        return refuse(
            f"压缩包中文件过多({len(entries)} 个)",
            f"Too many files in the zip ({len(entries)})",
            "zip_bomb",
        )
    if sum(info.file_size for info, _ in entries) > limits.max_unzipped_bytes:
        return refuse(
            f"压缩包解压后超过 {limits.max_unzipped_bytes / MB:.0f} MB",
            f"The zip unpacks to more than {limits.max_unzipped_bytes / MB:.0f} MB",
            "zip_bomb",
        )
    tops = {parts[0] for _, parts in entries if len(parts) > 1}
    flat = all(len(parts) == 1 for _, parts in entries)
    single_top = len(tops) == 1 and all(len(parts) == 2 for _, parts in entries)
    if not (flat or single_top):
        return refuse(
            "压缩包里的文件应直接放在根目录,或全部放在同一个文件夹中(不能有多层或多个文件夹)",
            "Files in the zip must sit at its top level or all in one single folder",
            "zip_folders",
        )
    budget = limits.max_unzipped_bytes
    for info, parts in entries:
        name = parts[-1]
        if allowed_name(name) is None:
            out.problems.append(_refuse_name(f"{zip_name}/{info.filename}"))
            continue
        # Count the bytes actually inflated: a header can lie about file_size.
        chunks, size = [], 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(MB):
                    size += len(chunk)
                    if size > min(budget, limits.max_file_bytes):
                        return refuse(
                            f"{name} 解压后过大,压缩包被拒绝",
                            f"{name} unpacks too large; the archive is refused",
                            "zip_bomb",
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            return refuse(f"无法解压 {name}", f"Cannot unpack {name}", "zip_bad")
        budget -= size
        if allowed_name(name) in out.files:
            return refuse(f"压缩包中 {name} 出现两次", f"{name} appears twice in the zip", "upload_twice")
        out.files[allowed_name(name)] = b"".join(chunks)
    if not out.files and not out.problems:
        refuse("压缩包中没有数据文件", "The zip holds no data file", "zip_empty")


# -- the store ----------------------------------------------------------------------------------


@dataclass
class PublishResult:
    """What a publish, import or rollback did; ``problems`` says why when ``ok`` is False."""

    ok: bool
    version: str | None = None  # the version now current (ok) or None
    previous: str | None = None
    problems: list[Problem] = field(default_factory=list)  # refusal reasons or the candidate's report
    changes: dict[str, list[str]] = field(default_factory=dict)  # added / replaced / removed
    rows: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False  # the candidate equals the current version: nothing to publish

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


@dataclass(frozen=True)
class Version:
    """One kept version folder and what its log says about it."""

    id: str
    folder: Path
    action: str
    who: str
    when: str
    note: str
    changes: Mapping[str, list[str]]
    rows: Mapping[str, int]
    current: bool


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _data_files(folder: Path) -> dict[str, Path]:
    """The files of a data folder that a version carries (hidden files are bookkeeping)."""
    if not folder.is_dir():
        return {}
    return {p.name: p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def diff(old: Path | None, new: Path) -> dict[str, list[str]]:
    """Files added, replaced (content differs) and removed going from ``old`` to ``new``."""
    before = _data_files(old) if old else {}
    after = _data_files(new)
    return {
        "added": sorted(set(after) - set(before)),
        "replaced": sorted(n for n in set(after) & set(before) if _digest(after[n]) != _digest(before[n])),
        "removed": sorted(set(before) - set(after)),
    }


# Versions hold household data: readable by the service user only (folders 700, files 600).
DIR_MODE, FILE_MODE = 0o700, 0o600


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex}")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _validate(folder: Path) -> tuple[list[Problem], dict[str, int]]:
    return _load(folder)[:2]


def _load(folder: Path) -> tuple[list[Problem], dict[str, int], Any]:
    """Validate a folder: its problems, rows per dataset, and the LoadResult (for the snapshot)."""
    from lulong_data.loader import load_folder  # pandera is heavy: only when something is validated

    result = load_folder(folder)
    return list(result.problems), {n: len(result.frames[n]) for n in sorted(result.present)}, result


class Store:
    """A versions root. Reading needs no lock; every change runs under :meth:`locked`."""

    def __init__(
        self,
        root: str | os.PathLike,
        *,
        keep: int = 10,
        limits: Limits | None = None,
        validate: Callable[[Path], tuple[list[Problem], dict[str, int]]] | None = None,
        lock_timeout: float = 300.0,
    ) -> None:
        """``validate`` stands in for the loader's validation (tests); with the loader's own (the default)
        every installed version gets a validated snapshot (lulong_data.snapshot) beside it."""
        self.root = Path(root).absolute()
        self.keep = max(1, keep)
        self.limits = limits or Limits()
        self.validate = validate or _validate
        self._snapshots = validate is None
        self.lock_timeout = lock_timeout
        # Tests raise (or die) here to simulate a crash between two steps of a change.
        self.hook: Callable[[str], None] = lambda step: None

    # -- paths and reading ------------------------------------------------------------------------
    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    @property
    def log_path(self) -> Path:
        return self.root / "log.jsonl"

    @property
    def snapshots_dir(self) -> Path:
        """Validated snapshots of the versions, one folder per version id (lulong_data.snapshot)."""
        return self.root / "snapshots"

    def folder(self, version: str) -> Path:
        return self.versions_dir / version

    def current_id(self) -> str | None:
        try:
            return Path(os.readlink(self.root / "current")).name
        except OSError:
            return None

    def current_folder(self) -> Path | None:
        vid = self.current_id()
        return self.folder(vid) if vid else None

    def version_ids(self) -> list[str]:
        """Installed version folders, oldest first."""
        if not self.versions_dir.is_dir():
            return []
        return sorted((p.name for p in self.versions_dir.iterdir() if p.name.isdigit()), key=int)

    def meta(self, version: str) -> dict[str, Any]:
        try:
            return json.loads((self.folder(version) / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def log(self) -> list[dict[str, Any]]:
        """The log's entries, oldest first (a line torn by a crash is skipped)."""
        try:
            lines = self.log_path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def versions(self) -> list[Version]:
        """Kept versions, newest first."""
        current = self.current_id()
        out = []
        for vid in reversed(self.version_ids()):
            m = self.meta(vid)
            out.append(
                Version(
                    id=vid,
                    folder=self.folder(vid),
                    action=m.get("action", ""),
                    who=m.get("who", ""),
                    when=m.get("when", ""),
                    note=m.get("note", ""),
                    changes=m.get("changes", {}),
                    rows=m.get("rows", {}),
                    current=vid == current,
                )
            )
        return out

    def last_good(self) -> str | None:
        try:
            vid = (self.root / "lastgood").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return vid if vid and self.folder(vid).is_dir() else None

    def mark_good(self, version: str) -> None:
        """Remember (on disk) the last version served without errors; no lock: one atomic rename."""
        if self.last_good() != version:
            _write_atomic(self.root / "lastgood", version + "\n")

    # -- locking and repair -----------------------------------------------------------------------
    @contextmanager
    def locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's exclusive lock (flock: also excludes other threads, each opens its own fd)."""
        _private_dir(self.root)
        timeout = self.lock_timeout if timeout is None else timeout
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusy(f"{self.root} is locked by another publish") from None
                    time.sleep(0.05)
            self._recover()
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock, also after an exception

    def _recover(self) -> None:
        """Repair what a crashed change left behind. Runs under the lock, so nothing here is in use."""
        for name in ("staging", "trash"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        for tmp in self.root.glob(".current.tmp-*"):
            tmp.unlink(missing_ok=True)
        _private_dir(self.versions_dir)
        current = self.current_id()
        entries = self.log()
        logged = {e.get("id") for e in entries}
        for vid in self.version_ids():
            # installed but never made current nor logged: a publish died before its commit point
            if vid != current and vid not in logged:
                self._delete(vid)
        kept = set(self.version_ids())
        if self.snapshots_dir.is_dir():
            for path in self.snapshots_dir.iterdir():
                if path.name not in kept:  # a pruned version's, or a half-written one (.x.tmp-…)
                    shutil.rmtree(path, ignore_errors=True)
        if current and (not entries or entries[-1].get("current") != current):
            # made current but the log line was lost: write it from the version's own record
            entry = {**self.meta(current), "id": current, "current": current, "recovered": True}
            entry.setdefault("when", _now())
            self._append_log(entry)

    def _delete(self, version: str) -> None:
        # Rename first: a crash during rmtree then leaves debris in trash/, never a half version.
        trash = self.root / "trash"
        trash.mkdir(exist_ok=True)
        target = trash / f"{version}-{uuid.uuid4().hex}"
        os.rename(self.folder(version), target)
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(self.snapshots_dir / version, ignore_errors=True)

    def _append_log(self, entry: Mapping[str, Any]) -> None:
        data = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        fd = os.open(self.log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a torn last line stays one bad line, not glued to this one
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def _switch(self, version: str) -> None:
        """The commit point: make ``version`` current with one rename."""
        tmp = self.root / f".current.tmp-{os.getpid()}-{uuid.uuid4().hex}"
        os.symlink(Path("versions") / version, tmp)
        os.replace(tmp, self.root / "current")
        _fsync_dir(self.root)

    def _next_id(self) -> str:
        known = [int(v) for v in self.version_ids()]
        known += [int(e["id"]) for e in self.log() if str(e.get("id", "")).isdigit()]
        return f"{max(known, default=0) + 1:04d}"

    # -- changes ----------------------------------------------------------------------------------
    def publish(self, uploads: Iterable[tuple[str, bytes]], who: str, note: str = "") -> PublishResult:
        """Validate the current version plus ``uploads`` and, if valid, make it the new current version.

        Steps (a crash between any two leaves the previous version current and intact):
        stage (copy current, apply uploads) -> validate -> write .version.json -> rename into versions/
        -> switch ``current`` (commit) -> log -> prune.
        """
        prepared = prepare(uploads, self.limits)
        if prepared.problems:
            return PublishResult(False, previous=self.current_id(), problems=prepared.problems)
        with self.locked():
            return self._install(prepared.files, prepared.whole_folder, "publish", who, note)

    def import_folder(self, source: Path, who: str = FOLDER_WHO, note: str = "") -> PublishResult:
        """Publish a whole folder as it is (files it lacks are removed from the new version)."""
        with self.locked():
            return self._import(Path(source), who, note)

    def _import(self, source: Path, who: str, note: str) -> PublishResult:
        files = {name: path.read_bytes() for name, path in _data_files(source).items()}
        return self._install(files, True, "import", who, note)

    def _install(
        self, files: Mapping[str, bytes], whole_folder: bool, action: str, who: str, note: str
    ) -> PublishResult:
        base = self.current_id()  # re-read under the lock: another publish may just have finished
        base_folder = self.folder(base) if base else None
        stage = _private_dir(_private_dir(self.root / "staging") / uuid.uuid4().hex)
        if base_folder and not whole_folder:
            for name, path in _data_files(base_folder).items():
                shutil.copy2(path, stage / name)  # copy2 keeps mtimes: "last change" stays true
                os.chmod(stage / name, FILE_MODE)
        for name, data in files.items():
            stem = name.rsplit(".", 1)[0]
            if stem in DATASETS:
                for other in TABLE_SUFFIXES:  # households.xlsx replaces households.csv
                    (stage / f"{stem}{other}").unlink(missing_ok=True)
            with open(os.open(stage / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        self.hook("staged")
        changes = diff(base_folder, stage)
        if base and not any(changes.values()):
            shutil.rmtree(stage, ignore_errors=True)
            return PublishResult(False, previous=base, unchanged=True)
        loaded = None
        if self._snapshots:
            problems, rows, loaded = _load(stage)
        else:
            problems, rows = self.validate(stage)
        self.hook("validated")
        if any(p.severity == "error" for p in problems) and base is not None:
            shutil.rmtree(stage, ignore_errors=True)
            return PublishResult(False, previous=base, problems=problems, changes=changes, rows=rows)
        vid = self._next_id()
        meta = {
            "id": vid,
            "action": action if base else "init",
            "who": who,
            "when": _now(),
            "note": note,
            "based_on": base,
            "changes": changes,
            "rows": rows,
        }
        (stage / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(stage / META_FILE, FILE_MODE)
        _fsync_dir(stage)
        os.rename(stage, self.folder(vid))
        _fsync_dir(self.versions_dir)
        if loaded is not None:
            self._snapshot(vid, loaded)
        self.hook("installed")
        self._switch(vid)
        self.hook("switched")
        self._append_log({**meta, "current": vid})
        self.hook("logged")
        self._prune()
        return PublishResult(True, vid, base, problems, changes, rows)

    def _snapshot(self, vid: str, loaded: Any) -> None:
        """The validated frames and report of a just installed version, beside it: the first load of the
        version (every server start after this publish) reads them instead of validating again."""
        from lulong_data import snapshot

        folder = self.folder(vid)
        # validated in staging/: the same files, now in the version's folder
        files = {name: folder / Path(path).name for name, path in loaded.files.items()}
        installed = dataclasses.replace(loaded, folder=folder, files=files)
        snapshot.write(folder, fingerprint(folder), installed, where=self.snapshots_dir / vid)

    def rollback(self, version: str, who: str, note: str = "") -> PublishResult:
        """Make a kept version current again (one switch; no copy)."""
        with self.locked():
            base = self.current_id()
            if version not in self.version_ids():
                p = _problem(
                    "", f"版本 {version} 不存在或已被清理", f"Version {version} is not kept", "no_version"
                )
                return PublishResult(False, previous=base, problems=[p])
            if version == base:
                return PublishResult(False, version, base, unchanged=True)
            changes = diff(self.folder(base) if base else None, self.folder(version))
            rows = self.meta(version).get("rows", {})
            self._switch(version)
            self.hook("switched")
            self._append_log(
                {
                    "id": version,
                    "action": "rollback",
                    "who": who,
                    "when": _now(),
                    "note": note,
                    "based_on": base,
                    "changes": changes,
                    "rows": rows,
                    "current": version,
                }
            )
            return PublishResult(True, version, base, [], changes, rows)

    def _prune(self) -> None:
        """Keep ``keep`` versions: the current one (and the last good one), then the newest others."""
        ids = self.version_ids()
        protected = {v for v in (self.current_id(), self.last_good()) if v in ids}
        others = [v for v in reversed(ids) if v not in protected]
        for vid in others[max(0, self.keep - len(protected)) :]:
            self._delete(vid)

    # -- the configured data folder ---------------------------------------------------------------
    def _source_state(self) -> dict[str, Any]:
        try:
            return json.loads((self.root / "source.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def sync(self, source: Path, *, wait: float = 0.0) -> PublishResult | None:
        """Initialise the store from the data folder, or import the folder when it changed on disk.

        Returns the result when something was tried now, else None. An invalid folder is not
        imported; the result is returned once per change of the folder (see ``source_refused``).
        """
        source = Path(source).absolute()
        fp = fingerprint(source)
        state = self._source_state()
        if self.current_id() and state.get("fingerprint") == fp:
            return None
        try:
            with self.locked(timeout=wait):
                state = self._source_state()
                if self.current_id() and state.get("fingerprint") == fp:
                    return None
                result = None
                if not self.current_id():
                    result = self._import(source, SYSTEM, f"初始化:{source}")
                elif state:  # (no record: a store made elsewhere is the truth; watch from now on)
                    result = self._import(source, FOLDER_WHO, f"数据文件夹有变动,自动导入:{source}")
                refused = result.errors if result and not result.ok else []
                record = {
                    "path": str(source),
                    "fingerprint": fp,
                    "when": _now(),
                    "refused": [_problem_dict(p) for p in refused[:MAX_KEPT_PROBLEMS]],
                }
                _write_atomic(self.root / "source.json", json.dumps(record, ensure_ascii=False))
                return result
        except StoreBusy:
            return None  # someone is publishing; the next run looks again

    def source_problems(self) -> list[Problem]:
        """Errors of the configured data folder's latest state when it was refused, else []."""
        return [Problem(**p) for p in self._source_state().get("refused") or []]


MAX_KEPT_PROBLEMS = 50
_PROBLEM_FIELDS = ("severity", "file", "message_zh", "message_en", "row", "column", "value", "code")


def _problem_dict(p: Problem) -> dict[str, Any]:
    out = {f: getattr(p, f) for f in _PROBLEM_FIELDS}
    out["row"] = None if p.row is None else int(p.row)  # numpy ints are not JSON
    out["value"] = None if p.value is None else str(p.value)
    return out


# -- which folder the app serves ----------------------------------------------------------------


def versions_root(settings: Settings) -> Path:
    """settings.versions_dir; else var/versions for the bundled sample; else ``<data_dir>.versions``."""
    if settings.versions_dir:
        return Path(settings.versions_dir)
    data = Path(settings.data_dir)
    if data.resolve() == SAMPLE_DIR.resolve():
        return PROJECT_DIR / "var" / "versions"  # never write into the package; /var/ is git-ignored
    return data.parent / f"{data.name}.versions"


def store_for(settings: Settings) -> Store:
    return Store(versions_root(settings), keep=settings.keep_versions, limits=Limits.from_env())
