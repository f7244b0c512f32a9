"""Settings of a running dashboard, from ``LULONG_*`` environment variables.

| variable             | default                 | meaning                                            |
|----------------------|-------------------------|----------------------------------------------------|
| LULONG_DATA_DIR      | the bundled sample      | folder of curated data files                       |
| LULONG_TILE_URL      | (none)                  | intranet map tile URL template; none = no basemap  |
| LULONG_AUTH          | open                    | auth mode                                          |
| LULONG_LANG          | zh                      | interface language: zh or en                       |
| LULONG_VERSIONS_DIR  | (none)                  | folder where published data versions are kept      |
| LULONG_KEEP_VERSIONS | 10                      | how many data versions to keep                     |
| LULONG_AUTH_USER_HEADER   | X-Remote-User      | header mode: request header naming the user        |
| LULONG_AUTH_GROUPS_HEADER | X-Remote-Groups    | header mode: header listing the user's groups      |
| LULONG_ROLES_FILE    | (none)                  | header mode: TOML mapping users/groups to roles     |
| LULONG_ACCOUNTS_FILE | (none)                  | accounts mode: TOML/JSON file of argon2 hashes      |
| LULONG_LOCKOUT_ATTEMPTS | 5                    | accounts mode: failures before a lock-out          |
| LULONG_LOCKOUT_MINUTES  | 15                   | accounts mode: how long a lock-out lasts           |
| LULONG_AUDIT_FILE    | var/audit.jsonl         | append-only audit log (JSON lines)                 |
| LULONG_SMALL_COUNT   | 5                       | village counts below this show as "<5" for press   |
| LULONG_STATE_DIR     | var/state               | state the app keeps (SQLite file of the ledger ..., snapshots/) |
| LULONG_DB_URL        | (none)                  | state database URL; none = SQLite in STATE_DIR     |
| LULONG_SECRET_FILE   | <STATE_DIR>/pseudonym.key | county secret for pseudonyms of ID numbers (imports) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SAMPLE_DIR = Path(__file__).with_name("sample")
ROOT_DIR = Path(__file__).resolve().parents[1]
LANGS = ("zh", "en")


class SettingsError(ValueError):
    """A LULONG_* variable has a value the app cannot use."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = SAMPLE_DIR
    tile_url: str | None = None
    auth_mode: str = "open"
    lang: str = "zh"
    versions_dir: Path | None = None
    keep_versions: int = 10
    auth_user_header: str = "X-Remote-User"
    auth_groups_header: str = "X-Remote-Groups"
    roles_file: Path | None = None
    accounts_file: Path | None = None
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    audit_file: Path = ROOT_DIR / "var" / "audit.jsonl"
    small_count: int = 5
    # The state database (lulong_data.store): decisions and issued papers, outside the data folder and
    # its versions so a data rollback never rewinds them.
    state_dir: Path = ROOT_DIR / "var" / "state"
    db_url: str | None = None
    # The county's pseudonym secret (lulong_data.imports.secret): outside the data folder, mode 600.
    secret_file: Path = ROOT_DIR / "var" / "state" / "pseudonym.key"


def _blank(value: str | None) -> str | None:
    # An empty variable (LULONG_TILE_URL=) means "not set", the way shells and .env files write it.
    return value.strip() if value and value.strip() else None


def _int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = _blank(env.get(name)) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    return value


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = _blank(env.get(name))
    return Path(raw).expanduser() if raw else None


def get_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or the mapping given, for tests)."""
    env = os.environ if environ is None else environ
    data_dir = _blank(env.get("LULONG_DATA_DIR"))
    versions_dir = _blank(env.get("LULONG_VERSIONS_DIR"))
    lang = (_blank(env.get("LULONG_LANG")) or "zh").lower()
    if lang not in LANGS:
        raise SettingsError(f"LULONG_LANG must be one of {LANGS}, got {lang!r}")
    keep = _blank(env.get("LULONG_KEEP_VERSIONS")) or "10"
    try:
        keep_versions = int(keep)
    except ValueError:
        raise SettingsError(f"LULONG_KEEP_VERSIONS must be an integer, got {keep!r}") from None
    if keep_versions < 1:
        raise SettingsError(f"LULONG_KEEP_VERSIONS must be >= 1, got {keep_versions}")
    # An unknown mode is kept as written: lulong_data.access refuses it (a page, not a crash at import).
    auth_mode = (_blank(env.get("LULONG_AUTH")) or "open").lower()
    state_dir = _path(env, "LULONG_STATE_DIR") or ROOT_DIR / "var" / "state"
    return Settings(
        data_dir=Path(data_dir).expanduser() if data_dir else SAMPLE_DIR,
        tile_url=_blank(env.get("LULONG_TILE_URL")),
        auth_mode=auth_mode,
        lang=lang,
        versions_dir=Path(versions_dir).expanduser() if versions_dir else None,
        keep_versions=keep_versions,
        auth_user_header=_blank(env.get("LULONG_AUTH_USER_HEADER")) or "X-Remote-User",
        auth_groups_header=_blank(env.get("LULONG_AUTH_GROUPS_HEADER")) or "X-Remote-Groups",
        roles_file=_path(env, "LULONG_ROLES_FILE"),
        accounts_file=_path(env, "LULONG_ACCOUNTS_FILE"),
        lockout_attempts=_int(env, "LULONG_LOCKOUT_ATTEMPTS", 5, 1),
        lockout_minutes=_int(env, "LULONG_LOCKOUT_MINUTES", 15, 1),
        audit_file=_path(env, "LULONG_AUDIT_FILE") or ROOT_DIR / "var" / "audit.jsonl",
        small_count=_int(env, "LULONG_SMALL_COUNT", 5, 1),
        state_dir=state_dir,
        db_url=_blank(env.get("LULONG_DB_URL")),
        secret_file=_path(env, "LULONG_SECRET_FILE") or state_dir / "pseudonym.key",
    )
