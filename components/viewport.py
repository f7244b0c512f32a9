"""How wide the page's main column is, so a table can choose the columns that fit (issue 22).

Tables are drawn on a canvas (st.dataframe): CSS cannot hide their columns on a narrow screen, so the
browser reports the width of the main column (its content box, rounded down to ``STEP`` pixels) once, and
again only when it crosses a step (a resized window, the sidebar opened or closed). The first run of a
session does not know it yet and assumes ``UNKNOWN``; the report then reruns the page once.

The reporter is a Streamlit v2 component with inline JavaScript (nothing loaded from elsewhere), drawn in
the sidebar where it takes no room.
"""

from __future__ import annotations

import contextvars
from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

KEY = "viewport"
STEP = 50
UNKNOWN = 1250  # before the browser has reported: a projector's main column
PHONE = 600  # below this the main column is a phone's (Streamlit also stacks st.columns there)

_JS = """
export default function (component) {
  const { setStateValue } = component;
  let last = null;
  const measure = () => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    let w = window.innerWidth;
    if (main) {
      const css = getComputedStyle(main);
      w = main.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
    }
    const stepped = Math.floor(w / STEP) * STEP;
    if (stepped !== last) { last = stepped; setStateValue("width", stepped); }
  };
  measure();
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const observer = new ResizeObserver(measure);
  if (main) observer.observe(main);
  return () => observer.disconnect();
}
""".replace("STEP", str(STEP))

_reporter = st.components.v2.component("lulong_viewport", js=_JS)


def report() -> None:
    """Mount the reporter (once per run, from the router)."""
    with st.sidebar:
        _reporter(key=KEY, on_width_change=lambda: None, height=0)


def width() -> int:
    """The main column's width in pixels (a multiple of STEP; UNKNOWN until the browser has said)."""
    state = st.session_state.get(KEY)
    value = state.get("width") if isinstance(state, dict) else getattr(state, "width", None)
    return int(value) if isinstance(value, int | float) and value > 0 else UNKNOWN


def phone() -> bool:
    return width() < PHONE


# st.columns' gaps in pixels (1, 2 and 4 rem at the theme's base font size of 17 px).
GAP_PX = {"small": 17, "medium": 34, "large": 68}


def budget(share: float = 1.0) -> int:
    """Pixels a table may take: the main column's width, times ``share`` for a table in one of several
    columns (a phone stacks columns: then the whole width)."""
    return width() if phone() else int(width() * share)


# -- columns that give way on a narrow screen --------------------------------------------------------------

_SHARE: contextvars.ContextVar[float] = contextvars.ContextVar("lulong_column_share", default=1.0)


class Column:
    """A column of :func:`columns`: ``with col:`` draws into it and tells tables their share of the page."""

    def __init__(self, dg: DeltaGenerator, share: float) -> None:
        self.dg, self.share = dg, share
        self._tokens: list[contextvars.Token] = []

    def __enter__(self) -> DeltaGenerator:
        self._tokens.append(_SHARE.set(self.share))
        return self.dg.__enter__()

    def __exit__(self, *exc: object) -> bool | None:
        try:
            return self.dg.__exit__(*exc)
        finally:
            _SHARE.reset(self._tokens.pop())

    def __getattr__(self, name: str):  # col.metric(...), col.button(...): the column's own elements
        return getattr(self.dg, name)


def share() -> float:
    """The part of the page's width the element being drawn has (1.0 outside :func:`columns`)."""
    return _SHARE.get()


def columns(spec: int | Sequence[float], *, min_px: int = 280, gap: str = "small") -> list[Column]:
    """Like st.columns(spec), but a column never gets fewer than ``min_px`` pixels: on a narrower screen
    the columns wrap into rows of as many as fit (one per row on a phone), in order."""
    weights = [1.0] * spec if isinstance(spec, int) else [float(w) for w in spec]
    available = width() * share()
    per_row = len(weights)
    while per_row > 1 and available * min(weights[:per_row]) / sum(weights[:per_row]) < min_px:
        per_row -= 1
    out: list[Column] = []
    for start in range(0, len(weights), per_row):
        row = weights[start : start + per_row]
        if per_row == 1:
            out.append(Column(st.container(), share()))
            continue
        # A last, shorter row keeps the others' widths: pad it with empty columns.
        padded = row + weights[: per_row - len(row)]
        # The gaps between the columns take their part of the width too (st.columns' gap, in rem).
        content = max(0.0, 1 - (len(padded) - 1) * GAP_PX.get(gap, 0) / available) if available else 1.0
        for w, dg in zip(row, st.columns(padded, gap=gap)[: len(row)], strict=True):
            out.append(Column(dg, share() * content * w / sum(padded)))
    return out
