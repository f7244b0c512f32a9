"""KPI tiles: a figure, its change against seven days earlier, and a link to the page behind it."""

from __future__ import annotations

import streamlit as st

from components import nav
from components.context import t
from components.help import metric_help
from lulong_data.formatting import MINUS, RATES, fmt_count, fmt_delta, fmt_pct, fmt_rate
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
            delta_description=t("较7天前", "vs 7 days earlier") if change is not None else None,
            help=help,
        )
        if note:
            st.caption(note)
        if page:
            nav.link(page, t("查看详情 →", "Details →"))


def definition(metric: str) -> str | None:
    """The metric's 口径 from the registry, for a tile's help tooltip."""
    # One wording for every tooltip: components.help builds it (definition, unit, source, frequency).
    return metric_help(metric) if metric in METRICS else None


def fmt_value(value: float | None, unit: str, key: str | None = None) -> str:
    """A figure with its unit, the Chinese way (percentages and scores keep one decimal, completion rates
    ``key`` in formatting.RATES none, as published)."""
    if key in RATES:
        return fmt_rate(value)
    if unit == "%":
        return fmt_pct(value)
    if unit == "分":
        return "—" if value is None or value != value else f"{value:.1f}{t('分', '')}"
    return fmt_count(value, t(unit, ""))
