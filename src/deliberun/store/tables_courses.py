"""Tables of the courses area: courses found from GPS, each run's track profile, segments.

- ``courses``: one row per course; ``reference_activity_id`` is its first run (whose
  track the others matched), ``name`` the runner's name for it (None: unnamed).
- ``course_tracks``: every run with a usable track, its profile (positions and running
  totals every 20 m, ``deliberun.practice.course_tracks``) and the course it is on.
  A run examined but too short has no row.
- ``segments``: the runner's measured stretches (from an activity or a GPX file).

Migration ``0008_courses``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base, Owned
from deliberun.store.tables_core import UTCDateTime


class CourseRow(Owned, Base):
    """A recurring route or loop."""

    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str | None] = mapped_column(Text)
    reference_activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class CourseTrackRow(Owned, Base):
    """One run's track profile (``n`` points, encoded by ``courses_repo``) and its course."""

    __tablename__ = "course_tracks"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), nullable=True
    )
    distance_m: Mapped[float] = mapped_column(Float, nullable=False)
    direction: Mapped[str] = mapped_column(String(8), nullable=False, default="same")
    gap_model: Mapped[str] = mapped_column(String(16), nullable=False)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    __table_args__ = (Index("ix_course_tracks_course_id", "course_id"),)


class SegmentRow(Owned, Base):
    """A stretch the runner measured: its path (``n`` points every 20 m) and where it came from."""

    __tablename__ = "segments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    distance_m: Mapped[float] = mapped_column(Float, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
