"""The projector view of the dispatch meeting: large type, no sidebar, one section per screen.

Reached with ``?present=1`` on the dispatch page. The slides are HTML (st.html) rather than dataframes:
the grid draws on a canvas whose type CSS cannot enlarge. Keys: ←/→ or PageUp/PageDown (what a
presentation clicker sends), 1–3 to jump, Esc to leave. The CSS is injected for this view only.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from components import theme
from components.context import lang, t
from lulong_data import dispatch

SLIDE_KEY = "dispatch_slide"
MAX_LINES = 6  # per decision box: what fits at projector size
# Filled badges: white or black text on the Okabe-Ito colour, readable from the back of the room.
_BADGE = {
    "behind": (theme.VERMILLION, "#FFFFFF"),
    "watch": (theme.ORANGE, "#000000"),
    "good": (theme.BLUE, "#FFFFFF"),
}
_TREND = {"better": theme.BLUE, "worse": theme.VERMILLION, None: "#333333"}

_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 2.2rem 0.4rem 2.2rem !important; max-width: 100% !important; }
/* the shared header caption and banner stay for other pages; here the slide says the dates itself */
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stExpander"] { display: none; }
.st-key-dispatch_pgup, .st-key-dispatch_pgdn { display: none !important; }
[data-testid^="stBaseButton"] { min-height: 3.4rem !important; padding: 0.3rem 1.4rem !important; }
[data-testid^="stBaseButton"] p, [data-testid^="stBaseButton"] kbd { font-size: 1.6rem !important; }
.dp-top { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 4px solid #222;
  padding-bottom: 0.3rem; margin-bottom: 0.8rem; }
.dp-title { font-size: 2.9rem; font-weight: 800; color: #111; white-space: nowrap; }
.dp-dates { font-size: 1.8rem; color: #222; white-space: nowrap; }
.dp-grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; }
.dp-tile { border: 3px solid #444; border-radius: 10px; padding: 0.7rem 1.2rem; background: #FFF; }
.dp-label { font-size: 2.1rem; font-weight: 700; color: #222; }
.dp-value { font-size: 4.3rem; font-weight: 800; color: #000; line-height: 1.15; }
.dp-change { font-size: 2rem; font-weight: 700; }
.dp-then { font-size: 1.6rem; color: #333; }
table.dp-table { width: 100%; border-collapse: collapse; font-size: 1.65rem; }
table.dp-table th { background: #222; color: #FFF; padding: 0.3rem 0.6rem; text-align: left; }
table.dp-table td { padding: 0.22rem 0.6rem; border-bottom: 2px solid #BBB; color: #000; }
table.dp-table tr:nth-child(even) td { background: #F2F2F2; }
.dp-badge { display: inline-block; padding: 0.05rem 0.6rem; border-radius: 6px; font-weight: 800; white-space: nowrap; }
.dp-boxes { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.dp-box { border: 3px solid #444; border-radius: 10px; padding: 0.6rem 1.2rem; min-height: 19rem; }
.dp-box h3 { font-size: 2.3rem; margin: 0 0 0.3rem 0; padding: 0; color: #000; }
.dp-box li { font-size: 1.85rem; line-height: 1.4; color: #000; }
.dp-none { font-size: 1.9rem; color: #222; }
.dp-note { font-size: 1.2rem; color: #333; margin-top: 0.5rem; }
</style>
"""


def _slides() -> list[tuple[str, str, str]]:
    """(key, title, short title for the jump buttons)."""
    return [
        ("headlines", t("主要指标变化", "Headline figures"), t("指标", "Figures")),
        ("townships", t("各乡镇情况", "Townships"), t("乡镇", "Townships")),
        ("decisions", t("需研究决定的事项", "Items that need a decision"), t("决定事项", "Decisions")),
    ]


def _go(step: int | None = None, to: int | None = None) -> None:
    n = len(_slides())
    current = st.session_state.get(SLIDE_KEY, 0)
    st.session_state[SLIDE_KEY] = max(0, min(n - 1, to if to is not None else current + (step or 0)))


def _leave() -> None:
    if "present" in st.query_params:
        del st.query_params["present"]


def render(d: dispatch.Dispatch) -> None:
    st.html(_CSS)
    slides = _slides()
    index = max(0, min(len(slides) - 1, int(st.session_state.get(SLIDE_KEY, 0))))
    key, title, _ = slides[index]
    st.html(
        f"<div class='dp-top'><span class='dp-title'>{escape(t('周调度', 'Weekly dispatch'))} · "
        f"{escape(title)}</span><span class='dp-dates'>{escape(d.dates_line(lang(), period=False))}</span></div>"
    )
    {"headlines": _headlines, "townships": _townships, "decisions": _decisions}[key](d)
    _navigation(index, len(slides))


def _navigation(index: int, n: int) -> None:
    with st.container(horizontal=True, gap="medium", vertical_alignment="center"):
        st.button(t("◀ 上一页", "◀ Previous"), on_click=_go, kwargs={"step": -1}, disabled=index == 0,
                  shortcut="Left", key="dispatch_prev")  # fmt: skip
        st.button(t("下一页 ▶", "Next ▶"), on_click=_go, kwargs={"step": 1}, disabled=index == n - 1,
                  shortcut="Right", key="dispatch_next", type="primary")  # fmt: skip
        st.space("large")
        for i, (_, _, short) in enumerate(_slides()):
            st.button(short, on_click=_go, kwargs={"to": i}, shortcut=str(i + 1),
                      type="primary" if i == index else "tertiary", key=f"dispatch_slide_{i}")  # fmt: skip
        st.space("stretch")
        st.button(t("退出投影", "Leave"), on_click=_leave, shortcut="Esc", key="dispatch_leave")
    # A clicker sends PageUp/PageDown; a button takes one shortcut, so these two stay hidden (CSS).
    st.button(
        t("上一页", "Previous"), on_click=_go, kwargs={"step": -1}, shortcut="PageUp", key="dispatch_pgup"
    )
    st.button(t("下一页", "Next"), on_click=_go, kwargs={"step": 1}, shortcut="PageDown", key="dispatch_pgdn")


def _headlines(d: dispatch.Dispatch) -> None:
    code = lang()
    since = t(*dispatch.COMPARISONS[d.comparison])
    tiles = []
    for h in d.headlines:
        colour = _TREND[h.trend]
        tiles.append(
            "<div class='dp-tile'>"
            f"<div class='dp-label'>{escape(h.title(code))}</div>"
            f"<div class='dp-value'>{escape(h.fmt(h.now, code))}</div>"
            f"<div class='dp-change' style='color:{colour}'>{escape(h.fmt_change(code))}"
            f" <span class='dp-then'>{escape(t('较', 'vs '))}{escape(since)} {escape(h.fmt(h.then, code))}</span>"
            "</div></div>"
        )
    st.html(f"<div class='dp-grid'>{''.join(tiles)}</div>")


def _townships(d: dispatch.Dispatch) -> None:
    table = dispatch.township_table(d, lang())
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = []
    for status, values in zip(d.townships["status"], table.itertuples(index=False), strict=True):
        bg, fg = _BADGE[status]
        cells = [
            f"<td><span class='dp-badge' style='background:{bg};color:{fg}'>{escape(values[0])}</span></td>"
        ]
        cells += [f"<td>{escape(str(v))}</td>" for v in values[1:]]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    period = d.env_period or t("无", "none")
    note = t(
        f"人居环境:{period} 月乡镇排名(名次/参评数)。{d.rule_text('zh')}",
        f"Environment: township rank of the {period} list. {d.rule_text('en')}",
    )
    st.html(
        f"<table class='dp-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<div class='dp-note'>{escape(note)}</div>"
    )


def _decisions(d: dispatch.Dispatch) -> None:
    boxes = []
    for s in dispatch.decision_sections(d, lang()):
        if s.lines:
            lines = list(s.lines[:MAX_LINES])
            if len(s.lines) > MAX_LINES:
                more = len(s.lines) - MAX_LINES
                lines.append(t(f"另有{more}条,见调度材料", f"{more} more on the sheet"))
            body = "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"
            head = f"{escape(s.title)}({len(s.lines)})"
        else:
            body = f"<div class='dp-none'>✔ {escape(s.none)}</div>"
            head = escape(s.title)
        boxes.append(f"<div class='dp-box'><h3>{head}</h3>{body}</div>")
    st.html(f"<div class='dp-boxes'>{''.join(boxes)}</div>")
