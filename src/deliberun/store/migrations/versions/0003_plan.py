"""plan tables.

Revision ID: 0003_plan
Revises: 0002_athlete
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_plan"
down_revision = "0002_athlete"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_table(
        "planned_workouts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("workout_type", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_planned_workouts"),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name="fk_planned_workouts_plan_id_plans", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_planned_workouts_plan_id", "planned_workouts", ["plan_id"])
    op.create_index("ix_planned_workouts_date", "planned_workouts", ["date"])


def downgrade() -> None:
    op.drop_index("ix_planned_workouts_date", table_name="planned_workouts")
    op.drop_index("ix_planned_workouts_plan_id", table_name="planned_workouts")
    op.drop_table("planned_workouts")
    op.drop_table("plans")
