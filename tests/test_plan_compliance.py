"""Planned vs done: execution scores and weekly compliance on constructed weeks; re-plans."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from deliberun.plan.adapt import apply, propose
from deliberun.plan.compliance import colour, compliance, match, score_execution
from deliberun.plan.paces import zone_paces
from deliberun.plan.planned import PlannedDay
from deliberun.plan.text import parse_workout

VDOT = 50.0
PACES = zone_paces(VDOT)
I_MID = sum(PACES["I"]) / 2  # s/km


def _rep(
    distance_m: float,
    pace_s_per_km: float,
    recovery_s: float | None = 120.0,
    recovery_distance_m: float | None = 400.0,
) -> dict:
    speed = 1000.0 / pace_s_per_km
    return {
        "distance_m": distance_m,
        "duration_s": distance_m / speed,
        "speed_m_per_s": speed,
        "recovery_s": recovery_s,
        "recovery_distance_m": recovery_distance_m,
    }


WORKOUT = parse_workout("2km E + 6x800m @I w/ 400m jog + 2km E", workout_type="intervals")


def test_perfect_session_scores_one() -> None:
    s = score_execution(WORKOUT, [_rep(800, I_MID) for _ in range(6)], PACES)
    assert (s.reps_planned, s.reps_done) == (6, 6)
    assert s.pace_hit_share == 1.0 and s.distance_hit_share == 1.0
    assert s.last_rep_fade_pct == pytest.approx(0.0)
    assert s.rest_ratio == pytest.approx(1.0)
    assert not s.cut_short and not s.failed
    assert s.score == 1.0 and s.reasons == []


def test_cut_short_and_faded_session_fails_with_reasons() -> None:
    reps = [_rep(800, I_MID) for _ in range(3)] + [_rep(800, I_MID * 1.08)]
    s = score_execution(WORKOUT, reps, PACES)
    assert s.reps_done == 4 and s.cut_short
    assert s.failed
    assert s.last_rep_fade_pct == pytest.approx(8.0, abs=0.01)
    assert s.pace_hit_share == pytest.approx(3 / 6)
    assert any("4 of 6 reps" in r for r in s.reasons)
    assert any("rep 4 too slow" in r for r in s.reasons)
    assert any("faded" in r for r in s.reasons)
    assert s.score < 0.8


def test_too_fast_and_short_rests() -> None:
    reps = [_rep(800, PACES["I"][0] * 0.9, recovery_distance_m=200) for _ in range(6)]
    s = score_execution(WORKOUT, reps, PACES)
    assert s.pace_hit_share == 0.0 and s.failed
    assert all("too fast" in r for r in s.reasons)
    assert s.rest_ratio == pytest.approx(0.5)


def test_time_based_reps_and_rest_ratio() -> None:
    w = parse_workout("25min E + 3x(10min @T, 2min rest)")
    t = sum(PACES["T"]) / 2
    reps = [
        {
            "duration_s": 600,
            "distance_m": 600 * 1000 / t,
            "speed_m_per_s": 1000 / t,
            "recovery_s": 180,
        }
        for _ in range(3)
    ]
    s = score_execution(w, reps, PACES)
    assert s.reps_planned == 3 and s.pace_hit_share == 1.0 and s.distance_hit_share == 1.0
    assert s.rest_ratio == pytest.approx(1.5)
    assert not s.failed


def test_compliance_colours_follow_trainingpeaks(reference_dir) -> None:
    ref = json.loads((reference_dir / "misc.json").read_text())["compliance_colours_trainingpeaks"]
    assert "20%" in ref["green"] and "50-79%" in ref["yellow"]
    assert colour(1.0) == colour(0.8) == colour(1.2) == "green"
    assert colour(0.79) == colour(0.5) == colour(1.21) == colour(1.5) == "yellow"
    assert colour(0.49) == colour(1.51) == colour(None) == "red"


def _week() -> list[PlannedDay]:
    mon = date(2027, 1, 4)
    return [
        PlannedDay(mon, "recovery", "6km E"),
        PlannedDay(mon + timedelta(days=1), "intervals", "2km E + 6x800m @I w/ 400m jog + 2km E"),
        PlannedDay(mon + timedelta(days=3), "tempo", "2km E + 20min @T + 2km E"),
        PlannedDay(mon + timedelta(days=4), "easy", "8km E"),
        PlannedDay(mon + timedelta(days=6), "long", "18km E"),
    ]


def _acts(days: list[PlannedDay]) -> list[dict]:
    from deliberun.plan.workout import estimate

    out = []
    for i, d in enumerate(days):
        dist, dur = estimate(d.workout(), VDOT)
        out.append(
            {
                "id": i + 1,
                "local_date": d.date,
                "distance_m": dist,
                "moving_time_s": dur,
                "reps": None,
            }
        )
    return out


def test_constructed_week_with_known_execution() -> None:
    days = _week()
    acts = _acts(days)
    acts[1]["reps"] = [_rep(800, I_MID) for _ in range(6)]  # intervals nailed
    acts[2]["moving_time_s"] *= 0.6  # tempo cut to 60 % → yellow
    acts[2]["local_date"] = days[2].date - timedelta(days=1)  # and run a day early (a free day)
    del acts[3]  # easy run missed → red
    acts[3]["moving_time_s"] *= 1.6  # long run 160 % → red
    rep = compliance(days, acts, VDOT, today=date(2027, 1, 10))
    by_type = {r["workout_type"]: r for r in rep["workouts"]}
    assert by_type["recovery"]["colour"] == "green"
    assert by_type["intervals"]["colour"] == "green"
    assert by_type["intervals"]["execution"]["score"] == 1.0
    assert by_type["tempo"]["colour"] == "yellow" and by_type["tempo"]["activity_id"] == 3
    assert by_type["easy"]["status"] == "missed" and by_type["easy"]["colour"] == "red"
    assert by_type["long"]["colour"] == "red"
    (week,) = rep["weeks"]
    assert week["workouts"] == 5 and week["done"] == 4
    assert week["colours"] == {"green": 2, "yellow": 1, "red": 2}
    assert week["execution_score"] == 1.0
    assert week["week_start"] == "2027-01-04"


def test_match_prefers_kind_and_distance_on_a_double_day() -> None:
    day = PlannedDay(date(2027, 1, 5), "intervals", "2km E + 6x800m @I w/ 400m jog + 2km E")
    easy = {"id": 1, "local_date": day.date, "distance_m": 5000, "moving_time_s": 1800, "reps": []}
    hard = {
        "id": 2,
        "local_date": day.date,
        "distance_m": 11000,
        "moving_time_s": 3300,
        "reps": [_rep(800, I_MID)],
    }
    ((_, got),) = match([day], [easy, hard], VDOT)
    assert got is not None and got["id"] == 2


def test_future_days_are_not_judged() -> None:
    rep = compliance(_week(), [], VDOT, today=date(2027, 1, 5))
    assert [r["date"] for r in rep["workouts"]] == ["2027-01-04", "2027-01-05"]
    assert all(r["status"] == "missed" for r in rep["workouts"])


def test_missed_key_session_is_moved_to_a_spaced_easy_day() -> None:
    days = _week() + [
        PlannedDay(date(2027, 1, 11), "recovery", "6km E"),
        PlannedDay(date(2027, 1, 12), "easy", "8km E"),
        PlannedDay(date(2027, 1, 14), "tempo", "2km E + 20min @T + 2km E"),
    ]
    # Thursday's tempo missed, today Friday; Saturday would sit next to Sunday's long run
    props = propose(days, date(2027, 1, 8), outcomes={date(2027, 1, 7): "missed"})
    (p,) = props
    assert p.action == "move" and p.new_date == date(2027, 1, 12)
    assert "missed" in p.reason
    new = apply(days, props)
    moved = [d for d in new if d.workout_type == "tempo" and d.date == date(2027, 1, 12)]
    assert moved and moved[0].notes == p.reason
    assert not any(d.date == date(2027, 1, 12) and d.workout_type == "easy" for d in new)


def test_failed_session_steps_the_next_one_down_and_overload_eases() -> None:
    days = _week() + [
        PlannedDay(date(2027, 1, 12), "intervals", "2km E + 6x800m @I w/ 400m jog + 2km E")
    ]
    props = propose(days, date(2027, 1, 6), outcomes={date(2027, 1, 5): "failed"})
    (p,) = props
    assert p.action == "replace" and p.new_text == "2km E + 5x800m @I w/ 400m jog + 2km E"
    props = propose(days, date(2027, 1, 6), form=-40.0, acwr=1.6)
    (p,) = props
    assert p.action == "easy" and p.date == date(2027, 1, 7)
    assert "form -40" in p.reason and "ACWR 1.60" in p.reason
    new = apply(days, props)
    assert next(d for d in new if d.date == date(2027, 1, 7)).workout_type == "easy"
    assert propose(days, date(2027, 1, 6), form=5.0, acwr=1.0) == []
