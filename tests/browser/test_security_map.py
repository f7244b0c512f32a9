"""Issue #20, finding 1 in a real browser: township and village names that carry a Markdown image and an
``<img onerror=…>`` handler. Hovering every township on the map runs no script (the payload would set the
page's title to "X" and request /x) and no page reaches another host.

Its own server, on the hostile copy of the sample (tests/security_data.py), as a data-office user signed in
through the SSO proxy's headers (open mode serves the sample only).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import OfflinePage, Server

FOLIUM = "iframe[title='streamlit_folium.st_folium']"
HEADERS = {"X-Remote-User": "zhao", "X-Remote-Groups": "data-office"}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    from security_data import hostile_folder

    base = tmp_path_factory.mktemp("hostile")
    folder = hostile_folder(base / "data")
    (base / "roles.toml").write_text('[groups."data-office"]\nrole = "data"\n', encoding="utf-8")
    env = {
        "LULONG_DATA_DIR": str(folder),
        "LULONG_VERSIONS_DIR": str(base / "versions"),
        "LULONG_AUTH": "header",
        "LULONG_ROLES_FILE": str(base / "roles.toml"),
        "LULONG_AUDIT_FILE": str(base / "audit.jsonl"),
    }
    s = Server(env={**os.environ, **env}).start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def offline(browser, server) -> Iterator[OfflinePage]:
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", extra_http_headers=HEADERS
    )
    try:
        yield OfflinePage(context.new_page(), server)
    finally:
        context.close()


def _requests(page) -> list[str]:
    seen: list[str] = []
    page.context.on("request", lambda r: seen.append(r.url))
    return seen


def test_hovering_hostile_names_on_the_map_runs_no_script(offline):
    seen = _requests(offline.page)
    offline.open("/map")
    page = offline.page
    frame = page.frame_locator(FOLIUM)
    townships = frame.locator("path.leaflet-interactive")
    townships.first.wait_for(timeout=60_000)
    assert townships.count() >= 12
    shown = []
    for i in range(townships.count()):
        townships.nth(i).hover(force=True)
        page.wait_for_timeout(250)
        tip = frame.locator(".leaflet-tooltip")
        if tip.count():
            shown.append(tip.first.inner_text())
            assert tip.first.locator("img").count() == 0  # text, not an element
    assert any("onerror" in text for text in shown), shown  # the names were shown, as text
    assert frame.locator(".twp-label img").count() == 0
    page.wait_for_timeout(500)
    assert page.title() != "X"  # the handler would have set it
    assert not [u for u in seen if urlparse(u).path == "/x"]  # nor requested /x
    assert offline.foreign == []


@pytest.mark.parametrize("path", ["/", "/dispatch", "/environment", "/monitoring", "/data"])
def test_hostile_names_reach_no_other_host(offline, path):
    offline.open(path)
    page = offline.page
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0
    assert page.locator("img[onerror]").count() == 0
    assert page.title() != "X"
    assert offline.foreign == [], offline.foreign


def test_hovering_hostile_names_on_a_chart_runs_no_script(offline):
    """The same names in a Vega chart's tooltip (the 红黑榜 township map, an Altair chart drawn on a canvas):
    the tooltip shows them as text, runs no handler and requests nothing."""
    seen = _requests(offline.page)
    offline.open("/environment")
    page = offline.page
    chart = page.locator(".vega-embed").first
    chart.wait_for(timeout=60_000)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box and box["width"] > 100
    shown: set[str] = set()
    for fy in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        for fx in (0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(60)
            tip = page.locator("#vg-tooltip-element")
            if tip.count() and tip.is_visible():
                assert tip.locator("img, script, iframe, a").count() == 0  # text, not elements
                shown.add(tip.inner_text())
    assert any("onerror" in text for text in shown), shown  # a hostile name was shown, as text
    page.wait_for_timeout(500)
    assert page.title() != "X"  # the handler would have set it
    assert not [u for u in seen if urlparse(u).path == "/x"]  # nor requested /x
    assert offline.foreign == []
