"""Totals of a FIT activity are the device's own session summary (issue 13).

The oracle is ``../shared/data/real/fit_sessions.json`` (decoded with fitdecode,
an independent decoder). Our own computation from the records stays beside the
device's figures in the metrics (``summary`` and ``totals.computed``).
"""

from __future__ import annotations

import json
import math

import pytest

from deliberun.io import read_bytes
from deliberun.io.errors import ReadError
from deliberun.metrics.device_totals import device_totals
from deliberun.services.importer import import_paths
from deliberun.store import repository as repo
from deliberun.store.db import Database

#: fit_sessions.json key -> our field
ORACLE = {
    "total_distance": "distance_m",
    "total_timer_time": "timer_time_s",
    "total_elapsed_time": "elapsed_time_s",
    "total_ascent": "ascent_m",
}


def _oracle(real_dir):
    return json.loads((real_dir / "fit_sessions.json").read_text())["files"]


def _expected(sessions: list[dict]) -> dict[str, float]:
    out = {}
    for key, field in ORACLE.items():
        values = [s.get(key) for s in sessions]
        if values and all(v is not None for v in values):
            total = float(sum(values))
            if field != "distance_m" or total > 0:
                out[field] = total
    return out


def test_device_totals_equal_every_real_device_summary(real_dir):
    checked = fields = 0
    for rel, info in _oracle(real_dir).items():
        sessions = info.get("sessions") or []
        if not sessions or info.get("strict_decode_error"):
            continue
        path = real_dir / rel
        try:
            act = read_bytes(path.read_bytes(), path.name)
        except ReadError:
            continue
        got = device_totals(act)
        want = _expected(sessions)
        for field, value in want.items():
            assert field in got, (rel, field)
            assert got[field] == pytest.approx(value, abs=0.01), (rel, field)
            fields += 1
        checked += 1
    assert checked >= 100 and fields >= 350


def test_import_stores_the_device_totals_and_keeps_ours(real_dir, db_path):
    """A Forerunner 255 run whose records give a timer 5 s off the watch's."""
    rel = "strava_export/slalom007/activities/14196295744.fit.gz"
    path = real_dir / rel
    if not path.is_file():
        pytest.skip(f"{path} not found")
    want = _expected(_oracle(real_dir)[rel]["sessions"])
    db = Database(db_path)
    aid = import_paths(db, [path], workers=1).imported[0]
    with db.session() as s:
        row = repo.get_activity(s, aid)
        metrics = repo.get_metrics(s, aid)
    for field, value in want.items():
        assert getattr(row, field) == pytest.approx(value, abs=0.01), field
    totals = metrics["totals"]
    assert totals["source"]["timer_time_s"] == "device"
    ours = metrics["summary"]["timer_time_s"]
    assert totals["computed"]["timer_time_s"] == ours
    assert not math.isclose(ours, want["timer_time_s"], abs_tol=1.0)  # the 1-5 s of the issue


def test_files_without_a_device_summary_keep_our_totals(real_dir):
    path = real_dir / "gpx" / "heartandsole__testdata.gpx"
    assert device_totals(read_bytes(path.read_bytes(), path.name)) == {}
