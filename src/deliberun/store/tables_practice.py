"""Tables of the practice area: journal entries, cycles, targets, experiments (see tables.py).

Migrations: ``migrations/versions/0004_practice.py`` and ``0007_experiment_plan.py``
(the experiments' plan columns); keep them in step.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base, Owned


class JournalEntryRow(Owned, Base):
    """One journal entry: ratings and notes for a local date, optionally for one activity."""

    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    activity_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    activity_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rpe: Mapped[float | None] = mapped_column(Float, nullable=True)
    feel: Mapped[float | None] = mapped_column(Float, nullable=True)
    sleep_h: Mapped[float | None] = mapped_column(Float, nullable=True)
    soreness: Mapped[float | None] = mapped_column(Float, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    details: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class CycleRow(Owned, Base):
    """A training cycle with its optional goal race."""

    __tablename__ = "cycles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    start: Mapped[date] = mapped_column(Date, nullable=False)
    end: Mapped[date] = mapped_column(Date, nullable=False)
    goal_distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    goal_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    goal_time_s: Mapped[float | None] = mapped_column(Float, nullable=True)


class TargetRow(Owned, Base):
    """One target of a cycle (a kind from ``deliberun.practice.targets.TARGET_KINDS``)."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    goal: Mapped[float] = mapped_column(Float, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    higher_is_better: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class ExperimentRow(Owned, Base):
    """An n-of-1 experiment (``deliberun.practice.experiments.ExperimentSpec``).

    The runner names it: the key is (athlete, name), so two runners may both run "sleep".
    """

    __tablename__ = "experiments"
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    change: Mapped[str] = mapped_column(Text, nullable=False)
    metric: Mapped[str] = mapped_column(String(64), nullable=False)
    workout_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    assignment: Mapped[str] = mapped_column(String(16), nullable=False)
    start: Mapped[date | None] = mapped_column(Date, nullable=True)
    change_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    cause: Mapped[str | None] = mapped_column(String(32), nullable=True)
    planned_sessions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_detectable_effect: Mapped[float | None] = mapped_column(Float, nullable=True)
    # before/after: sessions planned after the change (0014_experiment_after)
    planned_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    arms: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
