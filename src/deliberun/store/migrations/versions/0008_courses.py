"""courses tables: courses found from GPS, each run's track profile, measured segments.

Revision ID: 0008_courses
Revises: 0007_experiment_plan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_courses"
down_revision = "0007_experiment_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("reference_activity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_courses"),
        sa.ForeignKeyConstraint(
            ["reference_activity_id"],
            ["activities.id"],
            name="fk_courses_reference_activity_id_activities",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "course_tracks",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("gap_model", sa.String(16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", name="pk_course_tracks"),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name="fk_course_tracks_activity_id_activities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name="fk_course_tracks_course_id_courses",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_course_tracks_course_id", "course_tracks", ["course_id"])
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_segments"),
    )


def downgrade() -> None:
    op.drop_table("segments")
    op.drop_index("ix_course_tracks_course_id", table_name="course_tracks")
    op.drop_table("course_tracks")
    op.drop_table("courses")
