"""Role × page × download (issue #11): every role is refused every page outside lulong_data.access.PAGES,
whether it switches there directly (the page hash) or follows a link that carries query parameters, and
no household table or download reaches a role without household access. Exports, publishes and
rollbacks leave audit entries."""

from __future__ import annotations

import shutil

import pytest
from apptest import download_data, open_page, switch_to
from paths import SAMPLE_DIR

from components.nav import SPECS
from lulong_data import access, audit

T = "130324100"  # 卢龙镇
OTHER = "130324105"  # 石门镇
SESSIONS = {
    "leader": {"role": "leader"},
    "township": {"role": "township", "user_township": T},
    "press": {"role": "press"},
    "data": {"role": "data"},
}
HOUSEHOLD_HEADERS = {"户主", "户编号", "监测编号"}
DENIED = [(r, p) for r in access.ROLES for p in SPECS if p not in access.pages_for(r)]


@pytest.fixture(autouse=True)
def audit_file(tmp_path, monkeypatch):
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(path))
    return path


def refused(at) -> bool:
    return any("无权访问" in e.value for e in at.error)


def household_tables(at) -> list:
    return [d.value for d in at.dataframe if HOUSEHOLD_HEADERS & set(map(str, d.value.columns))]


def test_matrix_covers_every_page():
    assert set(SPECS) == {p for pages in access.PAGES.values() for p in pages}
    assert {r for r, _ in DENIED} == {"leader", "township", "press"}  # the data office sees every page


@pytest.mark.parametrize(("role", "url_path"), DENIED)
def test_role_is_refused_outside_its_pages(role, url_path):
    # The page hash is what a click in the menu, st.switch_page or a URL resolves to.
    at = open_page(url_path, session=SESSIONS[role], query={"role": "leader"}, check=False)
    assert not at.exception, [e.value for e in at.exception]
    assert refused(at), f"{role} reached {url_path}"
    assert not at.metric and not household_tables(at)
    assert not list(at.get("download_button")), f"{role} offered a download on {url_path}"


@pytest.mark.slow
def test_press_switching_pages_in_one_session_reaches_no_household_rows():
    at = open_page("overview", session=SESSIONS["press"])
    assert not household_tables(at)
    for url_path in ("monitoring", "employment", "welfare", "dispatch", "data", "audit", "press", "map"):
        switch_to(at, url_path, check=False)
        assert not at.exception
        assert not household_tables(at), url_path
        assert refused(at) == (url_path not in access.pages_for("press")), url_path
        assert at.session_state["role"] == "press"


@pytest.mark.slow
def test_press_sees_its_pages_without_household_rows():
    for url_path in access.pages_for("press"):
        at = open_page(url_path, session={**SESSIONS["press"], "township": T})
        assert not refused(at), url_path
        assert not household_tables(at), url_path


def test_township_sees_only_its_own_households_across_townships():
    at = open_page("monitoring", session={**SESSIONS["township"], "township": OTHER})
    assert not refused(at)
    assert not household_tables(at)  # another township's rows: none
    at = open_page("monitoring", session={**SESSIONS["township"], "township": T})
    tables = household_tables(at)
    assert tables and all(set(df["乡镇"]) == {"卢龙镇"} for df in tables if "乡镇" in df.columns)


def test_data_office_reads_the_audit_log(audit_file):
    audit.record(audit_file, who="wang", role="leader", action="export", detail="x.xlsx")
    at = open_page("audit", session=SESSIONS["data"])
    log = next(d.value for d in at.dataframe if "操作" in d.value.columns)
    assert log["用户"].tolist() == ["wang"] and log["对象"].tolist() == ["x.xlsx"]


def _export_one(session: dict) -> None:
    at = open_page("monitoring", session=session)
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("_xlsx"))
    download_data(at, button.proto.id.rsplit("-", 1)[-1])


def test_exports_are_audited_and_open_mode_writes_no_entry(audit_file, monkeypatch, tmp_path):
    _export_one(SESSIONS["leader"])  # open mode on the sample: anonymous visitors leave nothing behind
    assert not audit_file.exists()
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text('[users."wang"]\nrole = "leader"\n', encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "wang"})
    _export_one({})
    entry = audit.read(audit_file)[0]  # newest first, after the sign-in
    assert (entry["action"], entry["role"], entry["who"]) == ("export", "leader", "wang")
    assert entry["detail"].endswith(".xlsx")


def test_publish_and_rollback_are_audited(tmp_path, monkeypatch, audit_file):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    monkeypatch.setenv("LULONG_DATA_DIR", str(data))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    # Publishing needs a signed-in data office (open mode publishes nothing, issue #20).
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text('[users."刘数据"]\nrole = "data"\n', encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "刘数据"})
    at = open_page("data")
    manifest = (SAMPLE_DIR / "manifest.toml").read_bytes().replace(b"2022-07-26", b"2022-07-25")
    at.file_uploader(key="publish_files_0").set_value(("manifest.toml", manifest, "application/toml"))
    at.button(key="publish_button").click().run()
    assert not at.exception
    entry = audit.read(audit_file)[0]  # (the sign-in came first)
    assert (entry["action"], entry["who"], entry["role"]) == ("publish", "刘数据", "data")
    assert "manifest.toml" in entry["detail"]
    first = next(b for b in at.button if b.key and b.key.startswith("rollback_") and not b.disabled)
    first.click().run()
    at.button(key=f"rollback_yes_{first.key.removeprefix('rollback_')}").click().run()
    assert audit.read(audit_file)[0]["action"] == "rollback"
