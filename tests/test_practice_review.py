"""Reviews: every sentence carries evidence; advice follows form and ACWR; renderers."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np

from deliberun.practice.cycles import Cycle
from deliberun.practice.review import (
    LoadState,
    PlannedDay,
    load_advice,
    to_markdown,
    today_advice,
    weekly_review,
)
from deliberun.practice.session import Session
from deliberun.practice.synthetic import experiment_sessions, nemesis_sessions
from deliberun.practice.targets import TargetSpec


def _athlete() -> tuple[list[Session], date]:
    """24 interval sessions failing in the heat: the first 10 in the cool went well, then
    hot days (failed) alternate with cool ones (fine), and the last 6, in a hot spell,
    failed. The recent failure rate is above the runner's own earlier rate (a nemesis),
    and heat stands out within the period, not only along it (a hot spell alone is
    indistinguishable from any other change over time)."""
    ss = nemesis_sessions(np.random.default_rng(1), "heat", n=24, strength=3.0)
    for k, s in enumerate(ss):
        if k >= 18 or (k >= 10 and k % 2 == 1):
            s.temperature_c, s.last_rep_fade_pct = 27.0 + k % 3, 9.0 + 0.1 * k
        else:
            s.temperature_c, s.last_rep_fade_pct, s.rpe = 6.0 + k % 5, 2.0 + 0.1 * (k % 4), 7.0
    for s in ss:
        s.distance_m = 10000.0
        s.form, s.acwr = -5.0, 1.0
    return ss, max(s.local_date for s in ss)


def test_load_advice_push_hold_back_off() -> None:
    d = date(2026, 3, 1)
    ok = [Session(d, activity_id=1, form=-5, acwr=1.0)]
    assert load_advice(ok, d)[0] == "push"
    tired = [Session(d, activity_id=1, form=-35, acwr=1.0)]
    adv, sent = load_advice(tired, d)
    assert adv == "back_off" and "form -35 is below -30" in sent.text
    assert sent.evidence[0].activity_ids == [1]
    spiky = [Session(d, activity_id=1, form=-5, acwr=1.6)]
    assert load_advice(spiky, d)[0] == "back_off"
    mid = [Session(d, activity_id=1, form=-20, acwr=1.2)]
    assert load_advice(mid, d)[0] == "hold"


def test_weekly_review_sections_and_evidence() -> None:
    ss, last = _athlete()
    week_start = last - timedelta(days=last.weekday())
    spec, exp_ss = experiment_sessions(
        np.random.default_rng(0), effect=-3.0, assignment="randomised"
    )
    spec.planned_sessions = 16  # the week holds 17: the final look
    spec.workout_type = "tempo"  # kept apart from the interval sessions above
    for s in exp_ss:
        s.workout_type = "tempo"
    cyc = Cycle("Test", last - timedelta(days=60), last + timedelta(days=30))
    cyc.add_target(TargetSpec("interval_execution", 0.8))
    planned = [PlannedDay(week_start + timedelta(days=k), "intervals", "6x800m") for k in (1, 3)]
    rev = weekly_review(
        ss + exp_ss, week_start, planned=planned, cycle=cyc, experiments=[spec], seed=1
    )
    titles = [s.title for s in rev.sections]
    assert titles[0] == "Load and form" and "Nemesis workouts" in titles
    assert "Experiments" in titles and "Planned vs done" in titles
    assert rev.advice in ("push", "hold", "back_off")
    nem = next(s for s in rev.sections if s.title == "Nemesis workouts")
    assert "intervals" in nem.sentences[0].text and "heat" in nem.sentences[0].text
    assert nem.sentences[0].evidence[0].activity_ids  # cites the failed sessions
    exp = next(s for s in rev.sections if s.title == "Experiments")
    assert "helps" in exp.sentences[0].text
    assert exp.sentences[0].evidence[0].interval is not None
    doc = json.loads(json.dumps(rev.to_dict()))
    assert doc["kind"] == "week" and doc["sections"][0]["sentences"][0]["evidence"]
    md = to_markdown(rev)
    assert md.startswith(f"# Week of {week_start}") and "## Nemesis workouts" in md
    assert "_(activities " in md


def test_today_adjusts_hard_session_when_backing_off() -> None:
    d = date(2026, 3, 10)
    ss = [Session(d - timedelta(days=1), activity_id=7, form=-40, acwr=1.2)]
    rev = today_advice(ss, d, planned=[PlannedDay(d, "intervals", "6x800m @I")])
    assert rev.advice == "back_off"
    assert "easy run instead" in rev.sections[0].sentences[0].text
    rev2 = today_advice([], d, planned=[])
    assert "Nothing planned" in rev2.sections[0].sentences[0].text


def test_today_moves_a_hard_session_after_a_failed_key_session() -> None:
    d = date(2026, 3, 10)
    failed = Session(d - timedelta(days=1), activity_id=8, workout_type="intervals",
                     reps_planned=6, reps_done=3, form=-5, acwr=1.0)  # fmt: skip
    rev = today_advice([failed], d, planned=[PlannedDay(d, "tempo", "20min @T")])
    assert rev.advice == "hold"  # form and ACWR alone would say push
    first = rev.sections[0].sentences[0]
    assert "make it an easy run" in first.text and "reps cut (3/6)" in first.text
    assert first.evidence[0].activity_ids == [8]
    # an easy day planned: nothing to move; three days later: the plan stands
    assert (
        "Planned easy"
        in today_advice([failed], d, planned=[PlannedDay(d, "easy", "8km E")])
        .sections[0]
        .sentences[0]
        .text
    )
    later = d + timedelta(days=2)
    rev = today_advice([failed], later, planned=[PlannedDay(later, "tempo", "20min @T")])
    assert rev.sections[0].sentences[0].text == "Planned tempo: 20min @T."


def test_after_a_race_the_advice_is_to_recover() -> None:
    """One easy day per mile raced: 27 days after a marathon, 4 after a 5 km."""
    race_day = date(2026, 10, 25)
    runs = [
        Session(race_day - timedelta(days=1), activity_id=1, form=30, acwr=0.5),
        Session(race_day, activity_id=2, workout_type="race", distance_m=42195.0),
    ]
    adv, sent = load_advice(runs, race_day)
    assert adv == "back_off"
    assert "the 42.2 km race on 2026-10-25 calls for 27 easy days" in sent.text
    assert "27 still to go" in sent.text
    assert 2 in sent.evidence[0].activity_ids
    assert load_advice(runs, race_day + timedelta(days=26))[0] == "back_off"
    later = runs + [Session(race_day + timedelta(days=27), activity_id=3, form=5, acwr=1.0)]
    # 26 days without a run after the race: a break, so a graded return, not push
    assert load_advice(later, race_day + timedelta(days=27))[0] == "return"
    easy = runs + [
        Session(race_day + timedelta(days=k), activity_id=10 + k, form=5, acwr=1.0)
        for k in range(3, 28, 3)
    ]
    assert load_advice(easy, race_day + timedelta(days=27))[0] == "push"
    five = [Session(race_day, activity_id=4, workout_type="race", distance_m=5000.0, form=5)]
    assert load_advice(five, race_day + timedelta(days=3))[0] == "back_off"
    assert load_advice(five, race_day + timedelta(days=4))[0] != "back_off"
    # today's hard session becomes an easy run while recovering
    planned = [PlannedDay(race_day + timedelta(days=2), "intervals", "6x800m @I")]
    t = today_advice(runs, race_day + timedelta(days=2), planned=planned)
    assert t.advice == "back_off" and "make it an easy run" in t.sections[0].sentences[0].text


def test_cycle_retrospective_what_improved_and_what_next() -> None:
    from deliberun.practice.cycles import GoalRace
    from deliberun.practice.review import cycle_retrospective

    ss, last = _athlete()  # 24 interval sessions that fail in the heat
    for i, s in enumerate(ss):
        s.metrics["vdot_of_day"] = 48.0 + 0.1 * i
        s.fitness = 50.0 + i
        s.rep_paces_s_per_km = [240.0] * 5 + [240.0 + 8 * (i % 2)]  # 5 or 6 reps on target
    spec, exp_ss = experiment_sessions(
        np.random.default_rng(0), effect=-3.0, assignment="randomised"
    )
    spec.workout_type = "tempo"  # kept apart from the interval sessions
    for s in exp_ss:
        s.workout_type = "tempo"
    race_day = last + timedelta(days=2)
    race = Session(race_day, activity_id=9000, workout_type="race", distance_m=10000.0,
                   duration_s=2400.0)  # fmt: skip
    start = min(s.local_date for s in ss + exp_ss)
    cyc = Cycle("Spring 10k", start, race_day, GoalRace(10000.0, race_day, 2460.0))
    cyc.add_target(TargetSpec("interval_execution", 0.8))
    rev = cycle_retrospective(cyc, ss + exp_ss + [race], race_day, experiments=[spec])
    titles = [s.title for s in rev.sections]
    assert titles == ["What improved", "Targets", "Comfort zone", "Experiments",
                      "What to try next cycle"]  # fmt: skip
    improved = [x.text for x in rev.sections[0].sentences]
    # the end value is the goal race's own VDOT (the day's VDOT is known before the run)
    assert (
        improved[0].startswith("VDOT 48.0 on ")
        and "-> 51.9 from the goal race (+3.9)" in improved[0]
    )
    assert improved[1] == "Fitness (chronic load) 50 -> 73 (+23)."
    # 40:00 for 10 km is VDOT 51.9 in Daniels' tables; the goal was 41:00
    assert "Goal race on" in improved[2] and "40:00" in improved[2] and "goal met" in improved[2]
    assert "VDOT 51.9" in improved[2] or "VDOT 52.0" in improved[2]
    nxt = [x.text for x in rev.sections[-1].sentences]
    assert any(t.startswith("interval execution: reached") for t in nxt)
    assert any("Keep '50% more rest between reps': it helped" in t for t in nxt)
    assert any(t.startswith("intervals kept failing") and "cool" in t for t in nxt)
    assert all(e.activity_ids for sec in rev.sections for x in sec.sentences for e in x.evidence)
    # without a goal race the end value is the last day's VDOT from training and races
    open_cycle = Cycle("Base", start, race_day)
    rev = cycle_retrospective(open_cycle, ss, race_day)
    first = rev.sections[0].sentences[0].text
    assert "-> 50.3 from training and races up to" in first and "(+2.3)" in first


def test_a_break_gives_a_graded_return_never_push() -> None:
    """41 days without a run, then one test run after 7 weeks: return, never push or an
    ACWR-based back off; the return lasts until 28 days after the first run back."""
    d0 = date(2026, 1, 5)
    before = [Session(d0 + timedelta(days=k), activity_id=k + 1, form=5, acwr=1.0)
              for k in range(0, 60, 2)]  # fmt: skip
    last = before[-1].local_date
    adv, sent = load_advice(before, last + timedelta(days=41), LoadState(last, 39.0, 20.0, 1.0))
    assert adv == "return" and "no run for 41 days" in sent.text
    assert sent.evidence[0].values["acwr"] is None
    back = last + timedelta(days=49)
    test_run = [*before, Session(back, activity_id=999, form=30, acwr=4.0)]
    adv, sent = load_advice(test_run, back + timedelta(days=1), LoadState(back, 30.0, acwr=4.0))
    assert adv == "return" and "ACWR" not in sent.text
    rebuilt = test_run + [Session(back + timedelta(days=k), activity_id=2000 + k, form=0,
                                  acwr=1.0) for k in range(2, 30, 2)]  # fmt: skip
    assert load_advice(rebuilt, back + timedelta(days=27))[0] == "return"
    assert load_advice(rebuilt, back + timedelta(days=29))[0] == "push"


def test_hr_drift_needs_four_runs_and_a_clear_rise() -> None:
    d = date(2026, 3, 1)

    def run(k: int, dec: float) -> Session:
        s = Session(d - timedelta(days=k), activity_id=k, form=0, acwr=1.0)
        s.metrics["decoupling_pct"] = dec
        return s

    base = [run(k, 2.0 + 0.3 * (k % 3)) for k in range(15, 50, 3)]
    two_bad = [run(1, 9.0), run(3, 9.5)]  # only two runs now: no verdict
    assert load_advice(base + two_bad, d)[0] == "push"
    four_bad = [run(k, 9.0 + 0.2 * k) for k in (1, 3, 6, 9)]
    adv, sent = load_advice(base + four_bad, d)
    assert adv == "back_off" and "HR drift" in sent.text and "p=" in sent.text


def test_stale_data_is_said_first() -> None:
    from deliberun.practice.review import stale_notice

    d = date(2026, 3, 1)
    assert stale_notice(d - timedelta(days=14), d) is None
    note = stale_notice(d - timedelta(days=15), d)
    assert note and "15 days before 2026-03-01" in note
    runs = [Session(d - timedelta(days=20), activity_id=1, form=0, acwr=1.0)]
    rev = today_advice(runs, d)
    assert rev.notice and "2026-02-09" in rev.notice and rev.to_dict()["notice"] == rev.notice
    assert to_markdown(rev).splitlines()[2].startswith("> Your newest run")
    assert today_advice(runs, d - timedelta(days=19)).notice is None


def test_no_stretch_session_in_the_week_of_a_planned_race() -> None:
    d = date(2026, 3, 10)
    ok = [Session(d - timedelta(days=1), activity_id=1, form=-5, acwr=1.0)]
    assert today_advice(ok, d).advice == "push"
    for ahead, word in ((0, "Race day"), (4, "Race week")):
        race = PlannedDay(d + timedelta(days=ahead), "race", "race 10km")
        rev = today_advice(ok, d, planned=[race])
        text = rev.sections[0].sentences[-1].text
        assert rev.advice == "hold" and text.startswith(word), text
        assert "no stretch session" in text and "form -5" in text
    # a race more than a week ahead leaves the advice alone
    later = PlannedDay(d + timedelta(days=9), "race", "race 10km")
    assert today_advice(ok, d, planned=[later]).advice == "push"


def test_a_quiet_week_is_not_room_to_push() -> None:
    # the real history on 2025-09-30: 9 days without a run, form +20, ACWR 0.00
    d = date(2025, 9, 30)
    quiet = [Session(d - timedelta(days=9), activity_id=1, form=20, acwr=0.0)]
    adv, sent = load_advice(quiet, d, LoadState(d, form=20.0, acwr=0.0))
    assert adv == "hold" and "ran little" in sent.text and "ACWR 0.00" in sent.text
    usual = [Session(d - timedelta(days=1), activity_id=1, form=5, acwr=0.9)]
    assert load_advice(usual, d, LoadState(d, form=5.0, acwr=0.9))[0] == "push"


def test_a_week_without_a_run_says_so_and_one_run_is_one_run() -> None:
    ss, last = _athlete()
    after = last + timedelta(days=14 - last.weekday())  # a Monday two weeks on: no run
    empty = weekly_review(ss, after, seed=1)
    comfort = next(s for s in empty.sections if s.title == "Comfort zone")
    assert comfort.sentences[0].text.startswith("No run this week")
    assert all("stayed in the comfort zone" not in s.text for s in comfort.sentences)
    assert empty.sections[0].sentences[0].text.startswith("0 runs,")
    one = weekly_review(ss, last - timedelta(days=last.weekday()), seed=1)
    n = sum(1 for s in ss if s.local_date >= last - timedelta(days=last.weekday()))
    head = one.sections[0].sentences[0].text
    assert head.startswith(f"{n} run{'' if n == 1 else 's'},")
