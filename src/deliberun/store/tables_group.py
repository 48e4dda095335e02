"""Each athlete's data version and their stored group lines (migration 0015_data_versions).

``data_versions`` holds one counter per athlete, moved in the same transaction as any
write that touches their data (``store.data_version``). ``group_lines`` keeps each
athlete's line of the group view (``services.group``) with the key it was built on: the
as-of date, that data version, a digest of the code that builds lines, and the settings
it read. A line is used only while its key is the key now, so it is a cache: a missing
or stale row means the line is built again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from deliberun.store.base import Base


class DataVersionRow(Base):
    """How many write transactions have touched an athlete's data (none: no row, 0)."""

    __tablename__ = "data_versions"
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


class GroupLineRow(Base):
    """One athlete's stored group line as of one day."""

    __tablename__ = "group_lines"
    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    #: the athlete's data version the line was built on (older rows are dropped)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: SHA-1 of everything the line was built on (``services.group.line_key``)
    key: Mapped[str] = mapped_column(String(40), nullable=False)
    #: the line as ``services.group`` returns it, plus its sort key ``_key``
    line: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
