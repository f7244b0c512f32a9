"""Validated snapshots (issue 21 item 4): a folder validated once is read back without validating when,
and only when, its fingerprint and the contract version match and the snapshot is whole."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from loader_builders import tables, write_folder
from paths import SAMPLE_DIR

from lulong_data import contract, loader, snapshot
from lulong_data.bundle import fingerprint, load_bundle
from lulong_data.publishing import Store

OLD = time.time() - 3600  # an hour ago: the folder has settled (snapshot.SETTLE_SECONDS)


def settle(folder: Path) -> Path:
    for path in folder.rglob("*"):
        os.utime(path, (OLD, OLD))
    return folder


@pytest.fixture
def state(tmp_path, monkeypatch) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("LULONG_STATE_DIR", str(state))
    return state


@pytest.fixture
def folder(tmp_path, state) -> Path:
    """A tiny valid folder (loader_builders), with one warning so the report is not empty."""
    data = tables()
    data["households"][1]["head_name"] = "李四"
    folder = write_folder(tmp_path / "data", data)
    (folder / "notes.txt").write_text("not a data file\n", encoding="utf-8")  # an unknown_file warning
    return settle(folder)


class Validations:
    """Counts load_folder calls (i.e. validations)."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        real = loader.load_folder

        def counted(path, **kwargs):
            self.count += 1
            return real(path, **kwargs)

        monkeypatch.setattr(loader, "load_folder", counted)


@pytest.fixture
def validations(monkeypatch) -> Validations:
    return Validations(monkeypatch)


def same_bundle(a, b) -> None:
    assert set(a.frames) == set(b.frames)
    for name in a.frames:
        pd.testing.assert_frame_equal(a.frames[name], b.frames[name], obj=name)
    assert a.problems == b.problems
    assert a.present == b.present
    assert (a.as_of, a.fingerprint, a.manifest, a.geo) == (b.as_of, b.fingerprint, b.manifest, b.geo)
    assert {k: Path(v) for k, v in dict(a.files).items()} == {k: Path(v) for k, v in dict(b.files).items()}


def test_match_reads_the_snapshot_without_validating(folder, validations):
    first = load_bundle(folder)
    assert validations.count == 1
    assert first.warnings and any(p.code == "unknown_file" for p in first.warnings)
    where = snapshot.location(folder)
    assert (where / snapshot.META).is_file()
    meta = json.loads((where / snapshot.META).read_text(encoding="utf-8"))
    assert meta["fingerprint"] == fingerprint(folder)
    assert meta["contract"] == snapshot.contract_version()
    assert set(meta["tables"]) == set(contract.DATASETS)  # driven by the contract, absent ones too

    again = load_bundle(folder)
    assert validations.count == 1  # not validated again
    same_bundle(first, again)
    # typed as the contract says, absent datasets included
    for name, ds in contract.DATASETS.items():
        for col in ds.columns:
            assert again.frames[name][col.name].dtype == first.frames[name][col.name].dtype


def test_sample_round_trip_is_exact(tmp_path, state, validations):
    """The whole sample (every dataset, GeoJSON, manifest) comes back exactly as validated."""
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, copy)  # copy2 keeps the files' (old) mtimes
    settle(copy)
    first = load_bundle(copy)
    again = load_bundle(copy)
    assert validations.count == 1
    same_bundle(first, again)
    assert again.geo and again.manifest


def test_a_changed_folder_is_validated_again(folder, validations):
    load_bundle(folder)
    path = folder / "households.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("李四", "王五"), encoding="utf-8")
    os.utime(path, (OLD + 60, OLD + 60))  # same size: only the mtime tells
    b = load_bundle(folder)
    assert validations.count == 2
    assert "王五" in set(b.frames["households"]["head_name"].dropna())
    load_bundle(folder)  # and the new state's snapshot replaced the old one
    assert validations.count == 2


def test_an_added_file_is_seen(folder, validations):
    load_bundle(folder)
    shutil.copy2(folder / "notes.txt", folder / "more.txt")
    b = load_bundle(folder)
    assert validations.count == 2
    assert sum(p.code == "unknown_file" for p in b.warnings) == 2


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "empty meta", "bad meta", "no table"])
def test_a_damaged_snapshot_is_ignored_and_replaced(folder, validations, damage):
    first = load_bundle(folder)
    where = snapshot.location(folder)
    table = where / f"households{snapshot.SUFFIX}"
    if damage == "flip a byte":
        data = bytearray(table.read_bytes())
        data[len(data) // 2] ^= 0xFF
        table.write_bytes(bytes(data))
    elif damage == "truncate":
        table.write_bytes(table.read_bytes()[:100])
    elif damage == "empty meta":
        (where / snapshot.META).write_text("", encoding="utf-8")
    elif damage == "bad meta":
        meta = json.loads((where / snapshot.META).read_text(encoding="utf-8"))
        meta["tables"]["households"]["rows"] = "many"
        (where / snapshot.META).write_text(json.dumps(meta), encoding="utf-8")
    else:
        table.unlink()
    again = load_bundle(folder)
    assert validations.count == 2  # validated again, not trusted
    same_bundle(first, again)
    load_bundle(folder)
    assert validations.count == 2  # a whole snapshot was written in its place


def test_a_snapshot_of_another_contract_version_is_not_used(folder, validations, monkeypatch):
    load_bundle(folder)
    monkeypatch.setattr(snapshot, "contract_version", lambda: "another contract")
    load_bundle(folder)
    assert validations.count == 2
    load_bundle(folder)
    assert validations.count == 2  # rewritten under the new version


def test_a_new_column_or_dataset_changes_the_contract_version(monkeypatch):
    before = snapshot.contract_version()
    households = contract.DATASETS["households"]
    extra = contract.Column(
        "income_per_capita_x", "人均纯收入X", "float", "test", required=False, nullable=True
    )
    try:
        snapshot.contract_version.cache_clear()
        wider = dataclasses.replace(households, columns=(*households.columns, extra))
        monkeypatch.setitem(contract.DATASETS, "households", wider)
        with_column = snapshot.contract_version()
        snapshot.contract_version.cache_clear()
        monkeypatch.setitem(
            contract.DATASETS, "holidays_x", contract.Dataset("holidays_x", "节假日X", "x", ())
        )
        with_dataset = snapshot.contract_version()
    finally:
        monkeypatch.undo()
        snapshot.contract_version.cache_clear()
    assert len({before, with_column, with_dataset}) == 3
    assert snapshot.contract_version() == before


def test_frames_not_typed_as_the_contract_says_are_not_used(folder, validations):
    result = loader.load_folder(folder)
    households = result.frames["households"]
    frames = {
        **result.frames,
        "households": households.assign(persons=households["persons"].astype("float64")),
    }
    snapshot.write(folder, fingerprint(folder), dataclasses.replace(result, frames=frames))
    assert validations.count == 1
    load_bundle(folder)
    assert validations.count == 2  # the snapshot was not trusted


def test_headers_as_in_the_files_are_kept(folder, validations):
    """Which columns a file had (an optional column left out is "not recorded", not zero) survives."""
    first = loader.load_folder(folder)
    snapshot.write(folder, fingerprint(folder), first)
    again = snapshot.read(folder, fingerprint(folder))
    assert again is not None and again.headers == first.headers and again.headers["households"]


def test_the_row_numbers_messages_name_are_kept(folder, validations):
    """Each row's spreadsheet row survives (an import checks copied datasets against changed ones with
    them): rows that run on are one number, rows with a gap (a blank line) a file of them."""
    path = folder / "households.csv"
    head, *body = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(head + body[0] + "\n" + "".join(body[1:]), encoding="utf-8")  # a blank row 3
    settle(folder)
    first = loader.load_folder(folder)
    assert list(first.rows["households"][:2]) == [2, 4]
    snapshot.write(folder, fingerprint(folder), first)
    again = snapshot.read(folder, fingerprint(folder))
    assert again is not None
    for name in first.present:
        assert list(again.rows[name]) == list(first.rows[name]), name
    meta = json.loads((snapshot.location(folder) / snapshot.META).read_text(encoding="utf-8"))
    assert "rows_file" in meta["tables"]["households"] and meta["tables"]["villages"]["first_row"] == 2
    # a damaged file of row numbers is not trusted
    (snapshot.location(folder) / meta["tables"]["households"]["rows_file"]).write_bytes(b"x")
    assert snapshot.read(folder, fingerprint(folder)) is None


def test_a_report_with_errors_is_kept_too(folder, validations):
    path = folder / "households.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2016,", ",20xx,"), encoding="utf-8")
    settle(folder)
    first = load_bundle(folder)
    assert first.errors
    again = load_bundle(folder)
    assert validations.count == 1
    assert again.errors == first.errors


def test_a_folder_written_just_now_gets_no_snapshot_from_load(tmp_path, state, validations):
    fresh = write_folder(tmp_path / "fresh")  # mtimes now: could still change within the clock's tick
    load_bundle(fresh)
    assert not snapshot.location(fresh).exists()
    load_bundle(fresh, snapshots=False)
    assert validations.count == 2


def test_without_snapshots_nothing_is_read_or_written(folder, validations):
    load_bundle(folder, snapshots=False)
    assert not snapshot.location(folder).exists()
    load_bundle(folder)
    load_bundle(folder, snapshots=False)
    assert validations.count == 3


def test_an_unwritable_place_only_costs_a_validation(folder, validations, monkeypatch, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("LULONG_STATE_DIR", str(blocker))
    first = load_bundle(folder)
    second = load_bundle(folder)
    assert validations.count == 2
    same_bundle(first, second)


# -- versions store ---------------------------------------------------------------------------------


def test_publish_and_import_write_the_snapshot_beside_the_version(folder, tmp_path, validations):
    store = Store(tmp_path / "store", keep=2)
    assert store.sync(folder).ok  # import: validated once, snapshot beside version 0001
    assert validations.count == 1
    v1 = store.current_folder()
    assert snapshot.location(v1) == store.root / "snapshots" / "0001"
    assert (store.root / "snapshots" / "0001" / snapshot.META).is_file()
    b = load_bundle(v1)  # a server start: no validation
    assert validations.count == 1
    assert b.fingerprint == fingerprint(v1) and b.ok

    manifest = (folder / "manifest.toml").read_bytes() + b'note = "second"\n'
    assert store.publish([("manifest.toml", manifest)], who="t").ok  # publish: validated once more
    assert validations.count == 2
    assert load_bundle(store.current_folder()).manifest["note"] == "second"
    assert validations.count == 2

    assert store.rollback("0001", who="t").ok
    load_bundle(store.current_folder())  # a rollback reads the kept version's snapshot
    assert validations.count == 2

    manifest += b'note2 = "third"\n'
    assert store.publish([("manifest.toml", manifest)], who="t").ok
    assert store.version_ids() == ["0002", "0003"]  # keep=2: 0001 pruned, and its snapshot with it
    assert sorted(p.name for p in (store.root / "snapshots").iterdir()) == ["0002", "0003"]


def test_a_store_removes_snapshots_of_versions_it_does_not_keep(folder, tmp_path):
    store = Store(tmp_path / "store")
    store.sync(folder)
    orphan = store.root / "snapshots" / "0042"
    orphan.mkdir()
    half = store.root / "snapshots" / ".0001.tmp-1-x"
    half.mkdir()
    with store.locked():  # whoever takes the lock next repairs what a crash left behind
        pass
    assert sorted(p.name for p in (store.root / "snapshots").iterdir()) == ["0001"]


def test_the_contract_version_follows_the_code_that_validates():
    names = {p.name for p in snapshot._loader_sources()}
    assert {"loader.py", "contract.py", "checks.py", "schemas.py", "parsing.py", "reading.py"} <= names
    assert "snapshot.py" not in names and "metrics" not in {p.parent.name for p in snapshot._loader_sources()}


def _imports_by_syntax_tree(source: str) -> set[str]:
    """What a module imports from lulong_data, by its syntax tree (the oracle of snapshot._imported)."""
    import ast

    found: set[str] = set()
    todo = [ast.parse(source)]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("lulong_data.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lulong_data"):
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        for child in ast.iter_child_nodes(node):
            test = child.test if isinstance(child, ast.If) else None
            if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
                todo.extend(child.orelse)
                continue
            todo.append(child)
    return found


def test_the_imports_found_in_the_text_are_those_of_the_syntax_tree():
    """The contract version's walk over the loader's imports reads import statements from the text; for every
    module of the package it finds what the syntax tree holds (so the version follows the same files)."""
    from pathlib import Path

    package = Path(snapshot.__file__).parent
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert set(snapshot._imported(source)) == _imports_by_syntax_tree(source), path
    tricky = (
        "from lulong_data.x import (\n    a,  # one\n    b as c,\n)\n"
        "import os, lulong_data.y as z\n"
        "if TYPE_CHECKING:\n    from lulong_data import bundle\n\n    import lulong_data.w\nelse:\n"
        "    from lulong_data import v\n"
        "def f():\n    if TYPE_CHECKING: import lulong_data.u\n    from lulong_data.t import s\n"
    )
    assert set(snapshot._imported(tricky)) == _imports_by_syntax_tree(tricky)
