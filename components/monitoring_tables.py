"""Household lists of the monitoring page, with the privacy check on every row.

Each row is shown only if ``can_see_households(row.township_code)``: leaders and the data office see all,
a township sees its own households, the press office none. The list is shaped in lulong_data
(``metrics.monitoring_view.rows``: words, not codes); its columns are keys of the one column-label table,
so the headers and the household guard come from lulong_data.columns like every other table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.cache import compute
from components.context import can_see_households, lang, t, term
from components.table import show_table
from lulong_data import glossary
from lulong_data.metrics import monitoring_view as mv


def visible_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows the current user may see (decided per row by its township)."""
    if df.empty:
        return df
    allowed = df["township_code"].map(lambda code: can_see_households(code)).astype(bool)
    return df[allowed]


def household_table(
    df: pd.DataFrame,
    file_stem: str,
    *,
    key: str,
    columns: Sequence[str],
    counter: str = "household",
    notes: Sequence[str] = (),
) -> None:
    """How many rows the list has ("共22户"; ``counter`` a glossary key whose 量词 counts them), then the rows this user may see under the headers of
    ``columns`` (keys of lulong_data.columns, table "household_list"), with an XLSX download carrying
    ``notes``."""
    shown = visible_rows(df)
    n = len(df)
    what = glossary.get(counter)
    st.markdown(
        f"**{term('in_all', n=f'{n:,}', counter=t(what.counter, what.plural or what.en.lower() + 's'))}**"
    )
    if len(shown) < n:
        st.caption(t(
            f"户级明细仅对县领导和本乡镇开放;已隐藏 {n - len(shown)} 行。",
            f"Household rows are open to county leaders and the household's own township; {n - len(shown)} rows hidden.",
        ))  # fmt: skip
    if not shown.empty or df.empty:
        show_table(shown, file_stem, key=key, columns=columns, table="household_list", notes=notes)


def household_list(
    spec: mv.HouseholdList,
    *,
    as_of: dt.date,
    township: str | None,
    notes: Sequence[str] = (),
    heading: bool = True,
) -> None:
    """The household list ``spec`` (lulong_data.metrics.monitoring_view) at ``as_of`` in ``township``: its
    heading (``heading=False`` when the page has put it up with more under it) and note, then
    :func:`household_table`."""
    if heading:
        st.subheader(term(spec.heading))
    if spec.note:
        st.caption(t(*spec.note))
    df = compute(mv.household_list, name=spec.name, as_of=as_of, township=township, lang=lang())
    household_table(df, spec.file, key=spec.key, columns=spec.columns, counter=spec.counter, notes=notes)
