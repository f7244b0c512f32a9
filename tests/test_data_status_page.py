"""AppTest of the data status page (issue #10): status, report, publish, rollback, last-known-good banner.

Each test points LULONG_DATA_DIR / LULONG_VERSIONS_DIR at a copy of the sample in tmp_path (get_settings
reads the environment on every call, nothing to clear), as a data-office user signed in through the SSO
proxy's headers (open mode publishes nothing, issue #20). Pages are reached through the router
(tests/apptest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apptest import open_page as _open
from paths import SAMPLE_DIR
from streamlit.testing.v1 import AppTest
from test_publishing import MANIFEST, broken_townships

from lulong_data.publishing import Store


@pytest.fixture(autouse=True)
def app_env(monkeypatch, tmp_path):
    from components import auth

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    monkeypatch.setenv("LULONG_DATA_DIR", str(data))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    roles = tmp_path / "roles.toml"
    roles.write_text('[groups."data-office"]\nrole = "data"\n', encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "zhao", "X-Remote-Groups": "data-office"})
    return Store(tmp_path / "store")


def open_page(url_path: str = "data") -> AppTest:
    return _open(url_path)


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
    assert households["文件"] == "households.csv" and households["行数"] == 6486
    assert households["最后修改"] is not None
    report = next(d.value for d in at.dataframe if "问题" in d.value.columns)
    assert set(report["级别"]) == {"提示"}  # the sample has warnings only
    assert any(b.label == "下载Excel" for b in at.get("download_button"))
    at.multiselect(key="status_report_severity").set_value(["error"]).run()  # 错误
    assert "暂无数据" in texts(at.info)


def test_publish_through_the_page(app_env):
    at = open_page()
    at.file_uploader(key="publish_files_0").set_value(("manifest.toml", MANIFEST, "application/toml"))
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
    at.file_uploader(key="publish_files_0").set_value([("townships.csv", broken_townships(), "text/csv")])
    at.button(key="publish_button").click().run(timeout=180)
    assert not at.exception
    assert "未发布:发现 1 个错误" in texts(at.error)
    candidate = next(
        d.value for d in at.dataframe if "问题" in d.value.columns and (d.value["级别"] == "错误").any()
    )
    row = candidate[candidate["级别"] == "错误"].iloc[0]
    assert (row["文件"], row["行"]) == ("townships.csv", "3")
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
    assert "数据截至2022-07-26" in banner
    assert at.title  # the page still renders
    if url_path == "data":
        report = next(d.value for d in at.dataframe if "问题" in d.value.columns)
        assert "townships.csv" in set(report["文件"])
