"""A consistent copy of the database while it may be in use (``deliberun backup``).

The SQLite database runs in WAL mode: recent writes sit in the ``-wal`` file until a
checkpoint, so a plain copy of the ``.db`` file while the dashboard or an import runs
can lose them or catch a page half-written. SQLite's online backup API
(``sqlite3.Connection.backup``, https://www.sqlite.org/backup.html) copies a
consistent snapshot page by page while other connections keep reading and writing.
PostgreSQL has its own tool for this: ``pg_dump``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from deliberun.store.db import sqlite_files


def pg_dump_advice(url: str) -> str:
    """What to run instead for a server database."""
    return (
        "the database is a server database, not a file: back it up with its own tool, "
        "e.g. pg_dump --format=custom --file deliberun.dump DBNAME "
        "(restore with pg_restore)"
    )


def backup_sqlite(url: str, dest: Path) -> dict[str, object]:
    """Copy the SQLite database at ``url`` to ``dest`` with the online backup API.

    The copy is written next to ``dest`` under a temporary name, checked
    (``PRAGMA integrity_check``) and renamed into place: ``dest`` is whole or absent.
    It is a single file (journal mode DELETE), ready to open with ``--db dest``.

    Raises
    ------
    ValueError
        ``url`` is not a SQLite file, the database file does not exist, ``dest``
        exists already or its folder does not.
    """
    files = sqlite_files(url)
    if files is None:
        raise ValueError(pg_dump_advice(url))
    src = Path(files[0])
    if not src.is_file():
        raise ValueError(f"{src}: no database there; nothing to back up")
    if dest.exists():
        raise ValueError(f"{dest} exists already: give a new file name")
    if not dest.parent.is_dir():
        raise ValueError(f"{dest.parent}: no such folder; create it first")
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            (check,) = target.execute("PRAGMA integrity_check").fetchone()
            (n,) = target.execute("SELECT count(*) FROM activities").fetchone()
        finally:
            target.close()
    finally:
        source.close()
    if check != "ok":
        tmp.unlink(missing_ok=True)
        raise ValueError(f"the copy failed its integrity check ({check}); nothing written")
    os.replace(tmp, dest)
    return {"source": str(src), "backup": str(dest), "bytes": dest.stat().st_size, "activities": n}
