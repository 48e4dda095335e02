"""The scenarios: which truths are planted, and the week-by-week schedule that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The one cause vocabulary (docs/dev/CONTRACTS.md).
CAUSES: tuple[str, ...] = (
    "prior_48h_load", "form", "weekday", "time_of_day", "target_pace",
    "rest_interval", "sleep", "heat", "none",
)  # fmt: skip

#: Kinds of planted effect written to truth.json.
EFFECT_KINDS: tuple[str, ...] = ("nemesis", "experiment", "target", "illness", "confounder")


@dataclass(frozen=True)
class Scenario:
    """A named simulation recipe.

    Fade parameters are in percent of the first reps' speed lost by the last rep
    (``last_rep_fade_pct``) of interval sessions.
    """

    name: str
    description: str
    default_years: float
    template: str  # marathon | fatigue | experiment | cadence | illness | custom
    base_fade_pct: float = 1.5
    fade_sd_pct: float = 1.2
    nemesis_fade_pct: float = 0.0  # added when the prior 48 h load was high
    experiment: dict[str, Any] | None = None
    cadence_gain_spm: float = 0.0
    illness_vdot: float = 0.0
    min_weeks: int = 4  # shorter simulations could not carry the planted effect
    extra: dict[str, Any] = field(default_factory=dict)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "marathon",
            "base period + 16-week marathon cycle with every workout type; intervals "
            "after a hard 48 h fade more (the demo)",
            0.5,
            "marathon",
            nemesis_fade_pct=3.5,
        ),
        Scenario(
            "nemesis_fatigue",
            "weekly intervals, half of them the day after a hard progression run: "
            "those fade 4 % more in the last reps",
            0.4,
            "fatigue",
            nemesis_fade_pct=4.0,
            min_weeks=8,
        ),
        Scenario(
            "rest_experiment",
            "an experiment in the journal: 90 s instead of 60 s jog between reps cuts "
            "the last-rep fade by 2.5 points (intervals twice a week, the two arms in "
            "random order within each pair of sessions, each tagged in the journal)",
            0.5,
            "experiment",
            base_fade_pct=5.0,
            min_weeks=10,
            experiment={
                "id": "rest-longer",
                "change": "90 s instead of 60 s jog between reps",
                "assignment": "alternating",
                "cause": "rest_interval",
                "size": -2.5,
                "rest_s": {"baseline": 60.0, "change": 90.0},
            },
        ),
        Scenario(
            "null_experiment",
            "an experiment in the journal that changes nothing (espresso before "
            "intervals twice a week, alternating sessions)",
            0.5,
            "experiment",
            base_fade_pct=3.0,
            min_weeks=10,
            experiment={
                "id": "espresso",
                "change": "a double espresso 30 min before intervals",
                "assignment": "alternating",
                "cause": "none",
                "size": 0.0,
            },
        ),
        Scenario(
            "cadence_drills",
            "drills twice a week from week 3 raise easy-run cadence by 6 steps/min "
            "over 10 weeks (a target)",
            0.35,
            "cadence",
            cadence_gain_spm=6.0,
            min_weeks=14,
        ),
        Scenario(
            "illness",
            "a week of illness in week 6: no running, then slow easy runs with a high "
            "heart rate; fitness dips 1.5 VDOT and recovers",
            0.3,
            "illness",
            illness_vdot=-1.5,
            min_weeks=9,
        ),
    )
}


def from_spec(spec: dict[str, Any]) -> Scenario:
    """A scenario from a checked scenario file (``sim.scenario_file.parse_scenario``)."""
    exp = next((e for e in spec["effects"] if e["kind"] == "experiment"), None)
    experiment = None
    if exp is not None:
        experiment = {
            "id": exp["id"], "change": exp["change"], "workout_type": exp["workout_type"],
            "assignment": "before_after" if exp["design"] == "before_after" else "alternating",
            "design": exp["design"], "from": exp["from"], "cause": exp.get("cause", "none"),
            "size": exp["size"],
        }  # fmt: skip
    return Scenario(
        spec["name"], spec["description"], spec["years"], "custom",
        experiment=experiment, extra={"spec": spec},
    )  # fmt: skip


#: Built-in adversarial scenarios (issue 12): situations the planted-truth scenarios do
#: not contain, written as scenario files would be (``docs/simulator.md``).
ADVERSARIAL: dict[str, dict[str, Any]] = {
    "nemesis_no_cause": {
        "name": "nemesis_no_cause",
        "description": "weekly intervals that fail at random 25% of the time: no cause at all",
        "years": 1.0, "start": "2025-10-27", "days": ["tue", "thu", "sat", "sun"],
        "key_sessions": {"tue": "intervals", "sat": "long"},
        "effects": [{"kind": "nemesis", "workout_type": "intervals", "cause": "none",
                     "failure_rate": 0.25}],
    },
    "layoff_before_change": {
        "name": "layoff_before_change",
        "description": "a 7-week layoff just before a before/after change that does nothing",
        "years": 1.0, "start": "2025-10-27", "days": ["tue", "thu", "sat", "sun"],
        "key_sessions": {"tue": "intervals", "thu": "intervals", "sat": "long"},
        "breaks": [{"from": "2026-03-02", "days": 49}],
        "effects": [{"kind": "experiment", "id": "espresso", "workout_type": "intervals",
                     "change": "a double espresso before", "design": "before_after",
                     "from": "2026-04-20", "metric": "last_rep_fade_pct", "size": 0.0}],
    },
    "weekday_confounded_alternating": {
        "name": "weekday_confounded_alternating",
        "description": "intervals Tue and Fri, Fridays fade 2 points more; an experiment "
        "alternating in date order that does nothing",
        "years": 0.6, "start": "2026-03-02", "days": ["tue", "thu", "fri", "sun"],
        "key_sessions": {"tue": "intervals", "fri": "intervals", "sun": "long"},
        "effects": [
            {"kind": "confounder", "cause": "weekday", "workout_type": "intervals", "size": 2.0,
             "weekday": "fri"},
            {"kind": "experiment", "id": "rest-longer", "workout_type": "intervals",
             "change": "90 s instead of 60 s jog", "design": "alternating",
             "from": "2026-04-06", "metric": "last_rep_fade_pct", "size": 0.0},
        ],
    },
    "seasonal_heat_null": {
        "name": "seasonal_heat_null",
        "description": "two years of intervals failing more in summer for a reason that is "
        "not heat (a seasonal training state): heat must not be named",
        "years": 2.0, "start": "2024-10-28", "days": ["tue", "thu", "sat", "sun"],
        "key_sessions": {"tue": "intervals", "sat": "long"},
        "effects": [{"kind": "nemesis", "workout_type": "intervals", "cause": "none",
                     "failure_rate": 0.25, "seasonal": 0.8}],
    },
}  # fmt: skip


def _adversarial() -> dict[str, Scenario]:
    from deliberun.sim.scenario_file import parse_scenario

    return {
        k: from_spec(parse_scenario(v, f"built-in scenario {k}")) for k, v in ADVERSARIAL.items()
    }


SCENARIOS.update(_adversarial())


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name`` (``ValueError`` naming the choices otherwise)."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(
            f"unknown scenario {name!r}; choose one of: {', '.join(SCENARIOS)}"
        ) from None


@dataclass
class DayPlan:
    """What the runner set out to do on one day."""

    workout_type: str
    fraction: float  # of the week's volume (continuous runs)
    reps: int = 6
    rep_distance: float = 800.0
    rest_duration: float = 120.0
    race_distance: float | None = None
    drills: bool = False


#: Base week (Mon=0): strides, easy, hills/tempo, recovery, easy, long.
_BASE = {1: "strides", 2: "easy", 3: "quality", 4: "recovery", 5: "easy", 6: "long"}
_BASE_FRACTION = {"strides": 0.15, "easy": 0.16, "quality": 0.16, "recovery": 0.08, "long": 0.27}


def base_week(week: int) -> dict[int, DayPlan]:
    """A base-period week; the Thursday quality alternates hills and tempo."""
    out = {}
    for day, kind in _BASE.items():
        wt = kind if kind != "quality" else ("hills" if week % 2 == 0 else "tempo")
        out[day] = DayPlan(wt, _BASE_FRACTION[kind])
    return out


def marathon_week(
    week: int, swap: bool, hard_tuesday: bool = False, long_on_saturday: bool = False
) -> dict[int, DayPlan]:
    """Week ``week`` (0..15) of a 16-week marathon cycle (Daniels-style phases).

    Intervals are on Wednesday, or on Tuesday (``swap``). Before Wednesday
    intervals the Tuesday is easy or (``hard_tuesday``) a progression run; before
    Tuesday intervals the prior weekend decides (``long_on_saturday`` of the week
    before leaves an easy Sunday). So the weekday and the prior 48 h load of the
    interval sessions vary independently, and neither explains the other.
    """
    quality = "cruise_intervals" if week % 2 else "tempo"
    long = "mp_long" if week >= 5 and week % 2 == 1 else "long"
    reps = 5 if week < 6 else 6
    rep = 1000.0 if week >= 8 else 800.0
    w = {
        1: DayPlan("easy", 0.13),
        2: DayPlan("intervals", 0.15, reps=reps, rep_distance=rep, rest_duration=150.0),
        3: DayPlan("recovery", 0.08),
        4: DayPlan(quality, 0.15, reps=4 if week < 8 else 5),
        5: DayPlan("strides" if week % 2 else "progression", 0.14),
        6: DayPlan(long, 0.30),
    }
    if swap:
        w[1], w[2] = w[2], w[1]
    elif hard_tuesday:
        w[1] = DayPlan("progression", 0.26)
    if long_on_saturday:
        w[5], w[6] = w[6], DayPlan("easy", 0.08)
    if week == 9:
        w[5] = DayPlan("easy", 0.08)
        w[6] = DayPlan("race", 0.0, race_distance=21097.5)
    if week == 15:
        w = {
            1: DayPlan("easy", 0.2),
            2: DayPlan("intervals", 0.2, reps=4, rep_distance=800.0, rest_duration=150.0),
            4: DayPlan("easy", 0.15),
            5: DayPlan("strides", 0.12),
            6: DayPlan("race", 0.0, race_distance=42195.0),
        }
    return w


#: Weekly volume multipliers of the cycle: build with a down week every 4th, 2-week taper.
MARATHON_VOLUME = (1.0, 1.05, 1.1, 0.85, 1.1, 1.15, 1.2, 0.9, 1.2, 0.85, 1.25, 0.9,
                   1.25, 1.2, 0.75, 0.5)  # fmt: skip


def fatigue_week(hard_tuesday: bool) -> dict[int, DayPlan]:
    """Wednesday intervals after either a hard progression run or an easy jog on Tuesday."""
    return {
        1: DayPlan("progression", 0.24) if hard_tuesday else DayPlan("easy", 0.10),
        2: DayPlan("intervals", 0.15, reps=6, rep_distance=800.0, rest_duration=120.0),
        3: DayPlan("easy", 0.14),
        5: DayPlan("strides", 0.14),
        6: DayPlan("long", 0.27),
    }


def experiment_week(rest_duration: float = 60.0) -> dict[int, DayPlan]:
    """Tuesday and Friday intervals (``rest_duration`` jog; an experiment arm may change
    it session by session), otherwise a steady week."""
    return {
        1: DayPlan("intervals", 0.15, reps=6, rep_distance=800.0, rest_duration=rest_duration),
        2: DayPlan("easy", 0.14),
        3: DayPlan("recovery", 0.08),
        4: DayPlan("intervals", 0.15, reps=6, rep_distance=800.0, rest_duration=rest_duration),
        5: DayPlan("easy", 0.12),
        6: DayPlan("long", 0.27),
    }


def cadence_week(week: int, drills_from: int) -> dict[int, DayPlan]:
    """A base week whose Tuesday and Saturday carry cadence drills from ``drills_from``."""
    w = base_week(week)
    if week >= drills_from:
        w[1] = DayPlan("strides", 0.15, drills=True)
        w[5] = DayPlan("strides", 0.15, drills=True)
    return w


def custom_week(days: list[int], key_sessions: dict[int, str]) -> dict[int, DayPlan]:
    """A scenario file's week: its key sessions, the other running days easy.

    Shares of the weekly volume: a long run 0.3, a key session 0.16, the easy days the
    rest (at least 0.08 each).
    """
    share = {"long": 0.30, "mp_long": 0.30}
    fixed = {d: share.get(wt, 0.16) for d, wt in key_sessions.items()}
    easy = [d for d in days if d not in key_sessions]
    rest = max(1.0 - sum(fixed.values()), 0.08 * len(easy))
    out = {}
    for d in days:
        wt = key_sessions.get(d, "easy")
        frac = fixed[d] if d in fixed else rest / max(len(easy), 1)
        if wt == "cruise_intervals":
            out[d] = DayPlan(wt, frac, reps=4, rep_distance=1600.0, rest_duration=60.0)
        else:
            out[d] = DayPlan(wt, frac, reps=6, rep_distance=800.0, rest_duration=120.0)
    return out
