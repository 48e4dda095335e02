"""What in one athlete's recent data asks for a coach's look: the rules of the group view.

Each rule turns a fact the other areas computed (the load advice, planned vs done, the
journal's RPE against the data, the experiments, the nemesis workouts, when the data
last arrived) into a :class:`Flag`: a kind, a weight and the evidence in plain words.
:func:`attention_key` orders a group by them. Pure: no database, no clock.

The weights are our own convention (not from a paper): 3 for what may need action
before the next session (load advice ``back_off``/``return``, no data for over a week),
2 for what the coach should read this week (missed key sessions, ratings that disagree
with the data, no run for over a week, form below the floor), 1 for what is worth
knowing (an experiment whose verdict is in, a nemesis workout, load falling).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from deliberun.practice.review import LOAD_ADVICE_RULES

#: The weight of each kind of flag (see the module docstring).
FLAG_WEIGHTS: dict[str, int] = {
    "load": 3,
    "silent": 3,
    "no_data": 3,
    "missed_key": 2,
    "rpe_mismatch": 2,
    "no_run": 2,
    "form": 2,
    "experiment": 1,
    "nemesis": 1,
    "load_low": 1,
}
#: No new data or no run for longer than this [days]: the coach looks at an old picture.
STALE_DAYS = 7
#: Planned key sessions are checked over this many days before the as-of date.
KEY_SESSION_DAYS = 14
#: Journal ratings are compared with the data over this many days.
RPE_DAYS = 14


@dataclass(frozen=True)
class Flag:
    """One reason to look at an athlete, with its evidence in words."""

    kind: str
    words: str
    evidence: dict[str, Any]

    @property
    def weight(self) -> int:
        return FLAG_WEIGHTS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "weight": self.weight, "words": self.words, **self.evidence}


def load_flags(
    advice: str | None,
    advice_words: str | None,
    acwr: float | None,
    form: float | None,
    form_floor: float | None,
) -> list[Flag]:
    """Flags from today's load advice (``practice.review.load_advice``: ``back_off`` and
    ``return`` need a look; its ACWR is None during a graded return, as the advice reads
    it) and form below the athlete's floor."""
    out = []
    if advice in ("back_off", "return") and advice_words:
        out.append(Flag("load", advice_words, {"advice": advice, "acwr": acwr, "form": form}))
    elif advice == "hold" and acwr is not None and acwr < LOAD_ADVICE_RULES["acwr_low"]:
        out.append(Flag("load_low", advice_words or "", {"advice": advice, "acwr": acwr}))
    if form is not None and form_floor is not None and form < form_floor:
        out.append(
            Flag(
                "form",
                f"form {form:.0f} is below the floor of {form_floor:.0f}",
                {"form": form, "form_floor": form_floor},
            )
        )
    return out


def data_flags(today: date, last_run: date | None, last_data: date | None, runs: int) -> list[Flag]:
    """No data at all, no new data for over ``STALE_DAYS``, no run for over ``STALE_DAYS``."""
    if runs == 0 or last_data is None:
        return [Flag("no_data", f"no runs up to {today.isoformat()}", {"days": None})]
    out = []
    silent = (today - last_data).days
    if silent > STALE_DAYS:
        out.append(
            Flag(
                "silent",
                f"no new data for {silent} days (last arrived {last_data.isoformat()})",
                {"days": silent},
            )
        )
    if last_run is not None and (gap := (today - last_run).days) > STALE_DAYS:
        out.append(
            Flag("no_run", f"no run for {gap} days (last {last_run.isoformat()})", {"days": gap})
        )
    return out


def missed_key_flag(missed: Sequence[dict[str, Any]]) -> Flag | None:
    """Planned key sessions (``plan.workout.HARD_TYPES``) not done: compliance rows with
    status ``missed``, each ``{"date", "workout_type", "text"}``."""
    if not missed:
        return None
    said = "; ".join(f"{m['date']} {m['workout_type']} ({m['text']})" for m in missed[:3])
    more = f" and {len(missed) - 3} more" if len(missed) > 3 else ""
    n = len(missed)
    words = (
        f"missed {n} planned key session{'s' if n > 1 else ''} in the last "
        f"{KEY_SESSION_DAYS} days: {said}{more}"
    )
    return Flag("missed_key", words, {"count": n, "sessions": [dict(m) for m in missed]})


def rpe_flag(sentences: Sequence[tuple[Any, str]]) -> Flag | None:
    """Journal ratings that disagree with the data (``practice.journal.rpe_disagreement``,
    3 points or more): ``(activity id, its sentence)`` pairs."""
    if not sentences:
        return None
    n = len(sentences)
    words = (
        f"{n} rating{'s' if n > 1 else ''} disagree with the data: "
        + " ".join(s for _, s in sentences[:2])
        + (f" (and {n - 2} more)" if n > 2 else "")
    )
    return Flag("rpe_mismatch", words, {"count": n, "activity_ids": [a for a, _ in sentences]})


def experiment_flags(results: Sequence[dict[str, Any]]) -> list[Flag]:
    """A running experiment whose verdict is final (the planned sessions are in): the
    coach has a result to read and a change to keep or drop. Interim ones are listed on
    the line but not flagged."""
    return [
        Flag(
            "experiment",
            f"final verdict in: {r['words']}",
            {"id": r["id"], "verdict": r["verdict"]},
        )
        for r in results
        if not r["interim"]
    ]


def nemesis_flags(nemeses: Sequence[dict[str, Any]]) -> list[Flag]:
    """Workout types the athlete fails more often than their own baseline
    (``practice.nemesis.find_nemeses``), each ``{"workout_type", "words", ...}``."""
    return [
        Flag(
            "nemesis",
            f"nemesis {n['workout_type']}: {n['words']}",
            {"workout_type": n["workout_type"]},
        )
        for n in nemeses
    ]


def attention_key(flags: Sequence[Flag], days_since_data: int | None, name: str) -> tuple[Any, ...]:
    """Sort key: the heaviest flag first, then the sum of weights, then the longest
    silence (no data at all first), then the name."""
    top = max((f.weight for f in flags), default=0)
    total = sum(f.weight for f in flags)
    silence = 10**6 if days_since_data is None else days_since_data
    return (-top, -total, -silence, name)
