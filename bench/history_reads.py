"""How often one cold dashboard page reads (or computes) what the athlete services share.

Issue 14/15: inside one page (``dashboard.shared_reads()``, the use case of
``services.history``) the race verdicts, the last race and the daily load should be read
or computed once. This script counts, per page built once inside its own block, the
calls of the store functions behind them — ``athlete_repo.activity_loads`` (the daily
load), ``athlete_repo.activities_with_metrics`` (the activity windows),
``verdicts_repo.stored`` (the stored race verdicts), ``athlete_repo.heart_rate_maxima``,
``settings_repo.get_settings`` / ``get_model_settings`` — and of
``races.verdicts_of`` (runs judged afresh) and the last-race search (``athlete._last_race``
on code without ``services/history.py``, ``athlete._find_last_race`` with it). Run it
with another checkout's ``src`` first on ``PYTHONPATH`` to compare::

    nice -n 10 .venv/bin/python bench/history_reads.py --db X.db --today 2026-10-25
    PYTHONPATH=/other/src nice -n 10 .venv/bin/python bench/history_reads.py --db X.db ...

Counts, not times: they do not depend on the machine's load.

Measured (issue 15, ``services/history.py``, on a copy of the 10-year archive, as of
2026-10-25), per cold page, main 068f3d4 → this branch: the daily load read 1 → 1,
the last race searched 1 → 1 (fitness 2 → 2: two different as-of days), the stored race
verdicts read 3 → 3 (targets, experiments, today) and 2 → 2 (fitness), runs judged 2 → 2
— one per distinct (as-of day, window): a race verdict is judged as of its day, so
those of an earlier as-of day are other verdicts — and the settings read 5 → 2 (fitness
4 → 1). The old caches already computed each once; the history keeps them in one place.
CPU (``bench/page_cpu.py --repeat 5``, min, load 9-10 on 2 cores, the two versions run
alternately, 4 pairs): targets 459-485 → 467-513 ms, experiments 406-419 → 486-525,
today 276-284 → 283-294, fitness 197-218 → 210-225; with ``gc.collect()`` before each
timed build (2 pairs) experiments 389-413 → 396-397, targets 402-433 → 418-425: the
same work, the difference is when the cyclic collector runs (base's first repeat after
the warm-up escapes it). Documents byte-identical (``--json-out``, cmp).
"""

from __future__ import annotations

import argparse
import functools
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

COUNTED = (
    ("deliberun.store.athlete_repo", "activity_loads"),
    ("deliberun.store.athlete_repo", "activities_with_metrics"),
    ("deliberun.store.athlete_repo", "heart_rate_maxima"),
    ("deliberun.store.verdicts_repo", "stored"),
    ("deliberun.store.settings_repo", "get_settings"),
    ("deliberun.store.settings_repo", "get_model_settings"),
    ("deliberun.services.races", "verdicts_of"),
    ("deliberun.services.athlete", "_find_last_race"),  # with services/history.py
    ("deliberun.services.athlete", "_last_race"),  # without (each call searches)
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--today", type=date.fromisoformat, required=True)
    ap.add_argument("--pages", default="targets,experiments,today,fitness")
    a = ap.parse_args()

    import importlib

    import deliberun
    from deliberun.services import dashboard
    from deliberun.store.db import Database

    counts: Counter[str] = Counter()
    have_history = hasattr(importlib.import_module("deliberun.services.athlete"), "_find_last_race")
    for module, name in COUNTED:
        mod = importlib.import_module(module)
        if not hasattr(mod, name) or (name == "_last_race" and have_history):
            continue
        fn = getattr(mod, name)

        def counted(*args: Any, _fn: Any = fn, _key: str = name, **kwargs: Any) -> Any:
            counts[_key] += 1
            return _fn(*args, **kwargs)

        setattr(mod, name, functools.wraps(fn)(counted))
    db = Database(a.db)
    print(f"# source {Path(deliberun.__file__).parent}")
    for page in a.pages.split(","):
        counts.clear()
        with dashboard.shared_reads():
            getattr(dashboard, f"{page}_page")(db, today=a.today)
        last = counts["_find_last_race"] + counts["_last_race"]
        print(
            f"{page:12s} daily load {counts['activity_loads']}  windows "
            f"{counts['activities_with_metrics']}  stored verdicts {counts['stored']}  "
            f"judged {counts['verdicts_of']}  hr maxima {counts['heart_rate_maxima']}  "
            f"last race {last}  settings {counts['get_settings']}"
            f"+{counts['get_model_settings']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
