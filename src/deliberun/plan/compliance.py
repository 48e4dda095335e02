"""Planned vs done: match activities to planned workouts, score execution and compliance.

Compliance colours follow TrainingPeaks' help page on workout compliance (tested against
``tests/data/reference/misc.json`` ``compliance_colours_trainingpeaks``): green within ±20 % of the planned duration,
yellow 50-79 % or 121-150 %, red below 50 %, above 150 % or missed.

Execution compares the detected interval reps (``metrics.intervals.reps``, see
docs/dev/CONTRACTS.md) with the planned work steps: how many reps, how many on
pace, how much the last rep faded, and how the rests compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from deliberun.plan.paces import zone_paces
from deliberun.plan.planned import PlannedDay
from deliberun.plan.workout import Step, Workout, estimate, is_hard, iter_flat

#: Thresholds of the execution score (project conventions, documented in docs/plans.md).
EXECUTION_THRESHOLDS = {
    "pace_slack": 0.02,  # a rep is on pace within the band widened by 2 % of pace
    "distance_slack": 0.10,  # a rep's distance/duration within 10 % of the plan
    "failed_pace_share": 0.5,  # fewer than half the reps on pace → failed
    "failed_rep_share": 0.75,  # fewer than 75 % of the reps done → failed
    "failed_fade_pct": 5.0,  # last rep more than 5 % slower than the others → failed
}

#: TrainingPeaks compliance bands on done/planned duration (misc.json).
COMPLIANCE_BANDS = {"green": (0.8, 1.2), "yellow": (0.5, 1.5)}


@dataclass
class ExecutionScore:
    """How a structured session went against its plan."""

    reps_planned: int
    reps_done: int
    pace_hit_share: float | None
    distance_hit_share: float | None
    last_rep_fade_pct: float | None
    rest_ratio: float | None
    cut_short: bool
    failed: bool
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _work_steps(workout: Workout) -> tuple[list[Step], list[Step]]:
    """Planned work reps (inside repeats, or the targeted work steps) and their recoveries."""
    work: list[Step] = []
    rest: list[Step] = []
    in_repeat = any(s.kind == "repeat" for s in workout.steps)
    for top in workout.steps:
        if in_repeat and top.kind != "repeat":
            continue
        for s in iter_flat([top]):
            if s.kind == "work":
                work.append(s)
            elif s.kind == "recovery":
                rest.append(s)
    return work, rest


def is_scored(workout: Workout) -> bool:
    """True for a structured session worth an execution score: repeats with a pace target.

    Strides (no target) are not scored: the interval detector is not expected to see 20 s reps.
    """
    work, _ = _work_steps(workout)
    return any(s.kind == "repeat" for s in workout.steps) and any(
        s.target is not None and s.target.kind in ("zone", "pace") for s in work
    )


def score_execution(
    planned_workout: Workout,
    reps: Sequence[Mapping[str, Any]],
    paces: Mapping[str, tuple[float, float]],
) -> ExecutionScore:
    """Score detected interval reps against the planned workout.

    Parameters
    ----------
    planned_workout : Workout
        The planned structured workout.
    reps : sequence of dict
        Detected work reps (``intervals.reps`` of the metrics): ``distance_m``,
        ``duration_s``, ``speed_m_per_s``, ``recovery_s``, ``recovery_distance_m``.
    paces : mapping
        ``{zone: (fast, slow)}`` [s/km] from the runner's VDOT (``zone_paces``).

    Returns
    -------
    ExecutionScore
        ``score`` in 0..1 is the mean of rep completion, pace hits and distance hits.
    """
    th = EXECUTION_THRESHOLDS
    work, rest = _work_steps(planned_workout)
    n_plan = len(work)
    n_done = len(reps)
    reasons: list[str] = []
    hits: list[bool] = []
    dist_hits: list[bool] = []
    rep_paces: list[float] = []
    for i, rep in enumerate(reps):
        speed = float(rep.get("speed_m_per_s") or 0.0)
        if speed <= 0 and rep.get("distance_m") and rep.get("duration_s"):
            speed = float(rep["distance_m"]) / float(rep["duration_s"])
        pace = 1000.0 / speed if speed > 0 else math.inf
        rep_paces.append(pace)
        plan = work[i] if i < n_plan else (work[-1] if work else None)
        if plan is None:
            continue
        band = plan.target.resolve(paces) if plan.target else None
        if band is not None:
            lo, hi = band[0] * (1 - th["pace_slack"]), band[1] * (1 + th["pace_slack"])
            ok = lo <= pace <= hi
            hits.append(ok)
            if not ok:
                word = "slow" if pace > hi else "fast"
                reasons.append(
                    f"rep {i + 1} too {word}: {pace:.0f} s/km vs {band[0]:.0f}-{band[1]:.0f}"
                )
        if plan.distance_m is not None and rep.get("distance_m") is not None:
            dist_hits.append(
                abs(float(rep["distance_m"]) / plan.distance_m - 1) <= th["distance_slack"]
            )
        elif plan.duration_s is not None and rep.get("duration_s") is not None:
            dist_hits.append(
                abs(float(rep["duration_s"]) / plan.duration_s - 1) <= th["distance_slack"]
            )
    pace_share = sum(hits) / len(hits) if hits else None
    if hits and n_plan > n_done:
        pace_share = sum(hits) / n_plan  # missing reps count as missed
    dist_share = sum(dist_hits) / max(len(dist_hits), n_plan) if dist_hits else None
    fade = None
    if len(rep_paces) >= 2 and all(math.isfinite(p) for p in rep_paces):
        first = rep_paces[: max(1, len(rep_paces) // 2)]
        ref = sum(first) / len(first)
        fade = 100.0 * (rep_paces[-1] - ref) / ref
    rest_ratio = _rest_ratio(rest, reps, paces)
    cut_short = n_done < n_plan
    if cut_short:
        reasons.insert(0, f"{n_done} of {n_plan} reps done")
    failed = bool(
        (n_plan and n_done < th["failed_rep_share"] * n_plan)
        or (pace_share is not None and pace_share < th["failed_pace_share"])
        or (fade is not None and fade > th["failed_fade_pct"])
    )
    if fade is not None and fade > th["failed_fade_pct"]:
        reasons.append(f"last rep faded {fade:.1f}%")
    parts = [min(1.0, n_done / n_plan) if n_plan else 1.0]
    parts += [x for x in (pace_share, dist_share) if x is not None]
    return ExecutionScore(
        reps_planned=n_plan,
        reps_done=n_done,
        pace_hit_share=pace_share,
        distance_hit_share=dist_share,
        last_rep_fade_pct=fade,
        rest_ratio=rest_ratio,
        cut_short=cut_short,
        failed=failed,
        score=round(sum(parts) / len(parts), 3),
        reasons=reasons,
    )


def _rest_ratio(
    rest: list[Step], reps: Sequence[Mapping[str, Any]], paces: Mapping[str, tuple[float, float]]
) -> float | None:
    if not rest or len(reps) < 2:
        return None
    ratios = []
    for i, rep in enumerate(reps[:-1]):
        plan = rest[min(i, len(rest) - 1)]
        if plan.duration_s is not None and rep.get("recovery_s") is not None:
            ratios.append(float(rep["recovery_s"]) / plan.duration_s)
        elif plan.distance_m is not None and rep.get("recovery_distance_m") is not None:
            ratios.append(float(rep["recovery_distance_m"]) / plan.distance_m)
        elif plan.distance_m is not None and rep.get("recovery_s") is not None:
            jog = 2000.0 / sum(paces["E"])
            ratios.append(float(rep["recovery_s"]) * jog / plan.distance_m)
    return round(sum(ratios) / len(ratios), 3) if ratios else None


def colour(ratio: float | None) -> str:
    """TrainingPeaks colour of done/planned (None = missed → red)."""
    if ratio is None or ratio <= 0:
        return "red"
    g, y = COMPLIANCE_BANDS["green"], COMPLIANCE_BANDS["yellow"]
    if g[0] <= ratio <= g[1]:
        return "green"
    if y[0] <= ratio <= y[1]:
        return "yellow"
    return "red"


def _kind_fit(day: PlannedDay, act: Mapping[str, Any]) -> float:
    """Lower is a better match: structure agreement plus relative distance difference."""
    reps = act.get("reps") or []
    structured = is_hard(day.workout_type) and day.workout_type not in ("long", "race")
    penalty = 0.0 if bool(reps) == structured else 0.5
    return penalty + abs(float(act.get("distance_m") or 0) - float(act.get("_planned_m", 0))) / max(
        1.0, float(act.get("_planned_m", 1))
    )


def match(
    days: Sequence[PlannedDay], activities: Sequence[Mapping[str, Any]], vdot: float
) -> list[tuple[PlannedDay, Mapping[str, Any] | None]]:
    """Pair each planned day with at most one activity of the same local date.

    An activity left over on a neighbouring day (±1) is taken by an unmatched
    planned day of a compatible kind (a shifted session).
    """
    by_date: dict[date, list[Mapping[str, Any]]] = {}
    for a in activities:
        d = a["local_date"]
        d = d if isinstance(d, date) else date.fromisoformat(str(d))
        by_date.setdefault(d, []).append(a)
    used: set[int] = set()
    pairs: dict[int, Mapping[str, Any] | None] = {}
    for pass_ in (0, 1):
        for i, day in enumerate(days):
            if i in pairs and pairs[i] is not None:
                continue
            planned_m = estimate(day.workout(), vdot)[0]
            cands = []
            for off in (0,) if pass_ == 0 else (-1, 1):
                for a in by_date.get(day.date + timedelta(days=off), []):
                    if id(a) not in used:
                        cands.append(a)
            if cands:
                best = min(cands, key=lambda a: _kind_fit(day, {**a, "_planned_m": planned_m}))
                used.add(id(best))
                pairs[i] = best
            else:
                pairs.setdefault(i, None)
    return [(day, pairs.get(i)) for i, day in enumerate(days)]


def compliance(
    days: Sequence[PlannedDay],
    activities: Sequence[Mapping[str, Any]],
    vdot: float,
    *,
    today: date,
) -> dict[str, Any]:
    """Planned vs done per workout and per week (Monday start), up to ``today``.

    ``activities`` are summaries: ``local_date``, ``distance_m``, ``moving_time_s``,
    optional ``id`` and ``reps`` (``intervals.reps``).
    """
    rows = workout_rows(days, activities, vdot, today=today)
    return {"workouts": rows, "weeks": week_rows(rows)}


def workout_rows(
    days: Sequence[PlannedDay],
    activities: Sequence[Mapping[str, Any]],
    vdot: float,
    *,
    today: date,
) -> list[dict[str, Any]]:
    """One row per planned day up to ``today``: matched activity, colour, execution."""
    paces = zone_paces(vdot)
    past = [d for d in days if d.date <= today and d.status != "moved"]
    rows = []
    for day, act in match(past, activities, vdot):
        w = day.workout()
        plan_m, plan_s = estimate(w, vdot)
        row: dict[str, Any] = {
            "date": day.date.isoformat(),
            "workout_type": day.workout_type,
            "text": day.text,
            "planned_distance_m": round(plan_m, 1),
            "planned_duration_s": round(plan_s, 1),
            "activity_id": None,
            "done_distance_m": None,
            "done_duration_s": None,
            "duration_ratio": None,
            "colour": "red",
            "status": "skipped" if day.status == "skipped" else "missed",
            "execution": None,
        }
        if act is not None:
            done_s = float(act.get("moving_time_s") or 0.0)
            ratio = done_s / plan_s if plan_s > 0 else None
            row.update(
                activity_id=act.get("id"),
                done_distance_m=act.get("distance_m"),
                done_duration_s=done_s,
                duration_ratio=round(ratio, 3) if ratio is not None else None,
                colour=colour(ratio),
                status="done",
            )
            if is_scored(w) and act.get("reps") is not None:
                row["execution"] = score_execution(w, act["reps"], paces).to_dict()
        rows.append(row)
    return rows


def week_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Planned vs done per week (Monday start) of ``workout_rows``."""
    weeks: dict[date, dict[str, Any]] = {}
    for r in rows:
        d = date.fromisoformat(r["date"])
        monday = d - timedelta(days=d.weekday())
        wk = weeks.setdefault(
            monday,
            {
                "week_start": monday.isoformat(),
                "planned_duration_s": 0.0,
                "done_duration_s": 0.0,
                "planned_distance_m": 0.0,
                "done_distance_m": 0.0,
                "workouts": 0,
                "done": 0,
                "colours": {"green": 0, "yellow": 0, "red": 0},
                "execution_scores": [],
            },
        )
        wk["planned_duration_s"] += r["planned_duration_s"]
        wk["planned_distance_m"] += r["planned_distance_m"]
        wk["done_duration_s"] += r["done_duration_s"] or 0.0
        wk["done_distance_m"] += float(r["done_distance_m"] or 0.0)
        wk["workouts"] += 1
        wk["done"] += r["status"] == "done"
        wk["colours"][r["colour"]] += 1
        if r["execution"]:
            wk["execution_scores"].append(r["execution"]["score"])
    out = []
    for wk in weeks.values():
        ratio = (
            wk["done_duration_s"] / wk["planned_duration_s"] if wk["planned_duration_s"] else None
        )
        scores = wk.pop("execution_scores")
        wk["duration_ratio"] = round(ratio, 3) if ratio is not None else None
        wk["colour"] = colour(ratio)
        wk["execution_score"] = round(sum(scores) / len(scores), 3) if scores else None
        out.append(wk)
    return out
