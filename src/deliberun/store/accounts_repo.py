"""Accounts (``users``, ``coach_athletes``) and coach notes (``coach_notes``).

The account functions take an unscoped session (``Database.admin_session``): they are
about people, not one runner's data. The note functions take an athlete's own session
(``Database.session``): a note is that athlete's row, scoped like every other.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from deliberun.records import NoteRecord, UserRecord
from deliberun.store.errors import AccountError
from deliberun.store.tables_accounts import CoachAthleteRow, CoachNoteRow, UserRow
from deliberun.store.tables_athletes import AthleteRow

#: How long a user's name may be (the column's width).
NAME_MAX = 100


def get_user(session: Session, name: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.name == name)).first()


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def the_user(session: Session, name: str) -> UserRow:
    """The user named ``name``, or ``AccountError`` naming the users there are."""
    row = get_user(session, name)
    if row is None:
        names = ", ".join(session.scalars(select(UserRow.name).order_by(UserRow.name))) or "none"
        raise AccountError(f"no user named {name!r} (users: {names})")
    return row


def _user(row: UserRow) -> UserRecord:
    return UserRecord(int(row.id), row.name, row.role, row.athlete_id, row.password_hash)


def user(session: Session, name: str) -> UserRecord | None:
    """The account named ``name``, or None."""
    row = get_user(session, name)
    return _user(row) if row is not None else None


def user_with_id(session: Session, user_id: int) -> UserRecord | None:
    """The account with this id, or None."""
    row = user_by_id(session, user_id)
    return _user(row) if row is not None else None


def named_user(session: Session, name: str) -> UserRecord:
    """The account named ``name``, or ``AccountError`` naming the users there are."""
    return _user(the_user(session, name))


def remove_user(session: Session, name: str) -> None:
    """Delete the account named ``name`` (``AccountError`` when there is none)."""
    session.delete(the_user(session, name))


def set_password_hash(session: Session, name: str, password_hash: str) -> None:
    """Store a new password hash for ``name`` (``AccountError`` when there is none)."""
    the_user(session, name).password_hash = password_hash


def athlete_ids(session: Session, names: list[str]) -> list[int]:
    """The ids of the athletes ``names``; ``AccountError`` for one that does not exist."""
    found = {str(n): int(i) for n, i in session.execute(select(AthleteRow.name, AthleteRow.id))}
    missing = [n for n in names if n not in found]
    if missing:
        have = ", ".join(sorted(found)) or "none"
        raise AccountError(
            f"no athlete named {missing[0]!r} (athletes: {have}); "
            f"add one with: deliberun athlete add {missing[0]}"
        )
    return [int(found[n]) for n in names]


def add_user(
    session: Session,
    name: str,
    *,
    password_hash: str,
    role: str,
    athlete_id: int | None,
    now: datetime,
) -> int:
    """Add an account; ``AccountError`` for an empty, too long or taken name."""
    if not name or len(name) > NAME_MAX or name != name.strip():
        raise AccountError(
            f"a user's name is 1 to {NAME_MAX} characters, no spaces at the ends (got {name!r})"
        )
    if get_user(session, name) is not None:
        raise AccountError(f"user {name!r} already exists; choose another name")
    row = UserRow(
        name=name, password_hash=password_hash, role=role, athlete_id=athlete_id, created_at=now
    )
    session.add(row)
    session.flush()
    return int(row.id)


def coach_athletes(session: Session, user_id: int) -> list[tuple[int, str]]:
    """(id, name) of every athlete the coach ``user_id`` coaches, by name."""
    q = (
        select(AthleteRow.id, AthleteRow.name)
        .join(CoachAthleteRow, CoachAthleteRow.athlete_id == AthleteRow.id)
        .where(CoachAthleteRow.user_id == user_id)
        .order_by(AthleteRow.name)
    )
    return [(int(i), str(n)) for i, n in session.execute(q)]


def own_athlete(session: Session, user: UserRecord) -> dict[int, str]:
    """{id: name} of the athlete an athlete-user is (empty for a coach)."""
    if user.athlete_id is None:
        return {}
    own = session.get(AthleteRow, user.athlete_id)
    return {int(own.id): own.name} if own is not None else {}


def link(session: Session, user_id: int, athlete_ids: list[int]) -> list[int]:
    """Let coach ``user_id`` coach ``athlete_ids``; returns the ids that were new."""
    have = {a for a, _ in coach_athletes(session, user_id)}
    new = [a for a in dict.fromkeys(athlete_ids) if a not in have]
    session.add_all(CoachAthleteRow(user_id=user_id, athlete_id=a) for a in new)
    session.flush()
    return new


def unlink(session: Session, user_id: int, athlete_ids: list[int]) -> int:
    """Stop coach ``user_id`` coaching ``athlete_ids``; returns how many links went."""
    result = session.execute(
        delete(CoachAthleteRow).where(
            CoachAthleteRow.user_id == user_id, CoachAthleteRow.athlete_id.in_(athlete_ids)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def users(session: Session) -> list[dict[str, Any]]:
    """Every account by name: ``name``, ``role``, ``athlete`` (an athlete-user's own),
    ``coaches`` (a coach's athletes), ``created_at``. No password hash."""
    names = {int(i): str(n) for i, n in session.execute(select(AthleteRow.id, AthleteRow.name))}
    out = []
    for row in session.scalars(select(UserRow).order_by(UserRow.name)):
        out.append(
            {
                "name": row.name,
                "role": row.role,
                "athlete": names.get(row.athlete_id) if row.athlete_id is not None else None,
                "coaches": [n for _, n in coach_athletes(session, row.id)]
                if row.role == "coach"
                else [],
                "created_at": row.created_at,
            }
        )
    return out


def add_note(
    session: Session,
    *,
    day: date,
    activity_id: int | None,
    author_id: int | None,
    author: str,
    text: str,
    now: datetime,
) -> int:
    """Store a coach's note for the session's athlete; returns its id."""
    row = CoachNoteRow(
        date=day,
        activity_id=activity_id,
        author_id=author_id,
        author=author,
        text=text,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return int(row.id)


def notes(session: Session, activity_id: int | None = None) -> list[NoteRecord]:
    """The session's athlete's coach notes, newest day first (one activity's, if given)."""
    q = select(CoachNoteRow).order_by(CoachNoteRow.date.desc(), CoachNoteRow.id.desc())
    if activity_id is not None:
        q = q.where(CoachNoteRow.activity_id == activity_id)
    return [
        NoteRecord(int(r.id), r.date, r.activity_id, r.author_id, r.author, r.text, r.created_at)
        for r in session.scalars(q)
    ]
