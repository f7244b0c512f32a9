"""Publishing on the data status page: upload → validate → install, the version list and rollback.

The store does the work (lulong_data.publishing); this module only collects the files, shows the
candidate's report and keeps the last outcome in session state across the rerun that shows new data.
"""

from __future__ import annotations

import streamlit as st

from components import auth, safe
from components.context import t, term
from components.publish_status import report
from lulong_data import access
from lulong_data.publishing import PublishResult, Store, StoreBusy, Version

UPLOAD_TYPES = ["csv", "parquet", "xlsx", "zip", "toml", "geojson"]
RESULT_KEY = "publish_result"
UPLOADER_KEY = "publish_uploader_n"  # bumped after a publish so the uploader starts empty
CONFIRM_KEY = "rollback_confirm"
ROLLBACK_KEY = "rollback_result"
DEFAULT_WHO = "数据管理员"


def who() -> str:
    """The acting user: a name from session state or SSO if present (access control comes later)."""
    name = st.session_state.get("user_name")
    if not name:
        try:
            name = st.user.get("name")
        except Exception:  # noqa: BLE001 - st.user without auth configured may raise
            name = None
    return str(name) if name else DEFAULT_WHO


def _action(action: str) -> str:
    labels = {
        "init": t("初始化", "initialised"),
        "import": t("导入数据文件夹", "imported folder"),
        "publish": t("发布", "published"),
        "rollback": t("回滚", "rolled back"),
    }
    return labels.get(action, action)


def changes_text(action: str, changes: dict) -> str:
    if action == "init":
        return t(
            f"初始化({len(changes.get('added', []))} 个文件)",
            f"initial ({len(changes.get('added', []))} files)",
        )
    parts = []
    for kind, zh, en in (
        ("added", "新增", "added"),
        ("replaced", "替换", "replaced"),
        ("removed", "删除", "removed"),
    ):
        if changes.get(kind):
            parts.append(t(f"{zh} ", f"{en} ") + "、".join(changes[kind]))
    return t(";", "; ").join(parts) or t("无变化", "no change")


def _show_result(result: PublishResult) -> None:
    if result.ok:
        st.success(
            t(
                f"已发布,当前版本为 {result.version}(上一版本 {result.previous or '—'} 已保留)。"
                f"{changes_text('publish', result.changes)}",
                f"Published: version {result.version} is now current (version {result.previous or '—'} "
                f"is kept). {changes_text('publish', result.changes)}",
            ),
            icon=":material/check_circle:",
        )
    elif result.unchanged:
        st.info(
            t(
                "上传的文件与当前版本相同,没有发布新版本。",
                "The files equal the current version: nothing published.",
            )
        )
    else:
        st.error(
            t(
                f"未发布:发现 {len(result.errors)} 个错误,数据没有任何改变(仍为版本 {result.previous or '—'})。"
                "请按下方报告修改后重新上传。",
                f"Not published: {len(result.errors)} errors; nothing changed (still version "
                f"{result.previous or '—'}). Fix the files as the report says and upload again.",
            ),
            icon=":material/block:",
        )
    if result.problems:
        with st.expander(term("candidate_report"), expanded=not result.ok):
            report(result.problems, key="candidate_report")


def read_only_notice() -> bool:
    """Say so and return True when this server may not publish (open mode: anonymous visitors)."""
    if access.writes_allowed():
        return False
    st.info(
        t(
            "演示模式(`LULONG_AUTH=open`)只显示内置样例数据,不能发布、回滚或导入数据。"
            "数据管理人员请在单点登录(`header`)或账号(`accounts`)方式下登录后发布;"
            "也可在服务器上运行`python -m lulong_data versions`。",
            "Demo mode (LULONG_AUTH=open) shows the bundled sample only: nothing can be published, rolled "
            "back or imported. Sign in under header or accounts mode to publish; on the server use "
            "python -m lulong_data versions.",
        ),
        icon=":material/lock:",
    )
    return True


show_result = _show_result  # also used by components.import_panel


def publish_form(store: Store) -> None:
    """Uploader, note and the 校验并发布 button; the outcome survives the rerun that loads new data."""
    auth.require(access.PUBLISH)
    if read_only_notice():
        return
    n = st.session_state.get(UPLOADER_KEY, 0)
    files = st.file_uploader(
        term("upload_data_files"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"publish_files_{n}",
        help=t(
            "单个文件替换当前版本中的同名数据集;zip 压缩包代表完整的数据文件夹(其中没有的文件将被删除)。"
            "文件名须为数据约定中的名称,如 households.csv。",
            "Single files replace the same dataset in the current version; a zip stands for the whole "
            "folder (files it lacks are removed). Names must follow the contract, e.g. households.csv.",
        ),
    )
    # Streamlit's own line under the drop zone is English and hidden (components.streamlit_css): say it here.
    kinds = "、".join(k.upper() for k in UPLOAD_TYPES)
    limit = st.get_option("server.maxUploadSize")
    st.caption(t(f"可选 {kinds} 文件,单个文件不超过{limit}MB。", f"{kinds} files, up to {limit} MB each."))
    note = st.text_input(term("note_optional"), key=f"publish_note_{n}")
    if st.button(term("validate_and_publish"), type="primary", key="publish_button"):
        if not files:
            st.warning(t("请先选择要上传的文件。", "Choose the files to upload first."))
        else:
            with st.spinner(t("正在校验……", "Validating…")):
                try:
                    names = [f.name for f in files]
                    result = store.publish([(f.name, f.getvalue()) for f in files], who(), note)
                except StoreBusy:
                    st.warning(
                        t("另一位用户正在发布,请稍后再试。", "Someone else is publishing; try again shortly.")
                    )
                    return
            detail = ", ".join(names) + (f" -> {result.version}" if result.ok else " (refused)")
            auth.log("publish", detail)
            st.session_state[RESULT_KEY] = result
            st.session_state.pop(ROLLBACK_KEY, None)
            if result.ok:
                st.session_state[UPLOADER_KEY] = n + 1
                st.rerun()  # the header and tables above were drawn from the old data
    result = st.session_state.get(RESULT_KEY)
    if isinstance(result, PublishResult):
        _show_result(result)


def _version_line(v: Version) -> str:
    rows = sum(v.rows.values()) if v.rows else 0
    current = t(" **(当前)**", " **(current)**") if v.current else ""
    note = f" · {safe.text(v.note)}" if v.note else ""
    when = safe.text(v.when.replace("T", " ")[:19])
    return (
        f"**{t('版本', 'Version')} {safe.text(v.id)}**{current} · {when} · {safe.text(v.who)} · "
        f"{_action(v.action)} · {safe.text(changes_text(v.action, dict(v.changes)))} · "
        f"{t(f'共 {rows:,} 行', f'{rows:,} rows')}{note}"
    )


def versions(store: Store) -> None:
    """Kept versions, newest first, each with a rollback button that asks for confirmation."""
    kept = store.versions()
    if not kept:
        st.info(t("还没有版本。", "No versions yet."))
        return
    target = st.session_state.get(CONFIRM_KEY)
    for v in kept:
        # A row, not fixed columns: a narrow column cut the button's label.
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown(_version_line(v), width="stretch")
        if row.button(term("roll_back"), key=f"rollback_{v.id}", disabled=v.current):
            st.session_state[CONFIRM_KEY] = target = v.id
        if target == v.id and not v.current:
            st.warning(
                t(
                    f"确认把当前数据回滚到版本 {v.id}?所有用户将立即看到该版本的数据;现有版本仍会保留。",
                    f"Roll the data back to version {v.id}? Everyone sees it at once; the current version is kept.",
                )
            )
            choice = st.container(horizontal=True)
            if choice.button(term("confirm_roll_back"), type="primary", key=f"rollback_yes_{v.id}"):
                st.session_state.pop(CONFIRM_KEY, None)
                st.session_state[RESULT_KEY] = None
                auth.require(access.PUBLISH)  # re-checked at the moment of acting, not only on the page
                if read_only_notice():
                    return
                result = store.rollback(v.id, who())
                auth.log("rollback", f"-> {v.id}" + ("" if result.ok else " (failed)"))
                st.session_state[ROLLBACK_KEY] = result
                st.rerun()
            if choice.button(term("cancel"), key=f"rollback_no_{v.id}"):
                st.session_state.pop(CONFIRM_KEY, None)
                st.rerun()
    done = st.session_state.get(ROLLBACK_KEY)
    if isinstance(done, PublishResult) and done.ok:
        st.success(
            t(f"已回滚,当前版本为 {done.version}。", f"Rolled back: version {done.version} is current.")
        )


def history(store: Store) -> None:
    """The full log (every action, including pruned versions), with row counts per dataset."""
    import pandas as pd

    from components.table import show_table

    rows = [
        {
            term("version"): e.get("id"),
            term("when"): str(e.get("when", "")).replace("T", " ")[:19],
            term("operator"): e.get("who", ""),
            term("action"): _action(e.get("action", "")),
            term("changes"): changes_text(e.get("action", ""), e.get("changes") or {}),
            term("rows_per_dataset"): ", ".join(f"{k} {v:,}" for k, v in (e.get("rows") or {}).items()),
            term("note"): e.get("note", ""),
        }
        for e in reversed(store.log())
    ]
    show_table(pd.DataFrame(rows), t("数据版本记录", "data_versions_log"), key="versions_log")
