"""Race verdicts and session types kept with the runs, each with the key of its inputs.

The pages judge the race verdicts of the year or two they rest on and the session types
of the days they show (``services.races``, ``services.session_types``); on a 10-year
archive that was most of a cold page. The values are stored per run
(``store.tables_verdicts``, migration 0012_stored_verdicts) with a key: a SHA-1 of
everything the classifier read to reach them, except the run's metrics:

- a race verdict: the run's own columns (distance, time, HR, name, description, RPE,
  elapsed time, the imported race flag and the runner's mark), whether a warm-up ended
  before it, the plan's type and a goal race that day, the count and best of the VDOTs of
  the runs of a similar distance in its year, the max HR it is measured against and the
  goal-race distances;
- a session type: the run's distance, time and name, the plan's type that day, the race
  verdict and the threshold speed it was given;
- both: the source of the code that judges them (a new classifier judges again).

A reader makes the keys of the runs it needs from one light read of the activity columns
(no metrics) and uses the stored values only when every key matches; otherwise it judges
the window as before. So a stored value is never used once an input changed, whichever
write changed it. The metrics (km split paces, reps) are not in the key: writing a run's
metrics deletes its stored row (``repository.save_metrics``), as deleting the run does.

:func:`refresh` judges again and stores the runs whose key changed; the writes call it
(import, sync, manual runs, race marks, settings, cycles, plans, recompute) so the next
cold page finds them. A write that does not call it costs the next pages their speed,
not their correctness.
"""

from __future__ import annotations

import hashlib
import inspect
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta
from typing import Any

from deliberun.models import races as rc
from deliberun.models import sessions as ses
from deliberun.store import verdicts_repo
from deliberun.store.db import Database


def _code() -> str:
    """A digest of the code that judges a run (its rules and words included)."""
    import deliberun
    from deliberun.models import vdot
    from deliberun.services import races, session_types

    parts = []
    for module in (rc, ses, vdot, races, session_types):
        try:
            parts.append(inspect.getsource(module))
        except (OSError, TypeError):  # no source (a frozen build): the package version
            parts.append(getattr(deliberun, "__version__", "?"))
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


CODE = _code()


def _key(*parts: Any) -> str:
    return hashlib.sha1(repr((CODE, *parts)).encode()).hexdigest()


def race_key(
    f: rc.RaceFacts, season: int, hr_max_bpm: float | None, goals_m: tuple[float, ...]
) -> str:
    """The key of a race verdict's inputs other than the run's metrics; ``season`` is the
    fingerprint of the runs of its year (:func:`season_fingerprints`)."""
    return _key(
        "race", f.activity_id, f.day, f.distance_m, f.duration_s, f.avg_hr_bpm, f.name,
        f.description, f.rpe, f.warmup_before, f.elapsed_s, f.goal_race_day, f.planned,
        f.mark, season, hr_max_bpm, goals_m,
    )  # fmt: skip


def season_fingerprints(
    runs: list[tuple[int, date, float | None, float | None]], days: list[date]
) -> list[int]:
    """For each of ``days``, a fingerprint of the runs ``(id, day, distance, duration)`` of
    the 365 days up to it (what a verdict reads of other runs: their whole-run VDOT), as
    the classifier selects them (``models.races.similar_vdots_each``): a sum of the
    runs' BLAKE2 digests modulo 2**64 (not ``hash()``: None and NaN hash by address in
    Python 3.11), from prefix sums over the runs by day."""
    span = int(rc.RACE_RULES["season_days"])
    ordered = sorted(runs, key=lambda r: r[1])
    ords = [r[1].toordinal() for r in ordered]
    prefix = [0]
    for r in ordered:
        digest = hashlib.blake2b(repr((int(r[0]), r[1].toordinal(), r[2], r[3])).encode(),
                                 digest_size=8).digest()  # fmt: skip
        prefix.append((prefix[-1] + int.from_bytes(digest, "little")) % 2**64)
    out = []
    for d in days:
        lo = bisect_left(ords, d.toordinal() - span)
        hi = bisect_right(ords, d.toordinal())
        out.append((prefix[hi] - prefix[lo]) % 2**64)
    return out


def session_key(
    row: Any, planned_type: str | None, race: rc.RaceVerdict | None, threshold: float | None
) -> str:
    """The key of a session type's inputs other than the run's metrics."""
    from deliberun.services.session_types import facts_of

    f = facts_of(row, {}, planned_type=planned_type, race=race, threshold=threshold)
    return _key("session", int(row.id), ses.session_inputs(f))


def _verdict(d: dict[str, Any]) -> rc.RaceVerdict:
    return rc.RaceVerdict(
        bool(d["is_race"]), float(d["score"]), float(d["confidence"]), list(d["evidence"]),
        str(d["source"]),
    )  # fmt: skip


def _verdict_dict(v: rc.RaceVerdict) -> dict[str, Any]:
    return {"is_race": v.is_race, "score": v.score, "confidence": v.confidence,
            "evidence": list(v.evidence), "source": v.source}  # fmt: skip


def _session(d: dict[str, Any]) -> ses.SessionType:
    return ses.SessionType(
        str(d["type"]), float(d["confidence"]), list(d["evidence"]), int(d["reps"]),
        None if d.get("rep_s") is None else float(d["rep_s"]),
    )  # fmt: skip


def _session_dict(t: ses.SessionType) -> dict[str, Any]:
    return {"type": t.type, "confidence": t.confidence, "evidence": list(t.evidence),
            "reps": t.reps, "rep_s": t.rep_s}  # fmt: skip


def race_keys(
    db: Database, *, today: date, since: date | None
) -> list[tuple[rc.RaceFacts, str | None]]:
    """Each run from ``since`` to ``today`` (by day) with the key of its race verdict's
    inputs (None for a run the runner marked: its verdict is the mark), from two light
    reads: the runs from ``since`` and the sizes of the runs of the year before it."""
    from deliberun.services.athlete import is_running
    from deliberun.services.races import hr_max_until, judged_facts

    season = timedelta(days=int(rc.RACE_RULES["season_days"]))
    with db.session() as s:
        rows = verdicts_repo.light_activities(s, until=today, since=since)
        sizes = verdicts_repo.run_sizes(
            s, until=today, since=None if since is None else since - season
        )
    facts, goals_m = judged_facts(db, [(r, {}) for r in rows])
    facts.sort(key=lambda f: f.day)  # as the classifier orders them
    hr_max = hr_max_until(db, today)
    runs = [(i, d, dist, dur) for i, d, sport, dist, dur in sizes if is_running(sport)]
    prints = season_fingerprints(runs, [f.day for f in facts])
    return [
        (f, None if f.mark is not None else race_key(f, fp, hr_max, goals_m))
        for f, fp in zip(facts, prints, strict=True)
    ]


def stored_race_verdicts(
    db: Database, *, today: date, since: date | None
) -> tuple[dict[int, rc.RaceVerdict], dict[int, date]] | None:
    """The race verdicts of the runs from ``since`` to ``today`` (and their days) from the
    stored ones, or None when one of them is missing or was judged on other inputs."""
    from deliberun.services.races import hr_max_until

    keyed = race_keys(db, today=today, since=since)
    with db.session() as s:
        kept = verdicts_repo.stored(s, (f.activity_id for f, k in keyed if k), "race")
    out: dict[int, rc.RaceVerdict] = {}
    for f, k in keyed:
        aid = int(f.activity_id or 0)
        if k is None:  # the runner's mark: no other input
            out[aid] = rc.classify(f, hr_max_bpm=hr_max_until(db, today))
        elif aid in kept and kept[aid][0] == k:
            out[aid] = _verdict(kept[aid][1])
        else:
            return None
    return out, {int(f.activity_id or 0): f.day for f, _ in keyed}


def session_keys(
    db: Database, rows: list[Any], plan: dict[date, str], *, today: date, since: date | None
) -> dict[int, str]:
    """The keys of the session types of ``rows`` (the light rows of the runs), given the
    plan's types by day: the threshold and the race verdicts are read as
    ``session_types`` reads them (only when a run has no planned type)."""
    from deliberun.services.races import race_verdicts
    from deliberun.services.session_types import threshold_speed

    unplanned = any(not plan.get(r.local_date) for r in rows)
    thr = threshold_speed(db, today=today) if unplanned else None
    races = race_verdicts(db, today=today, since=since) if unplanned else {}
    return {
        int(r.id): session_key(r, plan.get(r.local_date), races.get(int(r.id)), thr) for r in rows
    }


def session_rows(
    db: Database, *, today: date, since: date | None
) -> tuple[list[Any], dict[date, str]]:
    """The light rows of the runs from ``since`` to ``today`` and the plan's types by day
    from the day before the first (as ``session_types`` reads them)."""
    from deliberun.services.athlete import is_running
    from deliberun.services.practice_sessions import planned_days

    with db.session() as s:
        rows = [r for r in verdicts_repo.light_activities(s, until=today, since=since)
                if is_running(r.sport)]  # fmt: skip
    if not rows:
        return [], {}
    first = min(r.local_date for r in rows) - timedelta(days=1)
    return rows, {p.date: p.workout_type for p in planned_days(db, first, today)}


def stored_session_types(
    db: Database, *, today: date, since: date | None
) -> dict[int, ses.SessionType] | None:
    """The session types of the runs from ``since`` to ``today`` from the stored ones, or
    None when one is missing or was judged on other inputs."""
    rows, plan = session_rows(db, today=today, since=since)
    keys = session_keys(db, rows, plan, today=today, since=since)
    with db.session() as s:
        kept = verdicts_repo.stored(s, keys, "session")
    out = {}
    for aid, k in keys.items():
        if aid not in kept or kept[aid][0] != k:
            return None
        out[aid] = _session(kept[aid][1])
    return out


def stale(db: Database, *, today: date) -> dict[str, dict[int, tuple[date, str]]]:
    """The runs up to ``today`` whose stored race verdict (``"race"``) or session type
    (``"session"``) is missing or was judged on other inputs: ``{id: (day, key now)}``."""
    keyed = race_keys(db, today=today, since=None)
    rows, plan = session_rows(db, today=today, since=None)
    keys = session_keys(db, rows, plan, today=today, since=None)
    days = {int(r.id): r.local_date for r in rows}
    with db.session() as s:
        races = verdicts_repo.stored(s, (f.activity_id for f, k in keyed if k), "race")
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
    return refresh(db, today=max(today, last) if last else today)


def refresh(db: Database, *, today: date) -> int:
    """Judge again and store every run up to ``today`` whose stored verdict or session type
    is missing or was judged on other inputs; returns how many values were stored.

    Only the runs from the first changed one on are judged (each verdict rests on the
    year before it), so a new run costs its own days, not the archive.
    """
    from deliberun.services.athlete import shared_history
    from deliberun.services.races import race_verdicts
    from deliberun.services.session_types import session_types

    with shared_history():
        todo = stale(db, today=today)["race"]
        if todo:
            first = min(d for d, _ in todo.values())
            judged = race_verdicts(db, today=today, since=first, stored_ok=False)
            with db.session() as s, s.begin():
                verdicts_repo.save(
                    s, "race", {a: (k, _verdict_dict(judged[a])) for a, (_, k) in todo.items()}
                )
    with shared_history():  # the session types read the verdicts just stored
        todo_s = stale(db, today=today)["session"]
        if todo_s:
            first = min(d for d, _ in todo_s.values())
            types = session_types(db, today=today, since=first, stored_ok=False)
            with db.session() as s, s.begin():
                verdicts_repo.save(
                    s, "session", {a: (k, _session_dict(types[a])) for a, (_, k) in todo_s.items()}
                )
    return len(todo) + len(todo_s)
