"""The header line on every page: the data's as-of date, the date being viewed, the scope, and (quietly) the
folder's warnings.

If the data folder has errors the whole page says so first, with the count and where to look, so no
figure is read without knowing it may be incomplete. Warnings alone are one quiet phrase: their list is on
the data status page, and the projector view leaves them out. Problems are listed, never raised.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import safe
from components.banner import render_banner
from components.cache import compute
from components.context import as_of, can_see_households, counties, lang, role, t, term, township
from lulong_data import access
from lulong_data.bundle import Bundle
from lulong_data.metrics.overview import townships

SHOWN_PROBLEMS = 50


def _quiet_status(b: Bundle) -> str | None:
    """Warnings only: one quiet phrase for the header line (the list lives on the data status page)."""
    if not b.warnings:
        return None
    n = len(b.warnings)
    where = t("(见数据状态页)", " (see Data status)") if access.can(role(), "page:data") else ""
    return t(f"数据提示{n}条{where}", f"{n} data warnings{where}")


def _problem_rows(b: Bundle) -> pd.DataFrame:
    en = lang() == "en"
    rows = [
        {
            term("severity"): term("error") if p.severity == "error" else term("warning"),
            term("file"): p.file,
            term("row"): p.row,
            term("column"): p.column or "",
            term("value"): p.value or "",
            term("note"): p.message_en if en else p.message_zh,
        }
        for p in (*b.errors, *b.warnings)[:SHOWN_PROBLEMS]
    ]
    return pd.DataFrame(rows)


def presenting() -> bool:
    """The projector view of the dispatch meeting (``?present=1``): no data-office detail on the wall."""
    return st.query_params.get("present") == "1"


def render_header(b: Bundle) -> None:
    render_banner()  # the data shown is the last valid state, or newer files were refused: say so first
    viewing = as_of()
    names = dict(compute(townships).itertuples(index=False, name=None))
    where = safe.text(names.get(township() or "")) or t("全县", "whole county")
    if len(counties()) > 1:
        # A folder of several counties: say which one is shown (its name from the data).
        name = str((b.manifest or {}).get("county_name") or (b.manifest or {}).get("county_code") or "")
        where = f"{safe.text(name)} · {where}" if township() else safe.text(name)
    parts = [
        t(f"**数据截至{b.as_of:%Y-%m-%d}**", f"**Data as of {b.as_of:%Y-%m-%d}**"),
        t(f"范围:{where}", f"Scope: {where}"),
    ]
    if viewing != b.as_of:
        parts.insert(1, t(f"查看日期{viewing:%Y-%m-%d}", f"viewing {viewing:%Y-%m-%d}"))
    # Order of attention: without errors the data's state is one quiet phrase (none on the projector).
    quiet = None if presenting() else _quiet_status(b)
    if quiet:
        parts.append(quiet)
    st.caption(" · ".join(parts))
    if b.errors:
        folder = b.folder or ""
        st.error(
            t(
                f"数据文件夹有**{len(b.errors)}个错误**,相关数字可能不完整。"
                f"请数据管理人员展开下方清单逐条修正,或运行`python -m lulong_data check {folder}`查看完整报告。",
                f"The data folder has **{len(b.errors)} errors**; affected figures may be incomplete. "
                f"Open the list below, or run `python -m lulong_data check {folder}` for the full report.",
            ),
            icon=":material/error:",
        )
        # Errors only: then the list is the first thing to read (warnings are on the data status page).
        total = len(b.problems)
        label = term("problem_list_count", n=total)
        with st.expander(label, expanded=False):
            if not can_see_households():
                # Values and messages quote household and person numbers: not for the press office.
                st.caption(
                    t(
                        "问题明细仅对县领导和数据管理人员开放。",
                        "Details are for leaders and the data office.",
                    )
                )
            else:
                st.dataframe(_problem_rows(b), hide_index=True, width="stretch")
            if total > SHOWN_PROBLEMS and can_see_households():
                st.caption(
                    t(
                        f"仅显示前{SHOWN_PROBLEMS}条;完整报告请运行`python -m lulong_data check`。",
                        f"First {SHOWN_PROBLEMS} shown; see python -m lulong_data check for all.",
                    )
                )
