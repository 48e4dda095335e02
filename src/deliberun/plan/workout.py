"""Structured workouts: a tree of steps (warm-up, work, recovery, cool-down, repeats).

Every step is measured by distance [m] or duration [s] and may carry a target:
a Daniels zone (E/M/T/I/R, resolved from VDOT), a pace or pace range [s/km],
a heart-rate range [bpm] or an RPE (CR-10). Workout types follow the one
vocabulary of ``docs/dev/CONTRACTS.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from deliberun.plan.paces import race_time, zone_paces

#: The workout types shared by plan, sim and practice (docs/dev/CONTRACTS.md).
WORKOUT_TYPES = (
    "easy",
    "recovery",
    "long",
    "mp_long",
    "tempo",
    "cruise_intervals",
    "intervals",
    "hills",
    "strides",
    "progression",
    "race",
)

#: Workout types that load the runner enough to need an easy day after them.
HARD_TYPES = frozenset(
    {"long", "mp_long", "tempo", "cruise_intervals", "intervals", "hills", "progression", "race"}
)

STEP_KINDS = ("warmup", "work", "recovery", "cooldown", "repeat")

#: A single pace (``@4:10/km``) is held to ± this fraction of speed (project convention).
PACE_TOLERANCE = 0.02

#: Speed of a walked step [m/s] (a brisk walk), and of a rest given as a distance
#: (``400m rest``: nobody stands still over 400 m).
WALK_SPEED_M_PER_S = 1.4


@dataclass(frozen=True)
class Target:
    """What to hold during a step.

    ``kind`` is ``zone`` (``zone`` set), ``pace`` (``pace_s_per_km`` = (fast, slow),
    equal for a single pace; ``unit`` ``km`` or ``mi`` for display), ``hr``
    (``hr_bpm`` = (low, high)) or ``rpe`` (``rpe``).
    """

    kind: str
    zone: str | None = None
    pace_s_per_km: tuple[float, float] | None = None
    unit: str = "km"
    hr_bpm: tuple[float, float] | None = None
    rpe: float | None = None

    def resolve(
        self, paces: Mapping[str, tuple[float, float]] | None
    ) -> tuple[float, float] | None:
        """The pace band (fast, slow) [s/km] this target asks for, or None (HR, RPE)."""
        if self.kind == "zone" and self.zone is not None:
            if paces is None:
                return None
            lo, hi = paces[self.zone]
            return (float(lo), float(hi))
        if self.kind == "pace" and self.pace_s_per_km is not None:
            lo, hi = self.pace_s_per_km
            if lo == hi:
                return (lo / (1 + PACE_TOLERANCE), lo / (1 - PACE_TOLERANCE))
            return (lo, hi)
        return None

    def to_dict(self, paces: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.zone is not None:
            d["zone"] = self.zone
        band = self.resolve(paces)
        if band is not None:
            d["pace_s_per_km"] = [round(band[0], 1), round(band[1], 1)]
        elif self.pace_s_per_km is not None:
            d["pace_s_per_km"] = list(self.pace_s_per_km)
        if self.kind == "pace" and self.pace_s_per_km is not None:
            d["unit"] = self.unit
            d["given_s_per_km"] = list(self.pace_s_per_km)  # as typed; the band is widened
        if self.hr_bpm is not None:
            d["hr_bpm"] = list(self.hr_bpm)
        if self.rpe is not None:
            d["rpe"] = self.rpe
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Target:
        pace = d.get("given_s_per_km") or d.get("pace_s_per_km")
        hr = d.get("hr_bpm")
        kind = str(d.get("kind", "zone" if d.get("zone") else "pace"))
        return cls(
            kind=kind,
            zone=d.get("zone"),
            # a zone's band is recomputed from VDOT; keep only an explicit pace
            pace_s_per_km=(float(pace[0]), float(pace[1])) if pace and kind == "pace" else None,
            unit=str(d.get("unit", "km")),
            hr_bpm=(float(hr[0]), float(hr[1])) if hr else None,
            rpe=float(d["rpe"]) if d.get("rpe") is not None else None,
        )


@dataclass(frozen=True)
class Step:
    """One step, or a repeat block (``kind == "repeat"``, ``reps`` times ``steps``).

    ``label`` keeps the runner's word for a step (``jog``, ``rest``, ``walk``,
    ``strides``, ``hill``, ``race``); a ``rest`` is standing still, a ``jog`` is easy running.
    """

    kind: str
    distance_m: float | None = None
    duration_s: float | None = None
    target: Target | None = None
    label: str | None = None
    reps: int = 1
    steps: tuple[Step, ...] = ()

    def to_dict(self, paces: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.kind == "repeat":
            d["reps"] = self.reps
            d["steps"] = [s.to_dict(paces) for s in self.steps]
            return d
        if self.distance_m is not None:
            d["distance_m"] = self.distance_m
        if self.duration_s is not None:
            d["duration_s"] = self.duration_s
        d["target"] = self.target.to_dict(paces) if self.target else None
        if self.label:
            d["label"] = self.label
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Step:
        kind = str(d.get("kind", ""))
        if kind not in STEP_KINDS:
            raise ValueError(f"step kind {kind!r} unknown: use one of {', '.join(STEP_KINDS)}")
        if kind == "repeat":
            return cls(
                kind="repeat",
                reps=int(d.get("reps", 1)),
                steps=tuple(cls.from_dict(s) for s in d.get("steps", [])),
            )
        t = d.get("target")
        return cls(
            kind=kind,
            distance_m=float(d["distance_m"]) if d.get("distance_m") is not None else None,
            duration_s=float(d["duration_s"]) if d.get("duration_s") is not None else None,
            target=Target.from_dict(t) if t else None,
            label=d.get("label"),
        )


@dataclass(frozen=True)
class Workout:
    """A structured workout: top-level steps, optionally typed and named."""

    steps: tuple[Step, ...]
    workout_type: str | None = None
    name: str | None = None

    def to_dict(self, paces: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
        """JSON-able tree; zone targets carry their resolved pace band when ``paces`` is given."""
        return {
            "workout_type": self.workout_type,
            "name": self.name,
            "steps": [s.to_dict(paces) for s in self.steps],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Workout:
        return cls(
            steps=tuple(Step.from_dict(s) for s in d.get("steps", [])),
            workout_type=d.get("workout_type"),
            name=d.get("name"),
        )

    def with_type(self, workout_type: str | None) -> Workout:
        return replace(self, workout_type=workout_type)


def iter_flat(steps: tuple[Step, ...] | list[Step]) -> Iterator[Step]:
    """Every executed step in order, repeats unrolled."""
    for s in steps:
        if s.kind == "repeat":
            for _ in range(s.reps):
                yield from iter_flat(s.steps)
        else:
            yield s


def step_speed(
    step: Step, paces: Mapping[str, tuple[float, float]], vdot: float | None = None
) -> float:
    """Expected speed [m/s] of a step: middle of its pace band, E for jogs, 0 for rest.

    A race step without a target (``race 10k``) is run at the runner's equivalent race
    speed for its distance when ``vdot`` is given (Daniels & Gilbert, ``race_time``).
    """
    if step.label == "race" and step.target is None and vdot and step.distance_m:
        return _race_speed(round(float(vdot), 2), float(step.distance_m))
    if step.label == "rest":
        return 0.0
    if step.label == "walk":
        return WALK_SPEED_M_PER_S
    band = step.target.resolve(paces) if step.target else None
    if band is None:
        band = paces["E"]
    return 2000.0 / (band[0] + band[1])


@functools.lru_cache(maxsize=256)
def _race_speed(vdot: float, distance_m: float) -> float:
    """Equivalent race speed [m/s] over ``distance_m`` for ``vdot``."""
    return distance_m / race_time(vdot, distance_m)


def estimate(workout: Workout, vdot: float) -> tuple[float, float]:
    """Planned (distance [m], duration [s]) of a workout at the runner's VDOT paces."""
    paces = zone_paces(vdot)
    dist = 0.0
    dur = 0.0
    for s in iter_flat(workout.steps):
        v = step_speed(s, paces, vdot)
        if s.distance_m is not None:
            dist += s.distance_m
            dur += s.distance_m / (v if v > 0 else WALK_SPEED_M_PER_S)
        elif s.duration_s is not None:
            dur += s.duration_s
            dist += s.duration_s * v
    return dist, dur


def is_hard(workout_type: str | None) -> bool:
    """True for the types that need an easy day after them (``HARD_TYPES``)."""
    return workout_type in HARD_TYPES


def infer_workout_type(workout: Workout, vdot: float = 45.0) -> str:
    """A workout type for an untyped workout (an imported FIT file, a YAML entry without one).

    Labels first (``race`` → race, ``hill`` → hills, ``strides`` → strides), then the hardest zone of the
    work steps (R/I → intervals, T → cruise_intervals in repeats else tempo, M → mp_long
    from 16 km else progression), else long from 16 km or 90 min, else easy.
    """
    flat = list(iter_flat(workout.steps))
    labels = {s.label for s in flat}
    if "race" in labels:
        return "race"
    if "hill" in labels:
        return "hills"
    if "strides" in labels:
        return "strides"
    work_zones = {s.target.zone for s in flat if s.kind == "work" and s.target and s.target.zone}
    dist, dur = estimate(workout, vdot)
    if work_zones & {"R", "I"}:
        return "intervals"
    if "T" in work_zones:
        in_repeat = any(s.kind == "repeat" for s in workout.steps)
        return "cruise_intervals" if in_repeat else "tempo"
    if "M" in work_zones:
        return "mp_long" if dist >= 16000 else "progression"
    return "long" if dist >= 16000 or dur >= 5400 else "easy"
