"""Tables of the core area: originals, activities, their sources, streams, metrics.

Portable SQL only (SQLite by default, PostgreSQL for a coach's server): no
SQLite-specific types or statements. Times are stored as timezone-aware UTC.

Streams are stored one row per (activity, stream name), each a zlib-compressed
little-endian array (float32 when that is lossless, else float64). The choice
was measured against a table of samples and a single blob per activity in
``bench/store_bench.py`` (results in ``docs/benchmarks.md``, "Store and import").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base, Owned


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class OriginalRow(Base):
    """Every imported file, byte for byte, addressed by its SHA-256 (hex)."""

    __tablename__ = "originals"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)  # first name it came with
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class ActivityRow(Owned, Base):
    """One activity (one run), whatever number of files it came from.

    Summary columns are SI; ``start_time`` is UTC, ``utc_offset_s`` the local
    offset when known, ``local_date`` the athlete's local date of the start.
    ``sha256``/``source_path``/``source_format`` name the source whose streams
    are kept (the richest). ``structure`` holds laps, pauses and the device
    sessions (JSON) so the ``Activity`` can be rebuilt without re-parsing.
    """

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    start_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    utc_offset_s: Mapped[int | None] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date, nullable=False)
    sport: Mapped[str] = mapped_column(String(40), nullable=False)
    sub_sport: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    distance_m: Mapped[float | None] = mapped_column(Float)
    moving_time_s: Mapped[float | None] = mapped_column(Float)
    elapsed_time_s: Mapped[float | None] = mapped_column(Float)
    timer_time_s: Mapped[float | None] = mapped_column(Float)
    avg_hr_bpm: Mapped[float | None] = mapped_column(Float)
    max_hr_bpm: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(Text, nullable=False)
    source_format: Mapped[str] = mapped_column(String(16), nullable=False)
    sha256: Mapped[str] = mapped_column(ForeignKey("originals.sha256"), nullable=False)
    n_samples: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    structure: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: made from an export row without a file (values from the CSV, no streams)
    manual: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    #: the runner's mark (``deliberun race ID`` / ``--not``): True, False, or None (the
    #: classifier decides); migration 0009_race_mark
    race_mark: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    __table_args__ = (
        Index("ix_activities_start_time", "start_time"),
        Index("ix_activities_local_date", "local_date"),
    )


class ActivitySourceRow(Owned, Base):
    """One file an activity came from (the same run from Garmin and Strava: two rows)."""

    __tablename__ = "activity_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), nullable=False
    )
    sha256: Mapped[str] = mapped_column(ForeignKey("originals.sha256"), nullable=False)
    source_path: Mapped[str] = mapped_column(Text, nullable=False)
    format: Mapped[str] = mapped_column(String(16), nullable=False)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    __table_args__ = (
        Index("ix_activity_sources_activity_id", "activity_id"),
        # one file once per athlete (migration 0011_athletes: was unique on sha256 alone)
        Index("ix_activity_sources_athlete_sha256", "athlete_id", "sha256", unique=True),
    )


class StreamRow(Owned, Base):
    """One stream of one activity: ``n`` samples, zlib-compressed little-endian ``dtype``."""

    __tablename__ = "streams"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    dtype: Mapped[str] = mapped_column(String(8), nullable=False)  # "<f4" | "<f8"
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


#: The load columns of the covering index ``ix_metrics_loads`` (after the two ids).
LOAD_INDEX_COLUMNS = ("load_trimp_banister", "load_trimp_edwards", "load_rtss", "load_session_rpe")


class MetricsRow(Owned, Base):
    """The metrics of one activity (``deliberun.metrics.compute_all``) and their code version."""

    __tablename__ = "metrics"
    #: The daily load of every page read without the documents (migration 0016):
    #: SQLite keeps these columns after the ~11 kB document, in its overflow pages.
    __table_args__ = (Index("ix_metrics_loads", "athlete_id", "activity_id", *LOAD_INDEX_COLUMNS),)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    version: Mapped[str] = mapped_column(String(40), nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # The scalars the dashboard pages read, copied from ``data`` by its one write path
    # (``repository.save_metrics``) so a page need not parse the documents; migration
    # 0010_activity_summary. NULL where the document has no (finite) value.
    load_trimp_banister: Mapped[float | None] = mapped_column(Float)
    load_trimp_edwards: Mapped[float | None] = mapped_column(Float)
    load_rtss: Mapped[float | None] = mapped_column(Float)
    load_session_rpe: Mapped[float | None] = mapped_column(Float)
    hr_best_30s_bpm: Mapped[float | None] = mapped_column(Float)
    decoupling_pct: Mapped[float | None] = mapped_column(Float)
    efficiency_factor: Mapped[float | None] = mapped_column(Float)
    cadence_avg_spm: Mapped[float | None] = mapped_column(Float)
    #: the entries the athlete models read, without the splits (``repository.athlete_facts``)
    athlete_facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
