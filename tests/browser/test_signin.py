"""Sign-in in a real browser (issue #11): a local account through the form, and an SSO header.

Each mode gets its own server whose LULONG_* variables point at files in tmp_path (accounts, roles, audit).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from lulong_data import access
from tests.browser.conftest import OfflinePage, Server

PASSWORD = "Browser-test-pass-5521"
ROLES = '[users."li.na"]\nrole = "press"\n\n[groups."county-leaders"]\nrole = "leader"\n'


def _server(env: dict[str, str]) -> Server:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        return Server().start()  # the child process copies the environment at start


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    base = tmp_path_factory.mktemp("signin")
    access.add_user(base / "accounts.toml", "wang", "leader", PASSWORD)
    (base / "roles.toml").write_text(ROLES, encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def accounts_server(files) -> Iterator[Server]:
    s = _server(
        {
            "LULONG_AUTH": "accounts",
            "LULONG_ACCOUNTS_FILE": str(files / "accounts.toml"),
            "LULONG_AUDIT_FILE": str(files / "audit-accounts.jsonl"),
        }
    )
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def header_server(files) -> Iterator[Server]:
    s = _server(
        {
            "LULONG_AUTH": "header",
            "LULONG_ROLES_FILE": str(files / "roles.toml"),
            "LULONG_AUDIT_FILE": str(files / "audit-header.jsonl"),
        }
    )
    try:
        yield s
    finally:
        s.stop()


def _page(browser, server: Server, **context_args) -> OfflinePage:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", **context_args)
    return OfflinePage(context.new_page(), server)


def test_sign_in_with_an_account(browser, accounts_server, files):
    op = _page(browser, accounts_server)
    try:
        op.open("/monitoring")  # a deep link before signing in shows the form, never the data
        page = op.page
        assert page.locator("[data-testid=stMetric]").count() == 0
        page.get_by_label("用户名").fill("wang")
        page.get_by_label("密码").fill("wrong")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("用户名或密码不正确").wait_for(timeout=60_000)
        page.get_by_label("用户名").fill("wang")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=180_000)
        op.wait()
        assert page.get_by_text("wang · 县领导").first.is_visible()
        page.get_by_role("button", name="退出登录").click()
        page.get_by_label("用户名").wait_for(timeout=60_000)
        assert op.foreign == []
    finally:
        op.page.context.close()
    actions = [json.loads(x)["action"] for x in (files / "audit-accounts.jsonl").read_text().splitlines()]
    assert actions == ["sign-in-failure", "sign-in", "sign-out"]
    for path in files.iterdir():
        assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path


def test_sign_in_with_an_sso_header(browser, header_server):
    op = _page(browser, header_server, extra_http_headers={"X-Remote-User": "li.na"})
    try:
        op.open("/")
        page = op.page
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=180_000)
        assert page.get_by_text("li.na · 宣传").first.is_visible()
        # Press: a deep link to a topic page reads "no access", never the rows.
        op.open("/monitoring")
        page.get_by_text("无权访问").first.wait_for(timeout=60_000)
        assert page.locator("[data-testid=stDataFrame]").count() <= 1  # at most the data-problems list
        assert op.foreign == []
    finally:
        op.page.context.close()
    stranger = _page(browser, header_server, extra_http_headers={"X-Remote-User": "nobody"})
    try:
        stranger.open("/")
        stranger.page.get_by_text("未获授权").first.wait_for(timeout=60_000)
        assert stranger.page.locator("[data-testid=stMetric]").count() == 0
    finally:
        stranger.page.context.close()
