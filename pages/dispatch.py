"""周调度: the Monday meeting — 本周要点, 上周交办落实情况, what changed, who is behind, 交办事项 with their
owners, a line per bureau, and the paper (第N期) to issue. ``?present=1`` is the projector view.

The meeting date is the sidebar's date: choosing one sets the other (figures as of the latest data date on
or before the meeting; components.dispatch_controls). Figures come from lulong_data.dispatch, decisions
from the state database (lulong_data.store.ledger); this page only arranges them.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import dispatch_controls, dispatch_ledger, dispatch_papers, dispatch_present, nav, safe
from components import dispatch_sections as sections
from components.auth import current_identity, require_page
from components.cache import compute
from components.context import county, lang, t, term, township
from lulong_data import dispatch, dispatch_items
from lulong_data import dispatch_ledger as dl
from lulong_data.store import ledger


def render() -> None:
    require_page("dispatch")  # re-checked here: a deep link or page switch bypasses the menu
    meeting, comparison = dispatch_controls.choices()
    who, code = current_identity(), county() or ""
    previous = dl.previous_paper(None, county=code, meeting=meeting, actor=who)
    d = compute(dispatch.prepare, as_of=meeting, comparison=comparison, previous=previous)
    review = ledger.review(county=code, meeting_on=meeting, actor=who)
    points = dispatch.key_points(d, lang(), review=review)
    items = ledger.items(county=code, actor=who, meeting_on=meeting)
    if st.query_params.get("present") == "1":
        return dispatch_present.render(d, points=points, review=review, items=items)

    st.title(term("page_dispatch"))
    dispatch_controls.controls()
    st.caption(safe.text(d.dates_line(lang())))
    if township():
        st.caption(
            t("周调度按全县各乡镇列示,不受侧栏乡镇筛选影响。", "The dispatch always lists every township.")
        )
    st.subheader(term("key_points"))
    st.markdown(safe.bullets(points))  # names from data: text, never Markdown
    dispatch_ledger.review(review)
    sections.headlines(d)
    sections.townships(d)
    sections.decisions(d)

    carried = dl.carried(ledger.items(county=code, actor=who, open_only=True), meeting)
    dispatch_ledger.items(items, meeting=meeting, today=dt.date.today(), carry_n=len(carried))
    cands = compute(dispatch_items.candidates, as_of=d.data_as_of, since=d.since)
    dispatch_ledger.assign(cands, meeting=meeting)
    open_items = ledger.items(county=code, actor=who, open_only=True)
    lines = dispatch_items.bureau_lines(cands, open_items, county=d.county_zh)
    dispatch_ledger.bureaus(lines, meeting=meeting)
    dispatch_papers.render(d, review=review, items=items, bureaus=lines, cands=cands)


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
