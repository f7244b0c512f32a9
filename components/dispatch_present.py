"""The projector view of the dispatch meeting: large type, no sidebar, one section per screen, in order
本周要点 → 上周交办落实情况 → 主要指标 → 各乡镇 → 需研究决定 → 交办事项.

Reached with ``?present=1`` on the dispatch page. The slides are HTML (st.html) rather than dataframes:
the grid draws on a canvas whose type CSS cannot enlarge. Every size is a share of the screen (vh / vw,
whichever is tighter), so each slide fits 1024×768, 1366×768 and 1920×1080 without scrolling, and no
township name wraps (tests/browser/test_projector.py measures it at the three sizes). Keys: ←/→ or
PageUp/PageDown (what a presentation clicker sends), 1–6 to jump, Esc to leave. The page's banner and data
notices are hidden here: the room sees the meeting first; the dispatch page itself shows them.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from components import theme
from components.context import lang, t, term
from lulong_data import dispatch, status
from lulong_data.store import ledger

SLIDE_KEY = "dispatch_slide"
MAX_LINES = 6  # per decision box at most
MAX_ITEMS = 4  # item lines on a ledger slide: twice this many at most
# What a box holds at the tightest of 1024×768, 1366×768 and 1920×1080 (measured on the screenshots): lines
# of text and characters per line. A long line wraps, so lines are counted as wrapped rows and the list
# stops where the next item would not fit — "另有N项" says the rest (nothing is cut off at the box's edge).
ITEM_ROWS, ITEM_CHARS = 15, 50  # the one box of a ledger slide
DECISION_ROWS, DECISION_CHARS = 7, 22  # each of the four decision boxes
# Filled badges: white or black text on the Okabe-Ito colour, readable from the back of the room.
_BADGE = {
    "behind": (theme.VERMILLION, "#FFFFFF"),
    "watch": (theme.ORANGE, "#000000"),
    "good": (theme.BLUE, "#FFFFFF"),
}
_TREND = {"better": theme.BLUE, "worse": theme.VERMILLION, None: "#333333"}
_STATE = {
    ledger.LATE: theme.VERMILLION,
    ledger.OPEN: "#8A5A00",
    ledger.DOING: "#333333",
    ledger.DONE: theme.BLUE,
}

# --u: the unit every size is a multiple of — 1% of the screen's height or 0.62% of its width, whichever
# is smaller, so a 4:3 projector and a 16:9 screen both fit.
_CSS = """
<style>
:root { --u: min(1vh, 0.62vw); }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: calc(1.2 * var(--u)) calc(3 * var(--u)) 0 calc(3 * var(--u)) !important;
  max-width: 100% !important; }
[data-testid="stAppViewContainer"] section, [data-testid="stMain"] { overflow: hidden !important; }
/* the shared header, banner and data notices stay for other pages; here the slide says the dates itself */
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stExpander"],
[data-testid="stMainBlockContainer"] [data-testid="stAlert"],
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] { display: none !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: calc(0.8 * var(--u)) !important; }
.st-key-dispatch_pgup, .st-key-dispatch_pgdn { display: none !important; }
[data-testid^="stBaseButton"] { min-height: calc(5 * var(--u)) !important; padding: 0 calc(1.6 * var(--u)) !important; }
[data-testid^="stBaseButton"] p, [data-testid^="stBaseButton"] kbd { font-size: calc(2.4 * var(--u)) !important;
  white-space: nowrap; }
.dp-slide { height: calc(100vh - 10 * var(--u) - 2.2rem); display: flex; flex-direction: column; overflow: hidden; }
.dp-top { display: flex; justify-content: space-between; align-items: baseline; gap: calc(2 * var(--u));
  border-bottom: calc(0.5 * var(--u)) solid #222; padding-bottom: calc(0.5 * var(--u)); margin-bottom: calc(1.2 * var(--u)); }
.dp-title { font-size: calc(4.4 * var(--u)); font-weight: 800; color: #111; white-space: nowrap; }
.dp-dates { font-size: calc(2.3 * var(--u)); color: #222; white-space: nowrap; }
.dp-points { margin: 0; padding-left: calc(3.5 * var(--u)); }
.dp-points li { font-size: calc(4.2 * var(--u)); line-height: 1.45; color: #000; margin-bottom: calc(1.2 * var(--u)); }
.dp-grid { display: grid; grid-template-columns: repeat(3, 1fr); grid-auto-rows: 1fr; gap: calc(1.4 * var(--u)); flex: 1; }
.dp-tile { border: calc(0.35 * var(--u)) solid #444; border-radius: 10px; padding: calc(1 * var(--u)) calc(1.8 * var(--u));
  background: #FFF; display: flex; flex-direction: column; justify-content: center; min-width: 0; }
.dp-label { font-size: calc(3.3 * var(--u)); font-weight: 700; color: #222; white-space: nowrap; }
.dp-value { font-size: calc(6.6 * var(--u)); font-weight: 800; color: #000; line-height: 1.1; white-space: nowrap; }
.dp-change { font-size: calc(2.9 * var(--u)); font-weight: 700; white-space: nowrap; }
.dp-then { font-size: calc(2.5 * var(--u)); color: #333; font-weight: 400; }
table.dp-table { width: 100%; border-collapse: collapse; font-size: calc(3 * var(--u)); line-height: 1.3; }
table.dp-table th { background: #222; color: #FFF; padding: calc(0.45 * var(--u)) calc(1 * var(--u)); text-align: left;
  white-space: nowrap; }
table.dp-table td { padding: calc(0.3 * var(--u)) calc(1 * var(--u)); border-bottom: 2px solid #BBB; color: #000;
  white-space: nowrap; }
table.dp-table tr:nth-child(even) td { background: #F2F2F2; }
.dp-badge { display: inline-block; padding: 0 calc(0.8 * var(--u)); border-radius: 6px; font-weight: 800; white-space: nowrap; }
.dp-boxes { display: grid; grid-template-columns: 1fr 1fr; grid-auto-rows: 1fr; gap: calc(1.4 * var(--u)); flex: 1; }
.dp-box { border: calc(0.35 * var(--u)) solid #444; border-radius: 10px; padding: calc(0.8 * var(--u)) calc(1.8 * var(--u));
  min-width: 0; overflow: hidden; }
.dp-box h3 { font-size: calc(3.4 * var(--u)); margin: 0 0 calc(0.4 * var(--u)) 0; padding: 0; color: #000; white-space: nowrap; }
.dp-box ul { margin: 0; padding-left: calc(2.6 * var(--u)); }
.dp-box li { font-size: calc(3.1 * var(--u)); line-height: 1.35; color: #000; }
.dp-none { font-size: calc(3.2 * var(--u)); color: #222; }
.dp-note { font-size: calc(2.1 * var(--u)); color: #333; margin-top: calc(0.6 * var(--u)); }
.dp-state { font-weight: 800; white-space: nowrap; }
</style>
"""


def _fitting(texts: list[str], rows: int, chars: int) -> int:
    """How many of ``texts`` (in order) fit ``rows`` wrapped lines of ``chars`` Chinese characters, keeping a row for
    the "另有N项" line when some are left out; at least one."""
    used = 0
    for n, text in enumerate(texts):
        # Digits and Latin letters take half a Chinese character's width ("76天" is two characters wide).
        halves = sum(1 if ord(c) < 0x2E80 else 2 for c in text)
        need = -(-halves // (2 * chars))
        if used + need > rows - (1 if n + 1 < len(texts) else 0):
            return max(1, n)
        used += need
    return len(texts)


def _slides() -> list[tuple[str, str, str]]:
    """(key, title, short title for the jump buttons)."""
    return [
        ("points", t("本周要点", "This week"), t("要点", "Summary")),
        ("review", t("上周交办落实情况", "Last meeting's items"), t("落实", "Follow-up")),
        ("headlines", t("主要指标变化", "Headline figures"), t("指标", "Figures")),
        ("townships", t("各乡镇情况", "Townships"), t("乡镇", "Townships")),
        ("decisions", t("需研究决定的事项", "Items that need a decision"), t("决定", "Decisions")),
        ("items", t("交办事项", "Assigned items"), t("交办", "Items")),
    ]


def _go(step: int | None = None, to: int | None = None) -> None:
    n = len(_slides())
    current = st.session_state.get(SLIDE_KEY, 0)
    st.session_state[SLIDE_KEY] = max(0, min(n - 1, to if to is not None else current + (step or 0)))


def _leave() -> None:
    if "present" in st.query_params:
        del st.query_params["present"]


def render(d: dispatch.Dispatch, *, points: tuple[str, ...] = (), review=None, items=()) -> None:
    st.html(_CSS)
    slides = _slides()
    index = max(0, min(len(slides) - 1, int(st.session_state.get(SLIDE_KEY, 0))))
    key, title, _ = slides[index]
    top = (
        f"<div class='dp-top'><span class='dp-title'>{escape(t('周调度', 'Weekly dispatch'))} · {escape(title)}</span>"
        f"<span class='dp-dates'>{escape(d.dates_line(lang(), period=False))}</span></div>"
    )
    body = {
        "points": lambda: _points(points),
        "headlines": lambda: _headlines(d),
        "townships": lambda: _townships(d),
        "review": lambda: _review(d, review),
        "items": lambda: _items(d, items),
        "decisions": lambda: _decisions(d),
    }[key]()
    st.html(f"<div class='dp-slide' data-slide='{key}'>{top}{body}</div>")
    _navigation(index, len(slides))


def _navigation(index: int, n: int) -> None:
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.button("◀ " + term("previous_slide"), on_click=_go, kwargs={"step": -1}, disabled=index == 0,
                  shortcut="Left", key="dispatch_prev")  # fmt: skip
        st.button(term("next_slide") + " ▶", on_click=_go, kwargs={"step": 1}, disabled=index == n - 1,
                  shortcut="Right", key="dispatch_next", type="primary")  # fmt: skip
        for i, (_, _, short) in enumerate(_slides()):
            st.button(short, on_click=_go, kwargs={"to": i}, shortcut=str(i + 1),
                      type="primary" if i == index else "tertiary", key=f"dispatch_slide_{i}")  # fmt: skip
        st.space("stretch")
        st.button(term("leave_projection"), on_click=_leave, shortcut="Esc", key="dispatch_leave")
    # A clicker sends PageUp/PageDown; a button takes one shortcut, so these two stay hidden (CSS).
    st.button(
        term("previous_slide"), on_click=_go, kwargs={"step": -1}, shortcut="PageUp", key="dispatch_pgup"
    )
    st.button(term("next_slide"), on_click=_go, kwargs={"step": 1}, shortcut="PageDown", key="dispatch_pgdn")


def _points(points: tuple[str, ...]) -> str:
    return "<ul class='dp-points'>" + "".join(f"<li>{escape(p)}</li>" for p in points) + "</ul>"


def _headlines(d: dispatch.Dispatch) -> str:
    code = lang()
    # "较" + since: "较上期" after an issued paper, else "较上周" (a monthly list: "较上月", Headline.since).
    since = t("上期", "last paper") if d.previous is not None else t(*dispatch.COMPARISONS[d.comparison])
    tiles = []
    for h in d.headlines:
        tiles.append(
            "<div class='dp-tile'>"
            f"<div class='dp-label'>{escape(h.title(code))}</div>"
            f"<div class='dp-value'>{escape(h.shown(code)[0])}</div>"
            f"<div class='dp-change' style='color:{_TREND[h.trend]}'>{escape(h.fmt_change(code))}"
            f" <span class='dp-then'>{escape(t('较', 'vs '))}{escape(h.since(code, since))} {escape(h.shown(code)[1])}</span>"
            "</div></div>"
        )
    return f"<div class='dp-grid'>{''.join(tiles)}</div>"


def _townships(d: dispatch.Dispatch) -> str:
    table = dispatch.township_table(d, lang())
    short = d.townships["short_en" if lang() == "en" else "short_zh"]
    keep = [0, 1, 4, 5, 6]  # status, township, overdue, jobs, environment; the reasons in short form
    head = (
        "".join(f"<th>{escape(str(table.columns[i]))}</th>" for i in keep)
        + f"<th>{escape(t('原因', 'Why'))}</th>"
    )
    rows = []
    for state, values, why in zip(d.townships["status"], table.itertuples(index=False), short, strict=True):
        bg, fg = _BADGE[state]
        cells = [
            f"<td><span class='dp-badge' style='background:{bg};color:{fg}'>{escape(values[0])}</span></td>"
        ]
        cells += [f"<td class='dp-c{i}'>{escape(str(values[i]))}</td>" for i in keep[1:]]
        cells.append(f"<td>{escape(why or '—')}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = t(
        f"规则:{status.describe(d.rule, 'zh').split('。')[0]}。",
        f"Rule: {status.describe(d.rule, 'en').split('. ')[0]}.",
    )
    return (
        f"<table class='dp-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<div class='dp-note'>{escape(note)}</div>"
    )


def _item_text(i: ledger.Item, on) -> tuple[str, str]:
    """(state, the rest of the line) of one ledger item."""
    due = t(f"{i.due_on.month}月{i.due_on.day}日前", f"by {i.due_on:%d %b}")
    return i.state(on), f"{i.title} — {i.unit} {i.person} · {due}"


def _item_lines(items: list, on) -> tuple[str, int]:
    """The items that fit one box as <li>s, and how many are left for the paper."""
    texts = [_item_text(i, on) for i in items[: 2 * MAX_ITEMS]]
    n = _fitting([f"[{state}] {rest}" for state, rest in texts], ITEM_ROWS, ITEM_CHARS)
    lines = "".join(
        f"<li><span class='dp-state' style='color:{_STATE[state]}'>[{escape(state)}]</span> {escape(rest)}</li>"
        for state, rest in texts[:n]
    )
    return lines, len(items) - n


def _review(d: dispatch.Dispatch, review) -> str:
    if review is None or review.previous is None or not review.items:
        return f"<div class='dp-none'>{escape(t('此前会议尚无交办事项。', 'No earlier meeting assigned items.'))}</div>"
    c = review.counts()
    head = t(f"{review.previous.month}月{review.previous.day}日调度会交办{len(review.items)}项", f"Meeting of {review.previous:%Y-%m-%d}: "
             f"{len(review.items)} item(s)")  # fmt: skip
    summary = t(f"办结{c['办结']}项 · 在办{c['在办']}项 · 未办{c['未办']}项 · 逾期{c['逾期']}项",
                f"done {c['办结']} · doing {c['在办']} · open {c['未办']} · overdue {c['逾期']}")  # fmt: skip
    open_first = sorted(review.items, key=lambda i: (ledger.STATES.index(i.state(d.meeting)), i.id))
    lines, more = _item_lines(open_first, d.meeting)
    extra = (
        f"<div class='dp-note'>{escape(t(f'另有{more}项,见调度材料', f'{more} more on the paper'))}</div>"
        if more > 0
        else ""
    )
    return f"<div class='dp-box'><h3>{escape(head)}:{escape(summary)}</h3><ul>{lines}</ul>{extra}</div>"


def _items(d: dispatch.Dispatch, items) -> str:
    if not items:
        return f"<div class='dp-none'>{escape(t('本次会议尚无交办事项。', 'Nothing assigned at this meeting yet.'))}</div>"
    lines, more = _item_lines(list(items), d.meeting)
    extra = (
        f"<div class='dp-note'>{escape(t(f'另有{more}项,见调度材料', f'{more} more on the paper'))}</div>"
        if more > 0
        else ""
    )
    head = t(f"本次会议交办{len(items)}项", f"{len(items)} item(s) assigned")
    return f"<div class='dp-box'><h3>{escape(head)}</h3><ul>{lines}</ul>{extra}</div>"


def _decisions(d: dispatch.Dispatch) -> str:
    boxes = []
    for s in dispatch.decision_sections(d, lang()):
        if s.lines:
            lines = list(s.lines[: min(MAX_LINES, _fitting(list(s.lines), DECISION_ROWS, DECISION_CHARS))])
            if len(s.lines) > len(lines):
                more = len(s.lines) - len(lines)
                lines.append(t(f"另有{more}条,见调度材料", f"{more} more on the sheet"))
            body = "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"
            head = escape(s.heading(lang()))
        else:
            body = f"<div class='dp-none'>√ {escape(s.none)}</div>"
            head = escape(s.title)
        boxes.append(f"<div class='dp-box'><h3>{head}</h3>{body}</div>")
    return f"<div class='dp-boxes'>{''.join(boxes)}</div>"
