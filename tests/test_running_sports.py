"""One definition of a run (``io.activity.is_running``), which every layer uses: the
readers' sport names, the athlete models, the race classifier, the practice sessions and
the plan's starting point agree on which activities are runs."""

from __future__ import annotations

import pytest

from deliberun.io.activity import FOOT_SPORTS, RUNNING_SPORTS, is_running
from deliberun.io.gpx import GPX_SPORTS
from deliberun.io.strava_rows import STRAVA_SPORTS
from deliberun.io.strava_streams import SPORTS as STRAVA_API_SPORTS
from deliberun.io.tcx import TCX_SPORTS


@pytest.mark.parametrize(
    ("sport", "expected"),
    [
        ("running", True),
        ("trail_running", True),  # the Strava export's "Trail Run"
        ("treadmill", True),  # its "Virtual Run" (was not a run for the athlete models)
        ("Running", True),  # any case
        ("run", True),  # a sport named for running in another vocabulary
        ("Run", True),
        ("indoor_running", True),
        ("walking", False),  # on foot, not a run
        ("hiking", False),
        ("cycling", False),
        ("training", False),
        ("swimming", False),
        ("other", False),
        ("", False),
        (None, False),
    ],
)
def test_which_sports_are_runs(sport: str | None, expected: bool) -> None:
    assert is_running(sport) is expected


def test_every_run_is_on_foot() -> None:
    assert RUNNING_SPORTS < FOOT_SPORTS
    assert FOOT_SPORTS - RUNNING_SPORTS == {"walking", "hiking"}


def test_the_readers_sport_names_agree() -> None:
    """What every reader stores is a run exactly when it is one of RUNNING_SPORTS."""
    stored = {
        *GPX_SPORTS.values(),
        *STRAVA_SPORTS.values(),
        *(sport for sport, _ in STRAVA_API_SPORTS.values()),
        *TCX_SPORTS.values(),
    }
    assert {s for s in stored if is_running(s)} == RUNNING_SPORTS
    assert {"walking", "hiking", "cycling", "swimming"} <= {s for s in stored if not is_running(s)}


def test_services_use_the_one_definition() -> None:
    """The services' names for it are the same function (not a copy that can drift)."""
    from deliberun.services import athlete, practice_sessions

    assert athlete.is_running is is_running
    assert practice_sessions.is_running is is_running
