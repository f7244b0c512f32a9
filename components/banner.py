"""The banner that says the data shown is not what is on disk, and why.

Shown by the header on every page when the current data folder has errors (the last valid state is
served instead) or when the configured data folder changed and its new files were refused.
"""

from __future__ import annotations

import logging

import streamlit as st

from components import safe
from components.context import lang, served, t
from lulong_data.contract import Problem

SHOWN = 3  # the first few problems name what to fix; the data status page lists them all


def _where(p: Problem) -> str:
    parts = [safe.text(p.file or "")]
    if p.row is not None:
        parts.append(t(f"第{p.row}行", f"row {p.row}"))
    if p.column:
        parts.append(t(f"「{safe.text(p.column)}」列", f"column {safe.text(p.column)}"))
    return t(" ", ", ").join(x for x in parts if x)


def problem_lines(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """Markdown bullet lines naming file, row and column of the first problems."""
    en = lang() == "en"
    lines = [f"- {_where(p)}:{safe.text(p.message_en if en else p.message_zh)}" for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        more = len(problems) - SHOWN
        lines.append(
            t(f"- 另有{more}个错误,见「数据状态」页", f"- {more} more errors: see the Data status page")
        )
    return "\n".join(lines)


def render_banner() -> None:
    """Say what is wrong with the newer data and what is shown instead. Never raises."""
    try:
        s = served()
        b = s.bundle
        shown = t(
            f"当前显示的是最后一次有效的数据(版本{s.version or '—'},数据截至{b.as_of:%Y-%m-%d},指纹{b.fingerprint[:12]})。",
            f"The data shown is from the last valid state (version {s.version or '—'}, "
            f"as of {b.as_of:%Y-%m-%d}, fingerprint {b.fingerprint[:12]}).",
        )
        if s.stale:
            folder = s.latest.folder or ""
            st.warning(
                t(
                    f"**数据文件夹中的文件有错误,未启用。**{shown}\n\n文件夹:`{folder}`\n\n",
                    f"**The files in the data folder have errors and are not used.** {shown}\n\n"
                    f"Folder: `{folder}`\n\n",
                )
                + problem_lines(s.problems),
                icon=":material/warning:",
            )
        if s.refused:
            st.warning(
                t(
                    f"**数据文件夹`{s.source}`中的新文件未通过校验,未启用。**{shown}\n\n",
                    f"**The data folder `{s.source}` has new files that failed validation; they are not "
                    f"used.** {shown}\n\n",
                )
                + problem_lines(s.refused),
                icon=":material/warning:",
            )
    except Exception:  # noqa: BLE001 - a banner must never take the page down
        logging.getLogger(__name__).exception("data banner failed")
