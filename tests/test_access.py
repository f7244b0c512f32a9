"""Access control without a browser (issue #11): header mapping, accounts and lock-out, open mode on the
sample only, masking, small-count suppression, the audit log, and the sign-in flow through the router."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest
from apptest import open_page
from paths import ROOT, SAMPLE_DIR

from lulong_data import access, audit
from lulong_data.privacy import mask_name, suppress_small
from lulong_data.settings import get_settings

PASSWORD = "Lulong-test-pass-7319"
T = "130324100"  # 卢龙镇

ROLES_TOML = """
[users."zhang.wei"]
role = "township"
township = "130324100"

[users."li.na"]
role = "press"

[groups."county-leaders"]
role = "leader"

[groups."data-office"]
role = "data"
"""


@pytest.fixture
def audit_file(tmp_path, monkeypatch):
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(path))
    return path


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    path = tmp_path / "accounts.toml"
    access.add_user(path, "wang", "leader", PASSWORD)
    access.add_user(path, "zhao", "township", PASSWORD, township=T)
    monkeypatch.setenv("LULONG_AUTH", "accounts")
    monkeypatch.setenv("LULONG_ACCOUNTS_FILE", str(path))
    monkeypatch.setenv("LULONG_LOCKOUT_ATTEMPTS", "3")
    monkeypatch.setenv("LULONG_LOCKOUT_MINUTES", "10")
    return path


# --- the matrix as data --------------------------------------------------------------------------------


def test_matrix_press_gets_aggregates_only():
    assert access.pages_for("press") == ("overview", "map", "press")
    assert not access.can("press", access.HOUSEHOLDS) and not access.can("press", access.VILLAGES)
    assert access.can("data", "page:data") and access.can("data", "page:audit")
    for role in ("leader", "township", "press"):
        assert not access.can(role, "page:data") and not access.can(role, access.PUBLISH)
    assert not access.can("admin", "page:overview") and not access.can(None, access.EXPORT)


# --- header mode ---------------------------------------------------------------------------------------


def test_header_mode_maps_users_and_groups(tmp_path):
    roles_file = tmp_path / "roles.toml"
    roles_file.write_text(ROLES_TOML, encoding="utf-8")
    s = get_settings({"LULONG_AUTH": "header", "LULONG_ROLES_FILE": str(roles_file)})
    roles = access.load_roles(s.roles_file)

    def who(headers):
        return access.identity_from_headers(headers, s, roles)

    assert who({"X-Remote-User": "zhang.wei"}) == access.Identity("zhang.wei", "township", T, "header")
    assert who({"x-remote-user": "li.na"}).role == "press"  # header names are case-insensitive
    assert who({"X-Remote-User": "liu", "X-Remote-Groups": "staff, county-leaders"}).role == "leader"
    assert who({"X-Remote-User": "qian", "X-Remote-Groups": "data-office;staff"}).role == "data"
    assert who({"X-Remote-User": "stranger", "X-Remote-Groups": "staff"}) is None
    assert who({"X-Remote-Groups": "county-leaders"}) is None  # no user, no identity
    # Custom header names from settings.
    s2 = get_settings({"LULONG_AUTH_USER_HEADER": "X-Forwarded-User", "LULONG_ROLES_FILE": str(roles_file)})
    assert access.identity_from_headers({"X-Forwarded-User": "li.na"}, s2, roles).role == "press"


def test_headers_are_ignored_unless_header_mode(monkeypatch, tmp_path):
    # Open mode on the sample: a forged SSO header changes nothing (a leader in demo mode, no such user).
    from components import auth

    roles_file = tmp_path / "roles.toml"
    roles_file.write_text(ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles_file))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "li.na"})
    at = open_page("overview")
    assert "li.na" not in " ".join(c.value for c in at.sidebar.caption)
    assert any("演示模式" in i.value for i in at.sidebar.info) and at.session_state["role"] == "data"
    # The same header in header mode makes a press user, who is refused the monitoring page.
    monkeypatch.setenv("LULONG_AUTH", "header")
    at = open_page("monitoring", check=False)
    assert not at.exception
    assert any("无权访问" in e.value for e in at.error)
    assert any("li.na" in c.value for c in at.sidebar.caption)


def test_header_mode_unknown_user_is_not_authorised(monkeypatch, tmp_path, audit_file):
    from components import auth

    roles_file = tmp_path / "roles.toml"
    roles_file.write_text(ROLES_TOML, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles_file))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "stranger"})
    at = open_page("overview", check=False)
    assert not at.exception
    assert any("未获授权" in e.value for e in at.error)
    assert not at.metric and not at.dataframe  # no figure behind the refusal
    # A known user signs in (audited once per session).
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "zhang.wei"})
    at = open_page("overview")
    assert at.session_state["role"] == "township" and at.session_state["user_township"] == T
    assert [e["action"] for e in audit.read(audit_file)] == ["sign-in"]


# --- accounts mode -------------------------------------------------------------------------------------


def test_accounts_verify_hashes_and_store_no_plain_password(accounts, tmp_path):
    s = get_settings()
    ok = access.sign_in(s, "zhao", PASSWORD)
    assert ok.status == "ok" and ok.identity == access.Identity("zhao", "township", T, "accounts")
    assert access.sign_in(s, "zhao", "wrong").status == "bad"
    text = accounts.read_text(encoding="utf-8")
    assert "$argon2id$" in text
    for path in tmp_path.rglob("*"):  # accounts, lock-out state, anything else written
        if path.is_file():
            assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path
    # Two hashes of the same password differ: salted.
    users = access.load_accounts(accounts)
    assert users["wang"]["hash"] != users["zhao"]["hash"]
    # JSON accounts files work too.
    jpath = tmp_path / "accounts.json"
    access.add_user(jpath, "sun", "press", PASSWORD)
    assert json.loads(jpath.read_text(encoding="utf-8"))["users"]["sun"]["role"] == "press"


def test_accounts_lock_out_after_repeated_failures(accounts):
    s = get_settings()
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    assert [access.sign_in(s, "wang", "x", now=now).status for _ in range(3)] == ["bad", "bad", "locked"]
    # Locked: even the right password is refused until the time is up.
    assert access.sign_in(s, "wang", PASSWORD, now=now + dt.timedelta(minutes=9)).status == "locked"
    assert access.sign_in(s, "wang", PASSWORD, now=now + dt.timedelta(minutes=11)).status == "ok"
    state = json.loads(access.lockout_path(accounts).read_text(encoding="utf-8"))
    assert "wang" not in state  # a success clears the count
    # Unknown names lock the same way (the form does not tell which names exist).
    assert [access.sign_in(s, "nobody", "x", now=now).status for _ in range(3)] == ["bad", "bad", "locked"]


def test_add_user_cli_prompts_and_resets(tmp_path, monkeypatch, capsys):
    path = tmp_path / "acc.toml"
    answers = iter([PASSWORD, PASSWORD, "new-pass-2", "new-pass-2"])
    monkeypatch.setattr(access.getpass, "getpass", lambda prompt="": next(answers))
    assert (
        access.main(["add-user", "zhou", "--role", "township", "--township", T, "--accounts", str(path)]) == 0
    )
    assert (
        access.main(["add-user", "zhou", "--role", "township", "--township", T, "--accounts", str(path)]) == 0
    )
    out = capsys.readouterr().out
    assert "added zhou" in out and "reset zhou" in out and PASSWORD not in out
    s = get_settings({"LULONG_ACCOUNTS_FILE": str(path)})
    assert access.sign_in(s, "zhou", PASSWORD).status == "bad"
    assert access.sign_in(s, "zhou", "new-pass-2").status == "ok"
    with pytest.raises(access.AccessError):
        access.add_user(path, "x", "township", PASSWORD)  # a township user needs its township


def test_sign_in_form_flow_is_audited(accounts, audit_file):
    at = open_page("overview", check=False)
    assert not at.metric  # the form, no data
    at.text_input(key="signin_name").input("wang")
    at.text_input(key="signin_password").input("wrong")
    at.button[0].click().run()
    assert any("不正确" in e.value for e in at.error)
    at.text_input(key="signin_name").input("wang")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and at.session_state["role"] == "leader"
    assert at.metric  # the overview
    at.sidebar.button(key="signout").click().run()
    assert "role" not in at.session_state
    assert [e["action"] for e in reversed(audit.read(audit_file))] == [
        "sign-in-failure",
        "sign-in",
        "sign-out",
    ]
    assert PASSWORD not in audit_file.read_text(encoding="utf-8")


# --- open mode -----------------------------------------------------------------------------------------


def test_open_mode_only_on_the_sample(tmp_path, monkeypatch):
    assert access.is_sample_folder(SAMPLE_DIR)
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE_DIR, copy)
    assert access.is_sample_folder(copy)  # a byte-identical copy holds the same fictitious people
    real = tmp_path / "real"
    shutil.copytree(SAMPLE_DIR, real)
    hh = real / "households.csv"
    hh.write_bytes(hh.read_bytes() + b"\n")  # any change: no longer the fictitious register
    assert not access.is_sample_folder(real)
    monkeypatch.setenv("LULONG_DATA_DIR", str(real))
    at = open_page("overview", check=False)
    assert not at.exception
    assert any("只能用于内置样例数据" in e.value for e in at.error)
    assert not at.metric and not at.dataframe


def test_unknown_auth_mode_is_refused(monkeypatch):
    monkeypatch.setenv("LULONG_AUTH", "sso-typo")
    at = open_page("overview", check=False)
    assert any("配置有误" in e.value for e in at.error) and not at.metric


# --- privacy -------------------------------------------------------------------------------------------


def test_every_household_table_masks_head_names():
    # Metrics hand pages head_masked only; no page or component reads the raw head_name column.
    for folder in ("pages", "components"):
        for path in (ROOT / folder).glob("*.py"):
            assert "head_name" not in path.read_text(encoding="utf-8"), path
    assert mask_name("张三明") == "张*明"


def test_suppress_small_counts():
    df = pd.DataFrame({"村": ["a", "b", "c", "d"], "户": [0, 3, 5, 12], "人": [None, 4.0, 7.0, 1.0]})
    out = suppress_small(df, ["户", "人"], 5)
    assert out["户"].tolist() == ["0", "<5", "5", "12"]
    assert out["人"].tolist()[1:] == ["<5", "7", "<5"] and pd.isna(out["人"][0])
    assert df["户"].tolist() == [0, 3, 5, 12]  # the input is untouched


def test_press_map_village_table_suppresses_small_counts(monkeypatch):
    monkeypatch.setenv("LULONG_SMALL_COUNT", "50")  # the sample's villages are big: raise the bar to see it
    at = open_page("map", session={"role": "press", "township": T})
    villages = next(d.value for d in at.dataframe if "脱贫户" in d.value.columns)
    assert villages["脱贫户"].astype(str).str.startswith("<").any()
    leader = open_page("map", session={"township": T})
    villages = next(d.value for d in leader.dataframe if "脱贫户" in d.value.columns)
    assert not villages["脱贫户"].astype(str).str.startswith("<").any()


# --- audit ---------------------------------------------------------------------------------------------


def test_audit_appends_json_lines(tmp_path):
    path = tmp_path / "a" / "audit.jsonl"
    audit.record(path, who="wang", role="leader", action="export", detail="x.xlsx")
    audit.record(path, who="li", role="data", action="publish", detail="households.csv -> 0002")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["action"] for x in lines] == ["export", "publish"]
    assert [e["who"] for e in audit.read(path)] == ["li", "wang"]  # newest first
    assert dt.datetime.fromisoformat(json.loads(lines[0])["when"]).tzinfo is not None
