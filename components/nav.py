"""The page list: sections, Chinese titles, ASCII url paths, and page links that keep the current view.

A page is identified by its ``url_path`` (Streamlit hashes it), so ``page("map")`` built anywhere is the
same page the router registered, and ``st.page_link(page("map"))`` works from any page.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from components.context import AS_OF_KEY, COUNTY_KEY, LANG_KEY, TOWNSHIP_KEY, term
from components.context import role as current_role
from lulong_data import access, glossary


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    module: str

    @property
    def key(self) -> str:
        """The page's title in the glossary (lulong_data/glossary.toml): ``page_<url_path>``."""
        return f"page_{self.url_path}"

    @property
    def title_zh(self) -> str:
        return glossary.term(self.key)

    @property
    def title_en(self) -> str:
        return glossary.term(self.key, "en")


# (glossary key of the menu section, its pages)
SECTIONS: tuple[tuple[str, tuple[PageSpec, ...]], ...] = (
    (
        "section_overview",
        (
            PageSpec("overview", "pages.overview"),
            PageSpec("map", "pages.township_map"),
            PageSpec("dispatch", "pages.dispatch"),
        ),
    ),
    (
        "section_topics",
        (
            PageSpec("monitoring", "pages.monitoring"),
            PageSpec("employment", "pages.employment"),
            PageSpec("environment", "pages.environment"),
            PageSpec("welfare", "pages.welfare"),
        ),
    ),
    ("section_publishing", (PageSpec("press", "pages.press"),)),
    ("section_data", (PageSpec("data", "pages.data_status"), PageSpec("audit", "pages.audit"))),
)
DEFAULT = "overview"
# The app's root ("/") is a hidden default page that forwards to the role's first page, so that every page
# including the overview has its own address (/overview): Streamlit serves its default page at "/" only,
# and answers its url_path with "Page not found".
ROOT = "home"
_ROUTED_KEY = "_deep_link_followed"
# components.sidebar: bind="query-params"
_BOUND_KEYS = frozenset({AS_OF_KEY, COUNTY_KEY, LANG_KEY, TOWNSHIP_KEY})
SPECS = {p.url_path: p for _, pages in SECTIONS for p in pages}
# Addresses a user may type besides the routes themselves (which stay ASCII): a page's Chinese title.
ALIASES: dict[str, str] = {p.title_zh: p.url_path for p in SPECS.values()}


def page(url_path: str, *, hidden: bool = False) -> st.Page:
    """The st.Page of ``url_path`` (title in the current language)."""
    spec = SPECS[url_path]
    render = importlib.import_module(spec.module).render
    return st.Page(
        render,
        title=term(spec.key),
        url_path=spec.url_path,
        visibility="hidden" if hidden else "visible",
    )


def _forwarding(url_path: str, title: str, *, default: bool = False) -> st.Page:
    """A hidden page that only forwards (see :func:`forward`); its body runs only if forwarding failed."""

    def forward_here() -> None:
        st.switch_page(page(DEFAULT))

    return st.Page(forward_here, title=title, url_path=url_path, default=default, visibility="hidden")


def _forwarding_pages() -> list[st.Page]:
    home = _forwarding(ROOT, term("page_home"), default=True)
    return [home, *(_forwarding(alias, alias) for alias in ALIASES)]


def navigation(role: str | None = None) -> dict[str, list[st.Page]]:
    """Sections -> pages, for st.navigation: the menu shows the role's pages (lulong_data.access.PAGES).

    Pages outside the role are still registered, hidden, so a deep link or a page switch lands on the
    page's own ``require`` check and reads "no access" instead of a silent jump to the overview.
    """
    allowed = set(access.pages_for(role or current_role()))
    out: dict[str, list[st.Page]] = {}
    for section, pages in SECTIONS:
        entries = [page(p.url_path, hidden=p.url_path not in allowed) for p in pages]
        if any(p.url_path in allowed for p in pages):
            out[term(section)] = entries
        else:
            # A section with only hidden pages would show an empty heading: file them under the first.
            out.setdefault(next(iter(out), term(section)), []).extend(entries)
    out[next(iter(out))].extend(_forwarding_pages())
    return out


def forward(current: st.Page, role: str | None = None) -> None:
    """Leave a forwarding page: "/" for the page the address names (a fresh server's first request comes
    back here from pages/x.py) or else the role's first page; "/总览" for /overview. Call it right after
    st.navigation and before the sidebar draws its widgets, so every query parameter travels along."""
    if current.url_path not in ("", *ALIASES):
        return
    allowed = access.pages_for(role or current_role())
    if current.url_path in ALIASES:
        target = ALIASES[current.url_path]
    else:
        target = _browser_page() or (DEFAULT if DEFAULT in allowed or not allowed else allowed[0])
    st.session_state[_ROUTED_KEY] = True  # the address has been followed
    params = st.query_params.to_dict()
    try:
        st.switch_page(page(target), query_params=params)
    except StreamlitAPIException:
        # A parameter bound to a sidebar widget (a later run of the session): the widget keeps its value.
        st.switch_page(page(target), query_params={k: v for k, v in params.items() if k not in _BOUND_KEYS})


def link(url_path: str, label: str | None = None, *, icon: str | None = None) -> None:
    """A link to another page; the sidebar's choices travel along because they are bound to the URL.

    No link to a page the role cannot open: it would only lead to "no access".
    """
    if url_path not in access.pages_for(current_role()):
        return
    st.page_link(page(url_path), label=label, icon=icon)


# A page module's guard names itself here when Streamlit's legacy pages/ discovery ran it directly (see
# back_to_router): the address's page, read through public API.
PAGE_PARAM = "page"
_FILES = {spec.module.rsplit(".", 1)[-1]: url for url, spec in SPECS.items()}


def back_to_router(file: str) -> None:
    """The guard every page module ends with (``if __name__ == "__main__": nav.back_to_router(__file__)``).

    On a freshly started server, Streamlit's legacy pages/ discovery runs e.g. pages/monitoring.py directly
    for /monitoring, skipping the router and its role checks. The guard sends the run to app.py, keeping
    the query string and naming the page the address asked for.
    """
    st.switch_page("app.py", query_params={**st.query_params.to_dict(), PAGE_PARAM: Path(file).stem})


def _browser_page() -> str | None:
    """The url_path the address asked for, as a page's guard passed it on (``?page=``); the parameter is
    taken off the address once read."""
    wanted = st.query_params.get(PAGE_PARAM)
    if wanted is None:
        return None
    del st.query_params[PAGE_PARAM]
    wanted = _FILES.get(wanted, wanted)
    return wanted if wanted in SPECS else None


def follow_deep_link(current: st.Page) -> None:
    """Once per session, go to the page the address bar names if the router resolved another one.

    On a freshly started server, Streamlit's legacy pages/ discovery runs e.g. pages/monitoring.py
    directly for /monitoring; its guard (:func:`back_to_router`) sends the run back to app.py with
    ``?page=monitoring``, which resolves to the root ("/"), and :func:`forward` already follows the address
    from there with every parameter. This is the fallback for a page other than the root resolved against
    the address.
    """
    if st.session_state.get(_ROUTED_KEY):
        return
    st.session_state[_ROUTED_KEY] = True
    target = _browser_page()
    here = current.url_path or DEFAULT
    if target and target != here:
        # Keep the query string. The sidebar's widgets, drawn earlier in this run, are bound to their
        # parameters and switch_page raises if asked to set one, so pass only the others: the sidebar
        # keeps its values (session state). Known gap: Streamlit then drops the bound parameters from
        # the address bar on this first switch (the page shows the right township and date).
        keep = {k: v for k, v in st.query_params.to_dict().items() if k not in _BOUND_KEYS}
        st.switch_page(page(target), query_params=keep)
