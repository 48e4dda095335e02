"""Which workout an unplanned run was, from its own fields (plain values, no database).

A run the plan did not name, and that the session classifier of ``models.sessions`` did
not judge, gets its type from what the run alone says, in this order (first that
applies wins):

1. a **race** (the caller's verdict on the run alone: ``models.races.is_race``);
2. a **word of its name** (:data:`NAME_TYPES`, in order: "strides", "progression",
   "hill", ... "easy"/"jog"; a substring of the lower-case name);
3. **detected reps**: three or more work reps are intervals, cruise intervals when the
   reps last 5 min or more on average;
4. **length**: 18 km or more, or 90 min or more, is a long run;
5. else an easy run.

These are the rules ``services/practice_sessions`` applied to unplanned runs before
they moved here (issue 15), unchanged.
"""

from __future__ import annotations

#: Words in a run's name that say its workout type, checked in order (first match wins).
NAME_TYPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("stride",), "strides"),
    (("progression",), "progression"),
    (("hill",), "hills"),
    (("cruise",), "cruise_intervals"),
    (("interval", "x400", "x800", "x1000", "vo2"), "intervals"),
    (("tempo", "threshold"), "tempo"),
    (("with mp", "marathon pace", "mp long", "long mp"), "mp_long"),
    (("long",), "long"),
    (("recovery",), "recovery"),
    (("easy", "jog"), "easy"),
)
#: Detected work reps that make a run an interval session.
MIN_REPS = 3
#: Mean rep duration [s] from which the reps are cruise intervals.
CRUISE_REP_S = 300.0
#: A long run: this distance [m] or this moving time [s] or more.
LONG_RUN_M = 18000.0
LONG_RUN_S = 90 * 60.0


def type_from_name(name: str | None) -> str | None:
    """The workout type a word of ``name`` says (:data:`NAME_TYPES`), or None."""
    low = (name or "").lower()
    for words, workout_type in NAME_TYPES:
        if any(w in low for w in words):
            return workout_type
    return None


def unplanned_session_type(
    *,
    name: str | None,
    race: bool,
    n_reps: int = 0,
    mean_rep_s: float = 0.0,
    distance_m: float | None = None,
    moving_time_s: float | None = None,
) -> str:
    """The workout type of an unplanned run (see the module docstring for the order):
    ``race`` is the verdict on the run alone, ``n_reps`` and ``mean_rep_s`` [s] its
    detected work reps, ``distance_m`` and ``moving_time_s`` its size (None: unknown)."""
    if race:
        return "race"
    named = type_from_name(name)
    if named is not None:
        return named
    if n_reps >= MIN_REPS:
        return "cruise_intervals" if mean_rep_s >= CRUISE_REP_S else "intervals"
    if (distance_m or 0.0) >= LONG_RUN_M or (moving_time_s or 0.0) >= LONG_RUN_S:
        return "long"
    return "easy"
