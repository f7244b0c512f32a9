"""Base: 交办事项 (ledger items, reviews, events) and issued dispatch papers.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source_ref", sa.String(200)),
        sa.Column("township_code", sa.String(12)),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("leader", sa.String(100)),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("progress", sa.Text),
        sa.Column("assigned_on", sa.Date, nullable=False),
        sa.Column("meeting_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_items"),
        sa.UniqueConstraint(
            "county_code",
            "assigned_on",
            "source_ref",
            name="uq_ledger_items_county_code_assigned_on_source_ref",
        ),
        sa.CheckConstraint("status IN ('未办', '在办', '办结')", name="ck_ledger_items_status"),
    )
    op.create_index("ix_ledger_items_county_code", "ledger_items", ["county_code"])
    op.create_index("ix_ledger_items_township_code", "ledger_items", ["township_code"])

    op.create_table(
        "ledger_reviews",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("meeting_on", sa.Date, nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "meeting_on", name="pk_ledger_reviews"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["ledger_items.id"], name="fk_ledger_reviews_item_id_ledger_items"
        ),
    )
    op.create_index("ix_ledger_reviews_county_code", "ledger_reviews", ["county_code"])

    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_events"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["ledger_items.id"], name="fk_ledger_events_item_id_ledger_items"
        ),
    )
    op.create_index("ix_ledger_events_item_id", "ledger_events", ["item_id"])
    op.create_index("ix_ledger_events_county_code", "ledger_events", ["county_code"])

    op.create_table(
        "papers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("meeting_on", sa.Date, nullable=False),
        sa.Column("data_as_of", sa.Date, nullable=False),
        sa.Column("office", sa.String(100), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("docx", sa.LargeBinary, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_papers"),
        sa.UniqueConstraint("county_code", "year", "number", name="uq_papers_county_code_year_number"),
    )
    op.create_index("ix_papers_county_code", "papers", ["county_code"])


def downgrade() -> None:
    op.drop_table("papers")
    op.drop_table("ledger_events")
    op.drop_table("ledger_reviews")
    op.drop_table("ledger_items")
