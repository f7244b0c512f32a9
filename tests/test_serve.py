"""serve.py (issue 21 item 4): a (re)started server reads the current version from its validated snapshot
and computes the default page before its first request, so the first visitor computes nothing."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys

import pytest
import streamlit as st
from apptest import open_page
from factories import LEADER_HEADERS, LEADER_ROLES
from ibis.backends import duckdb as ibis_duckdb
from paths import ROOT, SAMPLE_DIR

import serve
from components import auth, context
from lulong_data import loader
from lulong_data.publishing import Store


@pytest.fixture
def published(monkeypatch, tmp_path):
    """The sample imported into a versions store (validated once, snapshot written), as after a first start."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    monkeypatch.setenv("LULONG_DATA_DIR", str(data))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    # Open mode serves the sample only and never uses the store (issue #20): a leader signs in.
    roles = tmp_path / "roles.toml"
    roles.write_text(LEADER_ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: dict(LEADER_HEADERS))
    assert Store(tmp_path / "store").sync(data).ok
    return tmp_path / "store"


def test_a_restart_validates_nothing_and_the_first_visit_computes_nothing(published, monkeypatch):
    # A new server process: nothing in memory.
    st.cache_data.clear()
    context._bundle_for.clear()
    context._LAST_GOOD.clear()

    def forbidden(*args, **kwargs):
        raise AssertionError("computed after the start")

    monkeypatch.setattr(loader, "load_folder", forbidden)  # the snapshot is read, the folder not validated
    serve.preload()
    # The overview's figures are in the shared cache: its first visit runs no query at all.
    monkeypatch.setattr(ibis_duckdb.Backend, "execute", forbidden)
    at = open_page("overview")
    assert at.metric and not at.exception


def test_a_failing_warm_up_is_logged_and_the_server_starts(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no data")

    started = []
    monkeypatch.setattr(serve, "preload", broken)
    monkeypatch.setattr(serve.cli, "main", lambda args, prog_name: started.append(args) or 0)
    with caplog.at_level(logging.ERROR, logger="serve"):
        assert serve.main(["--server.port=8765"]) == 0
    assert "warming up failed" in caplog.text
    assert started == [["run", str(serve.APP), "--server.port=8765"]]


WARM_UP_THEN_LIST_COMPONENTS = """
import sys
sys.path.insert(0, sys.argv[1])
import serve
serve.preload()
from streamlit.components.v1.custom_component import CustomComponent
print(sorted({f"{name}.{key}" for name, module in list(sys.modules.items())
              for key, value in list(vars(module).items()) if isinstance(value, CustomComponent)}))
"""


@pytest.mark.slow
def test_the_warm_up_declares_no_streamlit_component(published):
    """A component declared outside a session is never registered with the server, which then answers
    404 for its files (the map stayed a grey placeholder): the warm-up must not import one."""
    proc = subprocess.run(
        [sys.executable, "-c", WARM_UP_THEN_LIST_COMPONENTS, str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"
