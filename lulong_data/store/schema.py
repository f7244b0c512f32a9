"""The tables of the state database, as SQLAlchemy Core metadata.

The migrations (``migrations/versions``) create these tables; ``tests/test_store.py`` checks that a
freshly migrated database matches this metadata, so the two cannot drift apart. Every row carries
``county_code``: one database may serve several counties (a city's folder).

Timestamps are stored as UTC without an offset (SQLite has no time-zone type) and come back as aware
UTC datetimes (:class:`UTCDateTime`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC (the same on SQLite and PostgreSQL)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the state database: pass an aware one (UTC)")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


# 交办事项 — items the weekly dispatch meeting assigns, with their owners, deadline and status.
ledger_items = sa.Table(
    "ledger_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("county_code", sa.String(12), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),  # the item as the paper prints it
    sa.Column("kind", sa.String(20), nullable=False),  # which list it came from (ledger.KINDS), or manual
    sa.Column("source_ref", sa.String(200)),  # stable key of the source row (no duplicates per meeting)
    sa.Column("township_code", sa.String(12), index=True),  # None = county-wide (no township user sees it)
    sa.Column("unit", sa.String(100), nullable=False),  # 责任单位 (full name)
    sa.Column("person", sa.String(100), nullable=False),  # 责任人
    sa.Column("leader", sa.String(100)),  # 包联县领导
    sa.Column("due_on", sa.Date, nullable=False),  # 办结时限
    sa.Column("status", sa.String(8), nullable=False),  # 未办 / 在办 / 办结 (逾期 is derived from due_on)
    sa.Column("progress", sa.Text),  # 落实情况
    sa.Column("assigned_on", sa.Date, nullable=False),  # the meeting that assigned it
    sa.Column("meeting_on", sa.Date, nullable=False),  # the latest meeting it is on (assigned or carried)
    sa.Column("closed_on", sa.Date),  # the day it was marked 办结
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # optimistic concurrency: +1 on every change
    sa.UniqueConstraint("county_code", "assigned_on", "source_ref"),
    sa.CheckConstraint("status IN ('未办', '在办', '办结')", name="status"),
)

# Which meeting reviewed which item: one row when it is assigned and one per meeting it is carried to.
ledger_reviews = sa.Table(
    "ledger_reviews",
    metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("ledger_items.id"), primary_key=True),
    sa.Column("meeting_on", sa.Date, primary_key=True),
    sa.Column("county_code", sa.String(12), nullable=False, index=True),
    sa.Column("status", sa.String(8), nullable=False),  # the item's status when the meeting took it up
)

# Every change to an item: who, when, what (old and new values). Written in the change's transaction.
ledger_events = sa.Table(
    "ledger_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("ledger_items.id"), nullable=False, index=True),
    sa.Column("county_code", sa.String(12), nullable=False, index=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # create / update / carry
    sa.Column("changes", sa.JSON, nullable=False),  # {field: [old, new]}
    sa.Column("version", sa.Integer, nullable=False),  # the item's version after the change
)

# 周调度材料 as issued: 第N期, its figures and the Word file, frozen.
papers = sa.Table(
    "papers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("county_code", sa.String(12), nullable=False, index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),  # 第N期 within the year
    sa.Column("meeting_on", sa.Date, nullable=False),
    sa.Column("data_as_of", sa.Date, nullable=False),  # the figures are as of this date
    sa.Column("office", sa.String(100), nullable=False),  # issuing office
    sa.Column("lang", sa.String(2), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # of the data the figures came from
    sa.Column("figures", sa.JSON, nullable=False),  # everything the paper printed, as data
    sa.Column("docx", sa.LargeBinary, nullable=False),  # the Word file handed out
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("issued_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("county_code", "year", "number"),
)

# The press office's register of published figures (its own module and migration, 0002).
from lulong_data.store import register  # noqa: E402,F401
