"""新闻发布: the press office's kit — the 通稿 to edit with every number checked, any other text checked,
the figures with their 口径, the published figures, print-ready charts and slides, and the 通稿 as Word.

Aggregates only: county and township figures. No village list and no household row is shown or exported
here (the press role never sees them), whatever the sidebar's township says.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import nav, safe
from components.auth import audited, require_page
from components.cache import compute
from components.context import as_of, bundle, lang, t, term
from components.press_check import audit_summary, export_gate, show_byline, show_findings
from components.press_conference import show_package
from components.press_kit import kit_charts, pptx_download, show_charts
from components.press_register import published, show_register
from components.streamlit_css import placeholder
from components.table import show_table
from lulong_data import briefing, exports, images, textcheck
from lulong_data.briefing_doc import Picture, briefing_docx
from lulong_data.chartkit import KitChart

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    texts_tab, package_tab, any_tab, figures_tab, published_tab, charts_tab = st.tabs(
        [
            term(k)
            for k in (
                "tab_release",
                "press_package",
                "tab_any_text",
                "tab_figures",
                "tab_register",
                "tab_charts",
            )
        ]
    )
    with texts_tab:
        headline, texts = _editor(d)
        st.subheader(term("numbers_in_text"))
        found = compute(textcheck.check_texts, texts=(headline, *texts), as_of=day, published=pubs)
        labels = [term("headline")] + [p.title_zh for p in d.parts]
        findings = [f for part in found for f in part]
        show_findings(
            findings,
            key="press_text_check",
            where=[lab for lab, part in zip(labels, found, strict=True) for _ in part],
        )
        st.divider()
        _word(d, headline, texts, charts, findings)
    with package_tab:
        show_package(day, pubs)
    with any_tab:
        _check_any(day, pubs)
    with figures_tab:
        st.subheader(term("draft_figures"))
        show_table(
            briefing.figures_frame(bundle(), d, lang()), t("数据口径", "figures"), key="press_figures",
            columns=briefing.FIGURE_COLUMNS, table="press_figures",
        )  # fmt: skip
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
    pick = st.radio(
        term("pick_headline"),
        options,
        format_func=safe.text,
        key="press_headline",
    )
    # The date is part of the keys: another as-of date is another release, not an edit of this one.
    headline = st.text_input(term("headline"), value=pick, key=f"press_title_{d.as_of}_{options.index(pick)}")
    texts = []
    for p in d.parts:
        label = t(p.title_zh, p.title_en)
        if p.omitted:
            label += t(
                f"(缺数据,省略{len(p.omitted)}句)", f" ({len(p.omitted)} sentence(s) left out: no data)"
            )
        texts.append(st.text_area(label, value=p.text, height=150, key=f"press_text_{d.as_of}_{p.theme}"))
    return headline, texts


def _check_any(day: dt.date, pubs: tuple) -> None:
    """Any text: pasted (a 发布词 written elsewhere, a newspaper draft) or an uploaded .docx/.txt."""
    st.subheader(term("check_any_text"))
    pasted = st.text_area(term("paste_text"), height=160, key="press_any_text")
    upload = st.file_uploader(term("upload_text_file"), type=["docx", "txt"])
    text = pasted
    if upload is not None:
        data = upload.getvalue()
        text = (
            textcheck.docx_text(data)
            if upload.name.lower().endswith(".docx")
            else data.decode("utf-8", "replace")
        )
    if text.strip():
        found = compute(textcheck.check_texts, texts=(text,), as_of=day, published=pubs)[0]
        show_findings(found, key="press_any_check")


# --- Word -----------------------------------------------------------------------------------------------
def _word(d: briefing.Draft, headline: str, texts: list[str], charts: list[KitChart], findings: list) -> None:
    st.subheader(term("release_as_word"))
    show_byline(briefing.byline(bundle()))
    sheet = export_gate(findings, key="press_confirm")
    if sheet is None:
        return
    titles = [c.title for c in charts]
    chosen = st.multiselect(
        term("charts_to_include"),
        titles,
        default=titles,
        placeholder=placeholder(),
        key="press_word_charts",
    )
    if not images.cjk_font_available():
        st.warning(
            t(
                "服务器未安装中文字体,Word 中的图片无法显示汉字。",
                "No Chinese font: pictures would show boxes.",
            )
        )
    day, b = d.as_of, bundle()
    mark = exports.DEMO_MARK if exports.demo_mode(b.folder) else None

    def build() -> bytes:
        pictures = [
            Picture(
                c.title,
                images.chart_image(
                    c.chart, title=c.title, unit=c.unit, source=c.source, as_of=day, watermark=mark
                ),
            )
            for c in charts
            if c.title in chosen
        ]
        figures = briefing.figures_table(b, d, "zh").drop(columns=["指标代码", "更新频次"])
        return briefing_docx(
            title=headline,
            as_of=day,
            paragraphs=[(p.title_zh, text) for p, text in zip(d.parts, texts, strict=True)],
            figures=figures,
            pictures=pictures,
            **briefing.byline(b),
            check=sheet,
            watermark=mark,
        )

    name = f"新闻通稿_{day.isoformat()}.docx"
    st.download_button(
        term("download_release"),
        data=audited(build, name, extra=audit_summary(sheet, findings)),
        file_name=name,
        mime=DOCX_MIME,
        on_click="ignore",
        type="primary",
        key="press_word",
    )


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
