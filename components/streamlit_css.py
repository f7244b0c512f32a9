"""Every CSS rule the app lays over Streamlit's own elements, in one place, each keyed to a stable selector.

Streamlit writes some texts itself, in English, with no option to change them; where a public option
exists it is used instead (listed below for completeness). Each rule names the element by its
``data-testid`` (Streamlit's test ids, stable across releases far more than its generated class names).

Checked on Streamlit ``STREAMLIT_VERSION``: tests/test_streamlit_css.py fails on another version (re-run
tests/browser/test_fit.py, which looks for English words and cut text on every page, then update the
version here) and fails when a ``data-testid`` below no longer occurs in Streamlit's frontend.

Streamlit's English texts in Chinese mode, and what removes each:

| text                                          | element                     | remedy                                    |
|-----------------------------------------------|-----------------------------|-------------------------------------------|
| "Choose options" / "Choose an option"         | multiselect/selectbox       | ``placeholder=PLACEHOLDER`` (public)      |
| "Upload", "200MB per file • CSV, …"           | file uploader               | CSS below; label/help say it in Chinese   |
| "Stop" (while a page computes)                | status widget, top right    | CSS below                                 |
| "Print", "Record screen"                      | main menu (⋮)               | ``client.toolbarMode = "minimal"``        |
| "Page not found"                              | an address with no page     | components.nav (every address lands)      |
| month and weekday names of the date picker    | date input calendar         | none needed: it follows the browser's     |
|                                               |                             | language (Chinese on a Chinese Windows)   |
| hover tooltips of a table's toolbar           | st.dataframe                | not changed (hover only)                  |
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.context import lang
from lulong_data import glossary

STREAMLIT_VERSION = "1.67.0"


@dataclass(frozen=True)
class Rule:
    testids: tuple[str, ...]  # the data-testid values the selector relies on (checked by the tests)
    css: str
    why: str
    zh_only: bool = False  # replaces an English text: Chinese mode only


def _replace_text(selector: str, text: str, size: str = "1rem") -> str:
    # The element's own text is set to size 0 and the Chinese text drawn after it at the element's size.
    return f'{selector}{{font-size:0 !important;}}{selector}::after{{content:"{text}";font-size:{size};}}'


def _rules() -> tuple[Rule, ...]:
    zh = glossary.term
    return (
        Rule(
            ("stMainBlockContainer",),
            '@media (max-width: 1400px){[data-testid="stMainBlockContainer"]'
            "{padding-left:2rem;padding-right:2rem;}}"
            '[data-testid="stMainBlockContainer"]{padding-top:3.5rem;}',
            "room for tables on 1024–1366 px screens: Streamlit's wide layout keeps 5rem on each side and 6rem "
            "above the first line",
        ),
        Rule(
            ("stMetric", "stMetricValue", "stMetricDeltaDescription"),
            '[data-testid="stMetric"] p,[data-testid="stMetric"] [data-testid="stMarkdownContainer"],'
            '[data-testid="stMetricDeltaDescription"],[data-testid="stMetricValue"] > div'
            "{white-space:normal !important;overflow:visible !important;text-overflow:clip !important;}",
            "a tile's label, value or change wraps on a narrow screen instead of ending in an ellipsis",
        ),
        Rule(
            ("stMetricLabel", "stMetricValue"),
            '[data-testid="stMetricLabel"] p,[data-testid="stMetricValue"] p'
            "{word-break:keep-all;overflow-wrap:break-word;}",
            "a tile's label and value wrap at their spaces (黑榜 / 红榜村, 11个 / 10个 at 1024 px), not between a "
            "number and its unit (10 / 个) or before a last character (红榜 / 村); a part too long for the line "
            "still breaks",
        ),
        Rule(
            ("stMultiSelectTagsContainer",),
            '[data-testid="stMultiSelectTagsContainer"] [data-tag]{max-width:100%;height:auto;}'
            '[data-testid="stMultiSelectTagsContainer"] [data-tag] > span'
            "{white-space:normal !important;overflow:visible !important;text-overflow:clip !important;}",
            "a chosen option of a multiselect wraps instead of ending in an ellipsis on a phone",
        ),
        Rule(
            ("stFileUploaderDropzoneInstructions",),
            '[data-testid="stFileUploaderDropzoneInstructions"]{display:none;}',
            '"200MB per file • CSV, …": the uploader\'s help says the limit and the kinds of file in Chinese',
            zh_only=True,
        ),
        Rule(
            ("stFileUploaderDropzone", "stMarkdownContainer"),
            _replace_text(
                '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
                zh("upload_files"),
            ),
            '"Upload" on the uploader\'s button',
            zh_only=True,
        ),
        Rule(
            ("stStatusWidget", "stBaseButton-"),  # the button id is built as stBaseButton-${kind}
            _replace_text(
                '[data-testid="stStatusWidget"] [data-testid="stBaseButton-header"]', zh("stop"), "0.875rem"
            ),
            '"Stop" next to the running indicator',
            zh_only=True,
        ),
    )


# The placeholder of a select box or multiselect with nothing chosen (Streamlit's: "Choose options").
def placeholder() -> str:
    return glossary.term("placeholder_choose", lang())


def inject() -> None:
    """Add the rules for the session's language (a style-only st.html takes no space on the page)."""
    zh = lang() != "en"
    css = "".join(r.css for r in _rules() if zh or not r.zh_only)
    if css:
        st.html(f"<style>{css}</style>")
