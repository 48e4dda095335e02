"""Use case ``deliberun backup FILE``: a consistent copy of the database (see store.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deliberun.store.backup import backup_sqlite
from deliberun.store.db import resolve_url


def backup(db: str | None, dest: Path) -> dict[str, Any]:
    """Copy the database named by ``--db`` (or its default) to ``dest``; ``ValueError``
    with the reason (and ``pg_dump`` advice for PostgreSQL) when it cannot."""
    return backup_sqlite(resolve_url(db), dest)
