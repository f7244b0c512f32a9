"""Paths the tests share. A module of its own because `from conftest import ...` is ambiguous once
tests/browser/conftest.py is collected too."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "lulong_data" / "sample"
