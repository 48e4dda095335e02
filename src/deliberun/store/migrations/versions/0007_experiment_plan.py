"""experiments keep their plan: planned sessions, minimum detectable effect, drawn arms.

``experiment create`` shows what an experiment can find (the minimum detectable effect
for the planned number of sessions, from the runner's own variability) and, for the
randomised design, draws the arm of every coming session; both are stored so that every
later look judges against the same plan.

Revision ID: 0007_experiment_plan
Revises: 0006_manual_activities
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_experiment_plan"
down_revision = "0006_manual_activities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("planned_sessions", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("min_detectable_effect", sa.Float(), nullable=True))
        batch.add_column(sa.Column("arms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("arms")
        batch.drop_column("min_detectable_effect")
        batch.drop_column("planned_sessions")
