"""Which runs were races (``models.races`` over the stored history), and the runner's marks.

The runner's mark (``deliberun race ID`` / ``--not``, or the dashboard button) is stored
in the activity's ``race_mark`` column (migration 0009; kept across re-imports and
merges) and always wins over the classifier. Verdicts are judged as of ``today``: only runs up to it count.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from deliberun.io.activity import is_running
from deliberun.metrics.splits import whole_km_paces
from deliberun.models import races as rc
from deliberun.models import thresholds
from deliberun.services import history
from deliberun.services import verdict_keys as vk
from deliberun.store import athlete_repo, practice_repo, verdicts_repo
from deliberun.store.activity_writes import set_race_mark
from deliberun.store.db import Database
from deliberun.store.repository import KM_PACES


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def mark_of(row: Any) -> bool | None:
    """The runner's mark on ``row``: True, False, or None (no mark)
    (:func:`deliberun.models.races.runner_mark`)."""
    return rc.runner_mark(getattr(row, "race_mark", None))


def imported_race_flag(row: Any) -> bool:
    """The source said so (:func:`deliberun.models.races.source_says_race` on the row's
    ``extra`` and sub-sport)."""
    extra = getattr(row, "extra", None) or {}
    return rc.source_says_race(
        race_flag=extra.get("is_race"),
        workout_type=extra.get("workout_type"),
        sub_sport=getattr(row, "sub_sport", None),
    )


def _warmups(rows: list[Any]) -> set[int]:
    """Ids of runs that a shorter, slower run ended less than 2 h before (a warm-up)."""
    out: set[int] = set()
    by_day: dict[Any, list[Any]] = {}  # only runs of one day are compared: group by day
    for r in rows:
        if r.start_time is not None and r.distance_m and r.moving_time_s:
            by_day.setdefault(r.local_date, []).append(r)
    for same in by_day.values():
        for r in same:
            for w in same:
                if w is r:
                    continue
                end = w.start_time + timedelta(seconds=float(w.elapsed_time_s or w.moving_time_s))
                gap = (r.start_time - end).total_seconds()
                slower = w.moving_time_s / w.distance_m > r.moving_time_s / r.distance_m
                if 0 <= gap <= 7200 and w.distance_m < 0.6 * r.distance_m and slower:
                    out.add(int(r.id))
    return out


def km_paces(metrics: dict[str, Any]) -> list[float]:
    """Paces [s/km] of a run's whole-kilometre splits: stored with its metrics (the
    ``km_paces_s_per_km`` of ``repository.athlete_facts``), else from its splits."""
    if KM_PACES in metrics:
        return list(metrics[KM_PACES])
    return whole_km_paces(metrics.get("splits_km"))


def facts_of(row: Any, metrics: dict[str, Any], warmup_before: bool = False) -> rc.RaceFacts:
    """The classifier's view of one stored run."""
    extra = getattr(row, "extra", None) or {}
    paces = km_paces(metrics)
    iv = metrics.get("intervals")
    reps = iv.get("reps") if isinstance(iv, dict) else None
    mark = mark_of(row)
    if mark is None and imported_race_flag(row):
        mark = True
    return rc.RaceFacts(
        activity_id=row.id,
        day=row.local_date,
        distance_m=_num(row.distance_m),
        duration_s=_num(row.moving_time_s or row.timer_time_s),
        avg_hr_bpm=_num(row.avg_hr_bpm),
        name=row.name,
        description=row.description,
        split_cv_pct=rc.split_cv_pct(paces),
        rpe=_num(extra.get("perceived_exertion")),
        warmup_before=warmup_before,
        elapsed_s=_num(row.elapsed_time_s),
        n_reps=len(reps) if isinstance(reps, list) else 0,
        mark=mark,
    )


def hr_max_until(db: Database, today: date) -> float | None:
    """The max HR the classifier measures effort against: the runner's setting, else the
    robust estimate (best 30 s, see ``models.thresholds``) over every run up to
    ``today``, from one light query (the heart-rate maxima only, not the metrics)."""
    h = history.of(db)  # once per use case
    return h.memo(("hr_max", today), lambda: _hr_max_until(h, today))


def _hr_max_until(h: history.AthleteHistory, today: date) -> float | None:
    st = h.settings()
    if st.hr_max_bpm:
        return float(st.hr_max_bpm)
    with h.db.session() as s:
        rows = athlete_repo.heart_rate_maxima(s, until=today)
    return _estimated_hr_max(rows, is_running)


def _estimated_hr_max(rows: list[Any], is_running: Any) -> float | None:
    facts = [
        thresholds.ActivityFacts(
            activity_id=aid, day=day, max_hr_bpm=_num(hr_max), hr_best_30s_bpm=_num(best_30s)
        )
        for aid, day, sport, hr_max, best_30s in rows
        if is_running(sport)
    ]
    est = thresholds.estimate_hr_max(facts)
    return est.value if est else None


def goal_races(db: Database) -> list[tuple[float, date]]:
    """``(distance m, date)`` of the goal races of the runner's cycles."""
    try:
        with db.session() as s:
            cycles = practice_repo.cycles(s)
    except Exception:  # noqa: BLE001 - no practice tables yet: no goal races
        return []
    return [(c.goal_race.distance_m, c.goal_race.date) for c in cycles if c.goal_race]


def _planned_types(db: Database, days: list[date]) -> dict[date, str]:
    """The workout type the plan in force had on each of ``days`` (quality first)."""
    if not days:
        return {}
    out: dict[date, str] = {}
    for d, workout_type, _ in history.of(db).planned_in_force(min(days), max(days)):
        if workout_type not in ("easy", "recovery", "rest") or d not in out:
            out[d] = workout_type
    return out


def judged_facts(
    db: Database, pairs: list[tuple[Any, dict[str, Any]]]
) -> tuple[list[rc.RaceFacts], tuple[float, ...]]:
    """The classifier's view of the running activities among ``pairs`` (``(row,
    metrics)``: warm-ups, goal-race days and the plan's types filled in) and the goal
    races' distances [m]."""
    runs = [(r, m) for r, m in pairs if is_running(r.sport)]
    warm = _warmups([r for r, _ in runs])
    facts = [facts_of(r, m, int(r.id) in warm) for r, m in runs]
    goals = goal_races(db)
    days = {d for _, d in goals}
    planned = _planned_types(db, [f.day for f in facts])
    for f in facts:
        f.goal_race_day = f.day in days
        f.planned = planned.get(f.day)
    return facts, tuple(m for m, _ in goals)


def verdicts_of(
    db: Database, pairs: list[tuple[Any, dict[str, Any]]], *, hr_max_bpm: float | None
) -> dict[int, rc.RaceVerdict]:
    """Verdicts on the running activities among ``pairs`` (``(row, metrics)``), effort
    measured against ``hr_max_bpm`` (:func:`hr_max_until`)."""
    facts, goals_m = judged_facts(db, pairs)
    out = rc.classify_history(facts, hr_max_bpm=hr_max_bpm, goals_m=goals_m)
    return {int(k): v for k, v in out.items() if k is not None}


def race_verdicts(
    db: Database, *, today: date, since: date | None = None, stored_ok: bool = True
) -> dict[int, rc.RaceVerdict]:
    """``{activity id: verdict}`` for every run up to ``today`` (from ``since``: the same
    verdicts, on the runs from that day only).

    A run is judged against the runs of the year before it and the max HR of every run
    up to ``today``, so the verdicts from ``since`` need only the runs of the year
    before ``since`` and one light read of the heart-rate maxima. Judged once per use
    case: the verdicts are kept with the use case's history (``services.history``).
    The verdicts stored with the runs (``services.stored_verdicts``) are used when every
    one of them was judged on the inputs of now (``stored_ok=False``: judge them all).
    """
    h = history.of(db)
    key = ("race_verdicts", today)
    # (first day judged or None for all, {id: verdict}, {id: local date})
    done: tuple[date | None, dict[int, rc.RaceVerdict], dict[int, date]] | None = h.get(key)
    if done is not None and (done[0] is None or (since is not None and done[0] <= since)):
        _, found, days = done
        return {k: v for k, v in found.items() if since is None or days[k] >= since}
    # judge the runs from ``since`` up to the first day already judged (or ``today``)
    if done is None and stored_ok:  # the verdicts kept with the runs, when still valid
        kept = stored_race_verdicts(db, today=today, since=since)
        if kept is not None:
            h.put(key, (since, *kept))
            return dict(kept[0])
    end = done[0] - timedelta(days=1) if done is not None and done[0] is not None else today
    season = timedelta(days=int(rc.RACE_RULES["season_days"]))
    start = None if since is None else since - season  # each run against its year before
    pairs = [(r, m) for r, m in h.rows_and_metrics(today, start)
             if r.local_date <= end]  # fmt: skip
    judged = verdicts_of(db, pairs, hr_max_bpm=hr_max_until(db, today))
    days = {int(r.id): r.local_date for r, _ in pairs if since is None or r.local_date >= since}
    out = {k: v for k, v in judged.items() if k in days}
    if done is not None:
        out.update(done[1])
        days.update(done[2])
    h.put(key, (since, out, days))
    return dict(out)


def race_keys(
    db: Database, *, today: date, since: date | None
) -> list[tuple[rc.RaceFacts, str | None]]:
    """Each run from ``since`` to ``today`` (by day) with the key of its race verdict's
    inputs (None for a run the runner marked: its verdict is the mark), from two light
    reads: the runs from ``since`` and the sizes of the runs of the year before it."""
    season = timedelta(days=int(rc.RACE_RULES["season_days"]))
    h = history.of(db)
    rows = h.light_rows(until=today, since=since)
    sizes = h.run_sizes(until=today, since=None if since is None else since - season)
    facts, goals_m = judged_facts(db, [(r, {}) for r in rows])
    facts.sort(key=lambda f: f.day)  # as the classifier orders them
    hr_max = hr_max_until(db, today)
    runs = [(i, d, dist, dur) for i, d, sport, dist, dur in sizes if is_running(sport)]
    prints = vk.season_fingerprints(runs, [f.day for f in facts])
    return [
        (f, None if f.mark is not None else vk.race_key(f, fp, hr_max, goals_m))
        for f, fp in zip(facts, prints, strict=True)
    ]


def stored_race_verdicts(
    db: Database, *, today: date, since: date | None
) -> tuple[dict[int, rc.RaceVerdict], dict[int, date]] | None:
    """The race verdicts of the runs from ``since`` to ``today`` (and their days) from the
    stored ones, or None when one of them is missing or was judged on other inputs."""
    keyed = race_keys(db, today=today, since=since)
    with db.session() as s:
        kept = verdicts_repo.stored(s, (int(f.activity_id or 0) for f, k in keyed if k), "race")
    out: dict[int, rc.RaceVerdict] = {}
    for f, k in keyed:
        aid = int(f.activity_id or 0)
        if k is None:  # the runner's mark: no other input
            out[aid] = rc.classify(f, hr_max_bpm=hr_max_until(db, today))
        elif aid in kept and kept[aid][0] == k:
            out[aid] = vk.verdict_of(kept[aid][1])
        else:
            return None
    return out, {int(f.activity_id or 0): f.day for f, _ in keyed}


def race_ids(db: Database, *, today: date, since: date | None = None) -> set[int]:
    """Ids of the runs up to ``today`` (from ``since``) that were races."""
    return {k for k, v in race_verdicts(db, today=today, since=since).items() if v.is_race}


def mark_race(
    db: Database, activity_id: int, is_race: bool | None, *, today: date
) -> dict[str, Any]:
    """Store the runner's mark (None removes it) and return the verdict that follows."""
    with db.session() as s, s.begin():
        marked = set_race_mark(s, activity_id, is_race)
    if marked is None:
        raise LookupError(f"no activity with id {activity_id}")
    day, name = marked
    verdict = race_verdicts(db, today=max(today, day)).get(activity_id)
    return {
        "activity_id": activity_id,
        "name": name,
        "date": day.isoformat(),
        **(verdict.to_dict() if verdict else {"is_race": bool(is_race), "evidence": []}),
    }
