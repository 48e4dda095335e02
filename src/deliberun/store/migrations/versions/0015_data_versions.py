"""data_versions and group_lines: a per-athlete data version and the stored group lines.

``data_versions`` counts the write transactions that touched each athlete's data
(``store.data_version`` moves it in the same transaction as the write); ``group_lines``
keeps each athlete's line of the group view with the key it was built on (the as-of
date, that version, the code and the settings). Nothing is filled here: no row means
version 0 and a line built again, so an empty table is a valid state.

Revision ID: 0015_data_versions
Revises: 0014_experiment_after
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_data_versions"
down_revision = "0014_experiment_after"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_data_versions_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", name="pk_data_versions"),
    )  # fmt: skip
    op.create_table(
        "group_lines",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("line", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_group_lines_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", "as_of", name="pk_group_lines"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("group_lines")
    op.drop_table("data_versions")
