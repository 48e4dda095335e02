"""The practice repository takes and returns domain objects (issue 15): what a service
stores through it (a journal entry, a cycle with its goal race and targets, a changed
goal, an experiment spec) is what a later session reads back, on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from deliberun.practice.cycles import Cycle, GoalRace
from deliberun.practice.experiment_spec import ExperimentSpec
from deliberun.practice.journal import JournalEntry
from deliberun.practice.targets import TargetSpec
from deliberun.services import practice
from deliberun.store import practice_repo
from deliberun.store.db import Database

START = date(2026, 3, 2)


def test_cycles_targets_and_goals_round_trip(store_url: str) -> None:
    db = Database(store_url)
    race = GoalRace(42195.0, date(2026, 5, 24), 3 * 3600 + 15 * 60)
    targets = [
        TargetSpec("threshold_pace", 255.0),
        TargetSpec("weekly_volume", 70000.0, name="volume"),
    ]
    cid = practice.create_cycle(db, Cycle("spring", START, date(2026, 5, 24), race, targets))
    (cycle,) = practice.list_cycles(db)
    assert (cycle.id, cycle.name, cycle.goal_race) == (cid, "spring", race)
    assert [(t.kind, t.goal, t.name) for t in cycle.targets] == [
        ("threshold_pace", 255.0, ""),
        ("weekly_volume", 70000.0, "volume"),
    ]
    tid = practice.add_target(db, cid, TargetSpec("easy_cadence", 178.0), today=START)
    assert practice.get_target(db, tid).goal == 178.0
    # a changed goal is stored (not only returned)
    assert practice.set_target_goal(db, tid, 180.0).goal == 180.0
    assert practice.get_target(db, tid).goal == 180.0
    # a removed target is gone from its cycle; an unknown id is refused
    assert practice.remove_target(db, tid).kind == "easy_cadence"
    assert [t.kind for t in practice.get_cycle(db, cid, today=START).targets] == [
        "threshold_pace",
        "weekly_volume",
    ]
    with pytest.raises(ValueError, match="no target"):
        practice.set_target_goal(db, tid, 181.0)
    with db.session() as s:
        assert practice_repo.target(s, tid) is None


def test_experiments_round_trip_and_replace(store_url: str) -> None:
    db = Database(store_url)
    spec = ExperimentSpec(
        id="cue",
        change="a cadence cue every km",
        metric="avg_hr_bpm",
        assignment="randomised",
        start=START,
        planned_sessions=4,
        min_detectable_effect=2.5,
        arms=[0, 1, 1, 0],
    )
    practice.save_experiment(db, spec)
    assert practice.list_experiments(db) == [spec]
    with pytest.raises(ValueError, match="exists"):
        practice.save_experiment(db, spec)
    ended = practice.end_experiment(db, "cue", end=date(2026, 4, 1), status="abandoned")
    with db.session() as s:
        stored = practice_repo.get_experiment(s, "cue")
        assert practice_repo.get_experiment(s, "nope") is None
    assert stored == ended and (stored.end, stored.status) == (date(2026, 4, 1), "abandoned")
    assert stored.arms == [0, 1, 1, 0]


def test_journal_entries_replace_and_come_back_with_their_ids(store_url: str) -> None:
    db = Database(store_url)
    practice.log_entry(db, JournalEntry(date=START, rpe=4, notes="easy", tags=["hill"]))
    again = practice.log_entry(db, JournalEntry(date=START, rpe=6, details=["fuelling"]))
    with db.session() as s:
        stored = practice_repo.journal(s)
    # the same date without an activity: the second entry replaced the first
    assert [(eid, e.rpe, e.notes, e.tags, e.details) for eid, e in stored] == [
        (again["id"], 6, "", [], ["fuelling"])
    ]
    assert practice.list_journal(db)[0]["id"] == again["id"]


def test_a_targets_cycle_and_the_journal_as_domain_objects(store_url: str) -> None:
    """What ``target show`` and the practice sessions read: the cycle id of a target (not
    its row) and the journal entries from a day (``JournalEntry``, not rows)."""
    db = Database(store_url)
    cid = practice.create_cycle(db, Cycle("spring", START, date(2026, 5, 24), None, []))
    tid = practice.add_target(db, cid, TargetSpec("easy_cadence", 178.0), today=START)
    practice.log_entry(db, JournalEntry(date=START, rpe=4, notes="easy"))
    practice.log_entry(db, JournalEntry(date=date(2026, 3, 4), rpe=7, tags=["hill"]))
    with db.session() as s:
        assert practice_repo.target_cycle(s, tid) == cid
        assert practice_repo.target_cycle(s, tid + 99) is None
        later = practice_repo.journal_entries(s, date(2026, 3, 3))
        every = practice_repo.journal_entries(s, by_date=False)
    assert [(type(e), e.date, e.rpe, e.tags) for e in later] == [
        (JournalEntry, date(2026, 3, 4), 7, ["hill"])
    ]
    assert sorted((e.date, e.notes) for e in every) == [(START, "easy"), (date(2026, 3, 4), "")]
