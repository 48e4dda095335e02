"""stored_sessions: each run's practice session as built, kept with the key of its inputs.

The cold /targets, /experiments and /today pages built the practice session of every run
of 400 days on each view (its laps, reps and temperature read, its reps judged against
the paces of its day). The built sessions are now kept in their own table, each with a
key of everything its build read (``services.practice_sessions``): a page uses a stored
session only when its key is the key of the inputs now, and builds the run again
otherwise.

Also a covering index of the metrics' load columns (``ix_metrics_loads``): every page reads
the daily load of the whole history, and SQLite keeps those columns after each run's ~11 kB
metrics document, so reading them walked the document's overflow pages (16 of 23 ms on
3,111 runs); the index holds them apart.

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
    op.create_index(
        "ix_metrics_loads", "metrics",
        ["athlete_id", "activity_id", "load_trimp_banister", "load_trimp_edwards", "load_rtss",
         "load_session_rpe"],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_metrics_loads", table_name="metrics")
    op.drop_index("ix_stored_sessions_athlete_id", table_name="stored_sessions")
    op.drop_table("stored_sessions")
