"""Alembic environment of the state database (run by lulong_data.store.upgrade, or the alembic CLI).

lulong_data.store.upgrade passes an open connection in ``config.attributes["connection"]``. Run from the
alembic command line (no ini file is shipped: give one whose ``script_location`` is this folder), it gets
an engine from ``LULONG_DB_URL`` / the settings.
"""

from __future__ import annotations

from alembic import context

from lulong_data.store import schema


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=schema.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from lulong_data import store

    with store.raw_engine(store.database_url()).connect() as conn:
        _run(conn)
        conn.commit()
