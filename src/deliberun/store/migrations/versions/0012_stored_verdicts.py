"""stored_verdicts: each run's race verdict and session type, kept with the key of its inputs.

The cold dashboard pages judged the race verdicts of the year or two they rest on (and
the session types of 400 days) on every build: reading those runs' metrics and scoring
each one. The verdicts are now kept in their own table, each with a key of the inputs
it was judged on (``services.stored_verdicts``): a page uses a stored verdict only when
its key is the key of the inputs now, and judges the run again otherwise.

Nothing is filled here: an empty table is a valid state (every verdict is judged as
before), and the values are the classifier's, which a migration must not freeze. The
service layer fills it (``stored_verdicts.refresh``): the dashboard's warm-up
(``deliberun serve``, unless read-only) before it builds the pages, an import, a Strava
sync and ``recompute``.

Revision ID: 0012_stored_verdicts
Revises: 0011_athletes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_stored_verdicts"
down_revision = "0011_athletes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_verdicts",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("race_key", sa.String(40), nullable=True),
        sa.Column("race", sa.JSON(), nullable=True),
        sa.Column("session_key", sa.String(40), nullable=True),
        sa.Column("session", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name="fk_stored_verdicts_activity_id_activities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_stored_verdicts_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name="pk_stored_verdicts"),
    )  # fmt: skip
    op.create_index("ix_stored_verdicts_athlete_id", "stored_verdicts", ["athlete_id"])


def downgrade() -> None:
    op.drop_index("ix_stored_verdicts_athlete_id", table_name="stored_verdicts")
    op.drop_table("stored_verdicts")
