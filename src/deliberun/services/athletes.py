"""Use cases ``deliberun athlete add|list|remove``: the runners a database holds.

A new database has one athlete, ``me`` (migration 0011_athletes); a coach adds the
others and chooses whose data a command works on with ``--athlete NAME``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from deliberun.services.backup import backup
from deliberun.store import athletes_repo as repo
from deliberun.store.backup import pg_dump_advice
from deliberun.store.db import Database, sqlite_files
from deliberun.store.errors import AthleteError


def list_athletes(db: Database) -> list[dict[str, Any]]:
    """Every athlete: ``id``, ``name``, ``created_at``, ``runs``, ``last_run``,
    ``last_import`` (ISO strings)."""
    with db.admin_session() as s:
        rows = repo.athletes(s)
    return [
        {**r, "created_at": r["created_at"].isoformat(),
         "last_run": r["last_run"].isoformat() if r["last_run"] else None,
         "last_import": r["last_import"].isoformat() if r["last_import"] else None}
        for r in rows
    ]  # fmt: skip


def add_athlete(db: Database, name: str, *, now: datetime) -> dict[str, Any]:
    """Add an athlete; ``AthleteError`` when the name is taken or empty."""
    with db.admin_session() as s, s.begin():
        aid = repo.add_athlete(s, name, now)
    return {"id": aid, "name": name.strip()}


def default_backup(db: Database, name: str, *, now: datetime) -> Path:
    """Where ``athlete remove`` backs the database up: beside its file, named with the
    athlete and the time. ``ValueError`` for a server database (use its own pg_dump)."""
    files = sqlite_files(db.url)
    if files is None:
        raise ValueError(f"{pg_dump_advice(db.url)}; then remove with --no-backup")
    path = Path(files[0])
    return path.with_name(f"{path.stem}.before-remove-{name}-{now:%Y%m%dT%H%M%SZ}.db")


def remove_athlete(db: Database, name: str, *, backup_to: Path | None) -> dict[str, Any]:
    """Remove an athlete and all their data, after a backup of the whole database to
    ``backup_to`` (``deliberun backup``; None: no backup, the caller was told to skip it).

    Returns ``{"name", "runs", "backup"}``. ``AthleteError`` for an unknown name; the
    backup's ``ValueError`` (PostgreSQL: use pg_dump) stops the removal before anything
    is deleted.
    """
    with db.admin_session() as s:
        if not repo.has_athlete(s, name):
            names = ", ".join(r["name"] for r in repo.athletes(s)) or "none"
            raise AthleteError(f"no athlete named {name!r} (athletes: {names})")
    saved = None
    if backup_to is not None:
        saved = str(backup(db.url, backup_to)["backup"])
    with db.admin_session() as s, s.begin():
        runs = repo.remove_athlete(s, name)
    return {"name": name, "runs": runs, "backup": saved}
