"""athlete tables: settings, threshold history.

Revision ID: 0002_athlete
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_athlete"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "athlete_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_table(
        "threshold_estimates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("activity_ids", sa.JSON(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
    )
    op.create_index("ix_threshold_estimates_key", "threshold_estimates", ["key", "computed_on"])


def downgrade() -> None:
    op.drop_index("ix_threshold_estimates_key", table_name="threshold_estimates")
    op.drop_table("threshold_estimates")
    op.drop_table("athlete_settings")
