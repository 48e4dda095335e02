"""A small cache of page data, valid until the database changes.

Building a page calls the other areas' services, some of which walk the whole
history (fitness, predictions, compliance). Between two imports nothing they
read changes, so a page's dict is kept and served again while the database is
unchanged. For SQLite, "unchanged" means:

- SQLite's own change counter, ``PRAGMA data_version``, read on a connection
  the cache keeps open: it changes whenever any other connection — of this
  process or another one (an import in a terminal) — commits; and
- the same inode, size and modification time of the database file and its
  write-ahead log (this catches a database file replaced or deleted, which a
  connection held open cannot see).

The dashboard's own writes also clear the cache at once. Other databases
(PostgreSQL) are not cached: there is no cheap, safe fingerprint.

Two requests for the same missing page do not build it twice: the second
waits for the first (and so does a request arriving while the warm-up thread
is building that page).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from deliberun.store.db import sqlite_files

MAX_ENTRIES = 64


class PageCache:
    """Least-recently-used page dicts keyed by (page, parameters, database state)."""

    def __init__(self, url: str, max_entries: int = MAX_ENTRIES) -> None:
        self.files = sqlite_files(url)
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Event] = {}
        self._conn: sqlite3.Connection | None = None
        self._conn_inode = -1
        self._conn_lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.files is not None and self.max_entries > 0

    def _data_version(self, inode: int) -> int:
        """``PRAGMA data_version`` on the cache's own (never writing) connection; -1 if none.

        The connection is reopened when the database file at the path is another
        one (``inode`` changed): the old connection would watch the replaced file.
        """
        if self.files is None:
            return -1
        with self._conn_lock:
            try:
                if self._conn is not None and inode != self._conn_inode:
                    self.close()
                if self._conn is None:
                    uri = "file:" + self.files[0] + "?mode=ro"
                    self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                    self._conn_inode = inode
                row = self._conn.execute("PRAGMA data_version").fetchone()
                return int(row[0])
            except sqlite3.Error:  # not created yet, or unreadable: the file stats still count
                self.close()
                return -1

    def fingerprint(self) -> tuple[int, ...]:
        """SQLite's change counter, then inode, size and mtime (ns) of the file and its log."""
        out: list[int] = []
        for path in self.files or ():
            try:
                st = os.stat(path)
            except FileNotFoundError:
                out += [-1, -1, -1]
            else:
                out += [st.st_ino, st.st_size, st.st_mtime_ns]
        return (self._data_version(out[0] if out else -1), *out)

    def get(
        self, key: Hashable, build: Callable[[], Any], *, state: tuple[int, ...] | None = None
    ) -> Any:
        """The cached value for ``key`` in the current database state, else ``build()``.

        ``state`` is a fingerprint taken *before* any of the data ``build`` uses
        was read (the warm-up takes one for all its pages, which share reads);
        by default the fingerprint now.
        """
        if not self.enabled:
            return build()
        full = (key, self.fingerprint() if state is None else state)
        while True:
            with self._lock:
                if full in self._data:
                    self._data.move_to_end(full)
                    self.hits += 1
                    return self._data[full]
                pending = self._building.get(full)
                if pending is None:
                    done = self._building[full] = threading.Event()
                    break
            pending.wait()  # built by another thread: take its result (or build if it failed)
        try:
            value = build()
            with self._lock:
                self.misses += 1
                self._data[full] = value
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
        finally:
            with self._lock:
                del self._building[full]
            done.set()
        return value

    def has(self, key: Hashable) -> bool:
        """True when ``key`` is cached for the database as it is now."""
        with self._lock:
            return (key, self.fingerprint()) in self._data

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def close(self) -> None:
        """Close the connection the change counter is read on (reopened when needed)."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
