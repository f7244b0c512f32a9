"""The figures of the dispatch page: headline tiles now against the comparison, the township table
(worst first, the one status rule), and the lists that need a decision. Everything is computed in
lulong_data.dispatch; these functions only draw it."""

from __future__ import annotations

import streamlit as st

from components import kpi, safe
from components.context import lang, t, term
from components.table import show_table, status_style
from lulong_data import dispatch

_DELTA_COLOR = {"up": "normal", "down": "inverse", None: "off"}
_TILE_CSS = """<style>
.st-key-dispatch_tiles [data-testid="stMetricValue"] { font-size: clamp(1.3rem, 2.3vw, 2.25rem); }
.st-key-dispatch_tiles [data-testid="stMetricDelta"] { font-size: clamp(0.75rem, 1vw, 0.875rem); }
</style>"""


def headlines(d: dispatch.Dispatch) -> None:
    """The headline figures as registered-figure tiles (each with its own period and caveats), changed
    against the comparison — the last issued paper when there is one."""
    st.subheader(term("headline_changes"))
    code = lang()
    since = (
        t("上期材料", "the last paper") if d.previous is not None else t(*dispatch.COMPARISONS[d.comparison])
    )
    # Values shrink with the window rather than end in "…" (three tiles a row beside the sidebar at 1024 px).
    st.html(_TILE_CSS)
    tiles = st.container(key="dispatch_tiles")
    for start in range(0, len(d.headlines), 3):
        for col, h in zip(tiles.columns(3), d.headlines[start : start + 3], strict=False):
            now, then = h.shown(code)
            against = h.since(code, since)  # a monthly list: against the month before (上月)
            with col:
                kpi.figure_tile(
                    h.figure,
                    label=h.title(code),
                    shown=now,
                    change=h.fmt_change(code) if h.unit == "%" else h.change,
                    versus=t(f"较{against} {then}", f"vs {against}: {then}"),
                )
    for note in d.revisions(code):
        st.caption(safe.text(note))


def townships(d: dispatch.Dispatch) -> None:
    """The townships worst first by the one status rule, with the period and the rule under the table."""
    st.subheader(term("townships_worst_first"))
    show_table(
        dispatch.township_frame(d, lang()),
        t("周调度_乡镇", "dispatch_townships"),
        key="dispatch_townships",
        columns=dispatch.TOWNSHIP_COLUMNS,
        table="dispatch_townships",
        style=status_style(lang()),
        priority=dispatch.TOWNSHIP_PRIORITY,  # on a narrow screen
    )
    st.caption(townships_note(d))


def townships_note(d: dispatch.Dispatch) -> str:
    """Under the township table: the period, the environment list's month, the status rule and yardstick."""
    period = d.env_period or t("无", "none")
    return (
        t(f"本期 {d.period_label('zh')};人居环境为 {period} 月乡镇排名(名次/参评乡镇数)。",
          f"Period {d.period_label('en')}; environment = township rank of the {period} list (rank/ranked).")
        + " " + d.rule_text(lang())
    )  # fmt: skip


def decisions(d: dispatch.Dispatch) -> None:
    st.subheader(term("decision_items"))
    sections = dispatch.decision_sections(d, lang())
    for row in (sections[:2], sections[2:]):
        for col, s in zip(st.columns(2, gap="large"), row, strict=True):
            with col, st.container(border=True):
                st.markdown(f"**{s.heading(lang())}**")
                st.markdown(safe.bullets(s.lines) if s.lines else f"√ {s.none}")
                for note in s.notes:  # what the list rests on: said under it, whatever it holds
                    st.caption(safe.text(note))
