"""The serving path uses public Streamlit API only (issue 21 item 3).

Private internals break silently when Streamlit changes them (the run token was the identity of a private
``cursors`` dict). What cannot be avoided lives in tests/apptest.py only, with the version it was checked on.
"""

from __future__ import annotations

from paths import ROOT

PRIVATE = ("_convert_altair_to_vega_lite_spec", "ctx.cursors", "_context_info_field", "get_script_run_ctx")


def test_no_private_streamlit_api_outside_tests():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("tests", ".venv", "screenshots") or rel.parts[0].startswith("."):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{rel}: {name}" for name in PRIVATE if name in text]
    assert not found, found


def test_page_guards_name_their_page():
    from components import nav

    for path in sorted((ROOT / "pages").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert 'if __name__ == "__main__":\n    nav.back_to_router(__file__)' in text, path.name
        assert nav._FILES.get(path.stem, path.stem) in nav.SPECS, path.name
