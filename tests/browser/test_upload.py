"""The data office uploads a file in a real browser and sees the new version (issue #10).

Its own server, on a copy of the sample with its own versions store, so publishing touches nothing else,
with a data-office user signed in through the SSO proxy's headers (open mode publishes nothing, issue #20).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ROOT, Server

MANIFEST = 'county_code = "130324"\ndata_as_of = 2022-07-20\nprepared_by = "浏览器测试"\n'


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("upload")
    shutil.copytree(ROOT / "lulong_data" / "sample", base / "data")
    (base / "roles.toml").write_text('[groups."data-office"]\nrole = "data"\n', encoding="utf-8")
    env = {
        "LULONG_DATA_DIR": str(base / "data"),
        "LULONG_VERSIONS_DIR": str(base / "store"),
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
def offline(browser, server):
    from tests.browser.conftest import OfflinePage

    context = browser.new_context(
        viewport={"width": 1600, "height": 1000},
        locale="zh-CN",
        extra_http_headers={"X-Remote-User": "zhao", "X-Remote-Groups": "data-office"},
    )
    try:
        yield OfflinePage(context.new_page(), server)
    finally:
        context.close()


def test_upload_publishes_a_new_version(offline, tmp_path):
    page = offline.page
    offline.open("/data")
    assert "数据状态" in page.locator("h1").first.inner_text()
    upload = tmp_path / "manifest.toml"
    upload.write_text(MANIFEST, encoding="utf-8")
    # The publish panel's uploader (the import panel above it has its own, for the county's exports).
    uploader = page.get_by_role("region", name=re.compile("^选择数据文件"))
    uploader.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_text("manifest.toml", exact=True).first.wait_for(timeout=30_000)
    page.get_by_label("说明(可选)").fill("浏览器上传")
    page.get_by_label("说明(可选)").press("Enter")
    offline.wait()
    page.get_by_role("button", name="校验并发布").click()
    page.get_by_text("已发布,当前版本为 0002").wait_for(timeout=180_000)
    offline.wait()
    assert page.get_by_text("版本 0002").first.is_visible()
    assert page.get_by_text("浏览器上传").first.is_visible()
    assert "2022-07-20" in page.locator("[data-testid=stMetric]").first.inner_text()
    shots = ROOT / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its own container: a tall viewport shows the whole page in one shot.
    page.set_viewport_size({"width": 1600, "height": 4200})
    offline.wait()
    page.screenshot(path=str(shots / "data_status_after_upload.png"))
    assert offline.foreign == []
    assert os.environ.get("LULONG_VERSIONS_DIR") is None  # the server's env did not leak into this process
