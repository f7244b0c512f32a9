"""The version store (issue #10): publish, refuse, roll back, lock, survive crashes, last-known-good.

Most tests validate with the real loader on a copy of the sample, and read what the app would read
through ``lastgood.serve`` (the function ``components.context.bundle()`` calls). Tests of the store's
mechanics (pruning, crashes) use a quick stand-in validator: they are about files, not data.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import types
import zipfile
from pathlib import Path

import pytest

from lulong_data import lastgood, publishing
from lulong_data.bundle import fingerprint, load_bundle
from lulong_data.contract import Problem
from lulong_data.publishing import Limits, Store, prepare
from lulong_data.settings import get_settings

# Not imported from conftest: with tests/browser/ collected too, "conftest" can be the other one.
ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "lulong_data" / "sample"
MANIFEST = b'county_code = "130324"\ndata_as_of = 2022-07-20\nprepared_by = "test"\n'


def broken_townships() -> bytes:
    """The sample's townships with one bad enum value: one error, on row 3, column 类型/kind."""
    lines = (SAMPLE_DIR / "townships.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[3] = "县"
    lines[2] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode("utf-8")


def quick_validate(folder: Path) -> tuple[list[Problem], dict[str, int]]:
    """Stand-in validator: a file containing BROKEN is an error."""
    problems = [
        Problem("error", p.name, "坏", "broken", row=2, column="x")
        for p in sorted(folder.iterdir())
        if p.is_file() and b"BROKEN" in p.read_bytes()
    ]
    return problems, {"files": len(list(folder.iterdir()))}


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    """A copy of the sample and a store initialised from it, made once (validation takes seconds)."""
    base = tmp_path_factory.mktemp("template")
    shutil.copytree(SAMPLE_DIR, base / "data")
    Store(base / "store").sync(base / "data")
    return base


@pytest.fixture
def data(tmp_path, template) -> Path:
    # copy2 keeps mtimes, so the copy's fingerprint equals the one the store recorded: no re-import
    shutil.copytree(template / "data", tmp_path / "data")
    shutil.copytree(template / "store", tmp_path / "store", symlinks=True)
    return tmp_path / "data"


@pytest.fixture
def settings(tmp_path, data):
    return get_settings(
        {
            "LULONG_DATA_DIR": str(data),
            "LULONG_VERSIONS_DIR": str(tmp_path / "store"),
            "LULONG_KEEP_VERSIONS": "3",
            "LULONG_AUTH": "header",  # open mode never uses the store (issue #20)
        }
    )


_LOADED: dict[tuple[str, str], object] = {}


def load(folder: Path):
    """load_bundle, cached by folder and fingerprint like the app's cache."""
    key = (str(folder), fingerprint(folder))
    if key not in _LOADED:
        _LOADED[key] = load_bundle(folder)
    return _LOADED[key]


def serve(settings, keeper=None):
    return lastgood.serve(settings, load, keeper or lastgood.Keeper())


@pytest.fixture
def quick(tmp_path) -> Store:
    """A store with a tiny folder and the stand-in validator, at version 0001."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "townships.csv").write_text("a\n1\n")
    store = Store(tmp_path / "qstore", keep=3, validate=quick_validate)
    store.sync(src)
    assert store.current_id() == "0001"
    return store


def zipped(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def digests(folder: Path) -> dict[str, str]:
    """Content of the data files (the hidden .version.json is the store's bookkeeping)."""
    return {p.name: publishing._digest(p) for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


# -- publish, refuse, rollback --------------------------------------------------------------------


def test_first_start_initialises_version_1_from_the_data_folder(tmp_path):
    data = tmp_path / "fresh"
    shutil.copytree(SAMPLE_DIR, data)
    s = serve(
        get_settings(
            {
                "LULONG_DATA_DIR": str(data),
                "LULONG_VERSIONS_DIR": str(tmp_path / "v"),
                "LULONG_AUTH": "header",
            }
        )
    )
    assert s.bundle.ok
    assert s.version == "0001" and s.store is not None
    assert s.bundle.folder == s.store.folder("0001")
    assert digests(s.store.folder("0001")) == digests(data)  # the bundle's files, byte for byte
    (entry,) = s.store.log()
    assert entry["action"] == "init" and entry["current"] == "0001" and entry["rows"]["households"] > 0


def test_valid_publish_is_served(settings):
    s = serve(settings)
    keeper = lastgood.Keeper()
    result = s.store.publish([("manifest.toml", MANIFEST)], who="张三", note="改截至日期")
    assert result.ok and result.version == "0002" and result.previous == "0001"
    assert result.changes == {"added": [], "replaced": ["manifest.toml"], "removed": []}
    after = serve(settings, keeper)
    assert after.version == "0002" and str(after.bundle.as_of) == "2022-07-20"
    assert after.bundle.fingerprint != s.bundle.fingerprint
    last = s.store.log()[-1]
    assert (last["id"], last["who"], last["note"], last["action"]) == (
        "0002",
        "张三",
        "改截至日期",
        "publish",
    )
    assert last["rows"]["persons"] == len(after.bundle.frames["persons"])
    assert digests(s.store.folder("0001")) == digests(SAMPLE_DIR)  # the previous version is kept intact


def test_upload_in_another_form_replaces_the_dataset(settings):
    s = serve(settings)
    csv = (SAMPLE_DIR / "trainings.csv").read_bytes()
    import pandas as pd

    buf = io.BytesIO()
    pd.read_csv(io.BytesIO(csv), dtype=str).to_excel(buf, index=False)
    result = s.store.publish([("trainings.xlsx", buf.getvalue())], who="x")
    assert result.ok, result.errors
    assert result.changes == {"added": ["trainings.xlsx"], "replaced": [], "removed": ["trainings.csv"]}


def test_invalid_publish_changes_nothing_and_says_why(settings):
    s = serve(settings)
    before = digests(s.store.folder("0001"))
    result = s.store.publish([("townships.csv", broken_townships())], who="x")
    assert not result.ok and result.version is None and result.previous == "0001"
    (error,) = result.errors
    assert (error.file, error.row) == ("townships.csv", 3) and error.column in ("类型", "kind")
    assert s.store.current_id() == "0001" and s.store.version_ids() == ["0001"]
    assert len(s.store.log()) == 1
    assert digests(s.store.folder("0001")) == before
    assert not any((s.store.root / "staging").iterdir())
    assert serve(settings).version == "0001"


def test_identical_upload_publishes_nothing(settings):
    s = serve(settings)
    result = s.store.publish([("townships.csv", (SAMPLE_DIR / "townships.csv").read_bytes())], who="x")
    assert not result.ok and result.unchanged and s.store.version_ids() == ["0001"]


def test_rollback(settings):
    s = serve(settings)
    assert s.store.publish([("manifest.toml", MANIFEST)], who="x").ok
    keeper = lastgood.Keeper()
    assert str(serve(settings, keeper).bundle.as_of) == "2022-07-20"
    result = s.store.rollback("0001", who="李四")
    assert result.ok and s.store.current_id() == "0001"
    back = serve(settings, keeper)
    assert back.version == "0001" and str(back.bundle.as_of) == "2022-07-26"
    last = s.store.log()[-1]
    assert (last["action"], last["id"], last["who"], last["current"]) == ("rollback", "0001", "李四", "0001")
    assert s.store.version_ids() == ["0001", "0002"]  # rolling back deletes nothing
    assert not s.store.rollback("0099", who="x").ok


# -- concurrency ------------------------------------------------------------------------------------


def _check_consistent(store: Store, expected_versions: int) -> None:
    log = store.log()
    assert [e["id"] for e in log] == [f"{i:04d}" for i in range(1, expected_versions + 1)]
    assert log[-1]["current"] == store.current_id() == f"{expected_versions:04d}"
    # each publish was based on the one before it: no update was lost
    assert [e["based_on"] for e in log[1:]] == [e["id"] for e in log[:-1]]
    assert not any((store.root / "staging").iterdir())


def test_two_publishes_in_threads_do_not_interleave(settings):
    store = serve(settings).store
    barrier = threading.Barrier(2)
    results = {}

    def go(name, content):
        barrier.wait()
        results[name] = store.publish([(name, content)], who=name)

    # the second upload differs from the current file only in its line ends: still a change
    crlf = (SAMPLE_DIR / "trainings.csv").read_bytes().replace(b"\n", b"\r\n")
    threads = [
        threading.Thread(target=go, args=("manifest.toml", MANIFEST)),
        threading.Thread(target=go, args=("trainings.csv", crlf)),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(r.ok for r in results.values()), {k: r.errors for k, r in results.items()}
    _check_consistent(store, 3)
    final = store.folder(store.current_id())
    assert (final / "manifest.toml").read_bytes() == MANIFEST  # both changes are in the final version
    assert b"\r\n" in (final / "trainings.csv").read_bytes()


def _publish_in_process(root: str, name: str, content: bytes, ready, go, out) -> None:
    import lulong_data.loader  # noqa: F401 - imported before the start, so both publish at the same moment

    ready.put(name)
    go.wait(120)
    result = Store(root, keep=10).publish([(name, content)], who=f"pid{os.getpid()}")
    out.put((name, result.ok, result.version))


@pytest.mark.slow
def test_two_publishes_in_processes_do_not_interleave(settings, monkeypatch):
    # A spawned child first re-runs the parent's __main__ file. After any AppTest in this session that is a
    # page script (Streamlit's script runner leaves its module in sys.modules["__main__"]): each child would
    # run a page in bare mode and never report ready. A bare __main__ has no file to re-run.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    store = serve(settings).store
    ctx = multiprocessing.get_context("spawn")
    ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    uploads = [
        ("manifest.toml", MANIFEST),
        ("trainings.csv", (SAMPLE_DIR / "trainings.csv").read_bytes().replace(b"\n", b"\r\n")),
    ]
    procs = [
        ctx.Process(target=_publish_in_process, args=(str(store.root), n, c, ready, go, out))
        for n, c in uploads
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)  # both interpreters are up and have imported the loader
    go.set()  # start both at the same moment
    for p in procs:
        p.join(180)
        assert p.exitcode == 0
    results = sorted(out.get(timeout=5) for _ in procs)
    assert [ok for _, ok, _ in results] == [True, True]
    assert sorted(v for _, _, v in results) == ["0002", "0003"]
    _check_consistent(store, 3)
    final = store.folder(store.current_id())
    assert (final / "manifest.toml").read_bytes() == MANIFEST
    assert b"\r\n" in (final / "trainings.csv").read_bytes()


def test_lock_times_out_instead_of_hanging(quick):
    other = Store(quick.root, lock_timeout=0.2, validate=quick_validate)
    with quick.locked(), pytest.raises(publishing.StoreBusy):
        other.publish([("manifest.toml", b"x = 1\n")], who="x")


# -- crashes ------------------------------------------------------------------------------------------


class Crash(Exception):
    pass


@pytest.mark.parametrize("step", ["staged", "validated", "installed"])
def test_crash_before_the_switch_leaves_the_previous_version(quick, step):
    before = digests(quick.folder("0001"))

    def hook(at):
        if at == step:
            raise Crash(at)

    quick.hook = hook
    with pytest.raises(Crash):
        quick.publish([("manifest.toml", b"x = 1\n")], who="x")
    assert quick.current_id() == "0001" and digests(quick.folder("0001")) == before
    assert [e["id"] for e in quick.log()] == ["0001"]
    quick.hook = lambda at: None
    result = quick.publish([("manifest.toml", b"x = 2\n")], who="y")
    assert result.ok and result.version == "0002"  # the crashed attempt's folder was cleared away
    assert quick.version_ids() == ["0001", "0002"]
    assert not any((quick.root / "staging").iterdir())
    assert (quick.folder("0002") / "manifest.toml").read_text() == "x = 2\n"


def test_crash_after_the_switch_keeps_the_new_version_and_repairs_the_log(quick):
    def hook(at):
        if at == "switched":
            raise Crash(at)

    quick.hook = hook
    with pytest.raises(Crash):
        quick.publish([("manifest.toml", b"x = 1\n")], who="x", note="n")
    assert quick.current_id() == "0002"  # the commit point was passed
    quick.hook = lambda at: None
    assert quick.publish([("manifest.toml", b"x = 2\n")], who="y").ok
    log = quick.log()
    assert [(e["id"], e["current"]) for e in log] == [("0001", "0001"), ("0002", "0002"), ("0003", "0003")]
    assert log[1]["recovered"] and log[1]["who"] == "x" and log[1]["note"] == "n"


@pytest.mark.slow
@pytest.mark.parametrize("step", ["staged", "installed"])
def test_killed_process_mid_publish(tmp_path, data, step):
    root = tmp_path / "store"
    store = Store(root)
    before = digests(store.folder("0001"))
    marker = tmp_path / "marker"
    # The paths go in as arguments: the script's own text stays the same for every test.
    script = f"""
import sys, time
root, marker, step = sys.argv[1:]
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from lulong_data.publishing import Store
store = Store(root)
def hook(at):
    if at == step:
        Path(marker).write_text(at)
        time.sleep(120)
store.hook = hook
store.publish([("manifest.toml", {MANIFEST!r})], who="killed")
"""
    proc = subprocess.Popen([sys.executable, "-c", script, str(root), str(marker), step])
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert proc.poll() is None, "the publishing process ended early"
            assert time.time() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert store.current_id() == "0001" and digests(store.folder("0001")) == before
    assert (
        serve(
            get_settings(
                {"LULONG_DATA_DIR": str(data), "LULONG_VERSIONS_DIR": str(root), "LULONG_AUTH": "header"}
            )
        ).version
        == "0001"
    )
    # the dead process's lock went with it; its debris is cleaned by the next publish
    result = store.publish([("manifest.toml", MANIFEST)], who="next")
    assert result.ok and result.version == "0002"
    assert store.version_ids() == ["0001", "0002"] and not any((root / "staging").iterdir())
    assert [e["who"] for e in store.log()] == ["系统", "next"]


def test_torn_log_line_is_skipped_and_not_glued(quick):
    with open(quick.log_path, "a", encoding="utf-8") as fh:
        fh.write('{"id": "00')  # a crash in the middle of a log write
    assert quick.publish([("manifest.toml", b"x = 1\n")], who="x").ok
    assert [e["id"] for e in quick.log()] == ["0001", "0002"]


# -- pruning ------------------------------------------------------------------------------------------


def test_pruning_keeps_keep_versions_and_never_the_current(quick):
    for i in range(5):
        assert quick.publish([("manifest.toml", f"x = {i}\n".encode())], who="x").ok
    assert quick.version_ids() == ["0004", "0005", "0006"]
    assert quick.rollback("0004", who="x").ok
    for i in range(3):
        assert quick.publish([("rules.toml", f"y = {i}\n".encode())], who="x").ok
    # the current one and the newest others are kept
    assert quick.version_ids() == ["0007", "0008", "0009"]
    assert quick.current_id() == "0009"
    assert quick.rollback("0007", who="x").ok
    assert quick.publish([("rules.toml", b"z = 1\n")], who="x").ok
    assert quick.current_id() == "0010" and len(quick.version_ids()) == 3
    assert [e["id"] for e in quick.log()][-1] == "0010"  # the log keeps every action


def test_pruning_spares_the_current_version_when_it_is_the_oldest(quick):
    for i in range(3):
        quick.publish([("manifest.toml", f"x = {i}\n".encode())], who="x")
    quick.rollback("0002", who="x")
    quick._prune()
    assert "0002" in quick.version_ids() and quick.current_id() == "0002"
    with quick.locked():
        quick.keep = 1
        quick._prune()
    assert quick.version_ids() == ["0002"]


# -- upload checks ------------------------------------------------------------------------------------


def test_zip_slip_is_refused(settings, tmp_path):
    s = serve(settings)
    evil = zipped({"townships.csv": b"a\n", "../../evil.csv": b"pwned"})
    result = s.store.publish([("data.zip", evil)], who="x")
    assert not result.ok and [p.code for p in result.errors] == ["zip_slip"]
    assert "evil.csv" in result.errors[0].message_zh
    assert not list(tmp_path.rglob("evil.csv")) and s.store.current_id() == "0001"
    absolute = prepare([("a.zip", zipped({"/etc/townships.csv": b"a\n"}))])
    assert [p.code for p in absolute.problems] == ["zip_slip"]


def test_zip_bomb_is_limited():
    bomb = zipped({"households.csv": b"0" * (3 * publishing.MB)})
    assert len(bomb) < 50_000
    out = prepare([("bomb.zip", bomb)], Limits(max_unzipped_bytes=publishing.MB))
    assert [p.code for p in out.problems] == ["zip_bomb"] and not out.files


def test_zip_with_one_top_folder_is_flattened_and_replaces_the_folder(settings):
    s = serve(settings)
    entries = {
        f"卢龙数据/{p.name}": p.read_bytes() for p in SAMPLE_DIR.iterdir() if p.name != "trainings.csv"
    }
    entries["卢龙数据/manifest.toml"] = MANIFEST
    result = s.store.publish([("卢龙数据.zip", zipped(entries))], who="x")
    assert result.ok, result.errors
    assert result.changes == {
        "added": [],
        "replaced": ["manifest.toml"],
        "removed": ["README.md", "trainings.csv"],
    }
    assert not serve(settings).bundle.has("trainings")


def test_zip_with_several_folders_is_refused():
    out = prepare([("a.zip", zipped({"a/townships.csv": b"x", "b/villages.csv": b"y"}))])
    assert [p.code for p in out.problems] == ["zip_folders"]


def test_file_names_types_and_sizes_are_checked():
    out = prepare(
        [("农户.xlsx", b"x"), ("evil.exe", b"x"), ("households.csv", b"x" * 200), ("Townships.CSV", b"a")],
        Limits(max_file_bytes=100),
    )
    codes = {p.file: p.code for p in out.problems}
    assert codes == {
        "农户.xlsx": "upload_name",
        "evil.exe": "upload_name",
        "households.csv": "upload_too_big",
    }
    assert "households.xlsx" in next(p for p in out.problems if p.file == "农户.xlsx").message_zh
    assert out.files == {"townships.csv": b"a"}
    total = prepare([("townships.csv", b"x" * 60), ("villages.csv", b"x" * 60)], Limits(max_total_bytes=100))
    assert [p.code for p in total.problems] == ["upload_too_big"]


def test_limits_from_the_environment():
    limits = Limits.from_env({"LULONG_UPLOAD_MAX_FILE_MB": "2", "LULONG_UPLOAD_MAX_UNZIPPED_MB": "0.5"})
    assert limits.max_file_bytes == 2 * publishing.MB and limits.max_unzipped_bytes == publishing.MB // 2


# -- last-known-good and the configured data folder --------------------------------------------------


def test_broken_file_copied_by_hand_serves_the_last_good_bundle(settings):
    keeper = lastgood.Keeper()
    good = serve(settings, keeper)
    assert good.bundle.ok and not good.stale
    (good.store.folder("0001") / "townships.csv").write_bytes(broken_townships())  # by hand
    s = serve(settings, keeper)
    assert s.stale and s.bundle is good.bundle and s.version == "0001"
    assert not s.latest.ok
    (p,) = s.problems
    assert (p.file, p.row) == ("townships.csv", 3)


def test_after_a_restart_the_newest_valid_kept_version_is_served(settings):
    s = serve(settings)
    assert s.store.publish([("manifest.toml", MANIFEST)], who="x").ok
    assert serve(settings).version == "0002"
    (s.store.folder("0002") / "townships.csv").write_bytes(broken_townships())
    restarted = serve(settings, lastgood.Keeper())  # no bundle in memory any more
    assert restarted.stale and restarted.version == "0001" and restarted.bundle.ok


def test_changed_data_folder_is_imported(settings, data):
    s = serve(settings)
    (data / "manifest.toml").write_bytes(MANIFEST)
    after = serve(settings)
    assert after.version == "0002" and str(after.bundle.as_of) == "2022-07-20"
    last = s.store.log()[-1]
    assert (last["action"], last["who"]) == ("import", "数据文件夹")


def test_broken_data_folder_is_refused_and_reported(settings, data):
    serve(settings)
    (data / "townships.csv").write_bytes(broken_townships())
    s = serve(settings)
    assert s.version == "0001" and s.bundle.ok and not s.stale
    (p,) = s.refused
    assert (p.file, p.row) == ("townships.csv", 3)
    assert serve(settings).refused  # still said on the next run, without importing again
    assert [e["id"] for e in s.store.log()] == ["0001"]


def test_default_versions_root():
    sample = get_settings({})
    assert publishing.versions_root(sample) == ROOT / "var" / "versions"
    other = get_settings({"LULONG_DATA_DIR": "/srv/lulong/data"})
    assert publishing.versions_root(other) == Path("/srv/lulong/data.versions")


def test_meta_and_log_are_json(quick):
    quick.publish([("manifest.toml", b"x = 1\n")], who="王五", note="说明")
    meta = json.loads((quick.folder("0002") / publishing.META_FILE).read_text(encoding="utf-8"))
    assert meta["who"] == "王五" and meta["changes"]["added"] == ["manifest.toml"]
    assert [v.id for v in quick.versions()] == ["0002", "0001"] and quick.versions()[0].current
