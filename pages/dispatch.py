"""周调度: the weekly dispatch meeting — what changed, who is behind, what needs a decision, one page to
print. ``?present=1`` turns the page into the projector view (components.dispatch_present).

The meeting date and comparison live in the URL (``?date=2022-06-30&compare=week``) so the office can
open the projector view before the meeting starts. Every figure comes from lulong_data.dispatch.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import dispatch_present, kpi, safe, theme
from components.auth import audited, require_page
from components.cache import compute
from components.context import as_of, bundle, can_see_households, lang, t, township
from components.table import show_table
from lulong_data import dispatch, dispatch_report
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics.overview import first_date

DATE_KEY = "dispatch_date"
COMPARE_KEY = "dispatch_compare"
_DELTA_COLOR = {"up": "normal", "down": "inverse", None: "off"}
# theme.STATUS hues darkened for text on white (the orange itself is too faint for a word on a projector).
_TEXT = {"behind": "#B34700", "watch": "#8A5A00", "good": theme.BLUE}


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _choices() -> tuple[dt.date, str]:
    """Meeting date and comparison: the widgets' values, else the URL's, else the defaults."""
    b = bundle()
    low, high = compute(first_date), b.as_of
    if DATE_KEY not in st.session_state:
        day = _parse_date(st.query_params.get("date")) or as_of()
        st.session_state[DATE_KEY] = min(max(day, low), high)
    if COMPARE_KEY not in st.session_state:
        cmp = st.query_params.get("compare", "week")
        st.session_state[COMPARE_KEY] = cmp if cmp in dispatch.COMPARISONS else "week"
    return st.session_state[DATE_KEY], st.session_state[COMPARE_KEY]


def _to_url() -> None:
    # The URL carries the choices, so a copied link (or the projector link) shows the same meeting.
    day = st.session_state.get(DATE_KEY)
    if isinstance(day, dt.date):
        st.query_params["date"] = day.isoformat()
    st.query_params["compare"] = st.session_state.get(COMPARE_KEY) or "week"


def _start_presenting() -> None:
    _to_url()
    st.query_params["present"] = "1"
    st.session_state[dispatch_present.SLIDE_KEY] = 0


def render() -> None:
    require_page("dispatch")  # re-checked here: a deep link or page switch bypasses the menu
    meeting, comparison = _choices()
    if st.query_params.get("present") == "1":
        dispatch_present.render(compute(dispatch.prepare, as_of=meeting, comparison=comparison))
        return

    st.title(t("周调度", "Weekly dispatch"))
    _controls()
    meeting, comparison = _choices()
    d = compute(dispatch.prepare, as_of=meeting, comparison=comparison)
    st.caption(d.dates_line(lang()))
    if township():
        st.caption(
            t("周调度按全县各乡镇列示,不受侧栏乡镇筛选影响。", "The dispatch always lists every township.")
        )
    _downloads(d)
    _headlines(d)
    _townships(d)
    _decisions(d)


def _controls() -> None:
    b = bundle()
    left, mid, right = st.columns([1, 2, 1], vertical_alignment="bottom")
    with left:
        st.date_input(
            t("会议日期", "Meeting date"),
            min_value=compute(first_date),
            max_value=b.as_of,
            format="YYYY-MM-DD",
            help=t(
                "数字按此日期计算;默认是数据的截至日期。", "Figures as of this date; by default the data's."
            ),
            key=DATE_KEY,
            on_change=_to_url,
        )
    with mid:
        st.segmented_control(
            t("对比", "Compare with"),
            options=list(dispatch.COMPARISONS),
            format_func=lambda k: t(*dispatch.COMPARISONS[k]),
            required=True,
            key=COMPARE_KEY,
            on_change=_to_url,
        )
    with right:
        st.button(
            t("投影模式", "Projector view"),
            on_click=_start_presenting,
            help=t(
                "全屏大字、一屏一部分,←/→ 或 PageUp/PageDown 翻页。地址栏加 ?present=1 可直接打开。",
                "Large type, one section per screen; ←/→ or PageUp/PageDown to move. Add ?present=1 to the URL.",
            ),
            key="dispatch_present",
        )


def _downloads(d: dispatch.Dispatch) -> None:
    code = lang()
    word, pdf, _ = st.columns([1, 1, 3])
    with word:
        st.download_button(
            t("下载调度材料(Word)", "Download sheet (Word)"),
            data=audited(lambda: dispatch_report.build(d, code), dispatch_report.file_name(d, "docx", code)),
            file_name=dispatch_report.file_name(d, "docx", code),
            mime=dispatch_report.DOCX_MIME,
            on_click="ignore",
            key="dispatch_docx",
        )
    with pdf:
        if dispatch_report.soffice():
            st.download_button(
                t("下载 PDF", "Download PDF"),
                data=audited(lambda: _pdf(d, code), dispatch_report.file_name(d, "pdf", code)),
                file_name=dispatch_report.file_name(d, "pdf", code),
                mime=dispatch_report.PDF_MIME,
                on_click="ignore",
                key="dispatch_pdf",
            )
        else:
            st.button(
                t("PDF 不可用", "PDF unavailable"),
                disabled=True,
                help=t(
                    "本服务器未安装 LibreOffice,无法生成 PDF。请下载 Word 版,在 Word/WPS 中打印或另存为 PDF。",
                    "LibreOffice is not installed on this server. Download the Word file and print or save it "
                    "as PDF from Word/WPS.",
                ),
                key="dispatch_pdf_off",
            )


def _pdf(d: dispatch.Dispatch, code: str) -> bytes:
    pdf = dispatch_report.to_pdf(dispatch_report.build(d, code))
    if pdf is None:
        raise RuntimeError("LibreOffice could not convert the dispatch sheet")
    return pdf


def _headlines(d: dispatch.Dispatch) -> None:
    st.subheader(t("主要指标变化", "Headline figures"))
    code = lang()
    since = t(*dispatch.COMPARISONS[d.comparison])
    for start in range(0, len(d.headlines), 3):
        for col, h in zip(st.columns(3), d.headlines[start : start + 3], strict=False):
            with col, st.container(border=True):
                st.metric(
                    h.title(code),
                    h.fmt(h.now, code),
                    delta=kpi.delta_text(h.change) if h.unit != "%" else h.fmt_change(code),
                    delta_color=_DELTA_COLOR[h.better],
                    delta_description=t(
                        f"较{since} {h.fmt(h.then, code)}", f"vs {since}: {h.fmt(h.then, code)}"
                    ),
                    help=kpi.definition(h.metric) if h.metric else None,
                )


def _townships(d: dispatch.Dispatch) -> None:
    period = d.env_period or t("无", "none")
    st.subheader(t("各乡镇情况(问题多的在前)", "Townships, worst first"))
    table = dispatch.township_table(d, lang())
    status_col = table.columns[0]
    colours = {dispatch.status_label(s, lang()): _TEXT[s] for s in dispatch.STATUS_ORDER}

    def style(df: pd.DataFrame):
        # The colour repeats the icon and the word, never replaces them.
        return df.style.map(
            lambda v: f"color: {colours.get(v, '#111')}; font-weight: 700", subset=[status_col]
        )

    show_table(
        table,
        t("周调度_乡镇", "dispatch_townships"),
        key="dispatch_townships",
        style=style,
        height=35 * (len(table) + 1) + 3,  # every township visible without scrolling
    )
    st.caption(
        t(
            f"本期 {d.period_label('zh')};人居环境为 {period} 月乡镇排名(名次/参评乡镇数)。",
            f"Period {d.period_label('en')}; environment = township rank of the {period} list (rank/ranked).",
        )
        + " "
        + d.rule_text(lang())
    )


def _decisions(d: dispatch.Dispatch) -> None:
    st.subheader(t("需研究决定的事项", "Items that need a decision"))
    sections = dispatch.decision_sections(d, lang())
    for row in (sections[:2], sections[2:]):
        for col, s in zip(st.columns(2, gap="large"), row, strict=True):
            with col, st.container(border=True):
                st.markdown(f"**{s.title}**" + (f"({len(s.lines)})" if s.lines else ""))
                if s.lines:
                    st.markdown("\n".join(f"- {safe.text(line)}" for line in s.lines))
                else:
                    st.markdown(f"✔ {s.none}")
    items = d.decisions.overdue_items
    if not items.empty and can_see_households(None):
        with st.expander(
            t(f"逾期事项明细({len(items)}项,按户)", f"Overdue items by household ({len(items)})")
        ):
            label = {k: t(*v) for k, v in mon.CHECK_LABELS.items()}
            rows = pd.DataFrame(
                {
                    t("事项", "Item"): items["check"].map(label),
                    t("乡镇", "Township"): items["township_name"],
                    t("村", "Village"): items["village_name"],
                    t("户主", "Head"): items["head_masked"],
                    t("应办日期", "Due"): items["due_on"].dt.date,
                    t("逾期天数", "Days over"): items["days_over"],
                }
            )
            show_table(rows, t("周调度_逾期明细", "dispatch_overdue"), key="dispatch_overdue")


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
