"""Reads and writes of the stored group lines (``tables_group.GroupLineRow``).

Unscoped: the group view reads the lines of several athletes at once, so these functions
take the athlete ids themselves (``Database.admin_session``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from deliberun.store.tables_group import GroupLineRow


def stored(session: Session, athlete_ids: Iterable[int], as_of: date) -> dict[int, tuple[str, Any]]:
    """``{athlete id: (key, line)}`` of the lines stored for ``as_of``."""
    ids = sorted({int(a) for a in athlete_ids})
    out: dict[int, tuple[str, Any]] = {}
    for i in range(0, len(ids), 900):
        q = select(GroupLineRow.athlete_id, GroupLineRow.key, GroupLineRow.line).where(
            GroupLineRow.athlete_id.in_(ids[i : i + 900]), GroupLineRow.as_of == as_of
        )
        out.update({int(a): (k, v) for a, k, v in session.execute(q)})
    return out


def save(session: Session, as_of: date, lines: dict[int, tuple[int, str, Any]]) -> None:
    """Store ``{athlete id: (data version, key, line)}`` as of ``as_of`` (replacing the row),
    and drop each athlete's lines built on an older data version (never valid again)."""
    for aid, (version, key, line) in sorted(lines.items()):
        session.execute(
            delete(GroupLineRow).where(
                GroupLineRow.athlete_id == aid,
                (GroupLineRow.version < version) | (GroupLineRow.as_of == as_of),
            )
        )
        session.add(GroupLineRow(athlete_id=aid, as_of=as_of, version=version, key=key, line=line))
