"""activities gain ``manual``: made from an export row without a file.

A Strava export lists activities whose file is absent (a manual entry, or a
partial export). They are imported from the CSV's own values and marked, so
volume and load count them and the runner can tell them apart.

Revision ID: 0006_manual_activities
Revises: 0005_plan_phase
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_manual_activities"
down_revision = "0005_plan_phase"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(
            sa.Column("manual", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("manual")
