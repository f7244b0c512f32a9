"""Shared fixtures.

The project has no installed package: put the project root on sys.path so ``import lulong_data`` works
from any working directory.
"""

from __future__ import annotations

import sys

import pytest
from paths import ROOT, SAMPLE_DIR

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Autouse: fresh Streamlit metric caches around every test (they are process-wide and leak between
# AppTests, DESIGN.md) and the AppTest workarounds; see tests/apptest.py.
from apptest import apptest_env  # noqa: E402, F401


@pytest.fixture(scope="session")
def sample_bundle():
    """The bundled sample folder, loaded once per test session (never mutate it)."""
    from lulong_data.bundle import load_bundle

    if not SAMPLE_DIR.is_dir():
        pytest.fail(f"sample folder missing: {SAMPLE_DIR} (run python -m lulong_data.generator)")
    return load_bundle(SAMPLE_DIR)
