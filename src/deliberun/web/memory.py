"""The server's long-lived objects, moved out of the cyclic garbage collector's way.

After the first warm-up a dashboard process holds ~150,000 objects the collector tracks
(the modules of numpy, SciPy, SQLAlchemy, FastAPI and Jinja, compiled queries and
templates) that live as long as the process. Each page build allocates enough to trigger
a full collection every few builds, and a full collection walks all of them: 58 ms CPU
on the 10-year archive, one cold /targets build in five 80 → 150 ms (docs/benchmarks.md,
"Stored zones"). :func:`settle` runs one collection and then ``gc.freeze()`` (CPython
3.7+: the objects alive then go to a permanent generation the collector no longer
walks; reference counting still frees them). Called once per process, after the first
warm-up of ``deliberun serve``; a frozen object that later becomes part of a reference
cycle is never freed by the collector, which for a process's import-time state is the
point of freezing it.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_done = False


def settle() -> bool:
    """Collect, then freeze what is alive (once per process); True when this call did it."""
    global _done
    with _lock:
        if _done:
            return False
        gc.collect()
        gc.freeze()
        _done = True
        return True
