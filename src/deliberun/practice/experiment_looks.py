"""The looks an experiment has had: what the weekly review said about it, week by week.

The verdict is recomputed at every weekly review (the end of each week, Sunday) and on
the day asked; each such look is judged against the sequential boundary for the share
of the planned sessions then in (``stats.sequential_alpha``), so a look can only show
what the boundary allowed at that point. The dashboard lists them with the arms, so a
runner sees which sessions were A and which B and how the verdict came about. The look
at which the planned sessions are in is the last one: its verdict is final.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from deliberun.practice.experiments import ExperimentResult, ExperimentSpec, analyze_experiment
from deliberun.practice.session import Session


def look_days(spec: ExperimentSpec, sessions: list[Session], today: date) -> list[date]:
    """Every Sunday from the week of the experiment's first session to ``today``, and
    ``today`` itself, keeping only days with a session of the experiment not seen at the
    look before (a week without one changes nothing)."""
    in_exp = sorted(
        s.local_date
        for s in sessions
        if s.local_date <= today
        and (spec.workout_type is None or s.workout_type == spec.workout_type)
        and (spec.start is None or s.local_date >= spec.start)
        and (spec.end is None or s.local_date <= spec.end)
    )
    if not in_exp:
        return []
    first = in_exp[0]
    day = first + timedelta(days=6 - first.weekday())
    candidates = []
    while day < today:
        candidates.append(day)
        day += timedelta(days=7)
    candidates.append(today)
    out: list[date] = []
    seen = 0
    for d in candidates:
        n = sum(1 for x in in_exp if x <= d)
        if n > seen:
            out.append(d)
            seen = n
    return out


def experiment_looks(
    spec: ExperimentSpec,
    sessions: list[Session],
    today: date,
    *,
    seed: int = 0,
    permutations: int = 199,
    now: ExperimentResult | None = None,
) -> list[dict[str, Any]]:
    """One row per look (see :func:`look_days`): the sessions in per arm, the share of
    the planned sessions, the nominal p the look had to reach, the effect with its 90%
    interval and the verdict then. The last row holds every session up to today: it is
    ``now`` when the caller has today's analysis already (the verdict shown beside it)."""
    rows = []
    days = look_days(spec, sessions, today)
    for d in days:
        res = (
            now  # the last look holds every session up to today: today's analysis
            if now is not None and d == days[-1]
            else analyze_experiment(
                spec,
                [s for s in sessions if s.local_date <= d],
                seed=seed,
                permutations=permutations,
            )
        )
        n = len(res.sessions_a) + len(res.sessions_b)
        rows.append(
            {
                "date": d.isoformat(),
                "sessions_a": len(res.sessions_a),
                "sessions_b": len(res.sessions_b),
                "information": min(1.0, n / res.planned_sessions) if res.planned_sessions else None,
                "alpha_this_look": res.alpha_now,
                "effect": res.effect,
                "interval_90": list(res.interval_90) if res.interval_90 else None,
                "verdict": res.verdict,
                "interim": res.interim,
            }
        )
        if not res.interim:
            break  # the look at the planned count is the last: later ones test nothing
    return rows
