"""KPI tiles: a figure, its change against seven days earlier, and a link to the page behind it."""

from __future__ import annotations

import streamlit as st

from components import nav
from components.context import as_of, lang, term
from components.help import metric_help
from lulong_data import formatting
from lulong_data.figures import Figure
from lulong_data.formatting import MINUS, fmt_delta
from lulong_data.metrics import METRICS

# Which way is good: "up" (more is better), "down" (fewer is better), None (a size: neither).
_DELTA_COLOR = {"up": "normal", "down": "inverse", None: "off"}


def delta_text(change: float | None) -> str | None:
    """fmt_delta with an ASCII minus: Streamlit reads the arrow's direction from a leading "-"."""
    if change is None:
        return None
    return fmt_delta(change).replace(MINUS, "-")


def tile(
    label: str,
    value: str,
    change: float | None = None,
    *,
    better: str | None = None,
    help: str | None = None,
    note: str | None = None,
    page: str | None = None,
) -> None:
    """One bordered tile. ``note`` is a second line (e.g. the target); ``page`` the url_path it opens."""
    with st.container(border=True):
        st.metric(
            label,
            value,
            delta=delta_text(change),
            delta_color=_DELTA_COLOR[better],
            delta_description=term("vs_7_days") if change is not None else None,
            help=help,
        )
        if note:
            st.caption(note)
        if page:
            nav.link(page, term("details"), icon=":material/arrow_forward:")


def definition(metric: str) -> str | None:
    """The metric's 口径 from the registry, for a tile's help tooltip."""
    # One wording for every tooltip: components.help builds it (definition, unit, source, frequency).
    return metric_help(metric) if metric in METRICS else None


def fmt_value(value: float | None, unit: str, key: str | None = None) -> str:
    """A figure with its unit, the Chinese way (lulong_data.formatting.fmt_value)."""
    return formatting.fmt_value(value, unit, key, lang=lang())


def figure_tile(
    fig: Figure,
    *,
    label: str | None = None,
    change: float | None = None,
    note: str | None = None,
    page: str | None = None,
) -> None:
    """A tile of one registered figure: its label, value and unit from the registry, and its own period
    ("截至6月底", "1月1日至7月26日") under it — never the page's date for a figure of another date. A missing
    value reads "—" with the reason."""
    m = METRICS[fig.name]
    notes = [fig.period.short(lang(), today=as_of()), *fig.notes(lang()), note]
    tile(
        label or m.label(lang()),
        fmt_value(fig.value, fig.unit or m.unit, fig.name),
        change,
        better=m.better,
        help=definition(fig.name),
        note=" · ".join(n for n in notes if n),
        page=page,
    )
