"""新闻发布: the press office's kit — the 通稿 to edit with every number checked, any other text checked,
the figures with their 口径, the published figures, print-ready charts and slides, and the 通稿 as Word.

Aggregates only: county and township figures. No village list and no household row is shown or exported
here (the press role never sees them), whatever the sidebar's township says.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from components import files, nav, safe
from components.auth import require_page
from components.cache import compute
from components.chart import pictures_readable
from components.context import as_of, bundle, lang, t, term
from components.press_check import audit_summary, check_and_show, check_any_text, export_gate, show_byline
from components.press_conference import show_package
from components.press_kit import kit_charts, pick_charts, pptx_download, show_charts
from components.press_register import published, show_register
from components.table import show_table
from lulong_data import briefing, press_package
from lulong_data.chartkit import KitChart

TABS = ("tab_release", "press_package", "tab_any_text", "tab_figures", "tab_register", "tab_charts")


def render() -> None:
    require_page("press")  # re-checked here: a deep link or page switch bypasses the menu
    day = as_of()
    st.title(term("page_press"))
    st.caption(
        t(
            f"所有数字按 {day.isoformat()} 计算,取自口径登记表;本页只含全县和乡镇汇总,不含农户明细。",
            f"Every figure is computed as of {day.isoformat()} from the metric registry; county and township "
            "totals only, no household rows.",
        )
    )
    d = compute(briefing.draft, as_of=day)
    pubs = tuple(published())  # every source of the register, newest first
    charts = kit_charts(day)
    texts_tab, package_tab, any_tab, figures_tab, published_tab, charts_tab = st.tabs([term(k) for k in TABS])
    with texts_tab:
        headline, texts = _editor(d)
        st.subheader(term("numbers_in_text"))
        labels = [term("headline")] + [p.title_zh for p in d.parts]
        findings = check_and_show(
            (headline, *texts), labels=labels, as_of=day, published=pubs, key="press_text_check"
        )
        st.divider()
        _word(d, headline, texts, charts, findings)
    with package_tab:
        show_package(day, pubs)
    with any_tab:
        check_any_text(day, pubs)
    with figures_tab:
        st.subheader(term("draft_figures"))
        show_table(
            briefing.figures_frame(bundle(), d, lang()),
            t("数据口径", "figures"),
            key="press_figures",
            columns=briefing.FIGURE_COLUMNS,
            table="press_figures",
        )
    with published_tab:
        show_register(list(pubs))
    with charts_tab:
        show_charts(charts)
        pptx_download(charts, day)


# --- the 通稿 ------------------------------------------------------------------------------------------------
def _editor(d: briefing.Draft) -> tuple[str, list[str]]:
    st.subheader(term("press_release"))
    st.caption(
        t(
            "数字由系统按口径自动填入;可修改文字,改动后的每个数字都会在下方重新核对。",
            "Numbers are filled in from the registry; edit the wording and every number is checked again below.",
        )
    )
    if st.button(term("reset_release"), key="press_reset"):
        for key in [k for k in st.session_state if str(k).startswith(("press_text_", "press_title_"))]:
            del st.session_state[key]
    options = [h.text for h in d.headlines] or [d.title]
    pick = st.radio(term("pick_headline"), options, format_func=safe.text, key="press_headline")
    # The date is part of the keys: another as-of date is another release, not an edit of this one.
    headline = st.text_input(term("headline"), value=pick, key=f"press_title_{d.as_of}_{options.index(pick)}")
    texts = [
        st.text_area(
            briefing.part_label(p, lang()), value=p.text, height=150, key=f"press_text_{d.as_of}_{p.theme}"
        )
        for p in d.parts
    ]
    return headline, texts


# --- Word -----------------------------------------------------------------------------------------------
def _word(d: briefing.Draft, headline: str, texts: list[str], charts: list[KitChart], findings: list) -> None:
    st.subheader(term("release_as_word"))
    show_byline(briefing.byline(bundle()))
    sheet = export_gate(findings, key="press_confirm")
    if sheet is None:
        return
    shown = pick_charts(charts, term("charts_to_include"), key="press_word_charts")
    pictures_readable(
        t("服务器未安装中文字体,Word 中的图片无法显示汉字。", "No Chinese font: pictures would show boxes.")
    )
    release = partial(
        press_package.release_docx, bundle(), d, headline=headline, texts=texts, charts=shown, check=sheet
    )
    name = f"新闻通稿_{d.as_of.isoformat()}.docx"
    extra = audit_summary(sheet, findings)
    files.download(term("download_release"), release, name, key="press_word", extra=extra, type="primary")


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
