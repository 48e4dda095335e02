"""The athletes table and the ``athlete_id`` every runner's row carries (migration 0011).

One database holds one runner (the default, athlete 1) or a coach's group. Every table
that holds a runner's data mixes in :class:`Owned`: a non-null ``athlete_id`` that
refers to ``athletes.id`` (deleting an athlete deletes their rows). The store scopes
every query and insert by the session's athlete (``deliberun.store.scope``), so the
layers above never name it. ``originals`` is not owned: it is content-addressed file
bytes, reached only through an owned ``activity_sources`` row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base
from deliberun.store.tables_core import UTCDateTime

#: Name of athlete 1, made by the migration (an existing runner's data becomes theirs).
FIRST_ATHLETE = "me"


class AthleteRow(Base):
    """One runner whose data the database holds."""

    __tablename__ = "athletes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
