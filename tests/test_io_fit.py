"""FIT reader on the repo's own real files: fallbacks, quirks, conventions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from deliberun.io import read_bytes
from deliberun.io.fit import parse_fit
from deliberun.io.fit_decode import decode_fit
from deliberun.io.fit_scan import scan_fit

REAL = Path(__file__).parent / "data" / "real"


def _read(name: str, **kw: bool) -> object:
    return parse_fit((REAL / name).read_bytes(), name, **kw)


def test_sdk_activity_example() -> None:
    a = read_bytes((REAL / "fitparse__Activity.fit").read_bytes(), "Activity.fit")
    assert a.source_format == "fit" and a.sport == "running"
    assert a.n_samples == 14
    assert a.start_time == datetime(2012, 4, 9, 21, 22, 26, tzinfo=UTC)
    assert a.extra["decoder"] == "fitfast"
    assert np.all(np.diff(a.streams["time"]) >= 0)
    assert a.device == "dynastream hrm1"


def test_header_crc_zero_goes_to_fitdecode() -> None:
    """FR110 file: 14-byte header with CRC 0x0000 (valid), refused by fitfast 0.1."""
    a = _read("fitparse__2013-02-06-12-11-14.fit")
    assert a.extra["decoder"] == "fitdecode"
    assert len(a.laps) == 5
    assert np.nanmax(a.streams["distance"]) == pytest.approx(4835.38, abs=10)


def test_compressed_timestamps_and_speed_distance() -> None:
    """FR70: compressed timestamp headers and compressed_speed_distance, relative time."""
    data = (REAL / "fitparse__compressed-speed-distance.fit").read_bytes()
    scan = scan_fit(data)
    assert scan.compressed_timestamps and scan.compressed_speed_distance
    assert decode_fit(data, "x").decoder == "fitdecode"
    a = parse_fit(data, "x")
    assert a.extra["time_anchor"] == "unknown"  # no timestamp_correlation in the file
    assert a.start_time.year == 1990
    assert np.nanmax(a.streams["distance"]) == pytest.approx(10248.67, abs=15)
    # running cadence doubled: strides/min -> steps/min
    assert 150 < np.nanmedian(a.streams["cadence"]) < 200
    assert len(a.pauses) == 1


def test_multisport_is_one_activity() -> None:
    a = _read("muktihari__activity_multisport.fit")
    assert a.sport == "multisport"
    assert len(a.sessions) == 2
    assert a.extra["session_sports"] == ["cycling", "running"]
    d = a.streams["distance"][np.isfinite(a.streams["distance"])]
    assert np.all(np.diff(d) >= 0)  # made cumulative across sessions


def test_sessions_and_laps_carry_the_device_summary() -> None:
    a = _read("heartandsole__testdata.fit")
    assert a.sessions[0].sport == "running"
    assert len(a.laps) == 4
    assert sum(lap.elapsed_time_s for lap in a.laps) == pytest.approx(
        a.sessions[0].elapsed_time_s, abs=1
    )
    # avg_cadence 21 strides/min + avg_fractional_cadence 60/128, doubled to steps/min
    assert a.sessions[0].avg_cadence_spm == pytest.approx(2 * (21 + 60 / 128))


def test_fast_and_fallback_agree_on_repo_files() -> None:
    for name in (
        "fitparse__Activity.fit",
        "heartandsole__testdata.fit",
        "fitparse__garmin-fenix-5-run.fit",
        "muktihari__activity_multisport.fit",
    ):
        fast, slow = _read(name), _read(name, fast=False)
        assert fast.extra["decoder"] == "fitfast" and slow.extra["decoder"] == "fitdecode"  # type: ignore[attr-defined]
        for key, arr in fast.streams.items():  # type: ignore[attr-defined]
            np.testing.assert_allclose(arr, slow.streams[key], atol=1.5e-3, err_msg=f"{name} {key}")  # type: ignore[attr-defined]


def test_developer_running_power(real_dir: Path) -> None:
    """Stryd's Connect IQ 'Power' becomes the power stream when the record has none."""
    for fast in (True, False):
        a = parse_fit(
            (real_dir / "fit/runalyze__FR920xt-with-Stryd.fit").read_bytes(), "s.fit", fast=fast
        )
        assert a.extra["power_source"] == "developer field 'Power'"
        assert 150 < np.nanmean(a.streams["power"]) < 250


def test_lezyne_panic_is_caught(real_dir: Path) -> None:
    """fitfast panics (Rust) on this file; the error must still be a ReadError."""
    from deliberun.io.errors import ReadError

    with pytest.raises(ReadError):
        read_bytes(
            (
                real_dir / "fit/gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit"
            ).read_bytes(),
            "l.fit",
        )


def test_relative_time_anchored_by_time_created() -> None:
    """A relative-time file whose file_id.time_created is absolute is anchored to it."""
    from deliberun.io.fit import build_activity
    from deliberun.io.fit_decode import FIT_EPOCH_UNIX

    fd = decode_fit((REAL / "fitparse__compressed-speed-distance.fit").read_bytes(), "x")
    created = 1_400_000_000.0
    fd.messages["file_id"][0]["time_created"] = created
    a = build_activity(fd, "x")
    assert a.extra["time_anchor"] == "time_created"
    assert a.start_time.timestamp() == pytest.approx(created, abs=1)
    assert FIT_EPOCH_UNIX < created
