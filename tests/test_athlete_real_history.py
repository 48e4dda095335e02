"""The athlete models over a real training history: slalom007's Strava export.

../shared/data/real/strava_export/slalom007/activities.csv holds 16 months of one
runner (Forerunner 255) with Strava's own Relative Effort per activity. Its GPS
tracks are personal data, so we read only the CSV, from ../shared, and skip when
it is absent. Strava's Relative Effort stands in for the daily load.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

import numpy as np
import pytest

from deliberun.models import load as ld
from deliberun.models import load_ratios as lr
from deliberun.models import predict as pr
from deliberun.models import thresholds as th
from deliberun.models import vdot as vd

# column positions: the CSV repeats names (Distance in km at 6, in metres at 17)
COL = {"date": 1, "type": 3, "max_hr": 7, "effort": 8, "moving_s": 16, "distance_m": 17}


@pytest.fixture(scope="module")
def history(real_dir):
    path = real_dir / "strava_export" / "slalom007" / "activities.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    rows = list(csv.reader(path.open(encoding="utf-8")))[1:]
    out = []
    for r in rows:
        day = datetime.strptime(r[COL["date"]], "%b %d, %Y, %I:%M:%S %p").date()
        out.append(
            {
                "day": day,
                "type": r[COL["type"]],
                "load": float(r[COL["effort"]]) if r[COL["effort"]] else None,
                "max_hr": float(r[COL["max_hr"]]) if r[COL["max_hr"]] else None,
                "moving_s": float(r[COL["moving_s"]] or 0),
                "distance_m": float(r[COL["distance_m"]] or 0),
            }
        )
    return out


def test_fitness_over_real_history(history):
    start = min(a["day"] for a in history)
    end = max(a["day"] for a in history)
    load = ld.daily_series([a["day"] for a in history], [a["load"] for a in history], start, end)
    assert load.size > 365 and load.sum() > 0
    for weighting in ("exp", "ewma", "simple"):
        ff = ld.fitness_fatigue(load, weighting=weighting)
        assert np.isfinite(ff.fitness).all() and (ff.fitness >= 0).all()
        assert ff.fitness.max() <= load.max() and ff.fatigue.max() <= load.max()
        assert ld.rest_days_to_form(ff.fitness[-1], ff.fatigue[-1], weighting=weighting) < 60
    acwr = lr.acwr(load, "ewma")
    assert np.nanmax(acwr) < 10 and np.nanmin(acwr) >= 0
    mono, _ = lr.monotony_strain(load)
    assert np.nanmin(mono) > 0


def test_vdot_and_predictions_from_real_runs(history):
    runs = [
        a
        for a in history
        if a["type"] == "Run" and a["distance_m"] >= 3000 and 900 <= a["moving_s"] <= 4 * 3600
    ]
    assert len(runs) > 100
    efforts = [pr.Effort(a["distance_m"], a["moving_s"], a["day"], i) for i, a in enumerate(runs)]
    vdots = [e.vdot for e in efforts]
    # whole-run averages of an amateur: easy runs low, best efforts in the 40s-50s
    assert 25 < float(np.median(vdots)) < 60 and max(vdots) < 75
    last = max(a["day"] for a in runs)
    recent = [e for e in efforts if e.day > last - timedelta(days=180)]
    preds = pr.predict_races(recent)
    marathon = {p.model: p.time_s for p in preds["marathon"]}
    assert 2.25 * 3600 < marathon["vdot"] < 6 * 3600
    assert marathon["riegel"] > 0.8 * marathon["vdot"]


def test_threshold_estimates_from_real_runs(history):
    # a whole run's average speed is one point of its own mean-max speed curve
    facts = [
        th.ActivityFacts(
            i,
            a["day"],
            a["distance_m"],
            a["moving_s"],
            None,
            a["max_hr"],
            mean_max_speed={a["moving_s"]: a["distance_m"] / a["moving_s"]},
        )
        for i, a in enumerate(history)
        if a["type"] == "Run" and a["moving_s"] > 0
    ]
    est = th.estimate_thresholds(facts)
    recorded = {a["max_hr"] for a in history if a["max_hr"]}
    assert est["hr_max_bpm"].value in recorded
    assert 160 <= est["hr_max_bpm"].value <= 215
    assert "hr_rest_bpm" not in est  # the CSV has no resting HR
    assert 180 < est["threshold_pace_s_per_km"].value < 480
    v60 = 1000 / est["threshold_pace_s_per_km"].value
    assert vd.vdot(v60 * 3600, 3600) < 80
