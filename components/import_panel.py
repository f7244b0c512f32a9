"""导入本周导出文件 on the data status page: drop the week's exports, see what was recognised, publish.

The work is lulong_data.imports.run.run_import (the same as ``python -m lulong_data import auto …``): the
uploads are read in memory (no copy of a file full of ID numbers is written anywhere), imported onto the
version now current into a folder under the state directory, and that folder is published through the
store's atomic publish. This module only collects the files and shows the outcome.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from components import auth, safe
from components.context import t, term
from components.publish_panel import show_result, who
from components.publish_status import report
from lulong_data import access
from lulong_data.imports import labels
from lulong_data.publishing import StoreBusy
from lulong_data.settings import get_settings

UPLOAD_TYPES = ["xlsx", "xls", "csv"]
STATE_KEY = "import_outcome"
RESULT_KEY = "import_publish_result"
UPLOADER_KEY = "import_uploader_n"
FINDINGS_SHOWN = 10  # findings listed under the verdict; the rest are in the report table


def _run(files: list, store) -> dict:
    """Import the uploads onto the current version; the outcome and where its folder is."""
    from lulong_data.imports import profiles
    from lulong_data.imports.run import run_import

    settings = get_settings()
    base = store.current_folder()
    work = Path(tempfile.mkdtemp(prefix="import-", dir=_work_dir()))
    folders = [*profiles.profile_folders(Path(settings.data_dir))[:1], *profiles.profile_folders(base)]
    outcome = run_import(
        [("auto", (f.name, f.getvalue())) for f in files],
        base=base,
        out=work / "out",
        secret_file=settings.secret_file,
        profile_folders=folders,
    )
    return {"outcome": outcome, "work": work, "base_version": store.current_id()}


def _work_dir() -> Path:
    path = get_settings().state_dir / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget() -> None:
    done = st.session_state.pop(STATE_KEY, None)
    if done and done.get("work"):
        shutil.rmtree(done["work"], ignore_errors=True)


def _sheets_table(outcome) -> None:
    """One line per sheet, narrow enough for a 1024 px screen; the columns are in the expanders below."""
    rows = []
    for s in outcome.sheets:
        rows.append(
            {
                term("file"): s.file,
                term("recognised_as"): labels.kind(s.kind, s.table, t("zh", "en")),
                term("header_rows"): "、".join(map(str, s.header_rows)) or "—",
                term("data_rows"): s.rows,
                term("unknown_columns"): "、".join(s.unknown) or "—",
            }
        )
    config = {
        term("file"): st.column_config.TextColumn(width=190),
        term("recognised_as"): st.column_config.TextColumn(width=150),
        term("header_rows"): st.column_config.TextColumn(width=55),
        term("data_rows"): st.column_config.NumberColumn(width=65, format="localized"),
        term("unknown_columns"): st.column_config.TextColumn(width="medium"),
    }
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config=config)


def _mapped(outcome) -> None:
    for s in outcome.sheets:
        if not s.mapped:
            continue
        when = (
            t(f",导出时间 {safe.text(s.export_date)}", f", exported {safe.text(s.export_date)}")
            if s.export_date
            else ""
        )
        name = safe.text(s.file)  # a file name is data: it may hold Markdown
        with st.expander(term("import_file_read", name=name, n=len(s.mapped), when=when)):
            st.dataframe(
                pd.DataFrame(
                    {
                        term("read_as"): [labels.target(s.kind, s.table, k, t("zh", "en")) for k in s.mapped],
                        term("columns_in_file"): ["、".join(v) for v in s.mapped.values()],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            if s.dropped:
                st.caption(
                    t(
                        "已知但不导入的列(个人信息或数据约定中没有):",
                        "Known columns not imported (personal data or not in the contract): ",
                    )
                    + "、".join(safe.text(d) for d in s.dropped)  # fmt: skip
                )


def _finding(p) -> str:
    """One finding as the clerk reads it: severity, file, row and column, then what it says."""
    zh = t("zh", "en") == "zh"
    where = p.file + (t(f" 第 {p.row} 行", f" row {p.row}") if p.row else "")
    where += t(f"「{p.column}」", f" '{p.column}'") if p.column else ""
    severity = {"error": t("错误", "Error")}.get(p.severity, t("提示", "Note"))
    return (
        f"{severity} · {where.strip() or t('本次导入', 'this import')}:{p.message_zh if zh else p.message_en}"
    )


def _needs_action(problems, limit: int = FINDINGS_SHOWN) -> None:
    """The findings as lines of text right under the verdict, errors first: the report table below has
    too little room for the text of a finding on a 1024-1366 px screen."""
    if not problems:
        return
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    lines = [_finding(p) for p in ordered[:limit]]
    st.markdown(safe.bullets(lines))
    if len(ordered) > limit:
        n = len(ordered) - limit
        st.caption(t(f"其余 {n} 条见下方导入报告。", f"{n} more in the import report below."))


def form(store) -> None:
    """Uploader → recognition report → 校验并发布."""
    auth.require(access.PUBLISH)
    if not access.writes_allowed():  # open mode: the publish form below says so
        return
    n = st.session_state.get(UPLOADER_KEY, 0)
    files = st.file_uploader(
        term("upload_exports"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"import_files_{n}",
        help=t(
            "原样上传,不必改名或整理:系统自动找表头、识别表格类型、把地名换成代码,身份证号在读取时即替换为假名,"
            "电话号码不保留。识别结果和校验报告显示在下方,确认无误后再发布。",
            "Upload them as exported: the header, the kind of table and the place codes are found "
            "automatically; ID numbers are replaced by pseudonyms as they are read, phones are dropped. Check "
            "the recognition and the report below, then publish.",
        ),
    )
    if not files:
        _forget()
        published = st.session_state.get(RESULT_KEY)
        if published is not None:
            show_result(published)
        return
    st.session_state.pop(RESULT_KEY, None)
    digest = hashlib.sha256(b"".join(f.name.encode() + f.getvalue() for f in files)).hexdigest()
    done = st.session_state.get(STATE_KEY)
    if not done or done.get("digest") != digest:
        _forget()
        with st.spinner(t("正在识别和校验……", "Recognising and checking…")):
            done = _run(files, store) | {"digest": digest}
        st.session_state[STATE_KEY] = done
    outcome = done["outcome"]

    st.markdown(f"**{term('import_recognised')}**")
    _sheets_table(outcome)
    _mapped(outcome)
    if outcome.ok:
        rows = "、".join(
            f"{labels.dataset(k, t('zh', 'en'))} {v:,}" for k, v in outcome.rows.items() if "(" not in k
        )
        st.success(
            t(f"校验通过,可以发布。将更新:{rows}。", f"Checked: ready to publish. It updates: {rows}."),
            icon=":material/check_circle:",
        )
    else:
        st.error(
            t(
                f"不能发布:发现 {len(outcome.errors)} 个错误,没有任何数据被改动。请按下方报告修改导出文件或导入配置后重新上传。",
                f"Cannot publish: {len(outcome.errors)} errors; nothing was changed. Fix the exports or the "
                "import profile as the report says and upload again.",
            ),
            icon=":material/block:",
        )
    _needs_action(outcome.problems)
    if outcome.problems:
        with st.expander(
            term("import_report", n=len(outcome.problems)),
            expanded=not outcome.ok,
        ):
            report(outcome.problems, key="import_report")
    if not outcome.ok:
        return
    note = st.text_input(term("note_optional"), key=f"import_note_{n}")
    if st.button(term("validate_and_publish"), type="primary", key="import_publish"):
        auth.require(access.PUBLISH)  # re-checked at the moment of acting
        if store.current_id() != done["base_version"]:
            st.warning(
                t(
                    "导入后数据已被他人更新,请重新上传以便在最新版本上导入。",
                    "The data changed since this import was prepared; upload again to import onto it.",
                )
            )
            _forget()
            return
        names = "、".join(s.file for s in outcome.sheets)
        try:
            with st.spinner(t("正在发布……", "Publishing…")):
                result = store.import_folder(
                    outcome.out, who(), note or t(f"导入:{names}", f"import: {names}")
                )
        except StoreBusy:
            st.warning(t("另一位用户正在发布,请稍后再试。", "Someone else is publishing; try again shortly."))
            return
        auth.log("import", f"{names} -> {result.version}" if result.ok else f"{names} (refused)")
        if not result.ok:
            show_result(result)
            return
        st.session_state[RESULT_KEY] = result
        _forget()
        st.session_state[UPLOADER_KEY] = n + 1
        st.rerun()  # the header and tables above were drawn from the old data
