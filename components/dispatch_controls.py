"""The dispatch meeting's controls: its date, what it compares with, and the projector button.

The meeting date and the sidebar's date are one date: a meeting chosen here (or in the URL) moves the
sidebar to its data date, the sidebar moved elsewhere moves the meeting — except a meeting after the
data's date (Monday on Friday's data) keeps its own day. Which dates are allowed and what a link asks for
are lulong_data.dispatch's (``meeting_window``, ``meeting_day``, ``comparison_key``); this module keeps the
widgets, the URL and the sidebar in step.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import dispatch_present
from components.cache import compute
from components.context import AS_OF_KEY, bundle, t, term
from components.sidebar import PENDING_AS_OF_KEY
from lulong_data import dispatch
from lulong_data.metrics.overview import first_date

DATE_KEY = "dispatch_date"
SEEN_KEY = "_dispatch_seen_as_of"  # the sidebar's date when the meeting date was last set
COMPARE_KEY = "dispatch_compare"


def _window() -> tuple[dt.date, dt.date]:
    return dispatch.meeting_window(compute(first_date), bundle().as_of)


def choices() -> tuple[dt.date, str]:
    """The meeting date and the comparison (a key of lulong_data.dispatch.COMPARISONS), set from the URL on
    the first run; may rerun the script once so that the sidebar shows the meeting's data date."""
    data_as_of = bundle().as_of
    side = st.session_state.get(AS_OF_KEY)
    side = side if isinstance(side, dt.date) else data_as_of
    if DATE_KEY not in st.session_state:
        st.session_state[DATE_KEY] = dispatch.meeting_day(st.query_params.get("date"), side, _window())
        st.session_state[SEEN_KEY] = side
        if min(st.session_state[DATE_KEY], data_as_of) != side:
            st.session_state[PENDING_AS_OF_KEY] = min(st.session_state[DATE_KEY], data_as_of)
            st.session_state[SEEN_KEY] = st.session_state[PENDING_AS_OF_KEY]
            st.rerun()  # the sidebar takes the meeting's data date before it is drawn
    elif side != st.session_state.get(SEEN_KEY):
        st.session_state[DATE_KEY] = side  # the sidebar moved: the meeting follows
        st.session_state[SEEN_KEY] = side
    if COMPARE_KEY not in st.session_state:
        st.session_state[COMPARE_KEY] = dispatch.comparison_key(st.query_params.get("compare", "week"))
    return st.session_state[DATE_KEY], st.session_state[COMPARE_KEY]


def _meeting_changed() -> None:
    day = st.session_state.get(DATE_KEY)
    if isinstance(day, dt.date):
        st.session_state[PENDING_AS_OF_KEY] = st.session_state[SEEN_KEY] = min(day, bundle().as_of)
        st.query_params["date"] = day.isoformat()
    st.query_params["compare"] = st.session_state.get(COMPARE_KEY) or "week"


def _start_presenting() -> None:
    _meeting_changed()
    st.query_params["present"] = "1"
    st.session_state[dispatch_present.SLIDE_KEY] = 0


def controls() -> None:
    """Meeting date, comparison and the projector button in one row."""
    low, high = _window()
    left, mid, right = st.columns([1.3, 2, 1], gap="small", vertical_alignment="bottom")
    with left:
        st.date_input(
            term("meeting_date"),
            min_value=low,
            max_value=high,
            format="YYYY-MM-DD",
            help=t(
                "与侧栏日期为同一日期;数字截至会议日期前最近的数据日期。",
                "The sidebar's date; figures as of the latest data date on or before the meeting.",
            ),
            key=DATE_KEY,
            on_change=_meeting_changed,
        )
    with mid:
        st.segmented_control(
            term("compare_with"),
            options=list(dispatch.COMPARISONS),
            format_func=lambda k: t(*dispatch.COMPARISONS[k]),
            required=True,
            key=COMPARE_KEY,
            on_change=_meeting_changed,
        )
    with right:
        st.button(
            term("projector_mode"),
            on_click=_start_presenting,
            help=t(
                "全屏大字、一屏一部分,←/→ 或 PageUp/PageDown 翻页。地址栏加 ?present=1 可直接打开。",
                "Large type, one section per screen; ←/→ or PageUp/PageDown to move. Add ?present=1 to the URL.",
            ),
            key="dispatch_present",
        )
