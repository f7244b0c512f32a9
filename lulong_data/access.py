"""Who may see what: roles, the role → page/permission matrix, and the three ways to know who is asking.

Pure Python (no streamlit): the router, every restricted page and every download ask this module, and the
tests check the same matrix. Identity modes (``LULONG_AUTH``):

- ``open``      the bundled sample only: everyone sees all (leader + data office); refused on other data.
- ``header``    behind the intranet SSO proxy: user and groups come from request headers, mapped to roles by
                ``LULONG_ROLES_FILE`` (TOML ``[users."name"] role=…, township=…`` and ``[groups."name"]``).
- ``accounts``  a local accounts file (``LULONG_ACCOUNTS_FILE``) of argon2 salted hashes; N failures lock a
                name for M minutes (state in ``<accounts>.lockout.json``, written atomically).

CLI: ``python -m lulong_data.access add-user NAME --role ROLE [--township CODE] [--accounts FILE]`` asks for
the password twice (getpass); it adds the user or resets an existing one's password and lock-out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import functools
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import tempfile
import tomllib
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lulong_data.settings import SAMPLE_DIR, Settings, get_settings

LEADER, TOWNSHIP, PRESS, DATA = "leader", "township", "press", "data"
ROLES = (LEADER, TOWNSHIP, PRESS, DATA)
ROLE_NAMES = {
    LEADER: ("县领导", "County leader"),
    TOWNSHIP: ("乡镇", "Township"),
    PRESS: ("宣传", "Press office"),
    DATA: ("数据管理", "Data office"),
}

# Permissions beyond pages. "households": household rows (a township only its own, checked by the caller
# with the row's township); "villages": village-level counts unsuppressed; "publish": upload/rollback;
# "audit": read the audit log; "export": downloads at all.
HOUSEHOLDS, VILLAGES, PUBLISH, AUDIT, EXPORT = "households", "villages", "publish", "audit", "export"

_LEADER_PAGES = ("overview", "map", "dispatch", "monitoring", "employment", "environment", "welfare", "press")
# The matrix, in one place. Press: the overview, the township map (village counts suppressed below the
# small-count threshold) and its own page — every topic page carries household or village lists, so the
# press office reads topic figures through the press kit's 口径 registry instead.
PAGES: dict[str, tuple[str, ...]] = {
    LEADER: _LEADER_PAGES,
    TOWNSHIP: _LEADER_PAGES,
    PRESS: ("overview", "map", "press"),
    DATA: (*_LEADER_PAGES, "data", "audit"),
}
# LULONG_AUTH=open (fictitious sample only): everyone gets the widest view, so the demo shows every page.
OPEN_ROLE = DATA
PERMISSIONS: dict[str, frozenset[str]] = {
    LEADER: frozenset({HOUSEHOLDS, VILLAGES, EXPORT}),
    TOWNSHIP: frozenset({HOUSEHOLDS, VILLAGES, EXPORT}),
    PRESS: frozenset({EXPORT}),
    DATA: frozenset({HOUSEHOLDS, VILLAGES, EXPORT, PUBLISH, AUDIT}),
}


def page_permission(url_path: str) -> str:
    return f"page:{url_path}"


def can(role: str | None, permission: str) -> bool:
    """Unknown roles may do nothing: a typo in a roles file must close doors, not open them."""
    if role not in PAGES:
        return False
    if permission.startswith("page:"):
        return permission[5:] in PAGES[role]
    return permission in PERMISSIONS[role]


def small_count(role: str | None, threshold: int) -> int | None:
    """The count below which a village's figure is hidden from ``role`` (None: shown as it is). A village
    with 2 households in a list is nearly a name, so a role without village counts sees "<5", and enough
    others read "×" that the township total gives none of them away (lulong_data.privacy)."""
    return None if can(role, VILLAGES) else threshold


def pages_for(role: str | None) -> tuple[str, ...]:
    return PAGES.get(role or "", ())


@dataclass(frozen=True)
class Identity:
    user: str
    role: str
    township: str | None = None
    source: str = "open"  # open | header | accounts


class AccessError(Exception):
    """A configuration the app must refuse (message for the administrator, no data behind it)."""


# --- open mode ----------------------------------------------------------------------------------------

# ``open`` serves the bundled fictitious sample and nothing else. That is decided by content: the folder
# must hold exactly the files of the package's own sample (compared by SHA-256, whatever their names),
# because the loader reads ``Households.csv``, ``households .csv`` or ``households.xlsx`` as households
# too. The reference is computed from the package's copy when first needed (once per process), so a
# regenerated sample needs no constant.


def _loader_files(folder: Path) -> list[Path]:
    """The files of ``folder`` the loader could read (it skips hidden files, Excel's lock files,
    sub-folders and README notes: those cannot carry data into the app)."""
    out = []
    for path in folder.iterdir():
        name = path.name
        if name.startswith((".", "~$")) or name.upper().startswith("README") or not path.is_file():
            continue
        out.append(path)
    return out


def content_fingerprint(folder: Path | str) -> tuple[str, ...]:
    """Sorted SHA-256 digests of the files of ``folder`` the loader could read."""
    return tuple(sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in _loader_files(Path(folder))))


@functools.cache
def sample_fingerprint() -> tuple[str, ...]:
    """The content fingerprint of the sample shipped in this package (computed once per process)."""
    return content_fingerprint(SAMPLE_DIR)


def is_sample_folder(folder: Path | str | None) -> bool:
    """True when ``folder`` holds exactly the bundled sample's files, byte for byte."""
    if folder is None:
        return False
    folder = Path(folder)
    try:
        return folder.is_dir() and content_fingerprint(folder) == sample_fingerprint()
    except OSError:
        return False


@functools.lru_cache(maxsize=8)
def is_sample_version(folder: str, fingerprint: str) -> bool:
    """:func:`is_sample_folder` once per state of the folder (``fingerprint``: names, sizes, mtimes), so
    a rerun does not hash the files again."""
    return is_sample_folder(folder)


def writes_allowed(settings: Settings | None = None) -> bool:
    """False in open mode: an anonymous visitor publishes, rolls back and imports nothing, and adds no
    ledger item or register entry. Check it before any write of data or state (the audit log, like the
    server log, still records what a visitor exported)."""
    return (settings or get_settings()).auth_mode != "open"


# --- header mode --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleMap:
    users: Mapping[str, Mapping[str, Any]]
    groups: Mapping[str, Mapping[str, Any]]


def load_roles(path: Path | None) -> RoleMap:
    if path is None:
        raise AccessError("LULONG_AUTH=header needs LULONG_ROLES_FILE (a TOML file mapping users and groups)")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AccessError(f"roles file {path} cannot be read: {exc}") from None
    return RoleMap(users=dict(data.get("users", {})), groups=dict(data.get("groups", {})))


def _identity(user: str, entry: Mapping[str, Any], source: str) -> Identity | None:
    role = str(entry.get("role", ""))
    township = entry.get("township")
    township = str(township) if township else None
    if role not in ROLES or (role == TOWNSHIP and not township):
        return None  # a township user without a township would be a user nobody can scope
    return Identity(user=user, role=role, township=township if role == TOWNSHIP else None, source=source)


def split_groups(value: str | None) -> list[str]:
    # Proxies join groups with commas or semicolons; names themselves may contain spaces.
    return [g.strip() for g in re.split(r"[,;]", value or "") if g.strip()]


def header_text(value: str) -> str:
    """A header value as the proxy meant it. HTTP servers (Tornado too) hand header bytes over as
    Latin-1, so a UTF-8 name (张伟) arrives as mojibake: re-read those bytes as UTF-8 when they are
    valid UTF-8. Proxies that percent-encode non-ASCII names (%E5%BC%A0%E4%BC%9F) are decoded too."""
    # A value that is not Latin-1 bytes of valid UTF-8 is already text (a test, a WSGI shim) or really
    # Latin-1: kept as it is.
    with suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    if "%" in value and re.search(r"%[0-9A-Fa-f]{2}", value):
        with suppress(UnicodeDecodeError):
            value = urllib.parse.unquote(value, errors="strict")
    return value


def identity_from_headers(headers: Mapping[str, str], settings: Settings, roles: RoleMap) -> Identity | None:
    """The user the SSO proxy vouches for, or None if absent or not in the roles file.

    Only meaningful in ``header`` mode (the caller checks): the headers are trusted because the app binds to
    127.0.0.1 behind the proxy, which sets them. A user entry wins over groups; among groups, the first
    in the roles file's order that the user belongs to.
    """
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    user = header_text(lower.get(settings.auth_user_header.lower(), "")).strip()
    if not user:
        return None
    if user in roles.users:
        return _identity(user, roles.users[user], "header")
    member = set(split_groups(header_text(lower.get(settings.auth_groups_header.lower(), ""))))
    for group, entry in roles.groups.items():
        if group in member:
            return _identity(user, entry, "header")
    return None


# --- accounts mode ------------------------------------------------------------------------------------


def _hasher():
    from argon2 import PasswordHasher  # imported late: only accounts mode needs it

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def load_accounts(path: Path | None) -> dict[str, dict[str, Any]]:
    """``{name: {"hash": argon2 hash, "role": …, "township": …}}``; TOML or JSON (by suffix)."""
    if path is None:
        raise AccessError("LULONG_AUTH=accounts needs LULONG_ACCOUNTS_FILE")
    path = Path(path)
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:
        raise AccessError(f"accounts file {path} cannot be read: {exc}") from None
    return {str(k): dict(v) for k, v in dict(data.get("users", {})).items()}


def _atomic_write(path: Path, text: str) -> None:
    # Write a sibling temp file and rename: a crash leaves the old file or the new one, never half.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def save_accounts(path: Path, users: Mapping[str, Mapping[str, Any]]) -> None:
    path = Path(path)
    if path.suffix.lower() == ".json":
        _atomic_write(path, json.dumps({"users": users}, ensure_ascii=False, indent=2) + "\n")
        return
    lines = ["# Dashboard accounts: argon2 hashes only (python -m lulong_data.access add-user).", ""]
    for name, entry in users.items():
        lines.append(f"[users.{_toml_str(name)}]")
        lines.extend(f"{k} = {_toml_str(str(v))}" for k, v in entry.items() if v is not None)
        lines.append("")
    _atomic_write(path, "\n".join(lines))


def lockout_path(accounts_file: Path) -> Path:
    return Path(accounts_file).with_name(Path(accounts_file).name + ".lockout.json")


def _load_lockout(path: Path) -> dict[str, dict[str, Any]]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


# Unknown names share this many lock-out counters (by a keyed hash of the name): they lock like known
# ones, so the form tells nobody which names exist, and yet no number of invented names grows the file.
UNKNOWN_SLOTS = 256
_KEY = "_key"  # the random key of that hash, kept in the lock-out file (mode 600)


@contextmanager
def _lockout_state(accounts_file: Path) -> Iterator[dict[str, Any]]:
    """The lock-out state, read and written back under an exclusive file lock (fcntl.flock on a sibling
    ``.lock`` file; every caller opens its own descriptor, so threads exclude each other too)."""
    path = lockout_path(accounts_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        state = _load_lockout(path)
        before = json.dumps(state, sort_keys=True)
        yield state
        if json.dumps(state, sort_keys=True) != before:
            _atomic_write(path, json.dumps(state, ensure_ascii=False, indent=2))
    finally:
        os.close(fd)  # releases the lock, also after an exception


def _counter(name: str, users: Mapping[str, Any], state: dict[str, Any]) -> str:
    """The lock-out counter of ``name``: its own when it is an account, else a shared slot."""
    if name in users:
        return name
    key = state.get(_KEY)
    if not isinstance(key, str):
        key = state[_KEY] = secrets.token_hex(16)
    slot = int(hmac.new(bytes.fromhex(key), name.encode("utf-8"), hashlib.sha256).hexdigest(), 16)
    return f"?{slot % UNKNOWN_SLOTS:03d}"


def _prune(state: dict[str, Any], users: Mapping[str, Any], now: dt.datetime) -> None:
    """Forget counters of removed accounts and of lock-outs that have run out."""
    for key in list(state):
        if key == _KEY:
            continue
        entry = state[key]
        until = entry.get("locked_until") if isinstance(entry, dict) else None
        stale = not key.startswith("?") and key not in users
        if stale or not isinstance(entry, dict) or (until and dt.datetime.fromisoformat(until) <= now):
            del state[key]


@dataclass(frozen=True)
class SignIn:
    identity: Identity | None
    status: str  # ok | bad | locked
    locked_until: dt.datetime | None = None
    token: str = ""  # the account entry's token (see account_token) when ok


def account_token(entry: Mapping[str, Any] | None) -> str:
    """A digest of an account entry (hash, role, township): changes when the password is reset or the
    role changes, so a session signed in under the old entry can be ended (see still_valid)."""
    if not entry:
        return ""
    return hashlib.sha256(json.dumps(dict(entry), sort_keys=True, default=str).encode()).hexdigest()


def still_valid(settings: Settings, identity: Identity, token: str) -> bool:
    """True while the account ``identity`` signed in with is unchanged in the accounts file."""
    try:
        users = _accounts_now(settings.accounts_file)
    except AccessError:
        return False
    return bool(token) and account_token(users.get(identity.user)) == token


def _accounts_now(path: Path | None) -> dict[str, dict[str, Any]]:
    """load_accounts, read again only when the file changed (every rerun asks)."""
    if path is None:
        raise AccessError("LULONG_AUTH=accounts needs LULONG_ACCOUNTS_FILE")
    try:
        st = Path(path).stat()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        stamp = None
    return _accounts_cached(str(path), stamp)


@functools.lru_cache(maxsize=4)
def _accounts_cached(path: str, stamp: tuple | None) -> dict[str, dict[str, Any]]:
    return load_accounts(Path(path))


def sign_in(settings: Settings, name: str, password: str, *, now: dt.datetime | None = None) -> SignIn:
    """Check a name and password against the accounts file, counting attempts per name.

    The attempt is counted *before* the password is checked, under the file lock, so however many
    attempts run at once no more than ``lockout_attempts`` passwords are ever checked for a name before
    it locks. A success clears the count. Unknown names count and lock like known ones (in shared slots)
    and take the same hashing time, so the form tells nobody which names exist.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    now = now or dt.datetime.now(dt.UTC)
    users = load_accounts(settings.accounts_file)
    with _lockout_state(settings.accounts_file) as state:
        _prune(state, users, now)
        key = _counter(name, users, state)
        entry = state.get(key, {})
        until = entry.get("locked_until")
        if until and dt.datetime.fromisoformat(until) > now:
            return SignIn(None, "locked", dt.datetime.fromisoformat(until))
        attempt = int(entry.get("failures", 0)) + 1
        record: dict[str, Any] = {"failures": attempt}
        locked = None
        if attempt >= settings.lockout_attempts:
            locked = now + dt.timedelta(minutes=settings.lockout_minutes)
            record["locked_until"] = locked.isoformat()
        state[key] = record
    user = users.get(name)
    ok = False
    try:
        # A fixed dummy hash for unknown names keeps the timing the same.
        _hasher().verify(user["hash"] if user else _dummy_hash(), password)
        ok = user is not None
    except (VerificationError, InvalidHashError, KeyError):
        ok = False
    identity = _identity(name, user, "accounts") if ok and user else None
    if identity is not None:
        with _lockout_state(settings.accounts_file) as state:
            state.pop(key, None)
        return SignIn(identity, "ok", token=account_token(user))
    return SignIn(None, "locked" if locked else "bad", locked)


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a password of anyone")


MIN_PASSWORD_LENGTH = 10


@functools.cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most common passwords (pinned in requirements.txt).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(name: str, password: str) -> str | None:
    """Why ``password`` is refused for ``name`` (None when it is acceptable)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!.@#") in _common_passwords():
        return "the password is one of the most common passwords; choose another"
    if name and name.lower() in lowered:
        return "the password must not contain the user name"
    if len(set(password)) < 4:
        return "the password repeats too few characters"
    return None


def add_user(path: Path, name: str, role: str, password: str, township: str | None = None) -> bool:
    """Add ``name`` or reset its password (True if it existed); clears its lock-out."""
    if role not in ROLES:
        raise AccessError(f"role must be one of {ROLES}, got {role!r}")
    if role == TOWNSHIP and not (township and re.fullmatch(r"\d{9}", township)):
        raise AccessError("a township user needs --township with a 9-digit township code")
    problem = password_problem(name, password)
    if problem:
        raise AccessError(problem)
    users = load_accounts(path)
    existed = name in users
    users[name] = {"role": role, "hash": hash_password(password)}
    if role == TOWNSHIP:
        users[name]["township"] = township
    save_accounts(path, users)
    with _lockout_state(path) as state:
        state.pop(name, None)
    return existed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lulong_data.access", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="add a user or reset a password (asks for it twice)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--township", help="9-digit township code (township role)")
    add.add_argument("--accounts", help="accounts file (default: LULONG_ACCOUNTS_FILE)")
    args = parser.parse_args(argv)
    path = Path(args.accounts) if args.accounts else get_settings().accounts_file
    if path is None:
        print("no accounts file: pass --accounts or set LULONG_ACCOUNTS_FILE", file=sys.stderr)
        return 2
    password = getpass.getpass(f"password for {args.name}: ")
    if password != getpass.getpass("again: "):
        print("the passwords differ; nothing changed", file=sys.stderr)
        return 1
    try:
        existed = add_user(path, args.name, args.role, password, args.township)
    except AccessError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{'reset' if existed else 'added'} {args.name} ({args.role}) in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
