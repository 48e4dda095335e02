"""Use cases of the practice loop over a ``Database``: sessions, journal, cycles, targets,
nemesis workouts and experiments.

Builds :class:`deliberun.practice.session.Session` objects from the store (activities
with their metrics, the journal, the daily load model, planned workouts when the plan
area has them) and calls the pure logic in ``deliberun.practice``. ``today`` is always
passed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from deliberun.practice.cycles import Cycle, cycle_in_force
from deliberun.practice.experiments import ExperimentResult, ExperimentSpec, analyze_experiment
from deliberun.practice.journal import JournalEntry
from deliberun.practice.journal_file import JournalFile, parse_journal_file
from deliberun.practice.nemesis import Nemesis, Suggestion, find_nemeses
from deliberun.practice.session import Session
from deliberun.practice.targets import BASELINE_DAYS, TargetProgress, TargetSpec, progress
from deliberun.services.practice_sessions import HISTORY_DAYS as HISTORY_DAYS  # re-exported
from deliberun.services.practice_sessions import build_sessions as build_sessions
from deliberun.services.practice_sessions import planned_days as planned_days
from deliberun.services.target_rehearsals import fill_rehearsals
from deliberun.store import practice_repo, repository
from deliberun.store.db import Database

#: Days of attempts the nemesis causes are ranked over.
NEMESIS_DAYS = 365


# --------------------------------------------------------------------------- journal


def _match_activity(s: Any, entry: JournalEntry) -> int | None:
    from deliberun.store import repository as repo

    if entry.activity_id is not None:
        if repo.activity(s, entry.activity_id) is None:
            raise ValueError(
                f"no activity {entry.activity_id}; see `deliberun activities` for the ids"
            )
        return entry.activity_id
    rows = repo.activities(s, since=entry.date, until=entry.date)
    start = entry.activity_start
    if start is not None and rows:
        best = min(rows, key=lambda r: abs((r.start_time - start).total_seconds()))
        if abs((best.start_time - start).total_seconds()) <= 3600:
            return int(best.id)
        return None
    return int(rows[0].id) if len(rows) == 1 else None


def log_entry(db: Database, entry: JournalEntry) -> dict[str, Any]:
    """Store a journal entry (replacing the one for the same activity, or same date without one)."""
    entry.validate()
    with db.session() as s, s.begin():
        entry.activity_id = _match_activity(s, entry)
        out = entry.to_dict()
        out["id"] = practice_repo.replace_journal_entry(s, entry)
        return out


def _rating(value: Any) -> float | None:
    """An imported CR-10 rating, or None when it is missing or off the scale."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if 0 <= x <= 10 else None


def activity_date(db: Database, activity_id: int) -> date:
    """The local date of an activity (``ValueError`` naming the id when there is none)."""
    with db.session() as s:
        row = repository.activity(s, activity_id)
        if row is None:
            raise ValueError(f"no activity {activity_id}; see `deliberun activities`")
        return row.local_date


def list_journal(
    db: Database, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """The journal by date: the runner's entries (``source`` "journal") and, for runs
    without one, the effort rating and description their export carried (``source``
    "import", e.g. Strava's perceived exertion; ``id`` None)."""
    with db.session() as s:
        out = [
            {"id": eid, **e.to_dict(), "source": "journal"}
            for eid, e in practice_repo.journal(s, since, until)
        ]
        for aid, day, rpe, text in practice_repo.imported_ratings(s, since, until):
            entry = JournalEntry(date=day, activity_id=aid, rpe=_rating(rpe), notes=text or "")
            out.append({"id": None, **entry.to_dict(), "source": "import"})
    return sorted(out, key=lambda e: (e["date"], e.get("activity_id") or 0))


def import_journal_file(db: Database, path: str | Path) -> dict[str, int]:
    """Read ``deliberun-journal.yaml`` into the store (idempotent: re-importing replaces).

    Journal entries replace those of the same activity/date, cycles those of the same
    name, experiments those with the same id. Returns counts.
    """
    jf: JournalFile = parse_journal_file(Path(path).read_text(encoding="utf-8"))
    for e in jf.journal:
        log_entry(db, e)
    for c in jf.cycles:
        with db.session() as s, s.begin():
            practice_repo.delete_cycles_named(s, c.name)
        create_cycle(db, c)
    for x in jf.experiments:
        save_experiment(db, x, replace=True)
    return {
        "journal": len(jf.journal),
        "cycles": len(jf.cycles),
        "experiments": len(jf.experiments),
    }


# --------------------------------------------------------------------------- cycles, targets


def create_cycle(db: Database, cycle: Cycle) -> int:
    """Store a cycle with its targets; returns its id."""
    with db.session() as s, s.begin():
        return practice_repo.add_cycle(s, cycle)


def list_cycles(db: Database) -> list[Cycle]:
    with db.session() as s:
        return practice_repo.cycles(s)


def get_cycle(db: Database, cycle_id: int | None, *, today: date) -> Cycle:
    """The cycle ``cycle_id``, or the one holding ``today`` (else the latest)."""
    cycles = list_cycles(db)
    if cycle_id is not None:
        for c in cycles:
            if c.id == cycle_id:
                return c
        raise ValueError(f"no cycle {cycle_id}; see `deliberun cycle list`")
    found = cycle_in_force(cycles, today)
    if found is None:
        raise ValueError("no cycle yet: create one with `deliberun cycle create NAME --start ...`")
    return found


def add_target(db: Database, cycle_id: int | None, target: TargetSpec, *, today: date) -> int:
    """Add a target to a cycle (a fourth is refused: focus is the point)."""
    cycle = get_cycle(db, cycle_id, today=today)
    cycle.add_target(target)  # raises TooManyTargetsError / ValueError
    assert cycle.id is not None
    with db.session() as s, s.begin():
        return practice_repo.add_target(s, cycle.id, target)


def _target_or_error(s: Any, target_id: int) -> TargetSpec:
    spec = practice_repo.target(s, target_id)
    if spec is None:
        raise ValueError(f"no target {target_id}; see `deliberun target list`")
    return spec


def get_target(db: Database, target_id: int) -> TargetSpec:
    with db.session() as s:
        return _target_or_error(s, target_id)


def set_target_goal(db: Database, target_id: int, goal: float) -> TargetSpec:
    """Change a target's goal; returns the target as stored."""
    with db.session() as s, s.begin():
        spec = _target_or_error(s, target_id)
        spec.goal = goal
        spec.validate()
        practice_repo.set_target_goal(s, target_id, goal)
        return spec


def remove_target(db: Database, target_id: int) -> TargetSpec:
    """Drop a target from its cycle (to make room for another); returns what was dropped."""
    with db.session() as s, s.begin():
        spec = _target_or_error(s, target_id)
        practice_repo.delete_target(s, target_id)
        return spec


def target_progress(
    db: Database, cycle_id: int | None, *, today: date, sessions: list[Session] | None = None
) -> tuple[Cycle, list[TargetProgress]]:
    cycle = get_cycle(db, cycle_id, today=today)
    since = cycle.start - timedelta(days=BASELINE_DAYS)  # the baseline's 6 weeks
    ss = sessions if sessions is not None else build_sessions(db, today=today, since=since)
    end = min(today, cycle.end)
    details = fill_rehearsals(db, cycle.targets, ss, start=cycle.start, end=end)
    out = []
    for t in cycle.targets:
        p = progress(t, ss, cycle.start, end)
        p.detail = details.get(t.id) if t.kind == "course_rehearsals" else None
        out.append(p)
    return cycle, out


# --------------------------------------------------------------------------- nemesis, experiments


def nemeses(db: Database, *, today: date, sessions: list[Session] | None = None) -> list[Nemesis]:
    if sessions is None:  # the causes are ranked over the last year
        sessions = build_sessions(db, today=today, since=today - timedelta(days=NEMESIS_DAYS))
    return find_nemeses(sessions, today, lookback_days=NEMESIS_DAYS)


def save_experiment(db: Database, spec: ExperimentSpec, *, replace: bool = False) -> str:
    """Store an experiment spec; an existing id is an error unless ``replace``."""
    spec.validate()
    with db.session() as s, s.begin():
        old = practice_repo.get_experiment(s, spec.id)
        if old is not None and not replace:
            raise ValueError(f"experiment {spec.id!r} exists; pick another id")
        practice_repo.replace_experiment(s, spec)
    return spec.id


def list_experiments(db: Database) -> list[ExperimentSpec]:
    with db.session() as s:
        return practice_repo.experiments_by_id(s)


#: Days before an experiment's first day whose runs its analysis reads (a break, an
#: illness or a race next to a before/after change).
EXPERIMENT_LEAD_DAYS = 60


def experiment_since(specs: list[ExperimentSpec]) -> date | None:
    """The first day the analyses of ``specs`` read: every experiment's whole window
    (its pre-period included) and the runs before it. Whoever judges an experiment
    passes sessions from this day on, so its verdict does not depend on which page or
    command asked, or on the day asked (None: an experiment without a start reads all)."""
    firsts = [x.start or x.change_date for x in specs]
    if not specs or any(d is None for d in firsts):
        return None
    return min(d for d in firsts if d is not None) - timedelta(days=EXPERIMENT_LEAD_DAYS)


def experiment_sessions(
    db: Database, specs: list[ExperimentSpec], *, today: date, sessions: list[Session]
) -> list[Session]:
    """``sessions`` when they reach back to :func:`experiment_since` of ``specs``, else
    the runs from that day to ``today`` built anew."""
    since = experiment_since(specs)
    first = min((x.local_date for x in sessions), default=None)
    if not specs or (first is not None and since is not None and first <= since):
        return sessions
    return build_sessions(db, today=today, since=since or date(1970, 1, 1))


def show_experiment(
    db: Database, exp_id: str, *, today: date, sessions: list[Session] | None = None
) -> ExperimentResult:
    with db.session() as s:
        spec = practice_repo.get_experiment(s, exp_id)
    if spec is None:
        raise ValueError(f"no experiment {exp_id!r}; see `deliberun experiment list`")
    if sessions is None:
        ss = build_sessions(db, today=today, since=experiment_since([spec]) or date(1970, 1, 1))
    else:
        ss = experiment_sessions(db, [spec], today=today, sessions=sessions)
    return analyze_experiment(spec, [x for x in ss if x.local_date <= today])


def end_experiment(db: Database, exp_id: str, *, end: date, status: str = "done") -> ExperimentSpec:
    """Close an experiment: sessions after ``end`` no longer count; ``status`` is
    ``done`` (the verdict stands) or ``abandoned``."""
    if status not in ("done", "abandoned"):
        raise ValueError(f"unknown status {status!r}; use done or abandoned")
    with db.session() as s:
        spec = practice_repo.get_experiment(s, exp_id)
    if spec is None:
        raise ValueError(f"no experiment {exp_id!r}; see `deliberun experiment list`")
    if spec.start and end < spec.start:
        raise ValueError(f"end {end} is before the experiment's start {spec.start}")
    spec.end, spec.status = end, status
    save_experiment(db, spec, replace=True)
    return spec


def suggest_experiments(db: Database, *, today: date) -> list[Suggestion]:
    return [sg for n in nemeses(db, today=today) for sg in n.suggestions]
