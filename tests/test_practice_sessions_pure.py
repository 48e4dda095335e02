"""The workout type of an unplanned run from its own fields (practice/sessions.py), with
values: the race verdict first, then the words of the name, the detected reps and the
length (18 km / 90 min)."""

from __future__ import annotations

import pytest

from deliberun.practice.sessions import type_from_name, unplanned_session_type


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # a race wins over everything the run says
        ({"name": "Easy long tempo", "race": True, "n_reps": 8, "distance_m": 42195.0}, "race"),
        # the name's words, in order: the first listed type that matches
        ({"name": "Strides after easy run"}, "strides"),
        ({"name": "Progression long run"}, "progression"),
        ({"name": "Hill repeats"}, "hills"),
        ({"name": "Cruise 3x1 mile"}, "cruise_intervals"),
        ({"name": "6x800 intervals"}, "intervals"),
        ({"name": "VO2 session"}, "intervals"),
        ({"name": "Threshold run"}, "tempo"),
        ({"name": "Long run with MP finish"}, "mp_long"),
        ({"name": "Sunday LONG run"}, "long"),
        ({"name": "Recovery shuffle"}, "recovery"),
        ({"name": "Morning jog", "n_reps": 5}, "easy"),  # the name before the reps
        # no word: the detected reps (3 or more; 5 min or more on average: cruise)
        ({"name": "Morning Run", "n_reps": 3, "mean_rep_s": 299.0}, "intervals"),
        ({"name": "Morning Run", "n_reps": 4, "mean_rep_s": 300.0}, "cruise_intervals"),
        ({"name": "Morning Run", "n_reps": 2, "mean_rep_s": 600.0}, "easy"),
        # then the length: 18 km or 90 min
        ({"name": None, "distance_m": 18000.0, "moving_time_s": 3600.0}, "long"),
        ({"name": None, "distance_m": 17999.0, "moving_time_s": 5399.0}, "easy"),
        ({"name": None, "distance_m": 12000.0, "moving_time_s": 5400.0}, "long"),
        ({"name": None, "distance_m": None, "moving_time_s": None}, "easy"),
    ],
)
def test_an_unplanned_runs_type(fields, expected) -> None:
    assert unplanned_session_type(race=fields.pop("race", False), **fields) == expected


def test_words_of_a_name() -> None:
    assert type_from_name("HILL sprints") == "hills"
    assert type_from_name("Morning Run") is None
    assert type_from_name(None) is None


def test_the_service_classifies_a_row_as_the_pure_function() -> None:
    """``practice_sessions._classify`` reads a row's fields and asks unplanned_session_type."""
    from types import SimpleNamespace

    from deliberun.services.practice_sessions import _classify

    reps = [{"duration_s": 320.0}, {"duration_s": 310.0}, {"duration_s": 330.0}]
    row = SimpleNamespace(name="Lunch Run", extra={}, sub_sport=None, race_mark=None,
                          reps_info=reps, distance_m="9000", moving_time_s=2700.0)  # fmt: skip
    assert _classify(row) == "cruise_intervals"
    row.race_mark = True  # the runner's mark: a race
    assert _classify(row) == "race"
    row.race_mark, row.reps_info, row.distance_m = None, "[5, 61.0]", 19000.0
    assert _classify(row) == "intervals"  # the light query's (count, mean) pair
