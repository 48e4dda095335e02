"""Same-session comparison: every session of the same structure, side by side.

A structured session's shape is its work reps (``metrics.intervals``: detected from
the streams or the watch's laps). Two sessions have the same structure when they have
the same number of reps and their reps are alike in what the runner held constant:
the distance (6 x 800 m) or the duration (3 x 10 min), within ``SIZE_TOLERANCE`` rep
by rep. Runs without reps (easy, long) are compared with runs of the same kind and a
similar distance (within ``DISTANCE_TOLERANCE``).

Per rep: pace, grade-adjusted pace, heart rate and the recovery after it; per session:
the mean rep pace, the fade (last rep vs the first two, %), the heart-rate rise over
the reps and the mean recovery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

#: Reps are "the same size" within this fraction (GPS distance, a lap pressed late).
SIZE_TOLERANCE = 0.12
#: Unstructured runs of the same kind compare within this fraction of distance.
DISTANCE_TOLERANCE = 0.15


@dataclass
class SessionShape:
    """One run as the comparison sees it; ``reps`` are ``metrics.intervals`` rep dicts."""

    activity_id: int
    local_date: date
    workout_type: str
    distance_m: float | None = None
    moving_time_s: float | None = None
    name: str | None = None
    summary: str = ""
    reps: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reps = work_reps(self.reps)


#: An end rep slower than this fraction of the median rep speed is a warm-up or
#: cool-down the watch's laps counted as a rep (it is dropped from the structure).
END_REP_SPEED_FRACTION = 0.85


def work_reps(reps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reps without warm-up/cool-down laps at either end (slower than
    ``END_REP_SPEED_FRACTION`` of the median rep)."""
    out = list(reps)
    while len(out) >= 3:
        v = np.array([r.get("speed_m_per_s") or 0.0 for r in out], dtype=float)
        slow = END_REP_SPEED_FRACTION * float(np.median(v))
        if v[0] < slow:
            out = out[1:]
        elif v[-1] < slow:
            out = out[:-1]
        else:
            break
    return out


def _sizes(reps: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    d = np.array([r.get("distance_m") or np.nan for r in reps], dtype=float)
    t = np.array([r.get("duration_s") or np.nan for r in reps], dtype=float)
    return d, t


def _cv(x: np.ndarray) -> float:
    m = float(np.nanmean(x)) if np.isfinite(x).any() else 0.0
    return float(np.nanstd(x) / m) if m > 0 else np.inf


def basis(reps: list[dict[str, Any]]) -> str:
    """``distance`` or ``time``: what the reps held constant (the smaller spread)."""
    d, t = _sizes(reps)
    return "distance" if _cv(d) <= _cv(t) else "time"


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    with np.errstate(invalid="ignore"):
        rel = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    return bool(np.isfinite(rel).all() and (rel <= SIZE_TOLERANCE).all())


def same_structure(a: SessionShape, b: SessionShape) -> bool:
    """Whether two sessions are the same workout (see module notes)."""
    if len(a.reps) >= 2 or len(b.reps) >= 2:
        if len(a.reps) != len(b.reps):
            return False
        (da, ta), (db, tb) = _sizes(a.reps), _sizes(b.reps)
        if basis(a.reps) == "distance" and basis(b.reps) == "distance":
            return _alike(da, db)
        return _alike(ta, tb) or _alike(da, db)
    if a.workout_type != b.workout_type or not a.distance_m or not b.distance_m:
        return False
    return abs(a.distance_m - b.distance_m) <= DISTANCE_TOLERANCE * max(a.distance_m, b.distance_m)


def comparable(target: SessionShape, sessions: list[SessionShape]) -> list[SessionShape]:
    """The sessions (the target included) of the same structure as ``target``, by date."""
    out = [s for s in sessions if s.activity_id == target.activity_id or same_structure(target, s)]
    return sorted(out, key=lambda s: (s.local_date, s.activity_id))


def group_sessions(sessions: list[SessionShape]) -> list[list[int]]:
    """Structured sessions (2+ reps) grouped by structure (leader grouping in date order):
    lists of activity ids, largest first."""
    leaders: list[SessionShape] = []
    groups: list[list[int]] = []
    for s in sorted(sessions, key=lambda x: (x.local_date, x.activity_id)):
        if len(s.reps) < 2:
            continue
        for i, lead in enumerate(leaders):
            if same_structure(lead, s):
                groups[i].append(s.activity_id)
                break
        else:
            leaders.append(s)
            groups.append([s.activity_id])
    return sorted(groups, key=len, reverse=True)


def _pace(speed: Any) -> float | None:
    return 1000.0 / float(speed) if speed else None


def session_table(s: SessionShape) -> dict[str, Any]:
    """Per-rep rows and per-session figures of one session."""
    reps = []
    for i, r in enumerate(s.reps, start=1):
        reps.append(
            {
                "rep": i,
                "distance_m": r.get("distance_m"),
                "duration_s": r.get("duration_s"),
                "pace_s_per_km": _pace(r.get("speed_m_per_s")),
                "gap_pace_s_per_km": _pace(r.get("gap_speed_m_per_s")),
                "avg_hr_bpm": r.get("avg_hr_bpm"),
                "max_hr_bpm": r.get("max_hr_bpm"),
                "recovery_s": r.get("recovery_s"),
            }
        )
    paces: list[float] = [
        float(p) for p in (r["gap_pace_s_per_km"] or r["pace_s_per_km"] for r in reps) if p
    ]
    fade = None
    if len(paces) >= 3:
        first = float(np.mean(paces[:2]))
        fade = 100.0 * (paces[-1] - first) / first
    hrs = [r["avg_hr_bpm"] for r in reps if r["avg_hr_bpm"]]
    recs = [float(r["recovery_s"]) for r in reps if r["recovery_s"] is not None]
    return {
        "activity_id": s.activity_id,
        "local_date": s.local_date.isoformat(),
        "name": s.name,
        "workout_type": s.workout_type,
        "summary": s.summary,
        "distance_m": s.distance_m,
        "moving_time_s": s.moving_time_s,
        "mean_rep_pace_s_per_km": float(np.mean(paces)) if paces else None,
        "fade_pct": fade,
        "hr_rise_bpm": (hrs[-1] - hrs[0]) if len(hrs) >= 2 else None,
        "mean_recovery_s": float(np.mean(recs)) if recs else None,
        "reps": reps,
    }
