"""Accounts of the coach dashboard (``deliberun serve --multi``; migration 0013_accounts).

- ``users``: who may log in: a unique name, an argon2 password hash (never the
  password), a role (``coach`` or ``athlete``), for an athlete-user the athlete they are.
- ``coach_athletes``: which athletes a coach coaches (a coach sees those only).
- ``coach_notes``: a coach's note on a day or an activity of one athlete; the athlete's
  row like every runner's data (``Owned``: the store scopes it by athlete).

``users`` and ``coach_athletes`` are about the people, not one runner's data: they are
read and written through ``Database.admin_session`` (``store/accounts_repo.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base, Owned
from deliberun.store.tables_core import UTCDateTime

#: The roles an account may have.
ROLES = ("coach", "athlete")


class UserRow(Base):
    """One account that may log in to ``serve --multi``."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('coach', 'athlete')", name="role"),
        CheckConstraint("(role = 'athlete') = (athlete_id IS NOT NULL)", name="athlete_role"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    athlete_id: Mapped[int | None] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class CoachAthleteRow(Base):
    """A coach coaches an athlete."""

    __tablename__ = "coach_athletes"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CoachNoteRow(Owned, Base):
    """A coach's note on one day of an athlete, or on one of their activities."""

    __tablename__ = "coach_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), nullable=True, index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    author: Mapped[str] = mapped_column(String(100), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
