"""The data office's import panel on 数据状态 (issue 16): drop the week's exports, see what was recognised,
publish through the store's atomic publish. No ID number or phone reaches the page, the store or the audit
log."""

from __future__ import annotations

import io
import shutil

import pytest
from apptest import open_page
from leaks import leaks
from paths import SAMPLE_DIR

from lulong_data.generator import exports
from lulong_data.imports import secret
from lulong_data.publishing import Store


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A national export of 20 households and a 低保 roster naming one of their heads, as uploads."""
    folder = tmp_path_factory.mktemp("up")
    built = exports.Built()
    header, rows = exports.national_table(SAMPLE_DIR, built)
    i = header.index("户编号")
    keep = list(dict.fromkeys(r[i] for r in rows))[:20]
    rows = [r for r in rows if r[i] in set(keep)]
    national = exports.write_table(
        folder / "卢龙县防返贫监测信息_0726.xlsx", "监测对象信息表", [header], rows
    )
    head = rows[0]
    roster = exports.write_table(
        folder / "农村低保查询_0726.xlsx",
        "农村低保对象查询",
        [
            [
                "序号",
                "乡镇(街道)",
                "村(社区)",
                "户主姓名",
                "户主身份证号",
                "保障人口数",
                "家庭人口数",
                "户月保障金额（元）",
                "分类",
                "分档类型",
                "最初享受月份",
                "联系电话",
            ]
        ],  # fmt: skip
        [
            [
                "1",
                head[header.index("乡(镇)")],
                head[header.index("行政村")],
                head[header.index("姓名")],
                head[header.index("证件号码")],
                "1",
                "2",
                "520",
                "第三类",
                "二档",
                "202203",
                "13912345678",
            ]
        ],  # fmt: skip
    )
    numbers = {r[header.index("证件号码")] for r in rows} | built.phones | built.id_numbers | {"13912345678"}
    return [(p.name, p.read_bytes()) for p in (national, roster)], numbers, len(rows)


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    """A data-office user signed in by SSO headers (open mode serves the sample only, and writes nothing)."""
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text('[users."liu.shuju"]\nrole = "data"\n', encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "liu.shuju"})
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    monkeypatch.setenv("LULONG_DATA_DIR", str(data))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("LULONG_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    key = tmp_path / "secret" / "pseudonym.key"
    monkeypatch.setenv("LULONG_SECRET_FILE", str(key))
    return tmp_path, key


def _upload(at, files):
    at.file_uploader(key="import_files_0").set_value(
        [(name, data, "application/octet-stream") for name, data in files]
    )
    return at.run(timeout=600)


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


@pytest.mark.slow
def test_one_upload_recognises_checks_and_publishes(env, files):
    tmp_path, key = env
    secret.init(key)
    uploads, numbers, persons = files
    at = open_page("data")
    at = _upload(at, uploads)
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "识别为" in d.value.columns)
    assert list(table["识别为"]) == ["国家监测系统人员导出", "民政农村低保花名册"]
    assert list(table["表头行"]) == ["3", "3"] and list(table["数据行"]) == [persons, 1]
    assert "校验通过,可以发布" in _texts(at.success), _texts(at.error) + str(
        [d.value.to_dict() for d in at.dataframe if "问题" in d.value.columns]
    )
    at.button(key="import_publish").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    assert "已发布,当前版本为 0002" in _texts(at.success), (
        _texts(at.error) + _texts(at.warning) + _texts(at.info)
    )
    store = Store(tmp_path / "store")
    current = store.current_folder()
    assert store.current_id() == "0002" and store.log()[-1]["action"] == "import"
    assert (current / "households.csv").read_text(encoding="utf-8").count("\n") == 21
    sa = (current / "social_assistance.csv").read_text(encoding="utf-8")
    assert sa.count("MZD-") == 1  # the roster's one record, linked to the export's household
    # nothing personal anywhere: the published version, the store's log, the audit log, the page
    audit = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    assert '"action": "import"' in audit and "农村低保查询_0726.xlsx" in audit
    seen = [p.read_bytes().decode("utf-8", "replace") for p in (tmp_path / "store").rglob("*") if p.is_file()]
    seen += [audit, _texts(at.markdown) + _texts(at.success) + _texts(at.caption)]
    seen += [d.value.to_csv() for d in at.dataframe]
    numbers = {n.upper() for n in numbers}
    for text in seen:
        assert not leaks(text, numbers)
    assert not list((tmp_path / "state" / "imports").glob("*/out"))  # the work folder is gone


def test_without_the_secret_nothing_is_read(env, files):
    uploads = files[0]
    at = _upload(open_page("data"), uploads)
    assert not at.exception
    assert "secret init" in _texts(at.error) + _texts(at.markdown) + "".join(
        d.value.to_csv() for d in at.dataframe
    )
    assert not [b for b in at.button if b.key == "import_publish"]
    assert Store(env[0] / "store").current_id() == "0001"


def test_bad_export_is_refused_with_its_row(env, files):
    tmp_path, key = env
    secret.init(key)
    name, data = files[0][0]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    ws["F5"] = "桃花源村"  # 行政村 of the second person
    buf = io.BytesIO()
    wb.save(buf)
    at = _upload(open_page("data"), [(name, buf.getvalue())])
    assert "不能发布" in _texts(at.error)
    report = next(
        d.value for d in at.dataframe if "问题" in d.value.columns and (d.value["级别"] == "错误").any()
    )
    row = report[report["级别"] == "错误"].iloc[0]
    assert (row["文件"], row["行"], row["列"], row["值"]) == (name, "5", "行政村", "桃花源村")
    assert "桃花源村" in row["问题"] and list(report.columns)[:3] == ["文件", "行", "列"]
    assert not report.isna().any().any() and "None" not in report.to_csv()  # empty cells read as empty
    # the finding's text, right under the verdict: the table has no room for it at 1024–1366 px
    listed = _texts(at.markdown)
    first = listed.split("\n- ")[1]  # Markdown-escaped text: 错误 · 卢龙县…\\_0726.xlsx 第 5 行「行政村」\\:…
    assert first.startswith("错误 · 卢龙县") and "第 5 行「行政村」" in first and "桃花源村" in first
    assert not [b for b in at.button if b.key == "import_publish"]
