"""The press page's 发布会 package: 主持词, 发布词 and 答问口径 per bureau, each previewed with its number check
and downloadable as its own Word file (or all together as a ZIP). A document whose numbers contradict the
data or what was published is not offered."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import streamlit as st

from components import files, safe
from components.cache import compute
from components.context import bundle, lang, t, term
from lulong_data import exports, press_package, textcheck
from lulong_data.briefing_doc import CheckSheet
from lulong_data.county import name_of
from lulong_data.textcheck import Published


def show_package(day: dt.date, pubs: tuple[Published, ...]) -> None:
    st.subheader(term("press_package"))
    st.caption(
        t(
            "主持词、发布词(草稿)和各单位答问口径,数字取自口径登记表并逐一核对;每份材料单独下载。",
            "Host's script, the statement draft and each bureau's answers; every number checked; one file each.",
        )
    )
    docs = compute(press_package.package, as_of=day)
    found = compute(textcheck.check_texts, texts=tuple(d.text for d in docs), as_of=day, published=pubs)
    b = bundle()
    county, mark = name_of(b), exports.demo_mark(b.folder)
    ready: list[tuple[str, press_package.Document, CheckSheet]] = []
    for doc, findings in zip(docs, found, strict=True):
        with st.expander(safe.text(doc.name)):
            st.text(doc.text)
            st.caption(textcheck.summary_text(findings, lang()))
            bad = textcheck.contradictions(findings)
            if bad:
                st.error(
                    t(
                        f"{len(bad)}个数字不一致,暂不提供下载。",
                        f"{len(bad)} number(s) contradict: not offered.",
                    )
                )
                continue
            sheet = CheckSheet(textcheck.findings_table(findings), textcheck.summary_text(findings))
            name = doc.file_name(county, day)
            ready.append((name, doc, sheet))
            files.download(
                term("download_named", name=safe.text(doc.name)),
                lambda doc=doc, sheet=sheet: press_package.document_docx(
                    doc, as_of=day, check=sheet, watermark=mark
                ),
                name,
                key=f"press_pkg_{doc.key}",
                extra={"check": textcheck.summary(findings)},
            )

    def bundle_zip() -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, doc, sheet in ready:
                z.writestr(name, press_package.document_docx(doc, as_of=day, check=sheet, watermark=mark))
        return buf.getvalue()

    zip_name = f"{county}新闻发布会材料_{day.isoformat()}.zip"
    files.download(term("download_all_zip"), bundle_zip, zip_name, key="press_pkg_zip", disabled=not ready)
