"""experiments keep the number of sessions planned after the change (before/after).

A before/after experiment compares its stored pre-period with the first sessions after
the change; how many of those it waits for is part of its plan at creation, stored so
that the verdict at that count is the same at every later as-of date (the pre-period
may still grow after creation, so it cannot be derived from the total).

Revision ID: 0014_experiment_after
Revises: 0013_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_experiment_after"
down_revision = "0013_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("planned_after", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("planned_after")
