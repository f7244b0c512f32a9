"""Start the dashboard warm: ``python serve.py [options]`` (what ``make run`` does).

The same as ``streamlit run app.py [options]`` (every option of ``streamlit run`` is passed on), except
that before the server takes its first request it

1. imports the app's modules,
2. reads the data version it will serve into the cache every session shares — from the version's
   validated snapshot (lulong_data.snapshot) when it has one, so nothing is validated again — and
3. draws the default page once without a browser, with the sidebar and header app.py draws around it
   (Streamlit's "bare" mode: the figures and charts are computed into the shared caches, the elements go
   nowhere), as a leader sees it on the data's own date.

So the first visitor after a (re)start finds the overview as quick as any later visitor, and the server
answers a few seconds later than ``streamlit run`` would (see docs/benchmark.md); with ``streamlit run``
the first visitor waits for all three. A step that fails is logged and the server starts anyway: the app
itself reports what is wrong with the data.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.web import cli

APP = Path(__file__).with_name("app.py")
log = logging.getLogger("serve")

# What Streamlit says about every call made outside a session: expected while warming up.
_BARE_MODE_LOGGERS = (
    "streamlit.runtime.scriptrunner_utils.script_run_context",  # "missing ScriptRunContext!"
    "streamlit.runtime.caching.cache_data_api",  # "No runtime found, using MemoryCacheStorageManager"
    "streamlit.runtime.state.session_state_proxy",  # "Session state does not function ..."
    "streamlit.delta_generator",
    "streamlit",  # "to view this Streamlit app on a browser, run it with ..." (Streamlit's "root")
)
# Warming up reads Streamlit's config before the command line's options are applied; applying them then
# says the [server] section changed and asks for a restart, though the server has not started yet.
_SERVER_OPTIONS_NOTICE = "An update to the [server] config option section was detected"


class _BelowError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


@contextmanager
def _quiet_bare_mode() -> Iterator[None]:
    # A filter, not a level: Streamlit sets its loggers' levels itself when it first hands them out.
    loggers = [logging.getLogger(name) for name in _BARE_MODE_LOGGERS]
    quiet = _BelowError()
    for lg in loggers:
        lg.addFilter(quiet)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(quiet)


class _DropOnce(logging.Filter):
    """Drops the first record starting with ``text``, then removes itself."""

    def __init__(self, logger: logging.Logger, text: str) -> None:
        super().__init__()
        self.logger, self.text = logger, text
        logger.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith(self.text):
            self.logger.removeFilter(self)
            return False
        return True


def preload() -> None:
    """Steps 1–3 of the module's docstring: what app.py draws around the default page, then the page."""
    import streamlit as st

    from components import context, nav
    from components.header import render_header
    from components.sidebar import render_sidebar

    for _, pages in nav.SECTIONS:
        for spec in pages:
            importlib.import_module(spec.module)
    context.preload()
    # The router's page list, once: from now on the server runs app.py for every request, the first one
    # included, instead of Streamlit's legacy pages/ discovery (which answers a first request for an
    # address without a pages/ file, such as /总览, with "Page not found").
    st.navigation(nav.navigation())
    b = context.bundle()
    render_sidebar(b)
    render_header(b)
    importlib.import_module(nav.SPECS[nav.DEFAULT].module).render()


def main(argv: list[str]) -> int:
    with _quiet_bare_mode():
        try:
            preload()
        except Exception:  # noqa: BLE001 - the app itself says what is wrong with the data; start anyway
            log.exception("warming up failed; the first visitor will wait for the data instead")
    _DropOnce(logging.getLogger("streamlit.config"), _SERVER_OPTIONS_NOTICE)
    return cli.main(["run", str(APP), *argv], prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
