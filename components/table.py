"""Tables with a spreadsheet download: the way every page shows rows.

Every table fits the screen it is on (issue 22). st.dataframe draws on a canvas, where a cell that is too
narrow cuts its text and no CSS can help, so each column is given the pixel width its header and values
need, and on a narrow screen (components.viewport) the table shows the columns that fit, most important
first, with the others one click away ("显示全部N列").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components import files, theme, viewport
from components.context import as_of, bundle, lang, role, t, term
from lulong_data import access, exports, status
from lulong_data.columns import HOUSEHOLD_KEYS, TableView, header
from lulong_data.exports import to_xlsx

# Headers of integer columns that are labels, not quantities: no thousands separator (2022, not 2,022).
_NOT_QUANTITY = ("年", "year", "Year", "代码", "code", "Code", "序号", "No.")

# Column headers that identify a household (both languages): such a table is household-level.
HOUSEHOLD_COLUMNS = {"户主", "户编号", "Head", "Household ID", "Household id", "household_id", "head_masked"}

# Pixel sizes of the grid (Streamlit 1.67, baseFontSize 17): a fixed row height, so that a table asked to
# show all its rows does (the default grows with the font); widths per character of the grid's font.
ROW_HEIGHT = 36
SHOW_ALL_ROWS = 15  # a table of up to this many rows is shown whole (st.dataframe's "auto" stops at 10)
_WIDE_PX, _NARROW_PX, _CELL_PX = 16, 9, 30
_MIN_PX, _PROGRESS_PX = 56, 170
_SAMPLE_ROWS = 500  # rows looked at to size a column


def height_for(rows: int) -> int:
    """The height (pixels) that shows ``rows`` rows and the header without scrolling."""
    return ROW_HEIGHT * (rows + 1) + 3


def text_px(text: object) -> int:
    """Pixels the grid needs for ``text`` on one line: Chinese characters are about twice as wide as digits."""
    return sum(_WIDE_PX if ord(ch) >= 0x2E80 or ch in "—…" else _NARROW_PX for ch in str(text))


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f"{value:,.1f}" if isinstance(value, float) and not float(value).is_integer() else f"{value:,.0f}"
        )
    return str(value)


def column_px(df: pd.DataFrame, column: str, config: dict | None = None) -> int:
    """The width of ``column`` that shows its header and every value without cutting."""
    kind = (config or {}).get("type_config", {}).get("type") if isinstance(config, dict) else None
    values = df[column].head(_SAMPLE_ROWS)
    longest = max((text_px(_shown(v)) for v in values), default=0)
    px = max(text_px(column) + 18, longest) + _CELL_PX  # 18: the sort arrow beside a header
    return max(px, _PROGRESS_PX if kind == "progress" else _MIN_PX)


def choose_columns(widths: dict[str, int], budget: int, priority: list[str]) -> list[str]:
    """The columns to show within ``budget`` pixels: by ``priority`` (most important first; the first always
    shows), then any others in their order, as long as they fit. Returned in ``widths``' order."""
    order = [c for c in priority if c in widths] + [c for c in widths if c not in priority]
    chosen, used = [], 0
    for col in order:
        if chosen and used + widths[col] > budget:
            continue  # a narrower column further down may still fit
        chosen.append(col)
        used += widths[col]
    return [c for c in widths if c in chosen]


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
    priority: Sequence[str] | None = None,
    share: float | None = None,
    periods: dict[str, Any] | None = None,
    whole: bool = False,
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

    ``priority`` lists the columns (keys or headers) that matter most, first: on a narrow screen they are
    the ones shown (by default the frame's own order); ``share`` is the part of the page's width the table
    has (by default what components.viewport.columns says; give it for a table in plain st.columns).
    ``height``: see :func:`height_for`; ``whole=True`` shows every row however many (a list whose last row
    must not hide under a scroll).

    ``periods`` (the parameters the table was built with: as_of, township, year): the period each figure
    column stands for is printed under the table and into the spreadsheet ("统计时段:已就业(人)1月1日至
    7月26日;目标任务(人)2022年全年。", lulong_data.columns.periods_note) — never only the page's date.
    """
    names: dict[str, str] = {}
    if columns is not None:
        keys = [c for c in columns if c in df.columns]
        if periods is not None:
            from components.cache import compute
            from lulong_data.columns import periods_note

            said = compute(periods_note, keys=tuple(keys), table=table, lang=lang(), **periods)
            note = " ".join(n for n in (note, said) if n) or None
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
    config = _with_separators(df, column_config)
    widths = {str(c): column_px(df, c, config.get(str(c))) for c in df.columns}
    config = _with_widths(config, widths)
    fitting = choose_columns(
        widths,
        viewport.budget(viewport.share() if share is None else share),
        [names.get(str(c), str(c)) for c in priority or df.columns],
    )
    everything = st.session_state.get(f"{key}_all", False)
    st.dataframe(
        style(df) if style is not None else df,
        hide_index=True,
        width="stretch",
        column_config=config,
        column_order=None if everything else fitting,
        # A short table shows every row (a township list must not hide its 12th); a long one scrolls.
        height=height_for(len(df)) if whole or len(df) <= SHOW_ALL_ROWS else (height or "auto"),
        row_height=ROW_HEIGHT,
        key=f"{key}_table",
    )
    if note:
        st.caption(note)
    hidden = len(widths) - len(fitting)
    if not (download or hidden):
        return
    row = st.container(horizontal=True, vertical_alignment="center")
    if hidden:
        row.checkbox(
            term("show_all_columns", n=len(widths), hidden=hidden),
            key=f"{key}_all",
        )
    if download:
        stamp = as_of().isoformat()
        title = term("data_as_of_on", date=stamp) + (f" {note}" if note else "")
        if exports.demo_mode(bundle().folder):  # a sheet of the fictitious sample says so in its first row
            title = f"{term('demo_sheet_mark')}  {title}"

        def sheet() -> bytes:
            return to_xlsx(df, title=title, notes=tuple(notes))

        files.download(
            term("download_xlsx"), sheet, f"{file_stem}_{stamp}.xlsx", key=f"{key}_xlsx", where=row
        )


def show_view(
    df: pd.DataFrame, view: TableView, *, key: str, year: int | None = None, of: object = None, **kw: Any
) -> None:
    """:func:`show_table` of a table a view model describes (lulong_data.columns.TableView): its columns,
    their scope and priority, its file name (with ``year``, which also fills the headers' ``{year}``, else
    the year of ``periods``; and ``of``, what the table is of: a list month, a village)."""
    stem = view.file_stem(year if year is not None else (kw.get("periods") or {}).get("year"), of)
    show_table(
        df, stem, key=key, columns=view.columns, table=view.table, year=year, priority=view.priority, **kw
    )


def column_header(key: str, *, table: str | None = None, year: int | None = None) -> str:
    """The header of column ``key`` in the chosen language (lulong_data.columns)."""
    return header(key, lang(), table=table, year=year)


def labelled(df: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The ``columns`` of ``df`` present in it, renamed to their (Chinese, English) headers for display."""
    return df[[c for c in columns if c in df.columns]].rename(columns={k: t(*v) for k, v in columns.items()})


def _with_widths(config: dict, widths: dict[str, int]) -> dict:
    """Each column's config with its pixel width (a width the caller set is kept)."""
    out = dict(config)
    for col, px in widths.items():
        entry = out.get(col)
        if entry is None:
            out[col] = st.column_config.Column(width=px)
        elif isinstance(entry, dict) and entry.get("width") is None:
            out[col] = {**entry, "width": px}
    return out


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


# theme.STATUS hues darkened for text on white (the orange itself is too faint for a word on a projector).
_STATUS_TEXT = {"behind": "#B34700", "watch": "#8A5A00", "good": theme.BLUE}


def status_style(lang_code: str) -> Callable[[pd.DataFrame], Any]:
    """A ``show_table`` style for a table whose first column is the one status rule's label (√ 正常 /
    ▲ 关注 / × 落后): the word in its colour, which repeats the icon and the word, never replaces them."""
    colours = {status.label(s, lang_code): _STATUS_TEXT[s] for s in status.ORDER}

    def style(df: pd.DataFrame):
        return df.style.map(
            lambda v: f"color: {colours.get(v, '#111')}; font-weight: 700", subset=[df.columns[0]]
        )

    return style
