"""Register of published figures (press office, issue 19): one row per version of a figure.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_figures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("figure_key", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("value", sa.Float(53), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("published_on", sa.Date),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("metric", sa.String(200)),
        sa.Column("note", sa.Text),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_register_figures"),
        sa.UniqueConstraint(
            "county_code", "figure_key", "version", name="uq_register_figures_county_code_figure_key_version"
        ),
        sa.CheckConstraint("origin IN ('office', 'file')", name="ck_register_figures_origin"),
    )
    op.create_index("ix_register_figures_county_code", "register_figures", ["county_code"])


def downgrade() -> None:
    op.drop_index("ix_register_figures_county_code", table_name="register_figures")
    op.drop_table("register_figures")
