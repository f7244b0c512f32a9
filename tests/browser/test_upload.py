"""The data office uploads a file in a real browser and sees the new version (issue #10).

Its own server, on a copy of the sample with its own versions store, so publishing touches nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ROOT, Server

MANIFEST = 'county_code = "130324"\ndata_as_of = 2022-07-20\nprepared_by = "浏览器测试"\n'
# Until the router lists the data page, run app.py through a wrapper that adds it (same process, same
# page module); once components/nav.py registers "data" the wrapper is not used.
WRAPPER = f"""
import runpy, sys
sys.path.insert(0, {str(ROOT)!r})
from components import nav
if "data" not in nav.SPECS:
    spec = nav.PageSpec("data", "pages.data_status", "数据状态", "Data status")
    nav.SECTIONS = (*nav.SECTIONS, ("数据", "Data", (spec,)))
    nav.SPECS["data"] = spec
runpy.run_path({str(ROOT / "app.py")!r}, run_name="__main__")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    from components import nav

    base = tmp_path_factory.mktemp("upload")
    shutil.copytree(ROOT / "lulong_data" / "sample", base / "data")
    env = {"LULONG_DATA_DIR": str(base / "data"), "LULONG_VERSIONS_DIR": str(base / "store")}
    script = "app.py"
    if "data" not in nav.SPECS:
        script = str(base / "wrapped_app.py")
        (base / "wrapped_app.py").write_text(WRAPPER, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        s = Server()
        if script != "app.py":
            # Server.start runs `streamlit run app.py`; swap the script name in its command line.
            real_popen = subprocess.Popen

            def popen(cmd, *args, **kwargs):
                cmd = [script if part == "app.py" else part for part in cmd]
                return real_popen(cmd, *args, **kwargs)

            mp.setattr(subprocess, "Popen", popen)
        s.start()
    try:
        yield s
    finally:
        s.stop()


def test_upload_publishes_a_new_version(offline, tmp_path):
    page = offline.page
    offline.open("/data")
    assert "数据状态" in page.locator("h1").first.inner_text()
    upload = tmp_path / "manifest.toml"
    upload.write_text(MANIFEST, encoding="utf-8")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(upload))
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
