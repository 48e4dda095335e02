"""The FIT encoder: CRC as the FIT SDK computes it, files that fitdecode and fitfast read identically."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

import fitdecode
import fitfast
import numpy as np
import pytest
from fitdecode.utils import compute_crc

from deliberun.sim.writers import Track, TrackLap, fit_crc, write_fit


@pytest.mark.parametrize("n", [1, 13, 2047, 2048, 5000, 100_003])
def test_crc_matches_fitdecode(n: int) -> None:
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    assert fit_crc(data) == compute_crc(data)


def _track(n: int = 1800, strides: bool = False) -> Track:
    rng = np.random.default_rng(5)
    speed = 3.0 + 0.3 * np.sin(np.arange(n) / 60.0)
    dist = np.concatenate([[0.0], np.cumsum(speed[1:])])
    lat = 46.2 + dist / 111_000.0
    lat[100:110] = np.nan  # a GPS gap
    return Track(
        start_time=datetime(2026, 3, 2, 6, 5, tzinfo=UTC),
        time=np.arange(n, dtype=float),
        distance=dist,
        speed=speed,
        heart_rate=np.round(140 + 10 * np.sin(np.arange(n) / 90.0)),
        cadence=np.round(170 + rng.normal(0, 2, n)),
        altitude=300 + 5 * np.sin(dist / 500.0),
        latitude=lat,
        longitude=np.full(n, 6.1),
        temperature=np.full(n, 14.0),
        utc_offset_s=3600,
        laps=[TrackLap(0, n // 2, "warmup"), TrackLap(n // 2, n, "active", "session_end")],
        cadence_strides=strides,
    )


def _fitdecode_records(data: bytes) -> tuple[dict[str, list], dict[str, list]]:
    recs: dict[str, list] = {}
    other: dict[str, list] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                if frame.name == "record":
                    for f in frame.fields:
                        recs.setdefault(f.name, []).append(f.value)
                else:
                    other.setdefault(frame.name, []).append({f.name: f.value for f in frame.fields})
    return recs, other


def test_fit_reads_back_identically_in_fitdecode_and_fitfast() -> None:
    track = _track()
    data = write_fit(track)
    recs, other = _fitdecode_records(data)
    cols = fitfast.records(data)
    assert len(cols["heart_rate"]) == len(track.time) == len(recs["heart_rate"])
    for name in ("distance", "enhanced_speed", "enhanced_altitude", "heart_rate", "cadence"):
        dec = np.array([np.nan if v is None else v for v in recs[name]], dtype=float)
        np.testing.assert_allclose(dec, cols[name], rtol=0, atol=1e-9, equal_nan=True)
    semi = 180.0 / 2**31
    lat_dec = np.array([np.nan if v is None else v * semi for v in recs["position_lat"]])
    np.testing.assert_allclose(lat_dec, cols["position_lat"], atol=1e-9, equal_nan=True)
    # values agree with what was written, within the profile's resolution
    np.testing.assert_allclose(cols["distance"], track.distance, atol=0.005)
    np.testing.assert_allclose(cols["enhanced_speed"], track.speed, atol=0.0005)
    np.testing.assert_allclose(cols["enhanced_altitude"], track.altitude, atol=0.1)
    np.testing.assert_allclose(cols["cadence"] * 2, track.cadence, atol=1.0)
    assert np.isnan(cols["position_lat"][100:110]).all()
    np.testing.assert_allclose(cols["position_lat"][:100], track.latitude[:100], atol=1e-7)
    assert cols["timestamp"][0] == track.start_time.timestamp()
    # laps and session
    assert [lap["intensity"] for lap in other["lap"]] == ["warmup", "active"]
    (session,) = other["session"]
    assert session["sport"] == "running"
    assert session["total_distance"] == pytest.approx(track.distance[-1], abs=0.01)
    assert session["total_elapsed_time"] == pytest.approx(track.time[-1])
    (activity,) = other["activity"]
    local = activity["local_timestamp"]
    local = local.timestamp() if hasattr(local, "timestamp") else local + 631065600
    assert local - activity["timestamp"].timestamp() == 3600


def test_odd_device_halves_cadence_again() -> None:
    normal = fitfast.records(write_fit(_track()))["cadence"]
    odd = fitfast.records(write_fit(_track(strides=True)))["cadence"]
    assert np.nanmean(odd) == pytest.approx(np.nanmean(normal) / 2, abs=0.6)


def test_corrupting_a_byte_breaks_the_crc() -> None:
    data = bytearray(write_fit(_track(300)))
    data[200] ^= 0xFF
    with pytest.raises(fitdecode.FitCRCError):
        _fitdecode_records(bytes(data))


def test_fit_encoder_is_fast() -> None:
    track = _track(36_000)  # a 10-hour run
    t0 = os.times().elapsed
    data = write_fit(track)
    elapsed = os.times().elapsed - t0
    assert len(data) > 36_000 * 20
    assert elapsed < 2.0  # ~50 ms here; generous for a loaded CI machine
