"""The press page's number check on screen, and the gate that keeps a contradicting text from leaving.

The judgments are ``lulong_data.textcheck``'s; this module only shows them and asks the officer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from components import safe
from components.auth import current_user
from components.cache import compute
from components.context import lang, t, term
from components.table import show_table
from lulong_data import textcheck
from lulong_data.briefing_doc import CheckSheet
from lulong_data.textcheck import Finding

# On a narrow screen, what the officer acts on first: the number, its check, the right value and why it
# differs (说明: visible at 1366 px), then whom to ask (来源); the metric code (for the data office) last.
CHECK_PRIORITY = ("text", "verdict", "right_value", "note", "source", "figure", "paragraph", "no", "spec")


def show_findings(findings: Sequence[Finding], *, key: str, where: Sequence[str] | None = None) -> None:
    """A one-line verdict (all clear / n contradictions / n not checkable) and the table of every number."""
    counts = textcheck.summary(findings)
    bad = textcheck.contradictions(findings)
    if bad:
        st.error(
            t(
                f"{len(bad)}个数字与数据或已发布数字不一致:"
                + ";".join(f"“{safe.text(f.text)}”应为{safe.text(f.right_text())}" for f in bad[:5])
                + ("……" if len(bad) > 5 else ""),
                f"{len(bad)} number(s) contradict the data or what was published.",
            ),
            icon=":material/cancel:",
        )
    elif counts[textcheck.UNCHECKED]:
        st.warning(
            t(
                f"{counts[textcheck.UNCHECKED]}个数字无法核对(见下表“说明”),请人工核实。",
                f"{counts[textcheck.UNCHECKED]} number(s) could not be checked: see the notes below.",
            ),
            icon=":material/help:",
        )
    else:
        st.success(
            t(
                "文中每个数字都与数据或已发布数字一致。",
                "Every number agrees with the data or what was published.",
            ),
            icon=":material/check_circle:",
        )
    st.caption(textcheck.summary_text(findings, lang()))
    if findings:
        show_table(
            textcheck.findings_frame(findings, lang(), where=where),
            t("数字核对", "number_check"),
            key=key,
            columns=textcheck.CHECK_COLUMNS,
            table="press_check",
            priority=CHECK_PRIORITY,
        )


def check_and_show(
    texts: Sequence[str],
    *,
    as_of: dt.date,
    published: tuple,
    key: str,
    labels: Sequence[str] | None = None,
) -> list[Finding]:
    """Every number of ``texts`` checked (lulong_data.textcheck, cached) and shown by :func:`show_findings`,
    ``labels`` naming the text each number is in; returns the findings (for :func:`export_gate`)."""
    found = compute(textcheck.check_texts, texts=tuple(texts), as_of=as_of, published=published)
    findings, where = textcheck.located(found, labels or [""] * len(found))
    show_findings(findings, key=key, where=None if labels is None else where)
    return findings


def check_any_text(day: dt.date, published: tuple) -> None:
    """Any text checked: pasted (a 发布词 written elsewhere, a newspaper draft) or an uploaded .docx/.txt."""
    st.subheader(term("check_any_text"))
    pasted = st.text_area(term("paste_text"), height=160, key="press_any_text")
    upload = st.file_uploader(term("upload_text_file"), type=["docx", "txt"])
    text = pasted if upload is None else textcheck.file_text(upload.name, upload.getvalue())
    if text.strip():
        check_and_show([text], as_of=day, published=published, key="press_any_check")


def show_byline(byline: dict[str, str]) -> None:
    """Who the Word 通稿 names as its issuer (briefing.byline): the county's publishing office, or a warning
    that the data folder does not name one (the file then says 发稿单位未设置; nothing is guessed)."""
    office = byline.get("issued_by", "")
    if office:
        st.caption(t(f"发稿单位:{safe.text(office)}", f"Issued by: {safe.text(office)}"))
        return
    st.warning(
        t(
            "数据文件夹的 manifest.toml 未填写发稿单位(press_office),Word 通稿署名处显示“发稿单位未设置”。"
            "请数据办公室填写本县新闻发布单位的全称;文中每个数字注明其责任单位。",
            "The data folder's manifest.toml names no issuing office (press_office): the Word release says "
            "so in its byline. Ask the data office to fill in the county's press office; every figure in the "
            "text names its own department.",
        ),
        icon=":material/edit_note:",
    )


def export_gate(findings: Sequence[Finding], *, key: str) -> CheckSheet | None:
    """The 核对单 to attach to an export, or None while the export is refused.

    A text with a contradiction is refused until the officer ticks the confirmation; the 核对单 then says
    who confirmed it and when.
    """
    bad = textcheck.contradictions(findings)
    sheet = CheckSheet(
        table=textcheck.findings_table(findings, "zh"),
        summary=textcheck.summary_text(findings, "zh"),
        contradictions=len(bad),
    )
    if not bad:
        return sheet
    st.error(
        t(
            f"文中有{len(bad)}个数字与数据或已发布数字不一致,暂不能导出。请修改文字,"
            "或在核实后勾选下方确认(导出的文件将附核对单并记录确认人)。",
            f"{len(bad)} number(s) contradict the data or what was published: export refused. Correct the text, "
            "or confirm below after checking (the file then carries a check sheet naming who confirmed).",
        ),
        icon=":material/block:",
    )
    confirmed = st.checkbox(
        term("confirm_contradictions", n=len(bad)),
        key=key,
    )
    if not confirmed:
        return None
    return CheckSheet(
        table=sheet.table,
        summary=sheet.summary,
        contradictions=len(bad),
        confirmed_by=current_user(),
        confirmed_at=dt.datetime.now().astimezone(),
    )


def audit_summary(sheet: CheckSheet, findings: Sequence[Finding]) -> dict:
    """What the audit log records with an export: the counts per verdict and whether it was confirmed."""
    return {"check": textcheck.summary(findings), "confirmed": bool(sheet.contradictions)}
