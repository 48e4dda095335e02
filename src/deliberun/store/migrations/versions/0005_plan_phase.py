"""planned workouts keep their plan phase; the derived step trees are dropped.

The step tree of a planned workout is its text parsed (the text is the plan, and
nothing read the stored trees); the phase (base, build, peak, taper...) was lost
on every save.

Revision ID: 0005_plan_phase
Revises: 0004_practice
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_plan_phase"
down_revision = "0004_practice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("planned_workouts") as batch:  # SQLite rebuilds the table
        batch.add_column(sa.Column("phase", sa.String(length=32), nullable=True))
        batch.drop_column("steps")


def downgrade() -> None:
    with op.batch_alter_table("planned_workouts") as batch:
        batch.add_column(sa.Column("steps", sa.JSON(), nullable=False, server_default="{}"))
        batch.drop_column("phase")
