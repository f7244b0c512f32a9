"""Tables with a spreadsheet download: the way every page shows rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.context import as_of, t
from lulong_data.exports import to_xlsx


def show_table(
    df: pd.DataFrame,
    file_stem: str,
    *,
    key: str,
    column_config: dict | None = None,
    height: int | None = None,
    download: bool = True,
    style: Callable[[pd.DataFrame], Any] | None = None,
) -> None:
    """Show a sortable table and offer the same rows as XLSX (file name carries the as-of date).

    ``style(df)`` may return a pandas Styler (e.g. colour cues) for the screen; the download stays plain.
    """
    if df.empty:
        st.info(t("暂无数据", "No rows"))
        return
    st.dataframe(
        style(df) if style is not None else df,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        height=height if height is not None else "auto",
        key=f"{key}_table",
    )
    if download:
        stamp = as_of().isoformat()
        st.download_button(
            t("下载 Excel", "Download Excel"),
            data=lambda: to_xlsx(df, title=t(f"数据截至 {stamp}", f"Data as of {stamp}")),
            file_name=f"{file_stem}_{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            key=f"{key}_xlsx",
        )
