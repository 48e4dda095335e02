"""GPX and TCX readers against their own contents and the same run as FIT."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deliberun.io import read_bytes
from deliberun.io.geo import haversine_cumulative
from deliberun.io.gpx import parse_gpx
from deliberun.io.tcx import parse_tcx
from deliberun.metrics.summary import summarize

REAL = Path(__file__).parent / "data" / "real"

#: GPX/TCX files the manifest lists that are not a timed activity (reason).
NOT_ACTIVITIES = {"tcx/runalyze__Route-only.tcx": "course only"}
#: TCX files whose lap totals do not describe the points in the file (reason).
LAP_EXCLUSIONS = {
    "tcx/gpsbabel__kona2013.tcx": "5-point fixture cut from a long ride; laps are the whole ride",
    "tcx/runalyze__First-point-empty.tcx": "fixture cut from a longer ride; laps are the whole ride",
    "tcx/runalyze__negative-pause.tcx": "fixture cut from a longer ride; laps are the whole ride",
    "tcx/runalyze__watt-extension-without-namespace.tcx": "fixture cut from a longer ride",
    "tcx/runalyze__Polar-one-lap-indoor-with-distance.tcx": "indoor: lap distance, no point distances",
    "tcx/runalyze__Swim-without-time_by-Timekiller.tcx": "swim: no point distances",
    "tcx/runalyze__Indoor-Training.tcx": "indoor: distance 0 in points, none in laps",
    "tcx/sportslib__unknown_example.tcx": "no point distances; lap totals from the device's own odometer",
    "tcx/runalyze__missing-distances.tcx": "most points lack a distance; haversine used instead",
    "tcx/runalyze__Dakota.tcx": "no point distances; laps 0.1% off the haversine sum",
}


def _corpus(real_dir: Path, sub: str) -> list[Path]:
    return sorted((real_dir / sub).iterdir())


def test_gpx_heartandsole_matches_fit() -> None:
    gpx = parse_gpx((REAL / "heartandsole__testdata.gpx").read_bytes(), "t.gpx")
    fit = read_bytes((REAL / "heartandsole__testdata.fit").read_bytes(), "t.fit")
    assert gpx.sport == "running" and gpx.name == "Boulder Running"
    assert gpx.start_time == fit.start_time
    assert np.nanmax(gpx.streams["heart_rate"]) == np.nanmax(fit.streams["heart_rate"])
    # same device cadence convention: strides/min in the file, steps/min here
    assert np.nanmax(gpx.streams["cadence"]) == pytest.approx(
        np.nanmax(np.floor(fit.streams["cadence"] / 2) * 2), abs=2
    )


def test_tcx_laps_and_cadence() -> None:
    tcx = parse_tcx((REAL / "heartandsole__testdata.tcx").read_bytes(), "t.tcx")
    assert tcx.sport == "running"
    assert len(tcx.laps) == 4
    assert tcx.laps[0].distance_m == pytest.approx(52.8)
    assert tcx.laps[0].max_hr_bpm == 92
    s = summarize(tcx)
    assert s["distance_m"] == pytest.approx(sum(lap.distance_m or 0 for lap in tcx.laps), rel=0.01)


def test_gpx_distance_is_haversine(real_dir: Path) -> None:
    """Every GPX: our distance equals the haversine sum of its points (0.5 %)."""
    n = 0
    for path in _corpus(real_dir, "gpx"):
        a = read_bytes(path.read_bytes(), str(path))
        ref = haversine_cumulative(a.streams["latitude"], a.streams["longitude"])[-1]
        assert summarize(a)["distance_m"] == pytest.approx(ref, rel=0.005), path.name
        n += 1
    assert n >= 20


def test_tcx_distance_vs_laps_and_haversine(real_dir: Path) -> None:
    """TCX: distance within 1 % of the lap totals; haversine within 0.5 % where the
    file has no point distances (device odometers differ from GPS by more)."""
    checked = 0
    for path in _corpus(real_dir, "tcx"):
        rel = f"tcx/{path.name}"
        if rel in NOT_ACTIVITIES:
            continue
        a = read_bytes(path.read_bytes(), str(path))
        s = summarize(a)
        if rel in LAP_EXCLUSIONS:
            continue
        lap_total = sum(lap.distance_m or 0 for lap in a.laps)
        assert s["distance_m"] == pytest.approx(lap_total, rel=0.01), rel
        checked += 1
    assert checked >= 15


def test_gpx_segments_make_pauses(real_dir: Path) -> None:
    a = read_bytes((real_dir / "gpx/runalyze__break-between-trkseg.gpx").read_bytes(), "b.gpx")
    assert len(a.pauses) == 2
    assert all(b > e for e, b in [(p[0], p[1]) for p in a.pauses])
    assert summarize(a)["timer_time_s"] < summarize(a)["elapsed_time_s"]


def test_gpx_backwards_time_dropped(real_dir: Path) -> None:
    a = read_bytes(
        (real_dir / "gpx/runalyze__runkeeper-negative-time-step-at-start.gpx").read_bytes(), "r.gpx"
    )
    assert np.all(np.diff(a.streams["time"]) >= 0)


def test_tcx_multisport_is_one_activity(real_dir: Path) -> None:
    a = read_bytes((real_dir / "tcx/runalyze__Multisport.tcx").read_bytes(), "m.tcx")
    assert a.sport == "multisport"
    assert a.extra["session_sports"] == ["cycling", "running", "cycling"]
    laps = sum(lap.distance_m or 0 for lap in a.laps)
    assert summarize(a)["distance_m"] == pytest.approx(laps, rel=0.01)


def test_tcx_several_activities_reads_first(real_dir: Path) -> None:
    a = read_bytes((real_dir / "tcx/runalyze__Multiple-Trainings.tcx").read_bytes(), "m.tcx")
    assert a.extra["skipped_activities"] == 2


def test_gpx_1_0(real_dir: Path) -> None:
    """GPX 1.0 (GPSBabel, namespace .../GPX/1/0) reads like 1.1."""
    data = (real_dir / "gpx/gpxpy__Mojstrovka.gpx").read_bytes()
    assert b"http://www.topografix.com/GPX/1/0" in data[:600]
    a = read_bytes(data, "m.gpx")
    assert a.n_samples == 183
    assert "altitude" in a.streams and a.device is not None and "GPSBabel" in a.device


def test_tcx_extensions_speed_and_runcadence() -> None:
    tcx = parse_tcx((REAL / "heartandsole__testdata.tcx").read_bytes(), "t.tcx")
    fit = read_bytes((REAL / "heartandsole__testdata.fit").read_bytes(), "t.fit")
    assert np.isfinite(tcx.streams["speed"]).sum() > 10  # ns3:TPX/ns3:Speed
    # ns3:RunCadence is strides/min like FIT (without the fractional part): x2 here
    fit_cad = np.interp(tcx.streams["time"], fit.streams["time"], fit.streams["cadence"])
    ok = np.isfinite(tcx.streams["cadence"])
    assert np.nanmax(np.abs(tcx.streams["cadence"][ok] - fit_cad[ok])) <= 2.0
