"""Use case ``deliberun group`` and the dashboard's ``/group``: the coach's view of a group.

One line per athlete, built from that athlete's data up to the as-of date only: their
last run, today's load advice with its form and ACWR (``practice.review.load_advice``:
no ACWR during a graded return, the 28-day rule the advice uses), planned key sessions
of the last 14 days not done (planned vs done, ``services.plan.compliance_report``),
journal ratings that disagree with the data (``practice.journal.rpe_disagreement``, the
weekly review's rule), the running experiments with their state and verdict, the
nemesis workouts, and the days since their data last arrived. The flags, with their
evidence in words, come from ``practice.attention``; the lines are sorted by them.

Stored lines (migration 0015_data_versions): building a line reads the athlete's history
(about 0.2 s of CPU each), so each line is kept (``store.group_lines_repo``) with a key of
everything it was built on: the as-of date, the athlete's data version (moved by every
write to their data in the write's own transaction, ``store.data_version``), a digest of
the source of the code that builds lines (:func:`code_digest`), the athlete's name and
the settings it read. :func:`group` uses a stored line only when its key is the key now,
else builds the line and stores it; so a stored line is a cache, and no write path has to
refresh it for the view to be right. An import refreshes them (:func:`refresh_after_write`)
and ``deliberun serve``'s warm-up builds them, so the next view reads them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import Any

from deliberun.errors import NotFoundError
from deliberun.jsonable import strict
from deliberun.practice import attention as att
from deliberun.practice import review as rv
from deliberun.practice.experiments import analyze_experiment
from deliberun.practice.journal import rpe_disagreement
from deliberun.practice.session import Session
from deliberun.source_digest import PACKAGE, source_digest
from deliberun.store import data_version, group_lines_repo
from deliberun.store.db import Database
from deliberun.store.errors import AthleteError
from deliberun.store.retry import is_database_error, retry_write

log = logging.getLogger(__name__)

#: Re-exported for callers that speak of a silence (``practice.attention.STALE_DAYS``).
STALE_DAYS = att.STALE_DAYS

#: The package folders whose code does not build a line (what the user sees it through).
NOT_LINE_CODE = ("cli", "web")


def group(db: Database, *, today: date, names: Iterable[str] | None = None) -> dict[str, Any]:
    """``{"today", "athletes": [...]}``: one line per athlete in ``names`` (default: every
    athlete of the database), the ones who need the coach's attention first.

    ``AthleteError`` for a name the database does not hold.
    """
    return _group(db, today=today, names=names)[0]


def _group(db: Database, *, today: date, names: Iterable[str] | None) -> tuple[dict[str, Any], int]:
    """:func:`group`'s document and how many lines it built (the others were stored)."""
    from deliberun.store import athletes_repo

    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)
    with db.admin_session() as s:
        everyone = athletes_repo.athletes(s)
        # the versions before any data a line reads: a line is never newer than its key says
        versions = data_version.versions(s, (a["id"] for a in everyone))
        facts = athletes_repo.runs_up_to(s, today, end)
        kept = group_lines_repo.stored(s, versions, today)
    chosen = _chosen(everyone, names)
    lines, built = [], {}
    for a in chosen:
        adb = db.for_athlete(a["name"])
        key = line_key(versions[a["id"]], a["name"], today, _settings_read(adb))
        hit = kept.get(a["id"])
        if hit is not None and hit[0] == key:
            line = dict(hit[1])
        else:
            line = _line(adb, a, facts.get(a["id"]), today, end)
            built[a["id"]] = (versions[a["id"]], key, dict(line))
        lines.append(line)
    if built:
        _store(db, today, built)
    lines.sort(key=lambda x: tuple(x.pop("_key")))
    return {"today": today.isoformat(), "athletes": lines}, len(built)


@cache
def code_digest() -> str:
    """SHA-1 of the source of every module of the package but the CLI and the web pages:
    the code that builds a line (its rules, models and words) is somewhere in there, so a
    change to any of it builds every line again (a frozen build without sources: the
    package version)."""
    return source_digest(sorted(p for p in PACKAGE.rglob("*.py")
                                if p.relative_to(PACKAGE).parts[0] not in NOT_LINE_CODE))  # fmt: skip


def line_key(version: int, name: str, today: date, settings: Any) -> str:
    """The key of a line: what it was built on (see the module's docstring)."""
    return hashlib.sha1(
        repr((code_digest(), int(version), name, today.isoformat(), settings)).encode()
    ).hexdigest()


def _settings_read(db: Database) -> Any:
    """The athlete's settings a line reads (its thresholds and the models' settings)."""
    from dataclasses import asdict

    from deliberun.services import history
    from deliberun.store import settings_repo

    with db.session() as s:
        st = asdict(settings_repo.get_settings(s))
    return (sorted(st.items()), sorted(history.of(db).model_settings().items()))


def _save_lines(db: Database, today: date, built: dict[int, tuple[int, str, Any]]) -> None:
    with db.admin_session() as s, s.begin():
        group_lines_repo.save(s, today, built)


def _store(db: Database, today: date, built: dict[int, tuple[int, str, Any]]) -> None:
    """Keep the lines just built; a cache, so a failure (a read-only database) is logged
    and the view stands."""
    as_json = {a: (v, k, strict(line)) for a, (v, k, line) in built.items()}
    try:
        retry_write(partial(_save_lines, db, today, as_json), retry_integrity=True)
    except Exception as exc:
        if not is_database_error(exc):
            raise
        log.warning("group lines not stored (%s); the next view builds them again", exc)


def refresh(db: Database, *, today: date, names: Iterable[str] | None = None) -> int:
    """Build and store the line of every athlete in ``names`` (default: all) whose stored
    line is missing or stale as of ``today``; returns how many lines were built."""
    return _group(db, today=today, names=names)[1]


def data_state(db: Database) -> tuple[tuple[int, str, int], ...]:
    """``(athlete id, name, data version)`` of every athlete: what any write to a runner's
    data moves (``store.data_version``), and an athlete added, renamed or removed; storing
    a line does not. ``serve --multi``'s warm-up refreshes the lines when it changed."""
    from deliberun.store import athletes_repo

    with db.admin_session() as s:
        who = athletes_repo.names(s)
        versions = data_version.versions(s, (i for i, _ in who))
    return tuple((i, n, versions[i]) for i, n in who)


def refresh_after_write(db: Database, *, now: datetime | None = None) -> int:
    """After an import: :func:`refresh` of the importing athlete's line as of the later
    of ``now``'s date (default: the clock) and their last run's day (as
    ``stored_verdicts.refresh_after_write``), when the database holds a group (a lone
    runner has no group view to make faster). Any error is logged, never raised: the
    import it follows stands."""
    from deliberun.store import athletes_repo, verdicts_repo

    try:
        with db.admin_session() as s:
            everyone = athletes_repo.athletes(s)
        if len(everyone) < 2:
            return 0
        name = next(a["name"] for a in everyone if a["id"] == db.athlete_id)
        with db.session() as s:
            last = verdicts_repo.last_day(s)
        today = (now or datetime.now(UTC)).date()
        return refresh(db, today=max(today, last) if last else today, names=[name])
    except Exception:  # a cache: the import stands, the next view builds the lines
        log.exception("group lines not refreshed after the import")
        return 0


def group_page(db: Database, *, today: date, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The dashboard's ``/group`` and ``/api/group``: :func:`group` as a page."""
    return {"page": "group", **group(db, today=today, names=names)}


def _chosen(everyone: list[dict[str, Any]], names: Iterable[str] | None) -> list[dict[str, Any]]:
    if names is None:
        return everyone
    by_name = {a["name"]: a for a in everyone}
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        held = ", ".join(by_name) or "none"
        raise AthleteError(f"no athlete named {unknown[0]!r} (athletes: {held})")
    return [by_name[n] for n in wanted]


def _line(
    db: Database, a: dict[str, Any], facts: dict[str, Any] | None, today: date, end: datetime
) -> dict[str, Any]:
    facts = facts or {"runs": 0, "last_run": None, "arrived": None}
    arrived = facts["arrived"]
    sync = _last_sync(db)
    if sync is not None and sync < end:
        arrived = max(arrived, sync.date()) if arrived else sync.date()
    last_run: date | None = facts["last_run"]
    line: dict[str, Any] = {
        "name": a["name"],
        "runs": facts["runs"],
        "last_run": last_run.isoformat() if last_run else None,
        "days_since_last_run": (today - last_run).days if last_run else None,
        "last_data": arrived.isoformat() if arrived else None,
        "days_since_data": (today - arrived).days if arrived else None,
        "advice": None,
        "advice_words": None,
        "form": None,
        "acwr": None,
        "missed_key_sessions": [],
        "rpe_mismatches": [],
        "experiments": [],
        "nemeses": [],
    }
    flags = att.data_flags(today, last_run, arrived, facts["runs"])
    if facts["runs"]:
        from deliberun.services.athlete import shared_history

        with shared_history():  # this athlete's history and race verdicts read once
            flags += _practice(db, today, line)
    line["flags"] = [f.to_dict() for f in flags]
    line["_key"] = att.attention_key(flags, line["days_since_data"], a["name"])
    return line


def _practice(db: Database, today: date, line: dict[str, Any]) -> list[att.Flag]:
    """Fill ``line`` with the athlete's load advice, missed key sessions, RPE mismatches,
    experiments and nemeses; return their flags."""
    from deliberun.services import athlete, history
    from deliberun.services.practice import NEMESIS_DAYS, build_sessions
    from deliberun.services.practice_sessions import load_state_on

    state = athlete.load_state(db, today=today)
    year = today - timedelta(days=NEMESIS_DAYS)
    running = _running_experiments(db, today)
    # one build for the whole line: the nemesis year and every running experiment's window
    runs = build_sessions(db, today=today, since=min([year, *(d for _, d in running)]), state=state)
    sessions = [x for x in runs if x.local_date >= year]
    advice, sentence = rv.load_advice(
        sessions,
        today,
        state=load_state_on(db, today, state),
        last_run=athlete.last_run_day(db, today=today),
        run_days=athlete.run_days(db, today=today),
    )
    values = sentence.evidence[0].values if sentence.evidence else {}
    form, acwr = values.get("form"), values.get("acwr")
    line.update(advice=advice, advice_words=sentence.text, form=form, acwr=acwr)
    flags = att.load_flags(
        advice, sentence.text, acwr, form, history.of(db).model_settings()["form_floor"]
    )
    missed = _missed_key_sessions(db, today)
    line["missed_key_sessions"] = missed
    flags += [f for f in [att.missed_key_flag(missed)] if f]
    st = state["settings"]
    mism = _rpe_mismatches(sessions, today, st)
    line["rpe_mismatches"] = [{"activity_id": k, "words": w} for k, w in mism]
    flags += [f for f in [att.rpe_flag(mism)] if f]
    line["experiments"] = _experiments(running, today, sessions, runs)
    flags += att.experiment_flags(line["experiments"])
    line["nemeses"] = _nemeses(db, today, sessions)
    flags += att.nemesis_flags(line["nemeses"])
    return flags


def _missed_key_sessions(db: Database, today: date) -> list[dict[str, Any]]:
    """Planned key workouts (``plan.workout.HARD_TYPES``) of the last 14 days not done."""
    from deliberun.plan.workout import is_hard
    from deliberun.services.plan import compliance_report

    since = today - timedelta(days=att.KEY_SESSION_DAYS - 1)
    try:
        rows = compliance_report(db, today=today, since=since, until=today)["workouts"]
    except NotFoundError:  # no plan: nothing was planned to miss
        return []
    return [
        {"date": r["date"], "workout_type": r["workout_type"], "text": r["text"]}
        for r in rows
        if r["status"] == "missed" and is_hard(r["workout_type"]) and r["date"] >= since.isoformat()
    ]


def _rpe_mismatches(sessions: list[Session], today: date, st: Any) -> list[tuple[Any, str]]:
    out = []
    for s in sessions:
        if (today - s.local_date).days >= att.RPE_DAYS or s.local_date > today:
            continue
        d = rpe_disagreement(
            s,
            hr_rest_bpm=st.hr_rest_bpm,
            hr_max_bpm=st.hr_max_bpm,
            threshold_pace_s_per_km=st.threshold_pace_s_per_km,
        )
        if d is not None:
            out.append((s.activity_id, d.sentence()))
    return out


def _running_experiments(db: Database, today: date) -> list[tuple[Any, date]]:
    """The running experiments (started by ``today``), each with the first day its
    analysis reads (``services.practice.experiment_since``; 1970 when it reads all)."""
    from deliberun.services.practice import experiment_since, list_experiments

    return [
        (spec, experiment_since([spec]) or date(1970, 1, 1))
        for spec in list_experiments(db)
        if spec.status == "running" and not (spec.start and spec.start > today)
    ]


def _experiments(
    running: list[tuple[Any, date]], today: date, sessions: list[Session], runs: list[Session]
) -> list[dict[str, Any]]:
    """The running experiments: state (interim or final), verdict and its sentence.

    ``sessions``: the nemesis year; ``runs``: the same build reaching back to every
    experiment's first day. An experiment is judged from the year when the year reaches
    back to its first day, else from its first day on: the sessions ``show_experiment``
    would pass (built once here instead of once per experiment)."""
    out = []
    first = sessions[0].local_date if sessions else today
    for spec, since in running:
        try:
            spec.validate()
        except ValueError as exc:  # a stored row its own checks refuse (written around
            # them): listed as such, so one bad row does not take the whole group view down
            out.append({"id": spec.id, "change": spec.change, "interim": True,
                        "state": "invalid", "verdict": None, "sessions": 0,
                        "planned_sessions": spec.planned_sessions,
                        "words": f"cannot be judged: {exc}"})  # fmt: skip
            continue
        ss = sessions if since >= first else [x for x in runs if x.local_date >= since]
        res = analyze_experiment(spec, [x for x in ss if x.local_date <= today])
        out.append(
            {
                "id": spec.id,
                "change": spec.change,
                "interim": res.interim,
                "state": "interim" if res.interim else "final",
                "verdict": res.verdict,
                "sessions": len(res.sessions_a) + len(res.sessions_b),
                "planned_sessions": res.planned_sessions,
                "words": res.sentence(),
            }
        )
    return out


def _nemeses(db: Database, today: date, sessions: list[Session]) -> list[dict[str, Any]]:
    from deliberun.services.practice import nemeses

    out = []
    for n in nemeses(db, today=today, sessions=sessions):
        base = (
            f" (earlier {n.baseline_failures} of {n.baseline_attempts})"
            if n.baseline_attempts
            else ""
        )
        out.append(
            {
                "workout_type": n.workout_type,
                "failures": n.failures,
                "attempts": n.attempts,
                "words": f"{n.failures} of {n.attempts} sessions fell short{base}; "
                f"{n.explanation()}",
            }
        )
    return out


def _last_sync(db: Database) -> datetime | None:
    """When this athlete's Strava sync last ran, or None."""
    from deliberun.store import strava_repo

    with db.session() as s:
        value = strava_repo.get_state(s).get("last_sync_at")
    if not value:
        return None
    when = datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)
