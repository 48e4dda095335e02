"""The JSON boundary (``deliberun.jsonable``): one rule for every document that leaves."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from deliberun.cli.output import to_json
from deliberun.jsonable import finite_rounded, storable, strict


class _Point:
    def to_dict(self) -> dict[str, float]:
        return {"x": 1.5, "y": float("nan")}


DOC = {
    "nan": float("nan"),
    "inf": -math.inf,
    "f64": np.float64(2.5),
    "f32_nan": np.float32("nan"),
    "i64": np.int64(7),
    "b": np.bool_(True),
    "arr": np.array([1.0, np.nan, 3.0]),
    "tuple": (1, 2),
    "set": {3},
    "day": date(2026, 3, 2),
    "at": datetime(2026, 3, 2, 6, 30, tzinfo=timezone(timedelta(hours=2))),
    "obj": _Point(),
    1: "int key",
}


def test_strict_follows_the_rule() -> None:
    assert strict(DOC) == {
        "nan": None,
        "inf": None,
        "f64": 2.5,
        "f32_nan": None,
        "i64": 7,
        "b": True,
        "arr": [1.0, None, 3.0],
        "tuple": [1, 2],
        "set": [3],
        "day": "2026-03-02",
        "at": "2026-03-02T06:30:00+02:00",
        "obj": {"x": 1.5, "y": None},
        "1": "int key",
    }
    assert type(strict(DOC)["i64"]) is int and type(strict(DOC)["b"]) is bool
    json.dumps(strict(DOC), allow_nan=False)  # strict JSON: no NaN token


def test_unknown_objects_strict_keeps_storable_writes_text() -> None:
    path = Path("/tmp/run.fit")
    assert strict({"p": path}) == {"p": path}
    assert storable({"p": path, "d": timedelta(seconds=90)}) == {
        "p": "/tmp/run.fit",
        "d": "0:01:30",
    }


def test_cli_json_is_the_boundary_indented() -> None:
    text = to_json({"when": datetime(2026, 1, 1, tzinfo=UTC), "v": [np.float64("inf"), 2]})
    assert text == '{\n  "when": "2026-01-01T00:00:00+00:00",\n  "v": [\n    null,\n    2\n  ]\n}'


def test_finite_rounded_is_a_chart_series() -> None:
    assert finite_rounded(np.array([1.23456, np.nan, np.inf, 2.0]), 2) == [1.23, None, None, 2.0]


def test_finite_number_reads_a_stored_value_back_as_a_number_or_none():
    from deliberun.jsonable import finite_number

    assert finite_number(np.float64(80)) == 80.0 and finite_number("4.5") == 4.5
    for no in (None, "n/a", float("nan"), float("inf"), True, False, [1], {}):
        assert finite_number(no) is None, no
