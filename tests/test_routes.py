"""Every address a user may type lands on its page (issue 22): "/" and /overview both reach the overview,
a page's Chinese title (/总览) forwards to its ASCII route, and no page links to one the role cannot open."""

from __future__ import annotations

import pytest
from apptest import open_page
from streamlit.util import calc_hash

from components import nav
from lulong_data import access


def finished_on(at) -> str:
    pages = {calc_hash(p): p for p in nav.SPECS}
    return pages.get(at._finished_page_script_hash, at._finished_page_script_hash)


def test_the_root_forwards_to_the_overview_which_has_its_own_address():
    at = open_page(nav.ROOT, check=False)
    assert not at.exception, [e.value for e in at.exception]
    assert finished_on(at) == "overview"
    assert "总览" in at.title[0].value


@pytest.mark.parametrize(
    ("alias", "url_path"), [("总览", "overview"), ("乡镇地图", "map"), ("周调度", "dispatch")]
)
def test_a_chinese_title_forwards_to_the_ascii_route(alias, url_path):
    assert nav.ALIASES[alias] == url_path
    at = open_page(alias, check=False)
    assert not at.exception, [e.value for e in at.exception]
    assert finished_on(at) == url_path


def test_the_root_keeps_the_query_string():
    at = open_page(nav.ROOT, query={"township": "石门镇"}, check=False)
    assert finished_on(at) == "overview"
    assert at.query_params.get("township") in ("石门镇", ["石门镇"])


def test_routes_stay_ascii():
    assert all(p.isascii() for p in nav.SPECS) and nav.ROOT.isascii()


@pytest.mark.parametrize("role", ["leader", "press"])
def test_tiles_link_only_to_pages_the_role_can_open(role):
    at = open_page("overview", session={"role": role})
    targets = {link.proto.page.strip("/") for link in at.get("page_link")}
    assert targets <= set(access.pages_for(role)), targets
    if role == "leader":
        assert {"monitoring", "employment"} <= targets  # the check above is not vacuous
