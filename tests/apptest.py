"""How page tests reach a page through the real router, and read what its download buttons would hand out.

Every workaround for Streamlit's private AppTest internals lives here, each verified on Streamlit 1.67.0.
Page tests call ``open_page`` / ``switch_to`` / ``download_data``; ``apptest_env`` (autouse, imported by
tests/conftest.py) installs the three patches and clears the caches around every test.

    at = open_page("monitoring", session={"township": "130324100"})
    data = download_data(at, "mon_overdue_xlsx")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
import streamlit as st
from paths import ROOT
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

APP = ROOT / "app.py"
# Seconds per script run. AppTest's default (3 s) is far too short on a loaded CI machine (docs/pitfalls.md).
TIMEOUT = 240

# file id -> (callable, file name) of every deferred download registered during the current test.
_DEFERRED: dict[str, tuple[Callable[[], Any], str | None]] = {}


@pytest.fixture(autouse=True, scope="session")
def metric_cache_per_session() -> Iterator[None]:
    """Metric results (st.cache_data) shared by every test of the process, as a server's sessions share
    them: every cached function is keyed by the data's content fingerprint (plus county) and its
    parameters and returns a copy, so a result computed for one test is the result another test would
    compute (docs/pitfalls.md). Recomputing them cold for every test cost about a third of the page tests'
    time, and once per module still a seventh. A test that needs cold caches clears them itself."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def apptest_env(metric_cache_per_session) -> Iterator[None]:
    """A fresh last-good bundle per test; router-only runs; deferred downloads kept.

    Keeps st.cache_resource (the loaded bundles and built charts): a bundle is immutable and keyed by its
    folder and content fingerprint, so reusing it across tests is what a server does across sessions and
    leaks nothing, while reloading it cost seconds per AppTest.
    """
    from components import context

    context._LAST_GOOD.clear()
    _DEFERRED.clear()
    with router_only(), downloads_kept(), components_scanned_once():
        yield
    _DEFERRED.clear()


@contextmanager
def router_only() -> Iterator[None]:
    """(1) AppTest.run sets PagesManager.uses_pages_directory = None before every run, so the next
    PagesManager sees our pages/ folder and the run takes Streamlit's legacy MPA v1 path (pages/x.py run
    directly; its guard then switches to app.py's default page). A real server takes that path only until
    app.py first calls st.navigation (which sets the flag False); the browser tests cover that first
    request. Here, behave like a server past it. Verified on Streamlit 1.67.0 (testing/v1/app_test.py
    ``_run``, runtime/pages_manager.py ``__init__``)."""
    init = PagesManager.__init__

    def init_router_only(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_router_only
    try:
        yield
    finally:
        PagesManager.__init__ = init


@contextmanager
def downloads_kept() -> Iterator[None]:
    """(2) ``st.download_button(data=callable)`` only registers the callable with the runtime's media file
    manager; AppTest builds a new mock runtime per run and drops it, so nothing public returns the bytes.
    Keep each callable by the file id the button's proto carries (``deferred_file_id``), as a click would
    run it. Verified on Streamlit 1.67.0 (runtime/media_file_manager.py ``add_deferred``)."""
    add_deferred = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        _DEFERRED[file_id] = (data_callable, file_name)
        return file_id

    MediaFileManager.add_deferred = keep
    try:
        yield
    finally:
        MediaFileManager.add_deferred = add_deferred


_MANIFESTS: list = []


@contextmanager
def components_scanned_once() -> Iterator[None]:
    """(4) Every new AppTest scans every installed distribution's metadata for Streamlit component
    manifests (≈ 0.1 CPU-s and 0.4 s, a few hundred packages in this venv) before its first run; a server
    scans once when it starts. Packages are not installed during a test session: scan once per session.
    Verified on Streamlit 1.67.0 (testing/v1/app_test.py ``_run`` -> BidiComponentManager
    .discover_and_register_components, which imports ``scan_component_manifests`` when called)."""
    scan = manifest_scanner.scan_component_manifests

    def scanned(*args, **kwargs):
        if not _MANIFESTS:
            _MANIFESTS.append(scan(*args, **kwargs))
        return list(_MANIFESTS[0])

    manifest_scanner.scan_component_manifests = scanned
    try:
        yield
    finally:
        manifest_scanner.scan_component_manifests = scan


def request(at: AppTest, url_path: str) -> None:
    """(3) Make ``url_path`` the page of ``at``'s next run. A page is a callable st.Page, which
    AppTest.switch_page cannot reach (it matches script files). st.Page hashes its url_path
    (``Page._script_hash = calc_hash(url_path)``, also for the default page) and AppTest sends the private
    ``_page_hash`` as the requested page of the next run, so setting it before the first run opens the page
    directly. Verified on Streamlit 1.67.0 (navigation/page.py, testing/v1/app_test.py ``_run``)."""
    at._page_hash = calc_hash(url_path)


def open_page(
    url_path: str = "overview",
    *,
    query: Mapping[str, str] | None = None,
    session: Mapping[str, Any] | None = None,
    timeout: float = TIMEOUT,
    check: bool = True,
) -> AppTest:
    """Run app.py (the router) once, landing on ``url_path``; ``session``/``query`` are set before the run.

    With ``check`` (default) the run must raise nothing and finish on the requested page.
    """
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return switch_to(at, url_path, check=check)


def switch_to(at: AppTest, url_path: str, *, check: bool = True) -> AppTest:
    """Run ``at`` again on another page of the router, keeping its session."""
    request(at, url_path)
    at.run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
        assert at._finished_page_script_hash == calc_hash(url_path), f"not on {url_path}"
    return at


def _download_button(at: AppTest, label_or_key: str):
    buttons = list(at.get("download_button"))
    for button in buttons:
        p = button.proto
        name = _DEFERRED.get(p.deferred_file_id, (None, None))[1]
        if label_or_key in (p.label, name) or p.id.endswith(label_or_key):  # the id ends with the key
            return button
    raise AssertionError(f"no download button {label_or_key!r}: {[b.proto.label for b in buttons]}")


def download_data(at: AppTest, label_or_key: str) -> bytes:
    """The bytes a click on the download button (by key, label or file name) would hand out."""
    button = _download_button(at, label_or_key)
    data = _DEFERRED[button.proto.deferred_file_id][0]()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def download_name(at: AppTest, label_or_key: str) -> str | None:
    """The file name the download button (by key, label or file name) offers."""
    return _DEFERRED[_download_button(at, label_or_key).proto.deferred_file_id][1]


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def vega_charts(at: AppTest) -> list[tuple[dict, list]]:
    """(Vega-Lite spec, [data frames]) of every Altair chart on the page, in page order."""
    # AppTest has no public accessor for vega_lite_chart elements (1.67.0): walk the element tree.
    import json

    import pyarrow as pa

    out = []
    for el in _walk(at._tree):
        if getattr(el, "type", "") == "vega_lite_chart":
            frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in el.proto.datasets]
            out.append((json.loads(el.proto.spec), frames))
    return out
