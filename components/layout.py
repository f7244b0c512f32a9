"""Page layout helpers: sections in tabs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from components.context import t


def tabbed(sections: Sequence[tuple[str | tuple[str, str], Callable[..., None]]], *args: Any) -> None:
    """One tab per (title, section) pair — the title a glossary term (``term(key)``) or (zh, en); each
    section is called with ``args``."""
    titles = [t(*title) if isinstance(title, tuple) else title for title, _ in sections]
    for tab, (_, section) in zip(st.tabs(titles), sections, strict=True):
        with tab:
            section(*args)
