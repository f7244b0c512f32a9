"""Every page loads with the network cut off, the folium map draws, a URL reopens its view (issue #3)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

PAGES = {
    "/": "总览",
    "/map": "乡镇地图",
    "/monitoring": "防返贫",
    "/employment": "就业",
    "/environment": "人居环境",
    "/welfare": "兜底",
}
FOLIUM = "iframe[title='streamlit_folium.st_folium']"
# Streamlit's frontend finds its server by trying every prefix of the page's path, longest first: on
# /employment it asks /employment/_stcore/health and /employment/_stcore/host-config (404) before
# /_stcore/... (streamlit/streamlit#7074). Only window.__streamlit.BACKEND_BASE_URL, set in the page
# Streamlit serves, would avoid it: no public API or config does. Exactly those two, under a page's path.
STREAMLIT_PROBE = re.compile(r"^/[^/]+(/[^/]+)*/_stcore/(health|host-config)$")


@pytest.fixture
def failed(offline):
    """Responses of the app's own host with a status >= 400 (Streamlit's base-path probes aside)."""
    app = urlparse(offline.server.url).netloc
    seen: list[str] = []

    def record(response):
        url = urlparse(response.url)
        if response.status >= 400 and url.netloc == app and not STREAMLIT_PROBE.match(url.path):
            seen.append(f"{response.status} {response.url}")

    offline.page.on("response", record)
    return seen


def h1(offline) -> str:
    return offline.page.locator("h1").first.inner_text()


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_without_other_hosts(offline, failed, path):
    offline.open(path)
    assert PAGES[path] in h1(offline)
    assert offline.page.locator("[data-testid=stException]").count() == 0
    assert offline.foreign == [], f"requests to other hosts: {offline.foreign}"
    assert failed == [], f"the app's own requests that failed: {failed}"


def test_folium_map_draws_its_polygons_offline(offline, failed):
    offline.open("/map")
    frame = offline.page.frame_locator(FOLIUM)
    paths = frame.locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=60_000)
    assert paths.count() >= 12  # one per township
    assert frame.locator(".twp-label").count() == 12
    assert offline.page.get_by_text("示意图,不作为权属界线依据").count() >= 1
    assert offline.foreign == []
    assert failed == [], f"the app's own requests that failed (Leaflet's marker images?): {failed}"


def test_clicking_a_township_opens_its_profile(offline):
    offline.open("/map")
    frame = offline.page.frame_locator(FOLIUM)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    frame.locator("path.leaflet-interactive").nth(5).click(force=True)
    offline.page.get_by_text("概况").first.wait_for(timeout=60_000)
    offline.wait()
    assert offline.page.get_by_text("的村(").count() >= 1
    assert offline.foreign == []


def test_url_with_township_and_date_reopens_that_view(offline):
    offline.open("/employment?township=%E7%9F%B3%E9%97%A8%E9%95%87&as_of=2022-03-31")
    assert "就业" in h1(offline)
    header = offline.page.locator("[data-testid=stCaptionContainer]").first.inner_text()
    assert "范围:石门镇" in header and "查看日期2022-03-31" in header
    assert "township=" in offline.page.url and "as_of=2022-03-31" in offline.page.url
