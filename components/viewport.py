"""How wide the page's main column is, so a table can choose the columns that fit (issue 22).

Tables are drawn on a canvas (st.dataframe): CSS cannot hide their columns on a narrow screen, so the
browser reports the width of the main column (its content box, rounded down to ``STEP`` pixels) once, and
again only when it crosses a step (a resized window, the sidebar opened or closed). The first run of a
session does not know it yet and assumes ``UNKNOWN``; the report then reruns the page once.

The reporter is a Streamlit v2 component with inline JavaScript (nothing loaded from elsewhere), drawn in
the sidebar where it takes no room.
"""

from __future__ import annotations

import streamlit as st

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


def budget(share: float = 1.0) -> int:
    """Pixels a table may take: the main column's width, times ``share`` for a table in one of several
    columns (a phone stacks columns: then the whole width)."""
    return width() if phone() else int(width() * share)
