"""The two everyday commands that join the practice loop and running experiments:
``deliberun log`` (the entry tagged with the run's experiment arm) and ``deliberun today``
(the advice with the arm of each experiment's next session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from deliberun.practice.journal import JournalEntry
from deliberun.practice.review import Review
from deliberun.services import practice as svc
from deliberun.services import review as rsvc
from deliberun.services.practice_experiments import arm_tags, coming_arms
from deliberun.store.db import Database


def log_run(db: Database, entry: JournalEntry, *, today: date) -> dict[str, Any]:
    """Store a journal entry (``services.practice.log_entry``'s document); when it is tied
    to a run, the run's arm of every running experiment is added to its tags
    (``<id>:a`` / ``<id>:b``) unless the runner tagged an arm of that experiment."""
    out = svc.log_entry(db, entry)
    if out["activity_id"]:
        arms = arm_tags(db, out["activity_id"], today=max(entry.date, today))
        new = [
            t for t in arms if t not in entry.tags and t[:-1] + "ab"[t[-1] == "a"] not in entry.tags
        ]
        if new:
            entry.tags = [*entry.tags, *new]
            out = svc.log_entry(db, entry)
    return out


@dataclass(frozen=True)
class TodayAdvice:
    """``deliberun today``: the review of today (its advice, sections and sentences) and
    each running experiment's next arm (``coming_arms``).

    ``to_dict()``: ``Review.to_dict()`` with ``experiments``.
    """

    review: Review
    experiments: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {**self.review.to_dict(), "experiments": self.experiments}


def today_advice(db: Database, *, today: date) -> TodayAdvice:
    """Today's session or an adjustment, with why, and the experiments' coming arms."""
    return TodayAdvice(rsvc.today(db, today=today), coming_arms(db, today=today))
