"""The race plan exported like a workout: a FIT workout with one step per split (read
back by two independent decoders, fitdecode and fitfast) and a printable pace band.

The course is a hilly half marathon (21.0975 km: 21 whole km and a 97.5 m finish).
Oracle: the plan itself (its splits sum to the goal to the second,
``test_courses_pure.py``); the FIT file must carry the same splits.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import fitdecode
import fitfast
import numpy as np
import pytest

from deliberun.models.race_input import parse_duration as parse_clock
from deliberun.plan.race_plan import race_plan
from deliberun.services.race_plan import fit_workout, pace_band_html

GOAL_S = 1 * 3600 + 39 * 60 + 7
HALF_M = 21097.5


@pytest.fixture(scope="module")
def plan():
    d = np.linspace(0.0, HALF_M, 4220)
    alt = 100 + 30 * np.sin(d / 1500.0)  # +/-30 m rolling hills
    p = race_plan(d, alt, GOAL_S)
    p["course"] = "Rolling half"
    return p


def _fitdecode_steps(data: bytes) -> list[dict]:
    with fitdecode.FitReader(io.BytesIO(data)) as fit:
        return [
            {f.name: f.value for f in frame.fields}
            for frame in fit
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "workout_step"
        ]


def test_fit_workout_has_a_step_per_split_and_its_targets_sum_to_the_goal(plan, tmp_path):
    data = fit_workout(plan)
    splits = plan["splits"]
    assert len(splits) == 22
    a = _fitdecode_steps(data)
    path = tmp_path / "plan.fit"
    path.write_bytes(data)
    b = fitfast.parse(str(path))["workout_step"]  # the second, independent decoder
    assert len(a) == len(b) == 22
    for s, x, y in zip(splits, a, b, strict=True):
        # distance: FIT stores centimetres
        assert x["duration_distance"] == pytest.approx(s["distance_m"], abs=0.01)
        assert y["duration_value"] == pytest.approx(100 * s["distance_m"], abs=1)
        # speed band: FIT stores mm/s; both decoders read the same numbers
        assert y["custom_target_value_low"] == round(1000 * x["custom_target_speed_low"])
        assert y["custom_target_value_high"] == round(1000 * x["custom_target_speed_high"])
        assert x["notes"] == y["notes"]
    # the split times written in the notes sum to the goal, and the last one is at it
    times = [parse_clock(re.search(r"(\S+) at \S+$", x["notes"])[1]) for x in a]
    assert sum(times) == GOAL_S
    assert a[-1]["notes"].startswith("fin ") and a[-1]["notes"].endswith(" at 1:39:07")
    assert a[0]["notes"].startswith("km 1 ")
    # the middle of each speed band is the split's pace: distance x pace sums to the
    # goal within the FIT speed resolution (1 mm/s is ~0.1 s/km at 4:40/km)
    mid = [
        0.5 * (1000 / x["custom_target_speed_low"] + 1000 / x["custom_target_speed_high"])
        for x in a
    ]
    total = sum(s["distance_m"] * p / 1000 for s, p in zip(splits, mid, strict=True))
    assert total == pytest.approx(GOAL_S, abs=2.0)


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_pace_band_lists_every_split_with_its_cumulative_time(plan):
    page = pace_band_html(plan)
    parser = _Rows()
    parser.feed(page)
    header, *rows = parser.rows
    assert header[:3] == ["km", "at", "split"]
    assert [r[0] for r in rows] == [str(k) for k in range(1, 22)] + ["fin"]
    assert [parse_clock(r[1]) for r in rows] == [s["cumulative_s"] for s in plan["splits"]]
    assert sum(parse_clock(r[2]) for r in rows) == GOAL_S
    assert "@media print" in page and "Rolling half" in page
