"""stored_zones: the VDOT and pace bands of the practice sessions' days (and their runs'
judged workout types), kept with the data version they were computed on.

A cold /targets, /experiments or /today computed the VDOT and the T band of every session
day (``services.athlete_zones.zones_by_day``: the efforts and race verdicts of the
prediction window before each day, the last race before it, the threshold evidence), about
40 % of those pages on a 10-year archive, because each stored session's key contains them.
They are now kept, with the workout types the session classifier judged for the runs of
those days (whose stored keys need the threshold and the race verdicts of the window as
soon as the plan does not name a run), per athlete and first session day with a key of the
athlete's data version (``store.data_version``: moved by every write to the runner's data), the as-of
date, the days, the settings and the code: a page uses them only when that key is the key
now, and computes them otherwise.

Nothing is filled here: an empty table is a valid state (the zones are computed as
before). ``stored_verdicts.refresh`` (an import, a Strava sync, ``recompute``, the
dashboard's warm-up) fills it.

Revision ID: 0017_stored_zones
Revises: 0016_stored_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_stored_zones"
down_revision = "0016_stored_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_zones",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_stored_zones_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", "first_day", name="pk_stored_zones"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("stored_zones")
