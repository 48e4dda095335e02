"""The race classifier (models/races.py) on constructed runs: any language, no name at
all, and the runs around a race. None of these cases is from the real history the
classifier was checked on (tests/test_reading_real_runner.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deliberun.models.races import (
    RaceFacts,
    classify,
    classify_history,
    is_race,
    runner_mark,
    source_says_race,
    word_points,
)

HR_MAX = 190.0
DAY = date(2025, 5, 10)


def _season(distance_m: float, pace_s_per_km: float, n: int = 12) -> list[RaceFacts]:
    """A season of steady training runs at one pace, around ``distance_m``."""
    return [
        RaceFacts(
            i,
            DAY - timedelta(days=7 * (i + 1)),
            distance_m,
            distance_m / 1000 * pace_s_per_km,
            avg_hr_bpm=148.0,
            name="Morning Run",
        )  # fmt: skip
        for i in range(n)
    ]


def _run(name: str | None, distance_m: float, time_s: float, hr: float | None,
         description: str | None = None, cv: float | None = 2.5) -> RaceFacts:  # fmt: skip
    return RaceFacts(999, DAY, distance_m, time_s, hr, name, description, split_cv_pct=cv)


@pytest.mark.parametrize(
    ("name", "distance_m", "time_s"),
    [
        ("Stadtlauf Zürich", 10000.0, 2580.0),  # German
        ("Carrera popular de San Silvestre", 10000.0, 2580.0),  # Spanish
        ("Gara podistica", 10000.0, 2580.0),  # Italian
        ("Halve marathon Egmond", 21097.5, 5700.0),  # Dutch
        ("Semi-marathon de Paris", 21097.5, 5700.0),  # French
        ("Budapest Félmaraton", 21097.5, 5700.0),  # Hungarian
        (None, 10000.0, 2580.0),  # no name at all: the effort says so
    ],
)
def test_races_in_any_language_or_without_a_name(name, distance_m, time_s) -> None:
    season = _season(10000.0 if distance_m < 15000 else 18000.0, 330.0)
    hr = 0.93 * HR_MAX if time_s < 3600 else 0.89 * HR_MAX
    v = classify(_run(name, distance_m, time_s, hr), hr_max_bpm=HR_MAX, season=season)
    assert v.is_race, v.evidence
    assert v.evidence[-1].startswith("score")


@pytest.mark.parametrize(
    "name",
    ["Warm up before the race", "Einlaufen vor dem Wettkampf", "Levezetés a verseny után",
     "Going to the parkrun", "Calentamiento carrera"],
)  # fmt: skip
def test_the_runs_around_a_race_are_not_races(name) -> None:
    season = _season(3000.0, 330.0)
    v = classify(_run(name, 2000.0, 700.0, 0.75 * HR_MAX), hr_max_bpm=HR_MAX, season=season)
    assert not v.is_race, v.evidence


def test_words_alone_never_make_a_race() -> None:
    pts, _ = word_points("Marathon relay race championship", "official time, PB, medal")
    assert pts <= 3.0
    # an easy run named like a race: easy effort, slow for the runner
    season = _season(10000.0, 300.0)
    v = classify(_run("Marathon training race pace", 10000.0, 3300.0, 0.76 * HR_MAX),
                 hr_max_bpm=HR_MAX, season=season)  # fmt: skip
    assert not v.is_race


def test_a_hard_tempo_is_not_a_race() -> None:
    # the fastest run of the season at a standard distance, at tempo heart rate (86% of
    # max, 4 points under race effort): not a race. (At 87% and above with even pacing
    # it reads as a time trial, which the runner can unmark with `deliberun race ID --not`.)
    season = _season(10000.0, 300.0)
    v = classify(_run(None, 8000.0, 2160.0, 0.86 * HR_MAX, cv=6.0), hr_max_bpm=HR_MAX,
                 season=season)  # fmt: skip
    assert not v.is_race, v.evidence


def test_the_runners_mark_always_wins() -> None:
    season = _season(10000.0, 330.0)
    race = _run("Stadtlauf", 10000.0, 2580.0, 0.93 * HR_MAX)
    race.mark = False
    assert not classify(race, hr_max_bpm=HR_MAX, season=season).is_race
    jog = _run("jog", 2000.0, 800.0, 0.7 * HR_MAX)
    jog.mark = True
    v = classify(jog, hr_max_bpm=HR_MAX, season=season)
    assert v.is_race and v.source == "runner"


def test_history_judges_each_run_against_the_year_before() -> None:
    runs = [*_season(10000.0, 330.0), _run(None, 10000.0, 2580.0, 0.93 * HR_MAX)]
    out = classify_history(runs, hr_max_bpm=HR_MAX)
    assert out[999].is_race
    assert not any(v.is_race for k, v in out.items() if k != 999)


def test_goal_race_day_and_distance_count() -> None:
    season = _season(10000.0, 330.0)
    run = _run(None, 12000.0, 3300.0, 0.84 * HR_MAX, cv=None)  # 12 km: no standard distance
    assert not classify(run, hr_max_bpm=HR_MAX, season=season).is_race
    run.goal_race_day = True
    v = classify(run, hr_max_bpm=HR_MAX, season=season, goals_m=(12000.0,))
    assert v.is_race and any("goal race" in e for e in v.evidence)


def test_a_planned_progression_run_is_not_a_race() -> None:
    # the demo's case: a hard 10-mile progression run (E + M + T), the fastest of the
    # season at its distance at 85% of max HR, unnamed: a race on its effort alone ...
    season = _season(16000.0, 330.0)
    run = _run("Progression run", 15700.0, 4680.0, 0.85 * HR_MAX, cv=None)
    assert classify(run, hr_max_bpm=HR_MAX, season=season).is_race
    # ... but the runner's plan had a progression session that day
    run.planned = "progression"
    v = classify(run, hr_max_bpm=HR_MAX, season=season)
    assert not v.is_race and any("plan had a progression" in e for e in v.evidence)
    # a real race on a day the plan had an easy run still reads as one
    race = _run("Budapest Félmaraton", 21097.5, 5700.0, 0.89 * HR_MAX)
    race.planned = "easy"
    assert classify(race, hr_max_bpm=HR_MAX, season=_season(18000.0, 330.0)).is_race


def test_a_histories_verdicts_are_each_runs_verdict_against_its_season() -> None:
    """``classify_history`` finds each run's similar runs with arrays; every verdict must
    be the one ``classify`` gives the run against the whole list (its own loop), on a
    history with every edge the loop has: runs a year and a day apart, missing, zero and
    short distances, shared and missing ids, two runs a day, and races among them."""
    import random

    rng = random.Random(14)
    runs = []
    for k in range(400):
        day = DAY - timedelta(days=rng.randrange(0, 800))
        distance = rng.choice([None, 0.0, 800.0, 5000.0, 10000.0, 10000.0, 21097.5, 42195.0])
        pace = rng.uniform(200.0, 420.0)
        time_s = None if distance is None or rng.random() < 0.05 else (distance / 1000) * pace
        aid = rng.choice([None, 7]) if k % 50 == 0 else k
        runs.append(RaceFacts(aid, day, distance, time_s, rng.choice([None, 150.0, 176.0]),
                              rng.choice([None, "Morning Run", "Parkrun"])))  # fmt: skip
    runs.append(RaceFacts(1000, runs[0].day + timedelta(days=365), 10000.0, 2500.0))
    got = classify_history(runs, hr_max_bpm=HR_MAX)
    ordered = sorted(runs, key=lambda r: r.day)
    want = {r.activity_id: classify(r, hr_max_bpm=HR_MAX, season=ordered) for r in ordered}
    assert {k: v.to_dict() for k, v in got.items()} == {k: v.to_dict() for k, v in want.items()}
    assert sum(v.is_race for v in got.values()) > 0
    assert any("runs of" in e for v in got.values() for e in v.evidence)


# --- a race on the run's own fields (no history): the mark, else the source's flag -----


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, False),  # nothing said: not a race on its own fields
        ({"workout_type": "race"}, True),  # Strava's workout type
        ({"workout_type": "RACE"}, True),  # any case
        ({"workout_type": 1}, False),  # Strava's numeric code is not read as one
        ({"workout_type": "long run"}, False),
        ({"workout_type": None}, False),
        ({"race_flag": True}, True),  # an importer's is_race flag
        ({"race_flag": 0}, False),
        ({"sub_sport": "race"}, True),  # a FIT sub-sport
        ({"sub_sport": "Race"}, True),
        ({"sub_sport": "trail"}, False),
        ({"sub_sport": "trace"}, False),  # a word, not a substring
        # the runner's mark always wins, both ways
        ({"mark": False, "workout_type": "race", "sub_sport": "race"}, False),
        ({"mark": True}, True),
        ({"mark": None, "sub_sport": "race"}, True),  # no mark: the source decides
        ({"mark": 1, "sub_sport": "trail"}, False),  # only a bool is a mark
    ],
)
def test_a_race_on_its_own_fields(fields, expected) -> None:
    assert is_race(**fields) is expected


def test_marks_and_source_flags_separately() -> None:
    assert [runner_mark(v) for v in (True, False, None, 1, "yes")] == [
        True,
        False,
        None,
        None,
        None,
    ]
    assert source_says_race(workout_type="Race") and source_says_race(sub_sport="race")
    assert not source_says_race(workout_type="workout", sub_sport="generic", race_flag=None)


@pytest.mark.parametrize(
    ("name", "strong"),
    [
        ("Tavaszi verseny", "verseny"),  # Hungarian
        ("Vivicittá futóverseny", "futóverseny"),
        ("Kupa 3. forduló", "kupa"),
        ("Wettkampf Sonntag", "wettkampf"),
    ],
)
def test_race_words_stay_multilingual(name, strong) -> None:
    """The words of a name are the classifier's (with the history), in any language."""
    points, evidence = word_points(name)
    assert points == 2.0
    assert evidence == [f"+2 race words: {strong}"]
