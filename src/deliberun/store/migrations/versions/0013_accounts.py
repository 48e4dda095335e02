"""accounts: the logins of ``serve --multi``, which athletes a coach coaches, coach notes.

New tables only (``store/tables_accounts.py``); no existing row changes, so the
downgrade drops them and nothing else.

Revision ID: 0013_accounts
Revises: 0012_stored_verdicts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_accounts"
down_revision = "0012_stored_verdicts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_users_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("role IN ('coach', 'athlete')", name="ck_users_role"),
        sa.CheckConstraint(
            "(role = 'athlete') = (athlete_id IS NOT NULL)", name="ck_users_athlete_role"
        ),
    )  # fmt: skip
    op.create_index("ix_users_athlete_id", "users", ["athlete_id"])
    op.create_table(
        "coach_athletes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "athlete_id", name="pk_coach_athletes"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_coach_athletes_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_coach_athletes_athlete_id_athletes",
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    op.create_index("ix_coach_athletes_athlete_id", "coach_athletes", ["athlete_id"])
    op.create_table(
        "coach_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_coach_notes"),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_coach_notes_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name="fk_coach_notes_activity_id_activities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_coach_notes_author_id_users",
            ondelete="SET NULL",
        ),
    )  # fmt: skip
    for column in ("athlete_id", "date", "activity_id"):
        op.create_index(f"ix_coach_notes_{column}", "coach_notes", [column])


def downgrade() -> None:
    op.drop_table("coach_notes")
    op.drop_table("coach_athletes")
    op.drop_table("users")
