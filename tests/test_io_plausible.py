"""Impossible dates, durations and values from a file (issue 19, items 6 and 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from deliberun.io.activity import Activity, DeviceSummary
from deliberun.io.errors import CorruptFileError
from deliberun.io.plausible import check_activity, clean_activity

LATEST = date(2026, 12, 7)


def _act(start: datetime, t: list[float], **streams: list[float]) -> Activity:
    arrays = {"time": np.array(t, float), **{k: np.array(v, float) for k, v in streams.items()}}
    return Activity(start_time=start, sport="running", streams=arrays, source_format="fit")


@pytest.mark.parametrize(
    ("start", "t", "words"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), [0, 1], "before 1990"),
        (datetime(1989, 12, 31, tzinfo=UTC), [0, 1], "before 1990"),
        (datetime(2106, 2, 7, 6, 28, tzinfo=UTC), [0, 1], "in the future"),  # sint32 as uint32
        (datetime(2026, 12, 8, tzinfo=UTC), [0, 1], "in the future"),
        (datetime(2020, 1, 1, tzinfo=UTC), [0, 8000 * 365.25 * 86400], "elapsed time"),
    ],
)
def test_impossible_dates_and_durations_are_refused(start, t, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CorruptFileError, match=words):
        check_activity(_act(start, t), "x.fit", LATEST)


def test_plausible_activity_passes() -> None:
    check_activity(_act(datetime(2026, 12, 7, 23, tzinfo=UTC), [0, 3600]), "x.fit", LATEST)
    check_activity(_act(datetime(1990, 1, 1, tzinfo=UTC), [0, 3600]), "x.fit", LATEST)


def test_implausible_values_are_cleaned_and_flagged() -> None:
    act = _act(
        datetime(2025, 1, 1, tzinfo=UTC),
        [0, 1, 2, 3],
        speed=[3.0, 1000.0, 3.1, np.nan],
        distance=[0.0, -5.0, np.inf, 9.0],
    )
    act.sessions.append(DeviceSummary(distance_m=float("nan"), avg_hr_bpm=150.0))
    notes = clean_activity(act)
    assert np.isnan(act.streams["speed"][1]) and act.streams["speed"][0] == 3.0
    assert np.isnan(act.streams["distance"][1:3]).all() and act.streams["distance"][3] == 9.0
    assert act.sessions[0].distance_m is None and act.sessions[0].avg_hr_bpm == 150.0
    assert act.extra["cleaned"] == notes and len(notes) == 3
