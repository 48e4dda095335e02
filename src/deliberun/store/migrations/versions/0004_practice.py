"""practice tables: journal entries, cycles, targets, experiments.

Revision ID: 0004_practice
Revises: 0003_plan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_practice"
down_revision = "0003_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("activity_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("feel", sa.Float(), nullable=True),
        sa.Column("sleep_h", sa.Float(), nullable=True),
        sa.Column("soreness", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
    )
    op.create_index("ix_journal_entries_date", "journal_entries", ["date"])
    op.create_index("ix_journal_entries_activity_id", "journal_entries", ["activity_id"])
    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("goal_distance_m", sa.Float(), nullable=True),
        sa.Column("goal_date", sa.Date(), nullable=True),
        sa.Column("goal_time_s", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cycles"),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("goal", sa.Float(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_targets"),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name="fk_targets_cycle_id_cycles", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_targets_cycle_id", "targets", ["cycle_id"])
    op.create_table(
        "experiments",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("workout_type", sa.String(32), nullable=True),
        sa.Column("assignment", sa.String(16), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("change_date", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cause", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_experiments"),
    )


def downgrade() -> None:
    op.drop_table("experiments")
    op.drop_index("ix_targets_cycle_id", table_name="targets")
    op.drop_table("targets")
    op.drop_table("cycles")
    op.drop_index("ix_journal_entries_activity_id", table_name="journal_entries")
    op.drop_index("ix_journal_entries_date", table_name="journal_entries")
    op.drop_table("journal_entries")
