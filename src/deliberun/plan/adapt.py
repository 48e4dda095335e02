"""Propose a re-plan of the coming days after a missed or failed key session, or when
form or ACWR say the runner is overreaching.

Rules (project conventions; thresholds in ``ADAPT_RULES``):

* a missed key (hard) session in the last 3 days moves to the next planned easy day
  that keeps an easy day either side of it; it is dropped, not stacked, when none does;
* after a failed key session the next session of the same type steps one variant
  down the library (fewer or shorter reps);
* form below ``form_low`` or ACWR above ``acwr_high`` turns the next hard session in
  the coming 3 days into an easy run of the same length (Gabbett 2016; the band is
  contested, so the reason says what the numbers were).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from deliberun.plan.library import LIBRARY
from deliberun.plan.planned import PlannedDay
from deliberun.plan.text import canonical
from deliberun.plan.workout import estimate, is_hard

Day = date  # an alias: the Proposal field named ``date`` would shadow the type

ADAPT_RULES = {"form_low": -30.0, "acwr_high": 1.5, "lookback_days": 3, "ahead_days": 3}


@dataclass(frozen=True)
class Proposal:
    """One proposed change: ``action`` is move, replace or easy."""

    date: Day
    action: str
    workout_type: str
    text: str
    new_date: Day | None
    new_text: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["new_date"] = self.new_date.isoformat() if self.new_date else None
        return d


def _easier(workout_type: str, text: str) -> str | None:
    entries = LIBRARY.get(workout_type, ())
    texts = [canonical(e.text) for e in entries]
    t = canonical(text)
    if t in texts and texts.index(t) > 0:
        return texts[texts.index(t) - 1]
    return None


def propose(
    days: Sequence[PlannedDay],
    today: date,
    *,
    outcomes: Mapping[date, str] | None = None,
    form: float | None = None,
    acwr: float | None = None,
    vdot: float = 45.0,
) -> list[Proposal]:
    """Proposed changes to the days after ``today``, each with its reason.

    Parameters
    ----------
    days : sequence of PlannedDay
        The plan.
    today : date
        The runner's local date.
    outcomes : mapping, optional
        ``{date: "done" | "missed" | "failed"}`` for past planned days (from compliance).
    form, acwr : float, optional
        Current form (fitness − fatigue) and acute:chronic workload ratio.
    vdot : float
        The runner's VDOT (to size an easy run replacing a hard one).
    """
    outcomes = outcomes or {}
    out: list[Proposal] = []
    future = [d for d in days if d.date > today and d.status == "planned"]
    hard_dates = {d.date for d in days if is_hard(d.workout_type) and d.status != "skipped"}
    look = timedelta(days=ADAPT_RULES["lookback_days"])
    for d in days:
        if not (today - look <= d.date <= today) or not is_hard(d.workout_type):
            continue
        result = outcomes.get(d.date)
        if result == "missed" and d.workout_type != "race":
            slot = next(
                (
                    f
                    for f in future
                    if not is_hard(f.workout_type)
                    and (f.date - today).days <= 7
                    and all(abs((f.date - h).days) >= 2 for h in hard_dates if h != d.date)
                ),
                None,
            )
            if slot is not None:
                out.append(
                    Proposal(
                        d.date,
                        "move",
                        d.workout_type,
                        d.text,
                        slot.date,
                        d.text,
                        f"{d.workout_type} on {d.date} was missed: moved to {slot.date}, "
                        "an easy day with easy days around it",
                    )
                )
                hard_dates.add(slot.date)
            else:
                out.append(
                    Proposal(
                        d.date,
                        "drop",
                        d.workout_type,
                        d.text,
                        None,
                        None,
                        f"{d.workout_type} on {d.date} was missed and no day in the next week "
                        "keeps hard days apart: dropped rather than stacked",
                    )
                )
        elif result == "failed":
            nxt = next((f for f in future if f.workout_type == d.workout_type), None)
            if nxt is not None:
                easier = _easier(nxt.workout_type, nxt.text)
                if easier and easier != canonical(nxt.text):
                    out.append(
                        Proposal(
                            nxt.date,
                            "replace",
                            nxt.workout_type,
                            nxt.text,
                            None,
                            easier,
                            f"{d.workout_type} on {d.date} failed: next {nxt.workout_type} "
                            "steps one variant down",
                        )
                    )
    over = []
    if form is not None and form < ADAPT_RULES["form_low"]:
        over.append(f"form {form:.0f} below {ADAPT_RULES['form_low']:.0f}")
    if acwr is not None and acwr > ADAPT_RULES["acwr_high"]:
        over.append(f"ACWR {acwr:.2f} above {ADAPT_RULES['acwr_high']}")
    if over:
        ahead = today + timedelta(days=ADAPT_RULES["ahead_days"])
        nxt = next(
            (
                f
                for f in future
                if is_hard(f.workout_type) and f.workout_type != "race" and f.date <= ahead
            ),
            None,
        )
        if nxt is not None and not any(p.date == nxt.date for p in out):
            km = max(3.0, round(estimate(nxt.workout(), vdot)[0] / 500.0) / 2)
            out.append(
                Proposal(
                    nxt.date,
                    "easy",
                    nxt.workout_type,
                    nxt.text,
                    None,
                    f"{km:g}km E",
                    "; ".join(over) + f": {nxt.workout_type} on {nxt.date} becomes an easy run",
                )
            )
    return out


def apply(days: Sequence[PlannedDay], proposals: Sequence[Proposal]) -> list[PlannedDay]:
    """The plan with the proposals applied (moved days keep a note of the reason)."""
    out = list(days)
    for p in proposals:
        idx = next((i for i, d in enumerate(out) if d.date == p.date and d.text == p.text), None)
        if idx is None:
            continue
        d = out[idx]
        if p.action == "move" and p.new_date is not None:
            target = next((i for i, x in enumerate(out) if x.date == p.new_date), None)
            if target is not None:
                out.pop(target if target > idx else target)
                idx = next(i for i, x in enumerate(out) if x.date == p.date and x.text == p.text)
            out[idx] = d.with_(date=p.new_date, notes=p.reason)
        elif p.action == "drop":
            out[idx] = d.with_(status="skipped", notes=p.reason)
        elif p.action == "replace" and p.new_text:
            out[idx] = d.with_(text=p.new_text, notes=p.reason)
        elif p.action == "easy" and p.new_text:
            out[idx] = d.with_(text=p.new_text, workout_type="easy", notes=p.reason)
    return sorted(out, key=lambda d: d.date)
