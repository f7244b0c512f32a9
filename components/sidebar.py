"""The shared sidebar: language, as-of date, county (folders of several counties only) and township, each
bound to the URL.

The widget keys are the query-parameter names (``?as_of=2022-03-31&county=…&township=…&lang=en``), so a
copied link reopens the same page, date, county and township. They are also the session-state keys that
``components.context`` reads.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.cache import compute
from components.context import (
    AS_OF_KEY,
    COUNTY_KEY,
    LANG_KEY,
    TOWNSHIP_KEY,
    counties,
    county,
    default_county,
    t,
    term,
)
from lulong_data import glossary
from lulong_data.bundle import Bundle
from lulong_data.metrics.overview import first_date, townships
from lulong_data.settings import get_settings

LANG_NAMES = {"zh": "中文", "en": "English"}
COUNTY = ""  # the township option meaning "the whole county" (empty = not in the URL)
PENDING_AS_OF_KEY = "_pending_as_of"  # a date a page wants the sidebar to take on the next run


def render_sidebar(b: Bundle) -> None:
    with st.sidebar:
        # Language first: every label below depends on it.
        st.segmented_control(
            f"{glossary.term('language')} / {glossary.term('language', 'en')}",
            options=list(LANG_NAMES),
            format_func=LANG_NAMES.get,
            default=get_settings().lang,
            required=True,
            key=LANG_KEY,
            bind="query-params",
        )
        # A page that must move the date (the dispatch meeting: one date for both) asks for it here, before
        # the widget exists; a widget's value cannot be set after it is drawn.
        pending = st.session_state.pop(PENDING_AS_OF_KEY, None)
        if isinstance(pending, date):
            st.session_state[AS_OF_KEY] = min(max(pending, compute(first_date)), b.as_of)
        st.date_input(
            term("as_of_date"),
            value=None if isinstance(pending, date) else b.as_of,  # a value set just above needs no default
            min_value=compute(first_date),
            max_value=b.as_of,
            format="YYYY-MM-DD",
            help=t(
                "所有数字按此日期计算;默认是数据的截至日期。",
                "Every figure is computed as of this date; by default the data's own as-of date.",
            ),
            key=AS_OF_KEY,
            bind="query-params",
        )
        _county_picker()
        names = dict(compute(townships).itertuples(index=False, name=None))
        chosen = st.session_state.get(TOWNSHIP_KEY)
        if isinstance(chosen, str) and chosen.isdigit() and chosen not in names:
            # A township of another county (the county just changed): back to the whole county.
            st.session_state[TOWNSHIP_KEY] = COUNTY
        st.selectbox(
            term("township"),
            options=[COUNTY, *names],
            # The URL carries the Chinese name: readable, and the same in both languages. An unknown value
            # must raise: after a language switch the browser sends back the old label ("全县"), which
            # Streamlit keeps as the value if format_func maps it to a valid label; raising resets it.
            format_func=lambda code: term("county") if code == COUNTY else names[code],
            key=TOWNSHIP_KEY,
            bind="query-params",
        )


def _county_picker() -> None:
    """县 / County: only when the folder holds more than one county; the township list follows it."""
    names = dict(counties())
    if len(names) <= 1:
        return
    # The default county is listed first and is the widget's default (index 0): a bound widget leaves its
    # value out of the address when it equals the default, so the default must not move with the choice.
    first = default_county()
    options = [first, *(c for c in names if c != first)]
    if COUNTY_KEY not in st.session_state:
        # A new session: the county from the address (its name as the widget writes it, or a code), which
        # the page's bundle was already cut by (context.county) — the widget must show the same one.
        st.session_state[COUNTY_KEY] = county()
    st.selectbox(
        term("county_name"),
        options=options,
        format_func=lambda code: names.get(code, code),
        key=COUNTY_KEY,
        bind="query-params",
    )
