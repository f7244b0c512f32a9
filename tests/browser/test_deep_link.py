"""A deep link on a freshly started server lands on its page through the router (issue #3).

Its own module, so its own server: the first request a server sees takes Streamlit's legacy pages/ path
(pages/monitoring.py run directly), which app.py must route back to /monitoring.
"""

from __future__ import annotations


def test_deep_link_on_a_fresh_server_lands_on_its_page(offline):
    offline.open("/monitoring")
    assert "防返贫" in offline.page.locator("h1").first.inner_text()
    assert offline.page.url.rstrip("/").endswith("/monitoring")
    assert offline.page.locator("[role=dialog]").count() == 0
    assert offline.foreign == []


def test_second_deep_link_to_a_renamed_page(offline):
    # pages/township_map.py is served at /map: a name the legacy discovery does not know.
    offline.open("/map")
    assert "乡镇地图" in offline.page.locator("h1").first.inner_text()
