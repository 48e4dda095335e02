"""plan tables.

Revision ID: 0003_plan
Revises: 0002_athlete
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_plan"
down_revision = "0002_athlete"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
