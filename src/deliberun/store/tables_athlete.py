"""Tables of the athlete area: the runner's settings and threshold history (see tables.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base, Owned


class AthleteSettingsRow(Owned, Base):
    """One row per athlete (unique ``athlete_id``): the runner's own settings as JSON (``AthleteSettings.to_dict``).

    The athlete area keeps its model choices (Banister time constants, prediction
    window) under the key ``"_models"`` of the same JSON (see ``settings_repo``).
    """

    __tablename__ = "athlete_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    __table_args__ = (UniqueConstraint("athlete_id"),)


class ThresholdEstimateRow(Owned, Base):
    """One estimate of a threshold from the data, kept as history.

    ``key`` is the ``AthleteSettings`` field it estimates (``hr_max_bpm``,
    ``hr_rest_bpm``, ``threshold_hr_bpm``, ``threshold_pace_s_per_km``);
    ``evidence_date`` the date of the activity it rests on, ``activity_ids`` the
    evidence, ``computed_on`` the day it was estimated.
    """

    __tablename__ = "threshold_estimates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(40), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    evidence_date: Mapped[date] = mapped_column(Date, nullable=False)
    computed_on: Mapped[date] = mapped_column(Date, nullable=False)
    activity_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    method: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (Index("ix_threshold_estimates_key", "key", "computed_on"),)
