"""Declarative base shared by every table module (``tables_*.py``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Owned:
    """Mixin: the row belongs to one athlete (``tables_athletes``; migration 0011_athletes).

    The store sets ``athlete_id`` on insert and filters every query by it
    (``deliberun.store.scope``); deleting the athlete deletes the row.
    """

    @declared_attr
    def athlete_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr takes the class
        return mapped_column(
            ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False, index=True
        )
