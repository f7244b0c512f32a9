"""The CSS laid over Streamlit's own elements (components.streamlit_css) is checked against this Streamlit."""

from __future__ import annotations

from pathlib import Path

import streamlit

from components import streamlit_css

FRONTEND = Path(streamlit.__file__).parent / "static"


def test_the_rules_were_checked_on_the_installed_streamlit():
    # Another version may rename an element or change a text: re-run tests/browser/test_fit.py (it fails on
    # English words and cut text on every page), fix the rules, then update STREAMLIT_VERSION.
    assert streamlit.__version__ == streamlit_css.STREAMLIT_VERSION


def test_every_testid_a_rule_relies_on_exists_in_the_frontend():
    bundle = "".join(p.read_text(errors="ignore") for p in FRONTEND.rglob("*.js"))
    for rule in streamlit_css._rules():
        for testid in rule.testids:
            assert testid in bundle, f"{testid} ({rule.why}) is not in Streamlit {streamlit.__version__}"
            assert testid in rule.css, f"{rule.why}: {testid} listed but not used"


def test_the_english_texts_the_rules_hide_are_still_streamlit_s():
    # If Streamlit drops or translates a text, the rule that hides it is dead weight: remove it.
    bundle = "".join(p.read_text(errors="ignore") for p in FRONTEND.rglob("*.js"))
    for text in ("per file", "Choose options", "Stop"):
        assert text in bundle, text
