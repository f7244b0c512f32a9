"""A folder of several counties in a real browser (issue #12): the county picker, its address and a copied link.

AppTest does not fill sidebar widgets from the address, so the round trip address → picker → page → address
is proven here, on a 3-county folder made by the scale generator.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import OfflinePage, Server
from tests.factories import LEADER_HEADERS, LEADER_ROLES

NAMES = ["模拟县1(虚构)", "模拟县2(虚构)", "模拟县3(虚构)"]


@pytest.fixture(scope="module")
def county_server(three_county_folder, tmp_path_factory):
    var = tmp_path_factory.mktemp("county_server")
    roles = var / "roles.toml"
    roles.write_text(LEADER_ROLES, encoding="utf-8")
    env = {
        **os.environ,
        "LULONG_DATA_DIR": str(three_county_folder),
        "LULONG_VERSIONS_DIR": str(var / "versions"),
        "LULONG_AUDIT_FILE": str(var / "audit.jsonl"),
        "LULONG_AUTH": "header",
        "LULONG_ROLES_FILE": str(roles),
    }
    server = Server(env=env).start()
    try:
        yield server
    finally:
        server.stop()


def _picker(page):
    return page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text="县").first


def _header(page) -> str:
    # The page header's caption line "数据截至 … · 范围:<county>" (the user line is a caption too).
    return " | ".join(page.locator("[data-testid=stCaptionContainer]").all_inner_texts())


def test_choosing_a_county_changes_the_page_and_the_address_reopens_it(browser, county_server):
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", extra_http_headers=LEADER_HEADERS
    )
    try:
        offline = OfflinePage(context.new_page(), county_server)
        offline.open("/")
        page = offline.page
        assert _picker(page).locator("input").input_value() == NAMES[0]
        assert NAMES[0] in _header(page)

        _picker(page).click()
        page.get_by_role("option", name=NAMES[1]).click()
        offline.wait()
        assert NAMES[1] in _header(page), _header(page)
        # A township of county 2 too: the copied link must reopen both (the township list follows the county).
        townships = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text="乡镇")
        townships.first.click()
        page.get_by_role("option").nth(1).click()
        offline.wait()
        township = townships.first.locator("input").input_value()
        assert township.endswith("(2)"), township  # the scale generator suffixes names with the county
        query = parse_qs(urlparse(page.url).query)
        assert query.get("county") == [NAMES[1]] and query.get("township") == [township], page.url
        link = page.url
        assert page.locator("[data-testid=stException]").count() == 0

        # The copied link, opened in a new session, shows the same county.
        other = OfflinePage(context.new_page(), county_server)
        other.page.goto(link, wait_until="domcontentloaded")
        other.wait()
        assert _picker(other.page).locator("input").input_value() == NAMES[1]
        assert f"{NAMES[1]} · {township}" in _header(other.page), _header(other.page)
        assert offline.foreign == [] and other.foreign == []
    finally:
        context.close()
