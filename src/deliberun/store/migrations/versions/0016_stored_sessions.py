"""stored_sessions: each run's practice session as built, kept with the key of its inputs.

The cold /targets, /experiments and /today pages built the practice session of every run
of 400 days on each view (its laps, reps and temperature read, its reps judged against
the paces of its day). The built sessions are now kept in their own table, each with a
key of everything its build read (``services.practice_sessions``): a page uses a stored
session only when its key is the key of the inputs now, and builds the run again
otherwise.

Nothing is filled here: an empty table is a valid state (every session is built as
before). The service layer fills it (``stored_verdicts.refresh``: an import, a Strava
sync, ``recompute`` and the dashboard's warm-up).

Revision ID: 0016_stored_sessions
Revises: 0015_data_versions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_stored_sessions"
down_revision = "0015_data_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_sessions",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name="fk_stored_sessions_activity_id_activities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_stored_sessions_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name="pk_stored_sessions"),
    )  # fmt: skip
    op.create_index("ix_stored_sessions_athlete_id", "stored_sessions", ["athlete_id"])


def downgrade() -> None:
    op.drop_index("ix_stored_sessions_athlete_id", table_name="stored_sessions")
    op.drop_table("stored_sessions")
