"""Shared fixtures.

The project has no installed package: put the project root on sys.path so ``import lulong_data`` works
from any working directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid

import pytest
from paths import ROOT, SAMPLE_DIR

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The state database of every test run (and of the servers browser tests start) is a throw-away SQLite file,
# never the developer's var/state or a LULONG_DB_URL set in their shell. Tests of the store itself use
# ``state_db_url``.
os.environ["LULONG_STATE_DIR"] = tempfile.mkdtemp(prefix="lulong-test-state-")
os.environ.pop("LULONG_DB_URL", None)

# Autouse: the Streamlit metric caches, shared by the tests of a process as by a server's sessions (every
# key says all a result depends on, docs/pitfalls.md), and the AppTest workarounds around every test; see
# tests/apptest.py.
from apptest import apptest_env, metric_cache_per_session  # noqa: E402, F401

# Autouse: one file's load done once per process for the same bytes (tests/loadmemo.py).
from loadmemo import load_memo  # noqa: E402, F401

BROWSER_DIR = ROOT / "tests" / "browser"


# Fixtures that write and import the county's whole week of exports in the real layouts (tests/test_imports.py):
# a test using one is an end-to-end round trip, marked ``slow``.
WEEK_OF_EXPORTS = frozenset({"built", "national_only", "chained"})


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ needs Chromium and a server: marked ``browser`` by its folder, so the
    fast lane (``make test-fast``: ``-m "not browser and not spark and not slow"``) cannot miss a new
    browser test. A test that imports the week's exports is marked ``slow`` by its fixtures."""
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if WEEK_OF_EXPORTS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def sample_bundle():
    """The bundled sample folder, loaded once per test session (never mutate it)."""
    from lulong_data.bundle import load_bundle

    if not SAMPLE_DIR.is_dir():
        pytest.fail(f"sample folder missing: {SAMPLE_DIR} (run python -m lulong_data.generator)")
    return load_bundle(SAMPLE_DIR)


@pytest.fixture(scope="session")
def three_county_folder(tmp_path_factory):
    """Three synthetic counties (lulong_data.generator.scale, 8 % of the villages), written once per session.
    Never edit it in place: copy it first."""
    from lulong_data.generator import scale

    out = tmp_path_factory.mktemp("county3") / "data"
    scale.write(out, 3, scale=0.08)
    return out


@pytest.fixture(scope="session")
def three_county_bundle(three_county_folder):
    from lulong_data.bundle import load_bundle

    return load_bundle(three_county_folder)


@pytest.fixture(params=["sqlite", "postgresql"])
def state_db_url(request, tmp_path):
    """A fresh, empty state database URL: an SQLite file, and a new database on the PostgreSQL server of
    ``LULONG_TEST_PG_URL`` (scripts/with-postgres.sh starts one). Without that variable the PostgreSQL case
    skips, except in CI (CI=1), where it fails: CI must prove the store on both."""
    from lulong_data import store

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.sqlite'}"
        store.dispose()
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base = os.environ.get("LULONG_TEST_PG_URL")
    if not base:
        if os.environ.get("CI") == "1":
            pytest.fail(
                "LULONG_TEST_PG_URL is not set: CI runs the store tests on PostgreSQL (scripts/with-postgres.sh)"
            )
        pytest.skip("LULONG_TEST_PG_URL not set (run under scripts/with-postgres.sh for the PostgreSQL case)")
    name = f"lulong_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()
