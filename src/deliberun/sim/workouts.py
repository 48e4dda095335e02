"""Workouts of the shared vocabulary as segments (speed + distance or duration).

Each builder takes the day's training speeds (``daniels.training_speeds``) and a
few knobs, and returns the segment list and the compact text the plan uses
(``2km E + 6x800m @I w/ 400m jog + 2km E``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The one workout vocabulary (docs/dev/CONTRACTS.md).
WORKOUT_TYPES: tuple[str, ...] = (
    "easy", "recovery", "long", "mp_long", "tempo", "cruise_intervals",
    "intervals", "hills", "strides", "progression", "race",
)  # fmt: skip

#: Route each workout type usually runs on (``routes.default_routes``).
ROUTE_OF: dict[str, str] = {
    "easy": "river", "recovery": "river", "long": "long", "mp_long": "long",
    "tempo": "park", "cruise_intervals": "park", "intervals": "track", "hills": "hill",
    "strides": "park", "progression": "park", "race": "river",
}  # fmt: skip


@dataclass
class Segment:
    """Run at ``speed`` [m/s] on the flat for ``distance`` [m] or ``duration`` [s]."""

    speed: float
    distance: float | None = None
    duration: float | None = None
    lap: str = "active"  # active | rest | warmup | cooldown
    rep: int | None = None  # index of the work rep (intervals and the like)
    stops_ok: bool = False  # traffic lights may stop the runner here


def _ready(easy: float) -> Segment:
    """The minute of walking between warm-up and the first rep (lap button, drink, shoes)."""
    return Segment(0.4 * easy, None, 60.0, lap="rest")


def _km(d: float) -> str:
    return f"{d / 1000:g}km"


def build_workout(
    workout_type: str,
    speeds: dict[str, float],
    rng: np.random.Generator,
    *,
    distance: float = 10000.0,
    reps: int = 6,
    rep_distance: float = 800.0,
    rest_duration: float = 120.0,
) -> tuple[list[Segment], str]:
    """Segments and plan text for one session.

    Quality sessions have a minute's walk after the warm-up and a recovery jog
    after the last rep, as runners do and as rep detectors expect.

    Parameters
    ----------
    workout_type : str
        One of :data:`WORKOUT_TYPES`.
    speeds : dict
        Training speeds [m/s] with keys E, M, T, I, R.
    rng : numpy.random.Generator
        For the small choices (number of strides, MP blocks).
    distance : float
        Total distance [m] for continuous runs (easy, long, race ...).
    reps, rep_distance, rest_duration : int, float [m], float [s]
        Shape of interval sessions.
    """
    e, m, t, i, r = (speeds[k] for k in "EMTIR")
    wu = Segment(e, 2500.0, lap="warmup", stops_ok=True)
    cd = Segment(e, 2000.0, lap="cooldown", stops_ok=True)
    if workout_type in ("easy", "recovery", "long"):
        v = {"easy": e, "recovery": 0.92 * e, "long": 0.98 * e}[workout_type]
        return [Segment(v, distance, stops_ok=True)], f"{_km(distance)} E"
    if workout_type == "mp_long":
        blocks = int(rng.integers(2, 4))
        block = 4000.0 if distance < 26000 else 5000.0
        segs = [Segment(e, 3000.0, lap="warmup", stops_ok=True)]
        for b in range(blocks):
            segs += [Segment(m, block, rep=b), Segment(e, 1000.0, lap="rest")]
        rest = max(distance - 3000.0 - blocks * (block + 1000.0), 1000.0)
        segs.append(Segment(e, rest, lap="cooldown", stops_ok=True))
        return segs, f"3km E + {blocks}x{_km(block)} @M w/ 1km E + {_km(rest)} E"
    if workout_type == "tempo":
        d = float(np.clip(distance - 4500.0, 4000.0, 10000.0))
        return [wu, Segment(t, d, rep=0), cd], f"2.5km E + {_km(d)} @T + 2km E"
    if workout_type == "cruise_intervals":
        segs = [wu, _ready(e)]
        for k in range(reps):
            segs += [Segment(t, 1600.0, rep=k), Segment(0.75 * e, None, 60.0, lap="rest")]
        return segs + [cd], f"2.5km E + {reps}x1.6km @T w/ 60s jog + 2km E"
    if workout_type == "intervals":
        segs = [wu, _ready(e)]
        for k in range(reps):
            segs.append(Segment(i, rep_distance, rep=k))
            segs.append(Segment(0.55 * e, None, rest_duration, lap="rest"))
        text = f"2.5km E + {reps}x{rep_distance:g}m @I w/ {rest_duration:g}s jog + 2km E"
        return segs + [cd], text
    if workout_type == "hills":
        segs = [Segment(e, 3000.0, lap="warmup"), _ready(e)]
        for k in range(reps):
            segs += [Segment(i, None, 60.0, rep=k), Segment(0.6 * e, None, 90.0, lap="rest")]
        return segs + [cd], f"3km E + {reps}x60s hill @I w/ 90s jog + 2km E"
    if workout_type == "strides":
        n = int(rng.integers(6, 9))
        segs = [Segment(e, max(distance - 1500.0, 3000.0), stops_ok=True)]
        for k in range(n):
            segs += [Segment(r, None, 20.0, rep=k), Segment(0.7 * e, None, 60.0, lap="rest")]
        return segs, f"{_km(max(distance - 1500.0, 3000.0))} E + {n}x20s strides"
    if workout_type == "progression":
        third = distance / 3.0
        segs = [Segment(e, third, lap="warmup"), Segment(m, third, rep=0), Segment(t, third, rep=1)]
        return segs, f"{_km(third)} E + {_km(third)} @M + {_km(third)} @T"
    if workout_type == "race":  # as a runner types it in the plan: race 21.0975km @4:33/km
        pace = round(1000.0 / speeds["race"])
        return [
            Segment(speeds["race"], distance, rep=0)
        ], f"race {_km(distance)} @{pace // 60}:{pace % 60:02d}/km"
    raise ValueError(
        f"unknown workout type {workout_type!r}; use one of {', '.join(WORKOUT_TYPES)}"
    )
