"""The dispatch page's decisions: 上周交办落实情况, 交办事项 (edit, assign from the lists, type one in), the
line of each bureau, and the issued papers. Tables and rules come from lulong_data.dispatch_ledger; this
module only draws them and passes the user's edits back."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import safe
from components.auth import current_identity
from components.context import lang, t, term
from lulong_data import dispatch_ledger as dl
from lulong_data import store
from lulong_data.access import TOWNSHIP
from lulong_data.dispatch_items import BureauLine, Candidate
from lulong_data.store import ledger

_EDITS, _PROBLEMS = "_dispatch_edits", "_dispatch_problems"


def writable() -> bool:
    who = current_identity()
    return who.source != "open" and who.role in ("leader", "data", "township")


def _report(saved: dl.Saved, done_zh: str, done_en: str) -> None:
    if saved.changed:
        st.toast(
            t(f"{done_zh}{saved.changed}项", f"{done_en}: {saved.changed}"), icon=":material/check_circle:"
        )
    for problem in saved.problems:
        st.error(safe.text(problem))


def review(r: ledger.Review) -> None:
    st.subheader(term("last_meeting_items"))
    st.caption(dl.review_summary(r, lang()))
    if r.items:
        st.dataframe(dl.review_table(r), hide_index=True, key="dispatch_review")


def _column_config() -> dict:
    return {
        dl.ID: st.column_config.NumberColumn(dl.ID, disabled=True, format="%d"),
        dl.DUE: st.column_config.DateColumn(dl.DUE, format="YYYY-MM-DD"),
        dl.SINCE: st.column_config.DateColumn(dl.SINCE, format="YYYY-MM-DD", disabled=True),
        dl.WEEKS: st.column_config.NumberColumn(dl.WEEKS, disabled=True),
        dl.STATE: st.column_config.SelectboxColumn(
            dl.STATE,
            options=list(ledger.STATES),
            required=True,
            help=t("逾期由办结时限自动判断;改为在办或办结即保存。", "Overdue follows from the deadline."),
        ),  # fmt: skip
        dl.PROGRESS: st.column_config.TextColumn(
            dl.PROGRESS, max_chars=ledger.MAX_TEXT["progress"], width="large"
        ),
        dl.TITLE: st.column_config.TextColumn(dl.TITLE, max_chars=ledger.MAX_TEXT["title"], width="large"),
        dl.VERSION: None,
    }


def items(rows: list[ledger.Item], *, meeting: dt.date, today: dt.date, carry_n: int) -> None:
    """交办事项 of this meeting: editable by who may, with a save button."""
    who = current_identity()
    st.subheader(term("assigned_items"))
    carry = term("carry_over", n=carry_n)
    if carry_n and writable() and who.role != TOWNSHIP and st.button(carry, key="dispatch_carry"):
        ledger.carry_over(county=_county(), to_meeting=meeting, actor=who)
        st.rerun()
    if who.source == "open":
        st.caption(t("演示模式(未登录)不保存交办事项;登录后可交办、填报落实情况。",
                     "Open mode saves no items; sign in to assign and report progress."))  # fmt: skip
    if not rows:
        st.caption(t("本次会议尚无交办事项。", "No item assigned at this meeting yet."))
        return
    table = dl.items_table(rows, meeting)
    locked = [
        c
        for c in table.columns
        if c not in (dl.EDITABLE_BY_TOWNSHIP if who.role == TOWNSHIP else dl.EDITABLE)
    ]
    # A new editor key after each save: the editor then shows the saved rows, not the old edits.
    n = st.session_state.setdefault(_EDITS, 0)
    edited = st.data_editor(
        table, hide_index=True, key=f"dispatch_items_{n}", column_config=_column_config(),
        disabled=locked if writable() else True,
    )  # fmt: skip
    if writable() and st.button(term("save_changes"), key="dispatch_items_save", type="primary"):
        saved = dl.save_edits(None, table, edited, actor=who, today=today)
        st.session_state[_EDITS] = n + 1
        st.session_state[_PROBLEMS] = saved.problems
        if saved.changed:
            st.toast(t(f"已保存{saved.changed}项", f"Saved: {saved.changed}"), icon=":material/check_circle:")
        st.rerun()
    for problem in st.session_state.pop(_PROBLEMS, ()):
        st.error(safe.text(problem))


def assign(cands: list[Candidate], *, meeting: dt.date) -> None:
    """Tick rows of the page's lists, name the 责任人, assign; or type an item in."""
    who = current_identity()
    if not writable() or who.role == TOWNSHIP:
        return
    taken = dl.taken_refs(None, county=_county(), actor=who)
    table = dl.candidates_table(cands, meeting, taken)
    with st.expander(term("assign_from_lists", n=len(table))):
        edited = st.data_editor(
            table, hide_index=True, key="dispatch_candidates",
            disabled=[dl.LIST, dl.LINE], column_config={dl.REF: None, **_column_config()},
        )  # fmt: skip
        if st.button(term("assign_ticked"), key="dispatch_assign", type="primary"):
            _report(
                dl.assign(None, edited, cands, county=_county(), meeting=meeting, actor=who),
                "已交办",
                "Assigned",
            )
    with st.expander(term("assign_typed")), st.form("dispatch_manual", clear_on_submit=True):
        title = st.text_input(dl.TITLE, max_chars=ledger.MAX_TEXT["title"])
        left, mid, right = st.columns(3)
        unit = left.text_input(dl.UNIT, max_chars=100)
        person = mid.text_input(dl.PERSON, max_chars=100)
        leader = right.text_input(dl.LEADER, max_chars=100)
        due = st.date_input(dl.DUE, value=meeting + dt.timedelta(days=7), format="YYYY-MM-DD")
        if st.form_submit_button(term("assign")):
            draft = ledger.Draft(
                title=title, kind="manual", unit=unit, person=person, due_on=due, leader=leader or None
            )
            try:
                ledger.create(county=_county(), meeting_on=meeting, draft=draft, actor=who)
                st.toast(t("已交办", "Assigned"), icon=":material/check_circle:")
            except store.StoreError as exc:
                st.error(safe.text(str(exc)))


def bureaus(lines: list[BureauLine], *, meeting: dt.date) -> None:
    """A line per bureau: what the data say is its business this week, and its open items."""
    st.subheader(term("by_bureau"))
    for b in lines:
        label = term("bureau_line", name=t(b.name, b.name_en), lines=len(b.lines), items=len(b.items))
        with st.expander(safe.text(label)):
            rows = [f"- {safe.text(c.line_en if lang() == 'en' else c.line_zh)}" for c in b.lines]
            rows += [
                f"- 【{dl.STATE}:{i.state(meeting)}】{i.title}({i.person},{i.due_on:%m-%d}前)"
                for i in b.items
            ]
            st.markdown("\n".join(rows) if rows else t("无。", "None."))


def _county() -> str:
    from components.context import county

    return county() or ""
