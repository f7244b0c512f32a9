"""A deep link on a freshly started server lands on its page through the router (issue #3).

Its own module, so its own server: the first request a server sees takes Streamlit's legacy pages/ path
(pages/monitoring.py run directly), which app.py must route back to /monitoring.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlparse

import pytest

from tests.browser.conftest import OfflinePage, Server


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


# The sidebar writes the township's Chinese name into the URL (its label, see components/sidebar.py).
SHIMEN = "石门镇"
QUERY = f"?township={quote(SHIMEN)}&as_of=2022-03-31"


@pytest.mark.parametrize(
    ("path", "title", "keep_url"),
    [
        ("/monitoring", "防返贫", False),
        ("/map", "乡镇地图", False),
        # The address bar keeps the township and date too: the router forwards a fresh server's first
        # request (components.nav.forward) before the sidebar binds its widgets to the address.
        pytest.param("/monitoring", "防返贫", True, id="address-bar"),
    ],
)
def test_deep_link_with_query_on_a_fresh_server_keeps_township_and_date(browser, path, title, keep_url):
    # Its own server: the link must be the very first request the server sees (the legacy pages/ run).
    server = Server().start()
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    try:
        offline = OfflinePage(context.new_page(), server)
        offline.open(path + QUERY)
        page = offline.page
        assert title in page.locator("h1").first.inner_text()
        url = unquote(page.url)
        assert urlparse(url).path.rstrip("/").endswith(path), url
        if keep_url:
            assert f"township={SHIMEN}" in url and "as_of=2022-03-31" in url, url
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.locator("[data-testid=stSelectbox] input").first.input_value() == SHIMEN
        assert sidebar.locator("[data-testid=stDateInput] input").first.input_value() == "2022-03-31"
        header = page.locator("[data-testid=stCaptionContainer]").first.inner_text()
        assert f"范围:{SHIMEN}" in header and "查看日期2022-03-31" in header, header
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator("[data-testid=stException]").count() == 0
        assert offline.foreign == [], f"requests to other hosts: {offline.foreign}"
    finally:
        context.close()
        server.stop()
