"""practice tables.

Revision ID: 0004_practice
Revises: 0003_plan
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_practice"
down_revision = "0003_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
