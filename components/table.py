"""Tables with a spreadsheet download: the way every page shows rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components.auth import audited
from components.context import as_of, bundle, lang, role, t
from lulong_data import access, exports
from lulong_data.columns import HOUSEHOLD_KEYS, header
from lulong_data.exports import to_xlsx

# Headers of integer columns that are labels, not quantities: no thousands separator (2022, not 2,022).
_NOT_QUANTITY = ("年", "year", "Year", "代码", "code", "Code", "序号", "No.")

# Column headers that identify a household (both languages): such a table is household-level.
HOUSEHOLD_COLUMNS = {"户主", "户编号", "Head", "Household ID", "Household id", "household_id", "head_masked"}


def show_table(
    df: pd.DataFrame,
    file_stem: str,
    *,
    key: str,
    columns: Sequence[str] | None = None,
    table: str | None = None,
    year: int | None = None,
    column_config: dict | None = None,
    height: int | None = None,
    download: bool = True,
    style: Callable[[pd.DataFrame], Any] | None = None,
    note: str | None = None,
    notes: Sequence[str] = (),
    empty: str | None = "",
) -> None:
    """Show a sortable table and offer the same rows as XLSX (file name carries the as-of date).

    ``style(df)`` may return a pandas Styler (e.g. colour cues) for the screen; the download stays plain.
    ``notes`` (sentences, e.g. a deadline's calendar caveat) are written under the XLSX title; the page
    shows them itself.
    ``note`` (e.g. the periods of the figures in the columns, lulong_data.figures.periods_text) is shown
    under the table and written into the spreadsheet's title row.

    ``columns``: the frame's column keys to show, in order; their headers come from the one column-label
    table (lulong_data.columns, scoped by ``table``, ``{year}`` filled from ``year``), ``column_config`` is
    keyed by column key too, and the household guard reads the keys. ``empty``: what an empty table says
    ("" = 暂无数据; None = nothing at all, when the page has already said it).
    """
    if columns is not None:
        keys = [c for c in columns if c in df.columns]
        if HOUSEHOLD_KEYS & set(keys) and not access.can(role(), access.HOUSEHOLDS):
            st.info(t("本角色不显示到户明细。", "Household rows are not shown to this role."))
            return
        names = {k: header(k, lang(), table=table, year=year) for k in keys}
        df = df[keys].rename(columns=names)
        column_config = {names.get(k, k): v for k, v in (column_config or {}).items()}
    if df.empty:
        if empty is not None:
            st.info(empty or t("暂无数据", "No rows"))
        return
    if HOUSEHOLD_COLUMNS & set(map(str, df.columns)) and not access.can(role(), access.HOUSEHOLDS):
        # Last line of defence: pages filter household rows by role, but a table that still carries them
        # is neither shown nor offered for download to a role without household access.
        st.info(t("本角色不显示到户明细。", "Household rows are not shown to this role."))
        return
    st.dataframe(
        style(df) if style is not None else df,
        hide_index=True,
        width="stretch",
        column_config=_with_separators(df, column_config),
        height=height if height is not None else "auto",
        key=f"{key}_table",
    )
    if note:
        st.caption(note)
    if download:
        stamp = as_of().isoformat()
        title = t(f"数据截至 {stamp}", f"Data as of {stamp}") + (f" {note}" if note else "")
        if exports.demo_mode(bundle().folder):  # a sheet of the fictitious sample says so in its first row
            title = f"{exports.DEMO_MARK}(虚构,仅供演示)  {title}"
        st.download_button(
            t("下载 Excel", "Download Excel"),
            data=audited(
                lambda: to_xlsx(df, title=title, notes=tuple(notes)),
                f"{file_stem}_{stamp}.xlsx",
            ),
            file_name=f"{file_stem}_{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            key=f"{key}_xlsx",
        )


def column_header(key: str, *, table: str | None = None, year: int | None = None) -> str:
    """The header of column ``key`` in the chosen language (lulong_data.columns)."""
    return header(key, lang(), table=table, year=year)


def labelled(df: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The ``columns`` of ``df`` present in it, renamed to their (Chinese, English) headers for display."""
    return df[[c for c in columns if c in df.columns]].rename(columns={k: t(*v) for k, v in columns.items()})


def _with_separators(df: pd.DataFrame, column_config: dict | None) -> dict:
    """Counts and amounts with thousands separators (10,474), as the tiles above the tables show them."""
    config = dict(column_config or {})
    for col in df.columns:
        name = str(col)
        if name in config or any(word in name for word in _NOT_QUANTITY):
            continue
        if pd.api.types.is_integer_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            config[name] = st.column_config.NumberColumn(format="localized")
        elif pd.api.types.is_float_dtype(df[col]) and df[col].dropna().abs().ge(1000).any():
            config[name] = st.column_config.NumberColumn(format="localized")  # amounts: 3,775,410
    return config
