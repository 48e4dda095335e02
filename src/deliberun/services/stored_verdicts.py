"""Race verdicts and session types kept with the runs, each with the key of its inputs.

The pages judge the race verdicts of the year or two they rest on and the session types
of the days they show (``services.races``, ``services.session_types``); on a 10-year
archive that was most of a cold page. The values are stored per run
(``store.tables_verdicts``, migration 0012_stored_verdicts) with a key: a SHA-1 of
everything the classifier read to reach them, except the run's metrics:

- a race verdict: the run's own columns (distance, time, HR, name, description, RPE,
  elapsed time, the imported race flag and the runner's mark), whether a warm-up ended
  before it, the plan's type and a goal race that day, a fingerprint of the runs of its
  year (their ids, days, distances and times: what their VDOTs are made of), the max HR it
  is measured against and the goal-race distances;
- a session type: the run's distance, time and name, the plan's type that day, the race
  verdict and the threshold speed it was given;
- both: the source of the code that judges them (a new classifier judges again).

The keys are made in ``services.verdict_keys``; the stored reads sit beside the services
that judge (``races.stored_race_verdicts``, ``session_types.stored_session_types``).
A reader makes the keys of the runs it needs from one light read of the activity columns
(no metrics) and uses the stored values only when every key matches; otherwise it judges
the window as before. So a stored value is never used once an input changed, whichever
write changed it. The metrics (km split paces, reps) are not in the key: writing a run's
metrics deletes its stored row (``repository.save_metrics``), as deleting the run does.

:func:`refresh` judges again and stores the runs whose key changed. An import (manual
rows included), a Strava sync and ``recompute`` call it, and ``deliberun serve``'s warm-up
calls it after any change (race marks, settings, cycles and plans are written by
services the classifiers read, which cannot call back here without an import cycle).
A write nothing refreshes after costs the next pages their speed, not their correctness.
After the verdicts, :func:`refresh` stores the practice sessions of the 400 days up to its
day whose key changed (``practice_sessions.store_sessions``, migration 0016_stored_sessions:
each session kept with the key of everything its build read), so the first cold page after
an import builds none of them; and the VDOT and pace bands of their days, and of the Today
page's weeks (``athlete_zones``, migration 0017_stored_zones: kept with the athlete's data
version), so that page computes none of them either.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from deliberun.services import verdict_keys as vk
from deliberun.store import verdicts_repo
from deliberun.store.db import Database
from deliberun.store.retry import is_database_error, retry_write

log = logging.getLogger(__name__)


def stale(db: Database, *, today: date) -> dict[str, dict[int, tuple[date, str]]]:
    """The runs up to ``today`` whose stored race verdict (``"race"``) or session type
    (``"session"``) is missing or was judged on other inputs: ``{id: (day, key now)}``."""
    from deliberun.services.races import race_keys
    from deliberun.services.session_types import session_keys, session_rows

    keyed = race_keys(db, today=today, since=None)
    rows, plan = session_rows(db, today=today, since=None)
    keys = session_keys(db, rows, plan, today=today, since=None)
    days = {int(r.id): r.local_date for r in rows}
    with db.session() as s:
        races = verdicts_repo.stored(s, (int(f.activity_id or 0) for f, k in keyed if k), "race")
        types = verdicts_repo.stored(s, keys, "session")
    return {
        "race": {int(f.activity_id or 0): (f.day, k) for f, k in keyed
                 if k and races.get(int(f.activity_id or 0), ("",))[0] != k},
        "session": {a: (days[a], k) for a, k in keys.items() if types.get(a, ("",))[0] != k},
    }  # fmt: skip


def refresh_after_write(db: Database, *, now: datetime | None = None) -> int:
    """:func:`refresh` as of the later of ``now``'s date (default: the clock) and the
    last run's day: the "today" the pages are read at after a write."""
    today = (now or datetime.now(UTC)).date()
    with db.session() as s:
        last = verdicts_repo.last_day(s)
    try:
        return refresh(db, today=max(today, last) if last else today)
    except Exception as exc:  # a cache: the write it follows stands
        if not is_database_error(exc):
            raise
        log.warning("stored verdicts not refreshed (%s); pages judge those runs again", exc)
        return 0


def _save(db: Database, kind: str, values: dict[int, tuple[str, Any]]) -> None:
    """One transaction that stores ``values``; it reads the rows it updates again, so
    :func:`retry_write` may run it again after another writer (a second import at the
    same time) stored or dropped the same runs first."""
    with db.session() as s, s.begin():
        verdicts_repo.save(s, kind, values)


def refresh(db: Database, *, today: date) -> int:
    """Judge again and store every run up to ``today`` whose stored verdict or session type
    is missing or was judged on other inputs; returns how many values were stored.

    Only the runs from the first changed one on are judged (each verdict rests on the
    year before it), so a new run costs its own days, not the archive.
    """
    from deliberun.services.athlete import shared_history
    from deliberun.services.races import race_verdicts
    from deliberun.services.session_types import session_types

    stored = 0
    for kind in ("race", "session"):  # the session types read the verdicts just stored
        with shared_history():
            todo = stale(db, today=today)[kind]
            if not todo:
                continue
            first = min(d for d, _ in todo.values())
            if kind == "race":
                judged: dict[int, Any] = race_verdicts(
                    db, today=today, since=first, stored_ok=False
                )
            else:
                judged = session_types(db, today=today, since=first, stored_ok=False)
            as_dict = vk.verdict_dict if kind == "race" else vk.session_dict
            values = {a: (k, as_dict(judged[a])) for a, (_, k) in todo.items()}
            retry_write(partial(_save, db, kind, values), retry_integrity=True)
            stored += len(todo)
    from deliberun.services.practice_sessions import TODAY_DAYS, store_sessions_and_zones

    # the sessions read the types just stored; then the Today page's weeks: their sessions
    # are stored now, the zones of their days not (each day's VDOT rests on the window
    # before the first day: ``athlete.vdot_days``)
    for since in (None, today - timedelta(days=TODAY_DAYS)):
        stored += sum(store_sessions_and_zones(db, today=today, since=since))
    return stored
