"""Whose data: every session of a ``Database`` is for one athlete, and the store keeps it so.

The session carries its athlete's id in ``session.info``. Two session events do the rest,
so no repository or service names the athlete:

1. ``do_orm_execute``: every ORM SELECT, UPDATE and DELETE (``session.get`` included) gets
   ``athlete_id = :current`` on every owned table it touches (SQLAlchemy's
   ``with_loader_criteria``, the pattern of its "multi-tenant" example).
2. ``before_flush``: every new owned row gets the current athlete's id.

A bulk ``insert(Table)`` with a list of rows goes around the flush: its caller adds
``athlete_id`` with :func:`athlete_of` (a missing one fails on the NOT NULL column).
A session without an athlete (``Database.admin_session``) is not scoped: it is for the
athletes' own bookkeeping (add, list, remove) only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from deliberun.store.base import Owned

#: Key of the current athlete's id in ``Session.info``.
ATHLETE_KEY = "athlete_id"


def athlete_of(session: Session) -> int:
    """The id of the athlete this session is for.

    Raises
    ------
    RuntimeError
        For an unscoped session (a programming error: owned rows need an athlete).
    """
    aid = session.info.get(ATHLETE_KEY)
    if aid is None:
        raise RuntimeError("this session has no athlete; open it with Database.session()")
    return int(aid)


def _only_this_athlete(state: ORMExecuteState) -> None:
    aid = state.session.info.get(ATHLETE_KEY)
    if aid is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(Owned, lambda cls: cls.athlete_id == aid, include_aliases=True)
        )


def _new_rows_are_this_athletes(session: Session, _ctx: Any, _instances: Any) -> None:
    aid = session.info.get(ATHLETE_KEY)
    if aid is None:
        return
    for obj in session.new:
        if isinstance(obj, Owned):
            current = obj.athlete_id  # type: ignore[attr-defined]
            if current is None:
                obj.athlete_id = aid  # type: ignore[attr-defined]
            elif current != aid:
                raise PermissionError(
                    f"a row for athlete {current} added in a session for athlete {aid}"
                )


def install(session_class: type[Session]) -> None:
    """Scope every session of ``session_class`` by its athlete (idempotent)."""
    for name, fn in (
        ("do_orm_execute", _only_this_athlete),
        ("before_flush", _new_rows_are_this_athletes),
    ):
        if not event.contains(session_class, name, fn):
            event.listen(session_class, name, fn)
