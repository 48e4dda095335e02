"""A library of structured workouts per workout type, each list ordered easier → harder.

The generator picks a variant by phase progress and by the week's volume; a runner
can list them (``deliberun workout library``) and use any text as a template.

References
----------
.. [1] Daniels J (2014). Daniels' Running Formula, 3rd ed. Human Kinetics.
   (E/M/T/I/R zones; T work 20 min continuous or cruise intervals with 1 min rest
   per 5 min; I reps 3-5 min with equal jog; R reps 200-400 m with equal jog.)
.. [2] Pfitzinger P, Douglas S (2019). Advanced Marathoning, 3rd ed. Human
   Kinetics. (Long runs with marathon-pace segments; progression runs.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deliberun.errors import InvalidInput
from deliberun.plan.text import parse_workout
from deliberun.plan.workout import WORKOUT_TYPES, Workout


@dataclass(frozen=True)
class LibraryEntry:
    """One library workout: its type, a short name, the text and what it trains."""

    workout_type: str
    name: str
    text: str
    purpose: str
    source: str

    def workout(self) -> Workout:
        return parse_workout(self.text, workout_type=self.workout_type, name=self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "workout_type": self.workout_type,
            "name": self.name,
            "text": self.text,
            "purpose": self.purpose,
            "source": self.source,
        }


_D = "Daniels 2014"
_P = "Pfitzinger & Douglas 2019"

#: ``{workout_type: [(name, text, purpose, source), ...]}``, each list easier → harder.
_LIBRARY: dict[str, list[tuple[str, str, str, str]]] = {
    "easy": [
        ("easy 5 km", "5km E", "aerobic volume", _D),
        ("easy 8 km", "8km E", "aerobic volume", _D),
        ("easy 45 min", "45min E", "aerobic volume", _D),
        ("easy 12 km", "12km E", "aerobic volume", _D),
    ],
    "recovery": [
        ("recovery 25 min", "25min E", "blood flow after a hard day", _D),
        ("recovery 5 km", "5km E", "blood flow after a hard day", _D),
    ],
    "strides": [
        ("easy + 6 strides", "5km E + 6x100m strides w/ 100m jog", "leg speed, economy", _D),
        ("easy + 8 strides", "6km E + 8x100m strides w/ 100m jog", "leg speed, economy", _D),
        ("easy + 10 x 20 s", "8km E + 10x20s strides w/ 40s jog", "leg speed, economy", _D),
    ],
    "hills": [
        ("5 x 45 s hills", "1km E + 5x45s hill @RPE8 w/ 90s jog + 1km E", "strength, economy", _D),
        ("6 x 60 s hills", "2km E + 6x1min hill @RPE8 w/ 90s jog + 2km E", "strength, economy", _D),
        ("8 x 75 s hills", "3km E + 8x75s hill @RPE8 w/ 2min jog + 2km E", "strength, economy", _D),
        ("10 x 90 s hills", "3km E + 10x90s hill @RPE8 w/ 2min jog + 3km E", "strength", _D),
    ],
    "tempo": [
        ("tempo 12 min", "1km E + 12min @T + 1km E", "lactate threshold", _D),
        ("tempo 15 min", "2km E + 15min @T + 2km E", "lactate threshold", _D),
        ("tempo 20 min", "2km E + 20min @T + 2km E", "lactate threshold", _D),
        ("tempo 25 min", "3km E + 25min @T + 2km E", "lactate threshold", _D),
        ("tempo 30 min", "3km E + 30min @T + 3km E", "lactate threshold", _D),
    ],
    "cruise_intervals": [
        ("3 x 1 km T", "1km E + 3x(1km @T, 1min rest) + 1km E", "threshold volume", _D),
        ("3 x 1 mile T", "2km E + 3x(1mi @T, 1min rest) + 2km E", "threshold volume", _D),
        ("4 x 1600 m T", "2km E + 4x(1.6km @T, 1min rest) + 2km E", "threshold volume", _D),
        ("3 x 10 min T", "2km E + 3x(10min @T, 2min rest) + 2km E", "threshold volume", _D),
        ("5 x 2 km T", "3km E + 5x(2km @T, 2min rest) + 2km E", "threshold volume", _D),
    ],
    "intervals": [
        ("4 x 400 m I", "1km E + 4x400m @I w/ 400m jog + 1km E", "VO2max", _D),
        ("5 x 800 m I", "2km E + 5x800m @I w/ 400m jog + 2km E", "VO2max", _D),
        ("6 x 800 m I", "2km E + 6x800m @I w/ 400m jog + 2km E", "VO2max", _D),
        ("5 x 1000 m I", "3km E + 5x1km @I w/ 400m jog + 2km E", "VO2max", _D),
        ("5 x 1200 m I", "3km E + 5x1.2km @I w/ 3min jog + 2km E", "VO2max", _D),
        ("6 x 1000 m I", "3km E + 6x1km @I w/ 3min jog + 3km E", "VO2max", _D),
    ],
    "progression": [
        ("progression 6 km", "3km E + 2km @M + 1km @T", "finishing strong", _P),
        ("progression 8 km", "4km E + 3km @M + 1km @T", "finishing strong", _P),
        ("progression 12 km", "6km E + 4km @M + 2km @T", "finishing strong", _P),
        ("progression 16 km", "8km E + 5km @M + 3km @T", "finishing strong", _P),
    ],
    "long": [
        ("long 14 km", "14km E", "endurance", _P),
        ("long 18 km", "18km E", "endurance", _P),
        ("long 24 km", "24km E", "endurance", _P),
        ("long 30 km", "30km E", "endurance", _P),
    ],
    "mp_long": [
        ("long 18 km with 8 at MP", "8km E + 8km @M + 2km E", "race-pace endurance", _P),
        ("long 22 km with 12 at MP", "8km E + 12km @M + 2km E", "race-pace endurance", _P),
        ("long 26 km with 16 at MP", "8km E + 16km @M + 2km E", "race-pace endurance", _P),
        ("long 30 km with 19 at MP", "8km E + 19km @M + 3km E", "race-pace endurance", _P),
    ],
    "race": [
        ("5 km race", "race 5km @RPE10", "race", _D),
        ("10 km race", "race 10km @RPE10", "race", _D),
    ],
}

LIBRARY: dict[str, tuple[LibraryEntry, ...]] = {
    wt: tuple(LibraryEntry(wt, n, t, p, s) for n, t, p, s in items)
    for wt, items in _LIBRARY.items()
}
assert set(LIBRARY) == set(WORKOUT_TYPES), "the library covers every workout type"

#: Practice-loop target kinds → the workout types that practise them.
TARGET_WORKOUTS: dict[str, tuple[str, ...]] = {
    "threshold_pace": ("tempo", "cruise_intervals"),
    "interval_execution": ("intervals",),
    "vo2max": ("intervals",),
    "marathon_pace": ("mp_long",),
    "race_pace": ("mp_long", "tempo"),
    "long_run": ("long",),
    "endurance": ("long", "progression"),
    "hills": ("hills",),
    "cadence": ("strides",),
    "leg_speed": ("strides",),
    "negative_split": ("progression",),
    "finishing": ("progression",),
}


def library(workout_type: str | None = None) -> list[LibraryEntry]:
    """Library entries, all or of one workout type (easier → harder)."""
    if workout_type is None:
        return [e for wt in WORKOUT_TYPES for e in LIBRARY[wt]]
    if workout_type not in LIBRARY:
        raise InvalidInput(
            f"unknown workout type {workout_type!r}: use one of {', '.join(WORKOUT_TYPES)}"
        )
    return list(LIBRARY[workout_type])


def workout_types_for(target: str) -> tuple[str, ...]:
    """The workout types that practise a cycle target (a target kind or a workout type)."""
    if target in LIBRARY:
        return (target,)
    if target in TARGET_WORKOUTS:
        return TARGET_WORKOUTS[target]
    raise ValueError(
        f"target {target!r} unknown: use a workout type ({', '.join(WORKOUT_TYPES)}) "
        f"or a target kind ({', '.join(TARGET_WORKOUTS)})"
    )
