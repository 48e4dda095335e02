"""Tables of the athlete area: the runner's settings (see tables.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base


class AthleteSettingsRow(Base):
    """One row (id=1): the runner's own settings as JSON (``AthleteSettings.to_dict``)."""

    __tablename__ = "athlete_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
