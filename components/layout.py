"""Page layout helpers: sections in tabs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from components.context import t


def tabbed(sections: Sequence[tuple[tuple[str, str], Callable[..., None]]], *args: Any) -> None:
    """One tab per (title (zh, en), section) pair; each section is called with ``args``."""
    for tab, (_, section) in zip(st.tabs([t(*title) for title, _ in sections]), sections, strict=True):
        with tab:
            section(*args)
