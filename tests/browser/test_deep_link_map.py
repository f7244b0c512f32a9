"""/map as the very first request of a fresh server: no "Page not found" dialog, and the map opens.

Its own module, so its own server (see test_deep_link.py for /monitoring).
"""

from __future__ import annotations


def test_map_as_first_request_of_a_fresh_server(offline):
    offline.open("/map")
    assert "乡镇地图" in offline.page.locator("h1").first.inner_text()
    assert offline.page.url.rstrip("/").endswith("/map")
    assert offline.page.get_by_text("Page not found").count() == 0
    assert offline.foreign == []
