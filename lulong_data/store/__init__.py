"""The state database: what the county decides and issues, kept apart from the data files.

The dispatch meeting's 交办事项 (``store.ledger``), its issued papers (``store.papers``) and the press
office's register of published figures (``store.register``) live here. The data folder and its published
versions hold what the county *reports*; this database holds what the app's users *decide*, so a data
rollback never rewinds a decision.

- Where: ``LULONG_DB_URL`` when set (PostgreSQL through psycopg 3: ``postgresql+psycopg://user@host/db``;
  a plain ``postgresql://`` URL is read the same way), else an SQLite file
  ``<LULONG_STATE_DIR>/state.sqlite`` (``LULONG_STATE_DIR`` defaults to ``var/state``).
- Schema: Alembic migrations shipped in ``migrations/``, applied automatically the first time a process
  uses a database (under a lock: ``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so a new
  release upgrades the file or server it finds.
- Writes: every write runs in a transaction that takes the write lock up front on SQLite (no deadlock
  between two sessions that read first); concurrent changes to one row are caught by a version column
  (:class:`ConflictError`), never silently overwritten.
- Open mode (the public demo) writes nothing: :func:`require_writer` refuses it, and reading never creates
  a database (:func:`engine` with ``create=False``).

Never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session

from lulong_data.settings import Settings, get_settings

__all__ = [
    "ConflictError",
    "ReadOnlyError",
    "ScopeError",
    "StoreError",
    "begin",
    "current_revision",
    "database_url",
    "dispose",
    "engine",
    "head_revision",
    "now",
    "require_writer",
    "session",
    "upgrade",
]

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_FILE = "state.sqlite"
_PG_MIGRATION_LOCK = 0x4C554C4F  # "LULO": one migration at a time per PostgreSQL database
_BUSY_SECONDS = 30  # how long an SQLite writer waits for another one before giving up


class StoreError(Exception):
    """The state database refused an operation; the message is for the user (Chinese / English)."""


class ReadOnlyError(StoreError):
    """Open mode, or a role that may not write."""


class ScopeError(StoreError):
    """A township user touched another township's item (or a county-wide one)."""


class ConflictError(StoreError):
    """Someone else changed the row since it was read: reload, then change it again."""

    def __init__(self, message: str, current: dict | None = None) -> None:
        super().__init__(message)
        self.current = current  # the row as it is now (None if it is gone)


def now() -> dt.datetime:
    """The current time, aware, in UTC (what the database stores)."""
    return dt.datetime.now(dt.UTC)


def database_url(settings: Settings | None = None) -> str:
    """``LULONG_DB_URL``, else the SQLite file in ``LULONG_STATE_DIR``."""
    s = settings or get_settings()
    if s.db_url:
        return s.db_url
    return URL.create("sqlite", database=str((s.state_dir / SQLITE_FILE).resolve())).render_as_string()


def _normalise(url: str | URL) -> URL:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
    return u


def redacted(url: str | URL) -> str:
    """The URL without its password, for messages and logs."""
    return _normalise(url).render_as_string(hide_password=True)


def _sqlite_path(u: URL) -> Path | None:
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def raw_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with the project's connection settings and no migration (see :func:`engine`)."""
    u = _normalise(url)
    if u.get_backend_name() == "sqlite":
        eng = sa.create_engine(u, connect_args={"timeout": _BUSY_SECONDS})

        @sa.event.listens_for(eng, "connect")
        def _on_connect(dbapi_conn, _record) -> None:
            # Let SQLAlchemy, not the driver, say when a transaction begins (see _on_begin).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
            cur.close()

        @sa.event.listens_for(eng, "begin")
        def _on_begin(conn: Connection) -> None:
            # A writer takes the lock before it reads: two sessions that both read a row and then update
            # it would otherwise fail with "database is locked" instead of waiting their turn.
            write = conn.get_execution_options().get("lulong_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return eng
    return sa.create_engine(u, pool_pre_ping=True)


def _config(connection: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this release."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(eng: Engine) -> str | None:
    """The migration the database is at (None: not yet migrated)."""
    from alembic.runtime.migration import MigrationContext

    with eng.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(eng: Engine, revision: str = "head") -> None:
    """Apply the shipped migrations up to ``revision``, one process at a time."""
    from alembic import command

    with eng.connect().execution_options(lulong_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        command.upgrade(_config(conn), revision)


_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def engine(url: str | None = None, *, create: bool = True) -> Engine | None:
    """The engine of ``url`` (default :func:`database_url`), migrated to the newest schema on first use.

    ``create=False`` is for readers that must write nothing (open mode): it returns None instead of
    creating an SQLite file or migrating a database that is not yet at the newest schema.
    """
    u = _normalise(url or database_url())
    key = u.render_as_string(hide_password=False)
    with _lock:
        eng = _engines.get(key)
        if eng is not None:
            return eng
        path = _sqlite_path(u)
        if not create:
            if path is not None and not path.is_file():
                return None
            eng = raw_engine(u)
            if current_revision(eng) != head_revision():
                eng.dispose()
                return None
            _engines[key] = eng
            return eng
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                # Owner-only from the first byte: the file holds names of officials and decisions.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        eng = raw_engine(u)
        try:
            if current_revision(eng) != head_revision():
                upgrade(eng)
        except BaseException:
            eng.dispose()
            raise
        _engines[key] = eng
        return eng


def dispose() -> None:
    """Close every cached engine (tests; a process that changes LULONG_DB_URL)."""
    with _lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()


@contextmanager
def begin(url: str | None = None, *, write: bool = False) -> Iterator[Connection]:
    """A connection in a transaction, committed at the end of the block (rolled back on an exception).

    ``write=True`` takes SQLite's write lock at the start (PostgreSQL locks rows as it updates them).
    """
    eng = engine(url)
    conn = eng.connect()
    if write:
        conn = conn.execution_options(lulong_write=True)
    try:
        with conn.begin():
            yield conn
    finally:
        conn.close()


def session(url: str | None = None, *, write: bool = False) -> Session:
    """An ORM session on the state database (for modules that prefer the ORM; commit it yourself)."""
    eng = engine(url)
    if write:
        eng = eng.execution_options(lulong_write=True)
    return Session(eng)


def require_writer(identity) -> None:
    """Refuse open mode (and a missing identity): the public demo writes nothing to the store."""
    if identity is None or getattr(identity, "source", "open") == "open":
        raise ReadOnlyError("演示模式(未登录)不保存任何记录。/ Open mode (no sign-in) saves nothing.")
