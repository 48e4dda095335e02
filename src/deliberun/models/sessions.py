"""What kind of session a run was, as a coach would call it, with a confidence and evidence.

Order of evidence (first that applies wins):

1. the **plan**: a planned workout type for that day (the runner meant it);
2. a **race** (``models.races``);
3. detected **structure**, only when it is clearly a workout: at least three work reps
   (or two of 5 min or more) run at or faster than ``workout_speed_share`` of the
   runner's threshold speed, each faster than its recovery. Reps at walking speed are
   never reps (walk recoveries, traffic lights). Short reps (<= 40 s) after a steady
   run are strides; reps uphill (grade-adjusted speed clearly above the speed) are
   hills; long reps near threshold speed (5 min or more) are tempo; the rest intervals;
4. the **shape** of a continuous run: a progression (the last third of the km splits
   clearly faster than the first third, getting faster), a tempo (at least 15 min of
   km splits at ``tempo_speed_share`` of threshold speed or faster), a long run
   (``long_min_s`` or ``long_min_m``), else easy;
5. **words** of the name, in the main running languages, only to break a tie (a run
   called "tempo" that was run easy is easy).

Types: ``easy``, ``long``, ``tempo``, ``progression``, ``race``, ``intervals``,
``hills``, ``strides``, ``other`` (no distance or time to judge). Pure: no database.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

SESSION_TYPES = (
    "easy", "long", "tempo", "progression", "race", "intervals", "hills", "strides", "other",
)  # fmt: skip

SESSION_RULES: dict[str, float] = {
    "walk_speed_m_per_s": 2.2,  # slower than ~7:35/km: walking, never a rep
    "rep_vs_recovery": 1.2,  # a rep is at least this much faster than its recovery
    "workout_speed_share": 0.95,  # of threshold speed: rep pace of a real workout
    "min_reps": 3,
    "long_rep_s": 300.0,
    "stride_max_s": 40.0,
    "hill_gap_ratio": 1.08,  # grade-adjusted / actual speed of an uphill rep
    "tempo_speed_share": 0.92,
    "tempo_min_s": 900.0,
    "progression_gain": 0.07,  # last third faster than the first by this share of speed
    "long_min_s": 90 * 60.0,
    "long_min_m": 18000.0,
}

#: Planned workout types of the plan area and practice loop -> session types.
PLANNED_TYPES: dict[str, str] = {
    "easy": "easy",
    "recovery": "easy",
    "long": "long",
    "mp_long": "long",
    "tempo": "tempo",
    "threshold": "tempo",
    "cruise_intervals": "tempo",
    "progression": "progression",
    "race": "race",
    "intervals": "intervals",
    "vo2max": "intervals",
    "repetitions": "intervals",
    "hills": "hills",
    "strides": "strides",
    "rest": "other",
}

_NAME_CUES: tuple[tuple[str, str], ...] = (
    ("strides", r"strides?|repülő\w*|steigerung\w*|lignes droites|rectas|allunghi"),
    ("hills", r"hills?|hill repeats|domb\w*|emelked\w*|berg\w*|côtes?|cuestas?|salite"),
    ("progression", r"progression|progressive|fokozó|steigerungslauf|progresiv[oa]"),
    ("intervals", r"intervals?|résztáv\w*|repeats|reps|\d+ ?[x×] ?\d+|fartlek|vo2|sprint\w*"),
    ("tempo", r"tempo|threshold|küszöb\w*|schwelle\w*|seuil|umbral|soglia"),
    ("long", r"long run|hosszú|long|langer lauf|sortie longue|tirada larga|lungo"),
    ("easy", r"easy|recovery|regen\w*|laza|jog|locker|footing|rodaje|lento"),
)


@dataclass
class Rep:
    """One detected work rep (SI units)."""

    duration_s: float
    speed_m_per_s: float
    gap_speed_m_per_s: float | None = None
    recovery_s: float | None = None
    recovery_distance_m: float | None = None
    start_s: float | None = None


@dataclass
class SessionFacts:
    """What the classifier reads of one run."""

    distance_m: float | None
    duration_s: float | None
    name: str | None = None
    planned_type: str | None = None
    is_race: bool = False
    race_confidence: float = 0.8
    reps: list[Rep] = field(default_factory=list)
    split_speeds_m_per_s: list[float] = field(default_factory=list)  # km splits, in order
    threshold_speed_m_per_s: float | None = None


@dataclass
class SessionType:
    """A session's type, a confidence 0-1 and the evidence."""

    type: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    reps: int = 0
    rep_s: float | None = None  # median work rep duration [s]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "confidence": round(self.confidence, 2),
            "evidence": list(self.evidence),
            "reps": self.reps,
        }


def work_reps(reps: list[Rep]) -> list[Rep]:
    """The reps that are work: faster than walking and clearly faster than their recovery."""
    r = SESSION_RULES
    out = []
    for rep in reps:
        if not (rep.speed_m_per_s and rep.speed_m_per_s >= r["walk_speed_m_per_s"]):
            continue
        if rep.recovery_s and rep.recovery_distance_m is not None and rep.recovery_s > 0:
            rec = rep.recovery_distance_m / rep.recovery_s
            if rec > 0 and rep.speed_m_per_s < r["rep_vs_recovery"] * rec:
                continue
        out.append(rep)
    return out


def name_type(name: str | None) -> str | None:
    """The session type the name suggests (any of the main running languages), or None."""
    for kind, pattern in _NAME_CUES:
        if name and re.search(r"(?<!\w)(?:" + pattern + r")(?!\w)", name, re.IGNORECASE):
            return kind
    return None


def _reference_speed(f: SessionFacts) -> tuple[float | None, str]:
    if f.threshold_speed_m_per_s and f.threshold_speed_m_per_s > 0:
        return f.threshold_speed_m_per_s, "threshold speed"
    if f.split_speeds_m_per_s:
        return 1.25 * statistics.median(f.split_speeds_m_per_s), "1.25 x the run's median km speed"
    return None, ""


def _workout(f: SessionFacts) -> SessionType | None:
    r = SESSION_RULES
    work = work_reps(f.reps)
    if not work:
        return None
    ref, ref_name = _reference_speed(f)
    if ref is None:
        return None
    fast = [w for w in work if w.speed_m_per_s >= r["workout_speed_share"] * ref]
    long_reps = [w for w in fast if w.duration_s >= r["long_rep_s"]]
    if len(fast) < r["min_reps"] and len(long_reps) < 2:
        return None
    n = len(fast)
    dur = statistics.median(w.duration_s for w in fast)
    speed = statistics.median(w.speed_m_per_s for w in fast)
    ev = [
        f"{n} work reps at {1000 / speed:.0f} s/km (>= {r['workout_speed_share'] * 100:.0f}% of "
        f"your {ref_name}), median {dur:.0f} s"
    ]
    dropped = len(f.reps) - len(work)
    if dropped:
        ev.append(f"{dropped} detected stretches at walking or recovery speed are not reps")
    gaps = [w.gap_speed_m_per_s / w.speed_m_per_s for w in fast if w.gap_speed_m_per_s]
    if gaps and statistics.median(gaps) >= r["hill_gap_ratio"]:
        return SessionType("hills", 0.8, [*ev, "the reps were uphill"], n, dur)
    if dur <= r["stride_max_s"]:
        return SessionType("strides", 0.75, [*ev, "short fast reps: strides"], n, dur)
    if dur >= r["long_rep_s"] and speed < 1.05 * ref:
        return SessionType("tempo", 0.8, [*ev, "long reps near threshold: tempo"], n, dur)
    return SessionType("intervals", 0.85, ev, n, dur)


#: Session types -> the practice loop's workout types (``practice.session``).
PRACTICE_TYPES: dict[str, str] = {
    "easy": "easy",
    "other": "easy",
    "long": "long",
    "tempo": "tempo",
    "progression": "progression",
    "race": "race",
    "hills": "hills",
    "strides": "strides",
    "intervals": "intervals",
}


def practice_type(st: SessionType) -> str:
    """The practice loop's workout type of a session type (long reps: cruise intervals)."""
    if st.type == "intervals" and st.rep_s and st.rep_s >= SESSION_RULES["long_rep_s"]:
        return "cruise_intervals"
    return PRACTICE_TYPES.get(st.type, "easy")


def _shape(f: SessionFacts) -> SessionType:
    r = SESSION_RULES
    sp = [s for s in f.split_speeds_m_per_s if s and math.isfinite(s) and s > 0]
    ref, ref_name = _reference_speed(f)
    if len(sp) >= 6:
        k = len(sp) // 3
        first, last = statistics.mean(sp[:k]), statistics.mean(sp[-k:])
        steps = sum(1 for a, b in zip(sp, sp[1:], strict=False) if b >= a * 0.99)
        if last >= (1 + r["progression_gain"]) * first and steps >= 0.7 * (len(sp) - 1):
            return SessionType(
                "progression",
                0.75,
                [f"km splits got faster: last third {(last / first - 1) * 100:.0f}% faster"],
            )
    if ref and f.threshold_speed_m_per_s and sp:
        hard = [s for s in sp if s >= r["tempo_speed_share"] * ref]
        hard_s = sum(1000.0 / s for s in hard)
        if hard_s >= r["tempo_min_s"]:
            return SessionType(
                "tempo",
                0.75,
                [
                    f"{hard_s / 60:.0f} min of km splits at >= "
                    f"{r['tempo_speed_share'] * 100:.0f}% of your {ref_name}"
                ],
            )
    d, t = f.distance_m or 0.0, f.duration_s or 0.0
    if t >= r["long_min_s"] or d >= r["long_min_m"]:
        return SessionType("long", 0.85, [f"{d / 1000:.1f} km in {t / 60:.0f} min: a long run"])
    return SessionType("easy", 0.7, ["steady, below tempo effort, no clear workout structure"])


def session_inputs(f: SessionFacts) -> tuple[Any, ...]:
    """What :func:`classify_session` reads of ``f`` besides the reps and split speeds
    (a stored type is valid while these are unchanged): a planned type is taken as it is,
    so then nothing else counts."""
    if f.planned_type:
        return ("planned", f.planned_type)
    return (
        f.distance_m, f.duration_s, f.name, f.is_race, f.race_confidence,
        f.threshold_speed_m_per_s,
    )  # fmt: skip


def classify_session(f: SessionFacts) -> SessionType:
    """The type of one session (see the module docstring)."""
    if f.planned_type:
        kind = PLANNED_TYPES.get(f.planned_type.lower(), "other")
        return SessionType(kind, 0.95, [f"planned as {f.planned_type}"], len(work_reps(f.reps)))
    if f.is_race:
        return SessionType("race", f.race_confidence, ["judged a race (see `deliberun race`)"])
    if not (f.distance_m and f.duration_s):
        return SessionType("other", 0.5, ["no distance or time to judge"])
    out = _workout(f) or _shape(f)
    cue = name_type(f.name)
    if cue and cue != out.type:
        if out.type == "easy" and cue in ("long", "easy"):
            out = SessionType(cue, 0.6, [*out.evidence, f"named as {cue}"], out.reps, out.rep_s)
        else:
            out.evidence.append(f"the name suggests {cue}, the data do not")
            out.confidence = max(0.5, out.confidence - 0.1)
    elif cue:
        out.evidence.append(f"the name agrees ({cue})")
        out.confidence = min(0.95, out.confidence + 0.1)
    return out
