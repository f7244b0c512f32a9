"""审计日志: the data office reads who signed in, exported, published or rolled back, newest first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import nav
from components.auth import require_page
from components.context import t, term
from components.table import show_table
from lulong_data import audit
from lulong_data.settings import get_settings

SHOWN = 2000

ACTIONS = {
    "sign-in": ("登录", "sign-in"),
    "sign-in-failure": ("登录失败", "sign-in failure"),
    "sign-out": ("退出", "sign-out"),
    "export": ("导出", "export"),
    "publish": ("发布", "publish"),
    "rollback": ("回滚", "rollback"),
}


def render() -> None:
    require_page("audit")
    st.title(term("page_audit"))
    path = get_settings().audit_file
    st.caption(
        t(
            f"只追加的日志文件 `{path}`;显示最近 {SHOWN} 条,最新在前。",
            f"Append-only file `{path}`; the latest {SHOWN} entries, newest first.",
        )
    )
    entries = audit.read(path, limit=SHOWN)
    rows = pd.DataFrame(
        {
            term("when"): [e.get("when", "") for e in entries],
            term("user"): [e.get("who", "") for e in entries],
            term("role"): [e.get("role", "") for e in entries],
            term("action"): [
                t(*ACTIONS.get(e.get("action", ""), (e.get("action", ""),) * 2)) for e in entries
            ],
            term("detail"): [e.get("detail", "") for e in entries],
        }
    )
    show_table(rows, t("审计日志", "audit_log"), key="audit_log")


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
