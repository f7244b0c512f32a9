"""The page list: sections, Chinese titles, ASCII url paths, and page links that keep the current view.

A page is identified by its ``url_path`` (Streamlit hashes it), so ``page("map")`` built anywhere is the
same page the router registered, and ``st.page_link(page("map"))`` works from any page.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.context import AS_OF_KEY, COUNTY_KEY, LANG_KEY, TOWNSHIP_KEY, t
from components.context import role as current_role
from lulong_data import access


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    module: str
    title_zh: str
    title_en: str


SECTIONS: tuple[tuple[str, str, tuple[PageSpec, ...]], ...] = (
    (
        "综合",
        "Overview",
        (
            PageSpec("overview", "pages.overview", "总览", "Overview"),
            PageSpec("map", "pages.township_map", "乡镇地图", "Township map"),
            PageSpec("dispatch", "pages.dispatch", "周调度", "Weekly dispatch"),
        ),
    ),
    (
        "专题",
        "Topics",
        (
            PageSpec("monitoring", "pages.monitoring", "防返贫监测", "Monitoring"),
            PageSpec("employment", "pages.employment", "就业帮扶", "Employment"),
            PageSpec("environment", "pages.environment", "人居环境红黑榜", "Red/black list"),
            PageSpec("welfare", "pages.welfare", "兜底保障", "Social assistance"),
        ),
    ),
    ("发布", "Publishing", (PageSpec("press", "pages.press", "新闻发布", "Press office"),)),
    (
        "数据",
        "Data",
        (
            PageSpec("data", "pages.data_status", "数据状态", "Data status"),
            PageSpec("audit", "pages.audit", "审计日志", "Audit log"),
        ),
    ),
)
DEFAULT = "overview"
_ROUTED_KEY = "_deep_link_followed"
# components.sidebar: bind="query-params"
_BOUND_KEYS = frozenset({AS_OF_KEY, COUNTY_KEY, LANG_KEY, TOWNSHIP_KEY})
SPECS = {p.url_path: p for _, _, pages in SECTIONS for p in pages}


def page(url_path: str, *, hidden: bool = False) -> st.Page:
    """The st.Page of ``url_path`` (title in the current language)."""
    spec = SPECS[url_path]
    render = importlib.import_module(spec.module).render
    return st.Page(
        render,
        title=t(spec.title_zh, spec.title_en),
        url_path=spec.url_path,
        default=spec.url_path == DEFAULT,
        visibility="hidden" if hidden else "visible",
    )


def navigation(role: str | None = None) -> dict[str, list[st.Page]]:
    """Sections -> pages, for st.navigation: the menu shows the role's pages (lulong_data.access.PAGES).

    Pages outside the role are still registered, hidden, so a deep link or a page switch lands on the
    page's own ``require`` check and reads "no access" instead of a silent jump to the overview.
    """
    allowed = set(access.pages_for(role or current_role()))
    out: dict[str, list[st.Page]] = {}
    for zh, en, pages in SECTIONS:
        entries = [page(p.url_path, hidden=p.url_path not in allowed) for p in pages]
        if any(p.url_path in allowed for p in pages):
            out[t(zh, en)] = entries
        else:
            # A section with only hidden pages would show an empty heading: file them under the first.
            out.setdefault(next(iter(out), t(zh, en)), []).extend(entries)
    return out


def link(url_path: str, label: str | None = None, *, icon: str | None = None) -> None:
    """A link to another page; the sidebar's choices travel along because they are bound to the URL."""
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
    ``?page=monitoring``, which then resolves to the default page; here the link lands where it points.
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
