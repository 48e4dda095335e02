"""A small cache of page data, valid until the database changes.

Building a page calls the other areas' services, some of which walk the whole
history (fitness, predictions, compliance). Between two imports nothing they
read changes, so a page's dict is kept and served again while the database is
unchanged. For SQLite, "unchanged" means the same size and modification time of
the database file and its write-ahead log (every commit, from any process,
changes the log); the dashboard's own writes clear the cache at once. Other
databases (PostgreSQL) are not cached: there is no cheap, safe fingerprint.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy.engine import make_url

MAX_ENTRIES = 64


def sqlite_files(url: str) -> tuple[str, ...] | None:
    """The database file and its ``-wal`` of a file SQLite URL, else ``None``."""
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    return (u.database, u.database + "-wal")


class PageCache:
    """Least-recently-used page dicts keyed by (page, parameters, database state)."""

    def __init__(self, url: str, max_entries: int = MAX_ENTRIES) -> None:
        self.files = sqlite_files(url)
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.files is not None and self.max_entries > 0

    def fingerprint(self) -> tuple[int, ...]:
        """Size and mtime (ns) of the database file and its write-ahead log."""
        out: list[int] = []
        for path in self.files or ():
            try:
                st = os.stat(path)
            except FileNotFoundError:
                out += [-1, -1]
            else:
                out += [st.st_size, st.st_mtime_ns]
        return tuple(out)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The cached value for ``key`` in the current database state, else ``build()``."""
        if not self.enabled:
            return build()
        full = (key, self.fingerprint())
        with self._lock:
            if full in self._data:
                self._data.move_to_end(full)
                self.hits += 1
                return self._data[full]
        value = build()
        with self._lock:
            self.misses += 1
            self._data[full] = value
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
