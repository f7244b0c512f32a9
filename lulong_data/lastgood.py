"""Last-known-good: what the app serves when the data on disk has gone bad.

Published versions are validated, but a folder can still break behind the store's back (someone copies a
file into the current version by hand, or the configured data folder changes and fails validation). The
app then keeps serving the last bundle that loaded without errors and says why, naming the problem. The
last good bundle is kept in process memory; its version id is kept on disk (``<root>/lastgood``) so a
restarted server finds it too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lulong_data import publishing
from lulong_data.bundle import Bundle
from lulong_data.contract import Problem
from lulong_data.settings import Settings

log = logging.getLogger(__name__)

Loader = Callable[[Path], Bundle]
# Looking at the configured data folder costs a directory scan; every rerun calls serve() many times.
SYNC_INTERVAL = 2.0  # seconds


@dataclass(frozen=True)
class Served:
    """The bundle to show, and the newer state that could not be shown (if any)."""

    bundle: Bundle  # what the app shows
    latest: Bundle  # the current folder as it is on disk (the same bundle unless ``stale``)
    version: str | None = None  # version id of ``bundle`` when a version store is in use
    stale: bool = False  # ``latest`` has errors: ``bundle`` is the last valid state
    refused: tuple[Problem, ...] = ()  # errors of the configured data folder's newer state (not imported)
    source: Path | None = None  # that configured data folder
    store: publishing.Store | None = None

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Errors of the newer state that is not being shown."""
        return tuple(self.latest.errors) if self.stale else self.refused


class Keeper:
    """The last bundle served without errors, per versions root (or data folder), in process memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._good: dict[str, tuple[Bundle, str | None]] = {}
        self._synced: dict[str, float] = {}
        self._tried: set[tuple[str, str]] = set()

    def get(self, key: str) -> tuple[Bundle, str | None] | None:
        with self._lock:
            return self._good.get(key)

    def put(self, key: str, bundle: Bundle, version: str | None) -> None:
        with self._lock:
            self._good[key] = (bundle, version)

    def first_try(self, key: str, fingerprint: str) -> bool:
        """True once per broken state: the search for an older good version is not repeated."""
        with self._lock:
            if (key, fingerprint) in self._tried:
                return False
            self._tried.add((key, fingerprint))
            return True

    def due(self, key: str, interval: float) -> bool:
        """True at most once per ``interval`` seconds for ``key`` (always the first time)."""
        now = time.monotonic()
        with self._lock:
            if now - self._synced.get(key, float("-inf")) < interval:
                return False
            self._synced[key] = now
            return True

    def clear(self) -> None:
        with self._lock:
            self._good.clear()
            self._synced.clear()
            self._tried.clear()


def _vanished(b: Bundle) -> bool:
    return any(p.code == "folder_unreadable" for p in b.problems)


def resolve(
    settings: Settings, keeper: Keeper | None = None
) -> tuple[Path, publishing.Store | None, tuple[Problem, ...]]:
    """The folder to read now: the store's current version (initialised or refreshed from the data
    folder first), or the data folder itself when no store can be used (e.g. a read-only disk).
    Open mode never uses the store (it writes nothing): the data folder, which must be the sample."""
    if settings.auth_mode == "open":
        return Path(settings.data_dir), None, ()
    try:
        store = publishing.store_for(settings)
        if keeper is None or store.current_id() is None or keeper.due(str(store.root), SYNC_INTERVAL):
            store.sync(settings.data_dir)
        folder = store.current_folder()
        if folder is not None:
            return folder, store, tuple(store.source_problems())
    except Exception:  # noqa: BLE001 - a broken store must not take the dashboard down: read the folder
        log.exception("the versions store cannot be used; reading %s directly", settings.data_dir)
    return Path(settings.data_dir), None, ()


def serve(settings: Settings, load: Loader, keeper: Keeper) -> Served:
    """The bundle to show: the current folder if it has no errors, else the last good one."""
    folder, store, refused = resolve(settings, keeper)
    latest = load(folder)
    if store is not None and _vanished(latest):
        # A publish and prune may have removed the version we resolved a moment ago: look again.
        again = store.current_folder()
        if again is not None and again != folder:
            folder, latest = again, load(again)
    key = str(store.root if store else folder)
    version = folder.name if store else None
    common = dict(refused=refused, source=Path(settings.data_dir), store=store)
    if latest.ok:
        known = keeper.get(key)
        keeper.put(key, latest, version)
        if store is not None and version and (known is None or known[1] != version):
            try:
                store.mark_good(version)
            except OSError:
                log.warning("cannot record the last good version in %s", store.root)
        return Served(latest, latest, version, **common)
    good = keeper.get(key)
    if good is None and store is not None and keeper.first_try(key, latest.fingerprint):
        good = _fallback(store, version, load)
        if good is not None:
            keeper.put(key, *good)
    if good is None:
        # Nothing better to show: the folder as it is (the header lists its errors).
        return Served(latest, latest, version, **common)
    return Served(good[0], latest, good[1], stale=True, **common)


def _fallback(store: publishing.Store, broken: str | None, load: Loader) -> tuple[Bundle, str] | None:
    """A fresh process has no good bundle in memory: the version recorded as good before the restart,
    else the newest other kept version that loads without errors (kept versions were validated)."""
    recorded = store.last_good()
    others = [v.id for v in store.versions() if v.id != broken]
    for vid in dict.fromkeys([recorded, *others]):
        if vid and vid != broken:
            candidate = load(store.folder(vid))
            if candidate.ok:
                return candidate, vid
    return None
