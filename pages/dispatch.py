"""周调度: the Monday meeting — 本周要点, 上周交办落实情况, what changed, who is behind, 交办事项 with their
owners, a line per bureau, and the paper (第N期) to issue. ``?present=1`` is the projector view.

The meeting date is the sidebar's date: choosing one sets the other (figures as of the latest data date on
or before the meeting). Figures come from lulong_data.dispatch, decisions from the state database
(lulong_data.store.ledger); this page only arranges them.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import dispatch_ledger, dispatch_papers, dispatch_present, dispatch_sections, nav, safe
from components.auth import current_identity, require_page
from components.cache import compute
from components.context import AS_OF_KEY, bundle, county, lang, t, term, township
from components.sidebar import PENDING_AS_OF_KEY
from components.table import show_table, status_style
from lulong_data import dispatch, dispatch_items
from lulong_data import dispatch_ledger as dl
from lulong_data.metrics.overview import first_date
from lulong_data.store import ledger

DATE_KEY = "dispatch_date"
SEEN_KEY = "_dispatch_seen_as_of"  # the sidebar's date when the meeting date was last set
COMPARE_KEY = "dispatch_compare"
LEAD_DAYS = 7  # a meeting may be set up to a week after the data's date (data cut Friday, meeting Monday)


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _choices() -> tuple[dt.date, str]:
    """Meeting date and comparison. The meeting date and the sidebar's date are one date: a meeting
    chosen here (or in the URL) moves the sidebar to its data date, the sidebar moved elsewhere moves the
    meeting — except a meeting after the data's date (Monday on Friday's data) keeps its own day."""
    b = bundle()
    low, high = compute(first_date), b.as_of + dt.timedelta(days=LEAD_DAYS)
    side = st.session_state.get(AS_OF_KEY)
    side = side if isinstance(side, dt.date) else b.as_of
    if DATE_KEY not in st.session_state:
        day = _parse_date(st.query_params.get("date")) or side
        st.session_state[DATE_KEY] = min(max(day, low), high)
        st.session_state[SEEN_KEY] = side
        if min(st.session_state[DATE_KEY], b.as_of) != side:
            st.session_state[PENDING_AS_OF_KEY] = min(st.session_state[DATE_KEY], b.as_of)
            st.session_state[SEEN_KEY] = st.session_state[PENDING_AS_OF_KEY]
            st.rerun()  # the sidebar takes the meeting's data date before it is drawn
    elif side != st.session_state.get(SEEN_KEY):
        st.session_state[DATE_KEY] = side  # the sidebar moved: the meeting follows
        st.session_state[SEEN_KEY] = side
    if COMPARE_KEY not in st.session_state:
        cmp = st.query_params.get("compare", "week")
        st.session_state[COMPARE_KEY] = cmp if cmp in dispatch.COMPARISONS else "week"
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


def render() -> None:
    require_page("dispatch")  # re-checked here: a deep link or page switch bypasses the menu
    meeting, comparison = _choices()
    who, code = current_identity(), county() or ""
    previous = dl.previous_paper(None, county=code, meeting=meeting, actor=who)
    d = compute(dispatch.prepare, as_of=meeting, comparison=comparison, previous=previous)
    review = ledger.review(county=code, meeting_on=meeting, actor=who)
    points = dispatch.key_points(d, lang(), review=review)
    if st.query_params.get("present") == "1":
        items = ledger.items(county=code, actor=who, meeting_on=meeting)
        dispatch_present.render(d, points=points, review=review, items=items)
        return

    st.title(term("page_dispatch"))
    _controls()
    st.caption(safe.text(d.dates_line(lang())))
    if township():
        st.caption(
            t("周调度按全县各乡镇列示,不受侧栏乡镇筛选影响。", "The dispatch always lists every township.")
        )
    st.subheader(term("key_points"))
    st.markdown("\n".join(f"- {safe.text(p)}" for p in points))  # names from data: text, never Markdown
    dispatch_ledger.review(review)
    dispatch_sections.headlines(d)
    st.subheader(term("townships_worst_first"))
    show_table(
        dispatch.township_frame(d, lang()),
        t("周调度_乡镇", "dispatch_townships"),
        key="dispatch_townships",
        columns=dispatch.TOWNSHIP_COLUMNS,
        table="dispatch_townships",
        style=status_style(lang()),
        priority=(
            "status",
            "township",
            "overdue_text",
            "reasons",
            "jobs_text",
            "env_text",
        ),  # on a narrow screen
    )
    st.caption(dispatch_sections.townships_note(d))
    dispatch_sections.decisions(d)

    items = ledger.items(county=code, actor=who, meeting_on=meeting)
    open_before = [i for i in ledger.items(county=code, actor=who, open_only=True) if i.meeting_on < meeting]
    dispatch_ledger.items(items, meeting=meeting, today=dt.date.today(), carry_n=len(open_before))
    cands = compute(dispatch_items.candidates, as_of=d.data_as_of, since=d.since)
    dispatch_ledger.assign(cands, meeting=meeting)
    open_items = ledger.items(county=code, actor=who, open_only=True)
    lines = dispatch_items.bureau_lines(cands, open_items, county=d.county_zh)
    dispatch_ledger.bureaus(lines, meeting=meeting)
    dispatch_papers.render(d, review=review, items=items, bureaus=lines, cands=cands)


def _controls() -> None:
    b = bundle()
    left, mid, right = st.columns([1.3, 2, 1], gap="small", vertical_alignment="bottom")
    with left:
        st.date_input(
            term("meeting_date"),
            min_value=compute(first_date),
            max_value=b.as_of + dt.timedelta(days=LEAD_DAYS),
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


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
