"""The race verdict and session type of each run, stored with what they were judged on.

Migration 0012_stored_verdicts. A page reads a run's verdict from here when the inputs it
was judged on are still the inputs now: each value carries a key (``race_key``,
``session_key``: a SHA-1 of those inputs, ``services.stored_verdicts``), and a key that
differs, or no row, means the verdict is judged again. What the key does not cover (the
run's metrics: km split paces, reps) is covered by deleting the row when the metrics are
written (``repository.save_metrics``) or the activity is deleted (the foreign key cascades).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base, Owned


class StoredVerdictRow(Owned, Base):
    """One run's stored race verdict and session type (either may be missing)."""

    __tablename__ = "stored_verdicts"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    race_key: Mapped[str | None] = mapped_column(String(40))
    #: ``{is_race, score, confidence, source, evidence}`` unrounded (``RaceVerdict``)
    race: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    session_key: Mapped[str | None] = mapped_column(String(40))
    #: ``{type, confidence, evidence, reps, rep_s}`` unrounded (``SessionType``)
    session: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class StoredSessionRow(Owned, Base):
    """One run's practice session as built (``services.practice_sessions``), before its
    journal entry is applied, with the key of everything its build read (migration
    0016_stored_sessions). A key that differs, or no row, means the session is built again."""

    __tablename__ = "stored_sessions"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40))
    #: The session's fields as JSON text (floats exact; dates ISO), ``practice_sessions``
    value: Mapped[str] = mapped_column(Text)


class StoredZonesRow(Base):
    """The training zones (VDOT and pace bands) of the session days from ``first_day`` as of
    ``as_of`` and the judged workout types of their runs (``services.athlete_zones``), with
    the key they were computed on (migration
    0017_stored_zones): the athlete's data version, the code, the settings and the days.
    A key that differs, or no row, means the zones are computed again."""

    __tablename__ = "stored_zones"
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    #: the first session day of the zones (the VDOT of each day rests on the race verdicts
    #: read from the window before it)
    first_day: Mapped[date] = mapped_column(Date, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    #: the athlete's data version they were computed on (``store.data_version``)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    key: Mapped[str] = mapped_column(String(40), nullable=False)
    #: ``{"zones": {ISO day: DayZones as JSON}, "types": {activity id: type}}`` (floats
    #: exact), ``services.athlete_zones.encode``
    value: Mapped[str] = mapped_column(Text, nullable=False)
