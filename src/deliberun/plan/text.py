"""The compact workout text a runner types and reads back.

Grammar (whitespace between tokens is free; see docs/plans.md)::

    workout  := segment ("+" segment)*
    segment  := REPS "x" body | step
    body     := "(" segment ("," segment)* ")" | step ["w/" step]
    step     := amount [target] [label]          (target and label in either order)
    amount   := NUMBER ("m" | "km" | "mi" | "s" | "sec" | "min" | "h") | "lap"   (open step)
    target   := ZONE | "@" ZONE | "@" PACE ["-" PACE] "/" ("km" | "mi")
              | "@" NUMBER ["-" NUMBER] "bpm" | "@RPE" NUMBER
    ZONE     := "E" | "M" | "T" | "I" | "R"      (Daniels zones)
    label    := "jog" | "rest" | "walk" | "strides" | "hill" | "race"
    race     := "race" (amount | "half" | "marathon") [target]   (a race: ``race 10k``,
                ``race half``, ``race 21.0975km @4:33/km``; same as ``21.0975km race``)

Examples: ``2km E + 6x800m @I w/ 400m jog + 2km E``, ``25min E + 3x(10min @T, 2min rest)``,
``2km E + race 10k + 1km E``.
``format_workout(parse_workout(s))`` is the canonical form of ``s`` and parses back
to the same workout.
"""

from __future__ import annotations

import functools
import re

from deliberun.errors import InvalidInput
from deliberun.plan.workout import Step, Target, Workout
from deliberun.units import clock

RECOVERY_LABELS = ("jog", "rest", "walk")
WORK_LABELS = ("strides", "hill", "race")
LABELS = RECOVERY_LABELS + WORK_LABELS
_LABEL_ALIASES = {"hills": "hill", "stride": "strides", "recovery": "jog", "easy": "jog"}

#: Race distances [m] a runner may name after ``race`` (besides ``10k``, ``21.0975km`` ...).
RACE_NAMES_M = {"half": 21097.5, "halfmarathon": 21097.5, "hm": 21097.5, "marathon": 42195.0}
_RACE_HINT = "a race distance: 5k, 10k, half, marathon, 21.0975km, 10mi"

MILE_M = 1609.344
_UNITS = {
    "m": ("distance", 1.0),
    "km": ("distance", 1000.0),
    "k": ("distance", 1000.0),
    "mi": ("distance", MILE_M),
    "s": ("duration", 1.0),
    "sec": ("duration", 1.0),
    "min": ("duration", 60.0),
    "h": ("duration", 3600.0),
}

_AMOUNT_HINT = "a distance (800m, 1km, 2mi) or a duration (10min, 90s)"
# "lap" (an open step, until the lap button) is accepted too but not advertised
_TARGET_HINT = "a zone (E, M, T, I, R), a pace (@4:10/km), a heart rate (@150bpm) or @RPE7"


class WorkoutSyntaxError(InvalidInput):
    """Workout text that does not parse; ``position`` is the 1-based character."""

    def __init__(self, text: str, position: int, expected: str) -> None:
        self.text = text
        self.position = position
        self.expected = expected
        got = text[position - 1 : position + 9]
        where = f"found {got!r}" if got else "found the end of the text"
        super().__init__(f"at character {position}: expected {expected}, {where}")


class _Parser:
    _ws = re.compile(r"\s*")
    _reps = re.compile(r"(\d+)\s*[x×X]\s*")
    _amount = re.compile(r"(\d+(?:\.\d+)?)\s*(km|mi|min|sec|m|k|s|h)(?![a-zA-Z])", re.IGNORECASE)
    _zone = re.compile(r"@?\s*([EMTIRemtir])(?![a-zA-Z0-9:])")
    _pace = re.compile(
        r"@\s*(\d{1,2}):([0-5]\d)(?:\s*-\s*(\d{1,2}):([0-5]\d))?\s*/\s*(km|mi)(?![a-zA-Z])",
        re.IGNORECASE,
    )
    _hr = re.compile(r"@\s*(\d{2,3})(?:\s*-\s*(\d{2,3}))?\s*bpm(?![a-zA-Z])", re.IGNORECASE)
    _rpe = re.compile(r"@\s*rpe\s*(\d+(?:\.\d+)?)(?![a-zA-Z0-9])", re.IGNORECASE)
    _label = re.compile(r"([a-zA-Z]+)")
    _lap = re.compile(r"lap(?![a-zA-Z])", re.IGNORECASE)
    _race = re.compile(r"race(?![a-zA-Z])\s*", re.IGNORECASE)
    _race_name = re.compile(r"(half[- ]?marathon|half|hm|marathon)(?![a-zA-Z])", re.IGNORECASE)

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, expected: str, pos: int | None = None) -> WorkoutSyntaxError:
        return WorkoutSyntaxError(self.text, (self.pos if pos is None else pos) + 1, expected)

    def skip(self) -> None:
        m = self._ws.match(self.text, self.pos)
        if m:
            self.pos = m.end()

    def peek(self, s: str) -> bool:
        self.skip()
        return self.text.startswith(s, self.pos)

    def workout(self) -> list[Step]:
        self.skip()
        if self.pos >= len(self.text):
            raise self.error(_AMOUNT_HINT)
        steps = [self.segment()]
        while self.peek("+"):
            self.pos += 1
            steps.append(self.segment())
        self.skip()
        if self.pos < len(self.text):
            raise self.error("'+' and the next step, or the end of the workout")
        return steps

    def segment(self) -> Step:
        self.skip()
        m = self._reps.match(self.text, self.pos)
        if m and not self._amount.match(self.text, self.pos):
            reps = int(m.group(1))
            if not 1 <= reps <= 99:
                raise self.error("a number of repeats between 1 and 99")
            self.pos = m.end()
            return self.repeat_body(reps)
        return self.step()

    def repeat_body(self, reps: int) -> Step:
        if self.peek("("):
            self.pos += 1
            inner = [self.segment()]
            while self.peek(","):
                self.pos += 1
                inner.append(self.segment())
            if not self.peek(")"):
                raise self.error("',' and the next step, or ')'")
            self.pos += 1
            inner = [
                _as_recovery(s) if i > 0 and _looks_recovery(s) else s for i, s in enumerate(inner)
            ]
            return Step(kind="repeat", reps=reps, steps=tuple(inner))
        work = self.step()
        inner = [work]
        if self.peek("w/"):
            self.pos += 2
            inner.append(_as_recovery(self.step()))
        return Step(kind="repeat", reps=reps, steps=tuple(inner))

    def race(self) -> Step:
        """``race`` then a distance (or half/marathon) and an optional target."""
        self.pos = self._race.match(self.text, self.pos).end()  # type: ignore[union-attr]
        if n := self._race_name.match(self.text, self.pos):
            key = re.sub(r"[- ]", "", n.group(1).lower())
            distance, self.pos = RACE_NAMES_M[key], n.end()
        elif m := self._amount.match(self.text, self.pos):
            what, factor = _UNITS[m.group(2).lower()]
            if what != "distance" or float(m.group(1)) <= 0:
                raise self.error(_RACE_HINT)
            distance, self.pos = float(m.group(1)) * factor, m.end()
        else:
            raise self.error(_RACE_HINT)
        after = self.pos
        target, label = self.modifiers()
        if label not in (None, "race"):
            self.skip()
            raise self.error(f"{_TARGET_HINT} after the race distance", after + 1)
        return Step(kind="work", distance_m=distance, target=target, label="race")

    def step(self) -> Step:
        self.skip()
        if self._race.match(self.text, self.pos):
            return self.race()
        m = self._amount.match(self.text, self.pos)
        if not m and (lap := self._lap.match(self.text, self.pos)):
            self.pos = lap.end()
            target, label = self.modifiers()
            kind = "recovery" if label in RECOVERY_LABELS else "work"
            return Step(kind=kind, target=target, label=label)
        if not m:
            if n := re.match(r"\d+(?:\.\d+)?", self.text[self.pos :]):
                raise self.error("a unit after the number: m, km, mi, min or s", self.pos + n.end())
            raise self.error(_AMOUNT_HINT)
        value = float(m.group(1))
        what, factor = _UNITS[m.group(2).lower()]
        if value <= 0:
            raise self.error(f"a positive amount ({_AMOUNT_HINT})")
        self.pos = m.end()
        target, label = self.modifiers()
        amount = value * factor
        kind = "recovery" if label in RECOVERY_LABELS else "work"
        if what == "distance":
            return Step(kind=kind, distance_m=amount, target=target, label=label)
        return Step(kind=kind, duration_s=amount, target=target, label=label)

    def modifiers(self) -> tuple[Target | None, str | None]:
        target: Target | None = None
        label: str | None = None
        for _ in range(2):
            self.skip()
            if target is None and (t := self.target()) is not None:
                target = t
                continue
            if label is None and (lab := self.label()) is not None:
                label = lab
                continue
            break
        return target, label

    def target(self) -> Target | None:
        start = self.pos
        if m := self._pace.match(self.text, start):
            unit = m.group(5).lower()
            per = 1.0 if unit == "km" else MILE_M / 1000.0
            a = (int(m.group(1)) * 60 + int(m.group(2))) / per
            b = (int(m.group(3)) * 60 + int(m.group(4))) / per if m.group(3) else a
            if a <= 0 or b <= 0:
                raise self.error("a pace above 0:00", start)
            self.pos = m.end()
            return Target(kind="pace", pace_s_per_km=(min(a, b), max(a, b)), unit=unit)
        if m := self._hr.match(self.text, start):
            lo = float(m.group(1))
            hi = float(m.group(2)) if m.group(2) else lo
            self.pos = m.end()
            return Target(kind="hr", hr_bpm=(min(lo, hi), max(lo, hi)))
        if m := self._rpe.match(self.text, start):
            rpe = float(m.group(1))
            if not 0 <= rpe <= 10:
                raise self.error("an RPE between 0 and 10 (CR-10)", start)
            self.pos = m.end()
            return Target(kind="rpe", rpe=rpe)
        if m := self._zone.match(self.text, start):
            self.pos = m.end()
            return Target(kind="zone", zone=m.group(1).upper())
        if self.text.startswith("@", start):
            if n := re.match(r"@\s*\d{1,2}:[0-5]\d(?:\s*-\s*\d{1,2}:[0-5]\d)?", self.text[start:]):
                raise self.error("'/km' or '/mi' after the pace", start + n.end())
            raise self.error(_TARGET_HINT, start + 1)
        return None

    def label(self) -> str | None:
        m = self._label.match(self.text, self.pos)
        if not m:
            return None
        word = m.group(1).lower()
        word = _LABEL_ALIASES.get(word, word)
        if word not in LABELS:
            if word == "w":  # "w/" follows
                return None
            raise self.error(f"{_TARGET_HINT}, or one of {', '.join(LABELS)}")
        self.pos = m.end()
        return word


def _looks_recovery(s: Step) -> bool:
    return s.kind == "recovery" or s.label in RECOVERY_LABELS


def _as_recovery(s: Step) -> Step:
    if s.kind == "repeat":
        return s
    return Step(
        kind="recovery",
        distance_m=s.distance_m,
        duration_s=s.duration_s,
        target=s.target,
        label=s.label or ("jog" if s.target is None else None),
    )


def _is_easy_single(s: Step) -> bool:
    return (
        s.kind == "work"
        and s.label is None
        and (s.target is None or (s.target.kind == "zone" and s.target.zone == "E"))
    )


def _with_kind(s: Step, kind: str) -> Step:
    return Step(
        kind=kind, distance_m=s.distance_m, duration_s=s.duration_s, target=s.target, label=s.label
    )


def parse_workout(text: str, workout_type: str | None = None, name: str | None = None) -> Workout:
    """Parse the compact text into a ``Workout``.

    A leading easy step of a multi-step workout is the warm-up, a trailing one the
    cool-down; a ``jog``/``rest``/``walk`` step, or the step after ``w/``, is a recovery.

    Raises
    ------
    WorkoutSyntaxError
        A ``ValueError`` saying at which character what was expected.
    """
    if not isinstance(text, str):
        raise InvalidInput("workout text must be a string, e.g. '2km E + 6x800m @I w/ 400m jog'")
    return Workout(steps=_parse_steps(text), workout_type=workout_type, name=name)


@functools.lru_cache(maxsize=4096)
def _parse_steps(text: str) -> tuple[Step, ...]:
    """The steps of a text (cached: plans repeat a few texts; steps are immutable)."""
    steps = _Parser(text).workout()
    if len(steps) > 1:
        if _is_easy_single(steps[0]):
            steps[0] = _with_kind(steps[0], "warmup")
        if _is_easy_single(steps[-1]):
            steps[-1] = _with_kind(steps[-1], "cooldown")
    return tuple(steps)


def _num(x: float, digits: int = 4) -> str:
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s or "0"


def format_distance(distance_m: float) -> str:
    """``800m``, ``1.2km``, ``2km``, ``2mi``, ``21.0975km`` (canonical: m below 1 km)."""
    miles = distance_m / MILE_M
    if (
        abs(miles * 4 - round(miles * 4)) < 1e-6
        and abs(distance_m / 100 - round(distance_m / 100)) > 1e-6
    ):
        return f"{_num(miles)}mi"
    if abs(distance_m / 1000 - round(distance_m / 1000)) < 1e-9:
        return f"{round(distance_m / 1000)}km"
    if distance_m < 1000:
        return f"{_num(distance_m, 2)}m"
    return f"{_num(distance_m / 1000, 6)}km"


def format_duration(duration_s: float) -> str:
    """``90s``, ``10min`` (canonical: minutes when whole, else seconds)."""
    if duration_s >= 60 and abs(duration_s / 60 - round(duration_s / 60)) < 1e-9:
        return f"{round(duration_s / 60)}min"
    return f"{_num(duration_s, 2)}s"


def format_target(t: Target) -> str:
    if t.kind == "zone" and t.zone:
        return t.zone if t.zone == "E" else f"@{t.zone}"
    if t.kind == "pace" and t.pace_s_per_km:
        per = 1.0 if t.unit == "km" else MILE_M / 1000.0
        lo, hi = (p * per for p in t.pace_s_per_km)
        if clock(lo) == clock(hi):
            return f"@{clock(lo)}/{t.unit}"
        return f"@{clock(lo)}-{clock(hi)}/{t.unit}"
    if t.kind == "hr" and t.hr_bpm:
        lo, hi = t.hr_bpm
        return f"@{_num(lo)}bpm" if lo == hi else f"@{_num(lo)}-{_num(hi)}bpm"
    if t.kind == "rpe" and t.rpe is not None:
        return f"@RPE{_num(t.rpe)}"
    return ""


def format_step(s: Step) -> str:
    if s.kind == "repeat":
        inner = list(s.steps)
        if len(inner) == 1 and inner[0].kind != "repeat":
            return f"{s.reps}x{format_step(inner[0])}"
        if (
            len(inner) == 2
            and inner[0].kind != "repeat"
            and inner[1].kind == "recovery"
            and inner[1].label in ("jog", None)
        ):
            return f"{s.reps}x{format_step(inner[0])} w/ {format_step(inner[1])}"
        return f"{s.reps}x(" + ", ".join(format_step(x) for x in inner) + ")"
    if s.label == "race" and s.distance_m is not None:  # the runner's order: race 10km
        target = format_target(s.target) if s.target is not None else ""
        return " ".join(p for p in ("race", format_distance(s.distance_m), target) if p)
    if s.distance_m is not None:
        parts = [format_distance(s.distance_m)]
    elif s.duration_s is not None:
        parts = [format_duration(s.duration_s)]
    else:
        parts = ["lap"]  # open: until the lap button
    if s.label:
        parts.append(s.label)
    if s.target is not None:
        parts.append(format_target(s.target))
    return " ".join(p for p in parts if p)


def format_workout(workout: Workout) -> str:
    """The canonical text of a workout (``parse_workout`` reads it back unchanged)."""
    return " + ".join(format_step(s) for s in workout.steps)


def canonical(text: str) -> str:
    """``format_workout(parse_workout(text))``."""
    return format_workout(parse_workout(text))
