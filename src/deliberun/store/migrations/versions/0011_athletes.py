"""athletes: one database holds one runner or a coach's group; every runner's row says whose.

Adds the ``athletes`` table and a non-null ``athlete_id`` (foreign key, indexed) on every
table that holds a runner's data. Athlete 1 (``"me"``) is made in every database, so an
existing single-runner database keeps all its rows as athlete 1's, and a new one needs no
``--athlete`` until a second runner is added. Unique keys include the athlete: the same
file imported by two athletes is two activities (``activity_sources``), two runners may
both name an experiment "sleep" (``experiments``), each athlete has one settings row.

The tables are altered with ``batch_alter_table``, which reflects their current columns
(columns other migrations add beside this one are kept).

Revision ID: 0011_athletes
Revises: 0010_activity_summary
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011_athletes"
down_revision = "0010_activity_summary"
branch_labels = None
depends_on = None

#: Every table holding a runner's data, parents before children.
OWNED = (
    "activities", "activity_sources", "streams", "metrics", "athlete_settings",
    "threshold_estimates", "plans", "planned_workouts", "journal_entries", "cycles",
    "targets", "experiments", "courses", "course_tracks", "segments",
)  # fmt: skip

FIRST_ATHLETE = "me"


def _refuse_with_foreign_keys_on() -> None:
    """SQLite: the table rebuilds below would cascade-delete child rows with foreign keys
    on (``deliberun.store.db.migrate`` turns them off; a bare ``alembic`` run does not)."""
    conn = op.get_bind()
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "0011_athletes rebuilds tables: run it through deliberun (store.db.migrate), "
            "which turns SQLite's foreign keys off, or child rows would be deleted"
        )


def upgrade() -> None:
    _refuse_with_foreign_keys_on()
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_athletes"),
        sa.UniqueConstraint("name", name="uq_athletes_name"),
    )
    athletes = sa.table(
        "athletes", sa.column("id", sa.Integer()), sa.column("name", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )  # fmt: skip
    conn = op.get_bind()
    now = datetime.now(UTC)
    conn.execute(
        athletes.insert().values(
            id=1, name=FIRST_ATHLETE, created_at=now.replace(tzinfo=None) if _sqlite() else now
        )
    )
    if conn.dialect.name == "postgresql":  # explicit ids (athletes 1, settings 1) left the
        # sequences behind: the next athlete's rows would collide with them
        for table in ("athletes", "athlete_settings"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}"
            )
    for name in OWNED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("athlete_id", sa.Integer(), nullable=True))
        conn.execute(sa.table(name, sa.column("athlete_id", sa.Integer())).update().values(
            athlete_id=1))  # fmt: skip
        with op.batch_alter_table(name) as batch:
            batch.alter_column("athlete_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(
                f"fk_{name}_athlete_id_athletes", "athletes", ["athlete_id"], ["id"],
                ondelete="CASCADE",
            )  # fmt: skip
            batch.create_index(f"ix_{name}_athlete_id", ["athlete_id"])
            if name == "activity_sources":
                batch.drop_index("ix_activity_sources_sha256")
                batch.create_index(
                    "ix_activity_sources_athlete_sha256", ["athlete_id", "sha256"], unique=True
                )
            elif name == "athlete_settings":
                batch.create_unique_constraint("uq_athlete_settings_athlete_id", ["athlete_id"])
            elif name == "experiments":
                batch.drop_constraint("pk_experiments", type_="primary")
                batch.create_primary_key("pk_experiments", ["athlete_id", "id"])


def downgrade() -> None:
    _refuse_with_foreign_keys_on()
    conn = op.get_bind()
    others = conn.execute(sa.text("SELECT count(*) FROM athletes WHERE id <> 1")).scalar()
    if others:
        raise RuntimeError(
            "cannot go below 0011_athletes: the database holds more than one athlete"
        )
    for name in reversed(OWNED):
        with op.batch_alter_table(name) as batch:
            if name == "activity_sources":
                batch.drop_index("ix_activity_sources_athlete_sha256")
                batch.create_index("ix_activity_sources_sha256", ["sha256"], unique=True)
            elif name == "athlete_settings":
                batch.drop_constraint("uq_athlete_settings_athlete_id", type_="unique")
            elif name == "experiments":
                batch.drop_constraint("pk_experiments", type_="primary")
                batch.create_primary_key("pk_experiments", ["id"])
            batch.drop_index(f"ix_{name}_athlete_id")
            batch.drop_constraint(f"fk_{name}_athlete_id_athletes", type_="foreignkey")
            batch.drop_column("athlete_id")
    op.drop_table("athletes")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
