"""Cached metric calls: one result per (data version, metric, parameters), shared between sessions.

Metric functions take the bundle, which Streamlit cannot hash; the bundle's fingerprint stands in for it,
so a new data folder means new results and stale ones age out (``max_entries``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from components.context import bundle
from lulong_data.figures import Figure
from lulong_data.metrics import registry


@st.cache_data(max_entries=2048, show_spinner=False)
def _compute(fingerprint: str, module: str, name: str, params: tuple[tuple[str, Any], ...]) -> Any:
    fn = getattr(importlib.import_module(module), name)
    return fn(bundle(), **dict(params))


def compute(fn: Callable[..., Any], **params: Any) -> Any:
    """``fn(bundle(), **params)``, cached. Results are copies: safe to modify."""
    return _compute(bundle().fingerprint, fn.__module__, fn.__qualname__, tuple(sorted(params.items())))


def figure(spec: str, **params: Any) -> Figure:
    """The registered figure ``spec`` names (``registry.evaluate``), cached like :func:`compute`."""
    return compute(registry.evaluate, spec=spec, **params)


def week(spec: str, **params: Any) -> tuple[Figure, Figure]:
    """The registered figure and what a tile compares it with (registry.earlier): the same figure seven
    days earlier, or the list month before for a monthly list."""
    return figure(spec, **params), compute(registry.earlier, spec=spec, **params)


def versus(spec: str, **params: Any) -> tuple[Figure, Figure]:
    """The registered figure and the same figure for the same period of the year before (上年同期)."""
    return figure(spec, **params), compute(registry.year_before, spec=spec, **params)
