"""activities gain ``race_mark``: the runner's own word on whether a run was a race.

``deliberun race ID`` / ``--not`` (and the dashboard button) stored the mark in the
activity's ``extra["race_mark"]``; a column says it in the schema, can be queried, and
cannot be dropped by a merge of ``extra``. Existing marks move into the column (and back
on downgrade). NULL: no mark, the classifier decides.

Revision ID: 0009_race_mark
Revises: 0008_courses
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_race_mark"
down_revision = "0008_courses"
branch_labels = None
depends_on = None

#: the key the mark had in ``extra`` before this migration
EXTRA_KEY = "race_mark"

_activities = sa.table(
    "activities",
    sa.column("id", sa.Integer()),
    sa.column("extra", sa.JSON()),
    sa.column("race_mark", sa.Boolean()),
)


def _rows(conn: sa.Connection) -> list[Any]:
    return list(
        conn.execute(sa.select(_activities.c.id, _activities.c.extra, _activities.c.race_mark))
    )


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("race_mark", sa.Boolean(), nullable=True))
    conn = op.get_bind()
    for id_, extra, _ in _rows(conn):
        if not isinstance(extra, dict) or EXTRA_KEY not in extra:
            continue
        mark = extra.pop(EXTRA_KEY)
        conn.execute(
            sa.update(_activities)
            .where(_activities.c.id == id_)
            .values(extra=extra, race_mark=mark if isinstance(mark, bool) else None)
        )


def downgrade() -> None:
    conn = op.get_bind()
    for id_, extra, mark in _rows(conn):
        if mark is None:
            continue
        extra = {**(extra if isinstance(extra, dict) else {}), EXTRA_KEY: bool(mark)}
        conn.execute(sa.update(_activities).where(_activities.c.id == id_).values(extra=extra))
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("race_mark")
