"""CPU of each cold dashboard page builder on one database, as the web layer builds it.

Each page builder (``services.dashboard.*_page``) runs inside its own
``dashboard.shared_reads()`` block (one page per block, as a request with the page
cache off), ``--repeat`` times after one warm-up build; the minimum
``time.process_time`` of the repeats is printed per page (CPU, not wall: the machine
is shared). Run it with another checkout's ``src`` first on ``PYTHONPATH`` to pair two
versions on the same database::

    nice -n 10 .venv/bin/python bench/page_cpu.py --db X.db --today 2026-10-25
    PYTHONPATH=/work/main/src nice -n 10 .venv/bin/python bench/page_cpu.py --db X.db ...

``--profile PAGE`` prints a cProfile of one cold build of that page instead
(sorted by cumulative time, ``--top`` lines). ``--json-out FILE`` writes each page's
document (as its JSON twin) to compare two versions byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

PAGES = ("today", "calendar", "activities", "fitness", "targets", "experiments", "plan")


def build(db: Any, page: str, today: date) -> Any:
    from deliberun.services import dashboard

    with dashboard.shared_reads():
        return getattr(dashboard, f"{page}_page")(db, today=today)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--today", type=date.fromisoformat, required=True)
    ap.add_argument("--pages", default="targets,experiments,today,fitness")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", help="one page to profile instead of timing")
    ap.add_argument("--top", type=int, default=45)
    ap.add_argument("--json-out", type=Path, help="write the pages' documents here")
    a = ap.parse_args()

    import deliberun
    from deliberun.store.db import Database

    db = Database(a.db)
    print(f"# source {Path(deliberun.__file__).parent}; load {os.getloadavg()}", flush=True)
    if a.profile:
        build(db, a.profile, a.today)  # warm-up: imports, lru caches, SQLite pages
        prof = cProfile.Profile(time.process_time)  # CPU, not wall
        prof.enable()
        build(db, a.profile, a.today)
        prof.disable()
        pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(a.top)
        return 0
    docs: dict[str, Any] = {}
    for page in a.pages.split(","):
        docs[page] = build(db, page, a.today)
        times = []
        for _ in range(a.repeat):
            t0 = time.process_time()
            build(db, page, a.today)
            times.append(time.process_time() - t0)
        print(f"{page:12s} min {1000 * min(times):6.0f} ms  all {[round(1000 * t) for t in times]}")
    if a.json_out:
        a.json_out.write_text(json.dumps(docs, sort_keys=True, default=str, indent=1))
    print(f"# load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
