"""The state database (lulong_data.store): URL from the settings, migrations on first use, the schema the
code expects, open mode creating nothing. Each test runs on SQLite and on PostgreSQL (``state_db_url``)."""

from __future__ import annotations

import datetime as dt
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from lulong_data import store
from lulong_data.access import Identity
from lulong_data.settings import get_settings
from lulong_data.store import schema


def test_default_url_is_sqlite_in_the_state_dir(tmp_path):
    s = get_settings({"LULONG_STATE_DIR": str(tmp_path / "state")})
    assert s.db_url is None
    assert store.database_url(s) == f"sqlite:///{tmp_path / 'state' / 'state.sqlite'}"


def test_db_url_wins_and_plain_postgresql_means_psycopg3(tmp_path):
    s = get_settings({"LULONG_STATE_DIR": str(tmp_path), "LULONG_DB_URL": "postgresql://u:secret@db/lulong"})
    assert store.database_url(s) == "postgresql://u:secret@db/lulong"
    assert store.redacted(store.database_url(s)) == "postgresql+psycopg://u:***@db/lulong"
    assert store.raw_engine(store.database_url(s)).dialect.driver == "psycopg"


def test_state_dir_default_is_outside_the_data_folder():
    s = get_settings({})
    assert s.state_dir.name == "state" and s.state_dir.parent.name == "var"
    assert s.data_dir not in s.state_dir.parents


def test_first_use_migrates_to_head(state_db_url):
    eng = store.engine(state_db_url)
    assert store.current_revision(eng) == store.head_revision()
    names = set(sa.inspect(eng).get_table_names())
    assert {"ledger_items", "ledger_reviews", "ledger_events", "papers", "alembic_version"} <= names
    assert store.engine(state_db_url) is eng  # one engine per database and process


def test_migrations_create_exactly_the_schema_the_code_uses(state_db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    eng = store.engine(state_db_url)
    with eng.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), schema.metadata
        )
    assert diff == []


def test_migrations_go_down_and_up_again(state_db_url):
    from alembic import command

    eng = store.engine(state_db_url)

    with eng.connect().execution_options(lulong_write=True) as conn, conn.begin():
        command.downgrade(store._config(conn), "base")
    assert store.current_revision(eng) is None
    assert "ledger_items" not in sa.inspect(eng).get_table_names()
    store.upgrade(eng)
    assert store.current_revision(eng) == store.head_revision()


def test_two_processes_starting_at_once_migrate_once(state_db_url):
    """Two engines (as two server processes would have) upgrading a fresh database at the same moment:
    the migration lock lets one run it, the other finds the schema at head."""
    engines = [store.raw_engine(state_db_url) for _ in range(2)]
    start, errors = threading.Barrier(2), []

    def run(eng):
        try:
            start.wait()
            store.upgrade(eng)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert store.current_revision(engines[0]) == store.head_revision()
    for eng in engines:
        eng.dispose()


def test_reading_in_open_mode_creates_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'state' / 'state.sqlite'}"
    assert store.engine(url, create=False) is None
    assert not (tmp_path / "state").exists()
    store.engine(url)  # a signed-in writer creates it
    assert store.engine(url, create=False) is not None
    store.dispose()


def test_sqlite_file_is_private(tmp_path):
    path = tmp_path / "state" / "state.sqlite"
    store.engine(f"sqlite:///{path}")
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        store.dispose()


def test_open_mode_and_no_identity_may_not_write():
    with pytest.raises(store.ReadOnlyError, match="演示模式"):
        store.require_writer(Identity(user="访客", role="data", source="open"))
    with pytest.raises(store.ReadOnlyError):
        store.require_writer(None)
    store.require_writer(Identity(user="wang", role="leader", source="header"))


def test_timestamps_come_back_aware_utc(state_db_url):
    when = dt.datetime(2022, 7, 25, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with store.begin(state_db_url, write=True) as conn:
        item = conn.execute(
            schema.ledger_items.insert().values(
                county_code="130324",
                title="试",
                kind="manual",
                unit="卢龙县乡村振兴局",
                person="张三",
                due_on=dt.date(2022, 8, 1),
                status="未办",
                assigned_on=dt.date(2022, 7, 25),
                meeting_on=dt.date(2022, 7, 25),
                created_at=when,
                created_by="wang",
                updated_at=when,
                updated_by="wang",
                version=1,
            )
        ).inserted_primary_key[0]
    with store.begin(state_db_url) as conn:
        got = conn.execute(
            sa.select(schema.ledger_items.c.created_at).where(schema.ledger_items.c.id == item)
        )
        value = got.scalar_one()
    assert value == when and value.tzinfo is not None


def test_status_values_are_checked_by_the_database(state_db_url):
    now = store.now()
    with pytest.raises(sa.exc.IntegrityError), store.begin(state_db_url, write=True) as conn:
        conn.execute(
            schema.ledger_items.insert().values(
                county_code="130324",
                title="试",
                kind="manual",
                unit="单位",
                person="张三",
                due_on=dt.date(2022, 8, 1),
                status="逾期",
                assigned_on=dt.date(2022, 7, 25),
                meeting_on=dt.date(2022, 7, 25),
                created_at=now,
                created_by="wang",
                updated_at=now,
                updated_by="wang",
                version=1,
            )
        )


def test_migrations_ship_inside_the_package():
    versions = Path(store.__file__).with_name("migrations") / "versions"
    assert (versions / "0001_base.py").is_file()
    assert store.head_revision()
