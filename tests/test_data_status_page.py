"""AppTest of the data status page (issue #10): status, report, publish, rollback, last-known-good banner.

Each test points LULONG_DATA_DIR / LULONG_VERSIONS_DIR at a copy of the sample in tmp_path (get_settings
reads the environment on every call, nothing to clear). Pages are callables registered by url_path, so
the page is requested by its navigation hash (AppTest.switch_page matches script files only).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from test_publishing import MANIFEST, broken_townships

from components import context, nav
from lulong_data.publishing import Store

# Not imported from conftest: with tests/browser/ collected too, "conftest" can be the other one.
ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "lulong_data" / "sample"
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def app_env(monkeypatch, tmp_path):
    st.cache_data.clear()
    st.cache_resource.clear()
    context._LAST_GOOD.clear()
    # AppTest would otherwise treat pages/ as a legacy multipage folder (see test_environment_page).
    import streamlit.testing.v1.app_test as app_test

    class _Pages(PagesManager):
        pass

    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    monkeypatch.setattr(app_test, "PagesManager", _Pages)
    if "data" not in nav.SPECS:  # until the router registers the page
        spec = nav.PageSpec("data", "pages.data_status", "数据状态", "Data status")
        monkeypatch.setattr(nav, "SECTIONS", (*nav.SECTIONS, ("数据", "Data", (spec,))))
        monkeypatch.setitem(nav.SPECS, "data", spec)
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    monkeypatch.setenv("LULONG_DATA_DIR", str(data))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    yield Store(tmp_path / "store")
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(url_path: str = "data") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if url_path == nav.DEFAULT:  # the first run shows the default page (registered with an empty url)
        return at
    at._page_hash = next(h for h, i in at._registered_pages.items() if i.get("url_pathname") == url_path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def test_page_shows_status_datasets_and_report():
    at = open_page()
    assert at.title[0].value == "数据状态"
    assert metric(at, "数据截至") == "2022-07-26" and metric(at, "当前版本") == "0001"
    assert metric(at, "校验结果") == "有效"
    datasets = next(d.value for d in at.dataframe if "行数" in d.value.columns)
    households = datasets[datasets["名称"] == "households"].iloc[0]
    assert households["文件"] == "households.csv" and households["行数"] == 5846
    assert households["最后修改"] is not None
    report = next(d.value for d in at.dataframe if "问题" in d.value.columns)
    assert set(report["级别"]) == {"警告"}  # the sample has warnings only
    assert any(b.label == "下载 Excel" for b in at.get("download_button"))
    at.multiselect(key="status_report_severity").set_value(["错误"]).run()
    assert "暂无数据" in texts(at.info)


def test_publish_through_the_page(app_env):
    at = open_page()
    at.file_uploader[0].set_value(("manifest.toml", MANIFEST, "application/toml"))
    at.text_input(key="publish_note_0").input("新截至日期")
    at.button(key="publish_button").click().run(timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    assert "已发布,当前版本为 0002" in texts(at.success)
    assert metric(at, "当前版本") == "0002" and metric(at, "数据截至") == "2022-07-20"
    lines = texts(at.markdown)
    assert "版本 0002** **(当前)**" in lines and "替换 manifest.toml" in lines and "新截至日期" in lines
    assert app_env.current_id() == "0002"


def test_invalid_upload_changes_nothing_and_shows_the_report(app_env):
    at = open_page()
    at.file_uploader[0].set_value([("townships.csv", broken_townships(), "text/csv")])
    at.button(key="publish_button").click().run(timeout=180)
    assert not at.exception
    assert "未发布:发现 1 个错误" in texts(at.error)
    candidate = next(
        d.value for d in at.dataframe if "问题" in d.value.columns and (d.value["级别"] == "错误").any()
    )
    row = candidate[candidate["级别"] == "错误"].iloc[0]
    assert (row["文件"], row["行"]) == ("townships.csv", 3)
    assert metric(at, "当前版本") == "0001" and app_env.current_id() == "0001"


def test_rollback_asks_for_confirmation(app_env):
    at = open_page()
    app_env.publish([("manifest.toml", MANIFEST)], who="x")
    at.run()
    assert metric(at, "当前版本") == "0002"
    at.button(key="rollback_0001").click().run()
    assert "确认把当前数据回滚到版本 0001" in texts(at.warning)
    assert app_env.current_id() == "0002"  # not yet
    at.button(key="rollback_yes_0001").click().run(timeout=180)
    assert app_env.current_id() == "0001"
    assert metric(at, "当前版本") == "0001" and "已回滚" in texts(at.success)


@pytest.mark.parametrize("url_path", ["data", "overview"])
def test_hand_broken_file_shows_banner_and_last_good_data(app_env, url_path):
    at = open_page(url_path)
    current = Path(app_env.current_folder())
    (current / "townships.csv").write_bytes(broken_townships())
    at.run(timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    banner = texts(at.warning)
    assert "townships.csv" in banner and "第 3 行" in banner and "最后一次有效的数据" in banner
    assert "截至 2022-07-26" in banner
    assert at.title  # the page still renders
    if url_path == "data":
        report = next(d.value for d in at.dataframe if "问题" in d.value.columns)
        assert "townships.csv" in set(report["文件"])
