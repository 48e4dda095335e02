"""Use cases ``deliberun user add|list|remove|passwd|coach|uncoach`` and the login check.

Passwords are hashed with argon2id (``argon2-cffi``, its default parameters: RFC 9106's
second recommended option); the password itself is never stored nor logged. A login for
an unknown name still verifies against a dummy hash, so it takes as long as a wrong
password (a timing difference would tell which names exist).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from deliberun.records import UserRecord
from deliberun.store import accounts_repo as repo
from deliberun.store.db import Database
from deliberun.store.errors import AccountError

#: The shortest password accepted (NIST SP 800-63B asks at least 8; we ask 10).
MIN_PASSWORD = 10
#: The longest (argon2 takes any length; this only bounds the work one request may ask).
MAX_PASSWORD = 1000

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a password of anyone's: a login for an unknown name")


def password_problem(name: str, password: str) -> str | None:
    """Why ``password`` is refused for user ``name`` (a plain reason), or None."""
    if not password:
        return "the password is empty"
    if len(password) < MIN_PASSWORD:
        return f"the password is {len(password)} characters: give at least {MIN_PASSWORD}"
    if len(password) > MAX_PASSWORD:
        return f"the password is longer than {MAX_PASSWORD} characters"
    if len(set(password)) < 4:
        return "the password repeats too few characters: use at least 4 different ones"
    if name.lower() in password.lower():
        return "the password contains the user's name"
    return None


def hash_password(name: str, password: str) -> str:
    """The argon2id hash of an accepted password; ``AccountError`` saying why not."""
    problem = password_problem(name, password)
    if problem:
        raise AccountError(f"password refused: {problem}")
    return _hasher.hash(password)


def stamp(password_hash: str) -> str:
    """A short digest of the stored hash: a session carries it, so a new password (or a
    removed account) ends every session opened before."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def add_user(
    db: Database,
    name: str,
    password: str,
    *,
    role: str,
    athlete: str | None = None,
    coaches: list[str] | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Add a coach (coaching ``coaches``) or an athlete-user (who is ``athlete``)."""
    if role == "athlete" and (not athlete or coaches):
        raise AccountError("an athlete account is one athlete: give --athlete NAME (no --of)")
    if role == "coach" and athlete:
        raise AccountError("a coach is not an athlete: give --of ATHLETE for whom they coach")
    if role not in ("coach", "athlete"):
        raise AccountError(f"unknown role {role!r}: use --coach or --athlete ATHLETE")
    hashed = hash_password(name, password)
    with db.admin_session() as s, s.begin():
        own = repo.athlete_ids(s, [athlete])[0] if athlete else None
        ids = repo.athlete_ids(s, coaches or [])
        uid = repo.add_user(s, name, password_hash=hashed, role=role, athlete_id=own, now=now)
        repo.link(s, uid, ids)
    return {"name": name, "role": role, "athlete": athlete, "coaches": list(coaches or [])}


def list_users(db: Database) -> list[dict[str, Any]]:
    """Every account (no hashes): name, role, athlete, coaches, created_at (ISO)."""
    with db.admin_session() as s:
        rows = repo.users(s)
    return [{**r, "created_at": r["created_at"].isoformat()} for r in rows]


def remove_user(db: Database, name: str) -> dict[str, Any]:
    """Remove an account (the athlete's data stays; their sessions end at once)."""
    with db.admin_session() as s, s.begin():
        repo.remove_user(s, name)
    return {"name": name, "removed": True}


def set_password(db: Database, name: str, password: str) -> dict[str, Any]:
    """A new password for ``name``; every session opened with the old one ends."""
    with db.admin_session() as s, s.begin():
        repo.set_password_hash(s, name, hash_password(name, password))
    return {"name": name, "changed": True}


def coach(db: Database, name: str, athletes: list[str], *, stop: bool = False) -> dict[str, Any]:
    """Coach ``name`` coaches ``athletes`` too (``stop``: no longer)."""
    with db.admin_session() as s, s.begin():
        row = repo.named_user(s, name)
        if row.role != "coach":
            raise AccountError(f"user {name!r} is an athlete account, not a coach")
        ids = repo.athlete_ids(s, athletes)
        if stop:
            repo.unlink(s, row.id, ids)
        else:
            repo.link(s, row.id, ids)
        now = [n for _, n in repo.coach_athletes(s, row.id)]
    return {"name": name, "coaches": now}


@dataclass(frozen=True)
class Viewer:
    """Who is logged in: their account and the athletes they may see (id → name)."""

    user_id: int
    name: str
    role: str
    athletes: dict[int, str]

    @property
    def is_coach(self) -> bool:
        return self.role == "coach"


def authenticate(db: Database, name: str, password: str) -> Viewer | None:
    """The viewer for a right name and password, else None (same work either way)."""
    with db.admin_session() as s:
        row = repo.user(s, name[: repo.NAME_MAX])
        stored = row.password_hash if row is not None else _dummy_hash()
        try:
            ok: bool = _hasher.verify(stored, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            ok = False
        if row is None or not ok:
            return None
        return _viewer(s, row)


def viewer(db: Database, user_id: int, session_stamp: str) -> Viewer | None:
    """The viewer of a session, or None when the account is gone or its password changed."""
    with db.admin_session() as s:
        row = repo.user_with_id(s, user_id)
        if row is None or stamp(row.password_hash) != session_stamp:
            return None
        return _viewer(s, row)


def session_stamp_of(db: Database, user_id: int) -> str:
    with db.admin_session() as s:
        row = repo.user_with_id(s, user_id)
        return stamp(row.password_hash) if row is not None else ""


def _viewer(s: Any, row: UserRecord) -> Viewer:
    if row.role == "coach":
        athletes = dict(repo.coach_athletes(s, row.id))
    else:
        athletes = repo.own_athlete(s, row)
    return Viewer(user_id=int(row.id), name=row.name, role=row.role, athletes=athletes)
