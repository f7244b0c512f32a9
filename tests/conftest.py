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
