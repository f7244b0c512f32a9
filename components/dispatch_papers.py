"""The dispatch paper: download the draft (Word/PDF), issue it as 第N期 (kept frozen in the state database),
reopen any issued paper as it was handed out, and the 乡镇一页纸 of one township."""

from __future__ import annotations

import streamlit as st

from components import files, safe
from components.auth import current_identity
from components.context import bundle, can_see_households, county, lang, t, term
from lulong_data import dispatch, dispatch_report, store
from lulong_data.access import DATA, LEADER
from lulong_data.metrics.monitoring import deadline_caveats
from lulong_data.store import ledger, papers

OFFICE_KEY = "dispatch_office"


def render(d: dispatch.Dispatch, *, review, items, bureaus, cands) -> None:
    st.subheader(term("dispatch_paper"))
    who, code, language = current_identity(), county() or "", lang()
    issued = papers.for_meeting(county=code, meeting_on=d.meeting, actor=who)

    def draft() -> bytes:
        return dispatch_report.build(d, language, review=review, items=items, bureaus=bureaus)

    word, pdf, rest = st.columns([1, 1, 2])
    with word:
        name = dispatch_report.file_name(d, "docx", language)
        files.download(term("download_draft_word"), draft, name, key="dispatch_docx")
    with pdf:
        if dispatch_report.soffice():
            name = dispatch_report.file_name(d, "pdf", language)
            files.download(term("download_pdf"), lambda: _pdf(draft()), name, key="dispatch_pdf")
        else:
            st.button(term("pdf_unavailable"), disabled=True, key="dispatch_pdf_off",
                      help=t("本服务器未安装 LibreOffice,请下载 Word 版后另存为 PDF。",
                             "LibreOffice is not installed on this server: save the Word file as PDF."))  # fmt: skip
    with rest:
        if issued is not None:
            office = safe.text(issued.office)
            st.success(t(f"本次会议材料已印发:{issued.label('zh')}({office})",
                         f"Issued: {issued.label('en')} ({office})"), icon=":material/check_circle:")  # fmt: skip
        elif who.source != "open" and who.role in (LEADER, DATA):
            _issue_form(d, who, code, language, review, bureaus)
        else:
            st.caption(t("材料由县领导或县防贫中心印发。", "The leader or the data office issues the paper."))
    _issued_list(who, code)
    _one_pager(d, items, cands)


def _pdf(docx: bytes) -> bytes:
    out = dispatch_report.to_pdf(docx)
    if out is None:
        raise RuntimeError("LibreOffice could not convert the dispatch sheet")
    return out


def _issue_form(d, who, code: str, language: str, review, bureaus) -> None:
    with st.form("dispatch_issue"):
        office = st.text_input(term("issuing_office"), value=f"{d.county_zh}防贫中心", key=OFFICE_KEY,
                               max_chars=papers.MAX_OFFICE)  # fmt: skip
        go = st.form_submit_button(term("issue_paper"), type="primary")
    if not go:
        return
    try:
        # Open items of earlier meetings join this one first, so the paper lists what is still open.
        ledger.carry_over(county=code, to_meeting=d.meeting, actor=who)
        items = ledger.items(county=code, actor=who, meeting_on=d.meeting)
        figures = dispatch.snapshot(d) | {
            "points": list(dispatch.key_points(d, language, review=review)),
            "items": [i.id for i in items],
        }
        paper = papers.issue(
            county=code, meeting_on=d.meeting, data_as_of=d.data_as_of, office=office, lang=language,
            fingerprint=_fingerprint(), figures=figures, actor=who,
            docx=lambda label, office: dispatch_report.build(
                d, language, review=review, items=items, bureaus=bureaus, issue=dispatch_report.Issue(label, office)
            ),
        )  # fmt: skip
    except store.StoreError as exc:
        st.error(safe.text(str(exc)))
        return
    st.toast(t(f"已印发{paper.label('zh')}", f"Issued {paper.label('en')}"), icon=":material/check_circle:")
    st.rerun()


def _fingerprint() -> str:
    return bundle().fingerprint[:64]


def _issued_list(who, code: str) -> None:
    issued = papers.listing(county=code, actor=who)
    if not issued:
        return
    with st.expander(term("issued_papers", n=len(issued))):
        for p in issued[:20]:
            name = f"周调度_{p.label('zh')}_{p.meeting_on:%Y-%m-%d}.docx"
            files.download(
                term("issued_paper_line", paper=p.label(lang()), meeting=f"{p.meeting_on:%Y-%m-%d}",
                     data=f"{p.data_as_of:%Y-%m-%d}", office=safe.text(p.office)),
                lambda pid=p.id: papers.word_file(paper_id=pid, actor=who), name, key=f"dispatch_paper_{p.id}",
            )  # fmt: skip


def _one_pager(d: dispatch.Dispatch, items, cands) -> None:
    names = dict(zip(d.townships["township_code"], d.townships["township"], strict=True))
    allowed = [c for c in names if can_see_households(c)]
    if not allowed:
        return
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    with left:
        code = st.selectbox(term("township_one_pager"), options=allowed, format_func=names.get,
                            key="dispatch_onepager")  # fmt: skip
    mine = [i for i in items if i.township_code == code]
    lines = [c for c in cands if c.township_code == code]
    name = dispatch_report.township_file_name(d, names[code])
    b, language = bundle(), lang()  # the file is made on the click, outside the script run

    def sheet() -> bytes:
        notes = deadline_caveats(b, as_of=d.data_as_of, township=code)
        return dispatch_report.township_sheet(d, code, items=mine, lines=lines, caveats=notes, lang=language)

    with right:
        files.download(
            term("download_one_pager", name=safe.text(names[code])), sheet, name, key="dispatch_onepager_docx"
        )
