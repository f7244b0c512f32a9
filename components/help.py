"""The 口径 of a figure as help text (st.metric(help=...), column help, captions), from the registry.

One source for the definition, unit, department and frequency, so a tile, a table and the press briefing
say the same thing about a number. tests/test_registry_coverage.py fails when a page names a metric the
registry does not know.
"""

from __future__ import annotations

import streamlit as st

from components.context import lang, t, term
from lulong_data.metrics import METRICS
from lulong_data.metrics.registry import UnknownMetric, lookup


def metric_help(name: str) -> str:
    """Definition, unit, source department and frequency of ``name`` (or a spec ``name:k=v``), translated.

    An unregistered name does not break the page: the tooltip says the 口径 is missing (and the coverage
    test fails).
    """
    try:
        m = lookup(name)
    except (UnknownMetric, ValueError):
        return t(f"口径未登记:{name}", f"No definition registered for {name}")
    definition = t(m.definition_zh, m.definition_en or m.definition_zh)
    unit = m.unit or t("见数据", "as given")
    return t(
        f"{definition}\n\n单位:{unit};来源:{m.department};更新频次:{m.frequency}",
        f"{definition}\n\nUnit: {unit}; source: {m.department}; updated: {m.frequency}",
    )


def definitions(*names: str, extra: tuple[str, str] | None = None) -> None:
    """The 口径 of the figures on a tab, from the registry (the same text the briefing uses)."""
    with st.expander(term("definition")):
        for name in names:
            m = METRICS[name]
            title, text = (m.title_en, m.definition_en) if lang() == "en" else (m.title_zh, m.definition_zh)
            st.markdown(f"- **{title}**({m.unit},{m.department}):{text}")
        if extra:
            st.markdown(f"- {t(*extra)}")
