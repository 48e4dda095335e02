"""iter_sources: folders, zips (safety), gzip, Strava export join."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from deliberun.io import read_bytes
from deliberun.io.errors import UnsafeInputError
from deliberun.io.sources import LIMITS, _unsafe_member, iter_sources, parse_strava_csv

REAL = Path(__file__).parent / "data" / "real"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_folder_skips_unknown_and_reads_activities(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "run.fit").write_bytes((REAL / "fitparse__Activity.fit").read_bytes())
    (tmp_path / "notes.csv").write_text("a,b\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    sources = list(iter_sources([tmp_path]))
    assert [s.name for s in sources] == ["run.fit"]
    assert read_bytes(sources[0].read_bytes(), sources[0].display_path).n_samples == 14


def test_zip_traversal_and_bomb_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fit = (REAL / "fitparse__Activity.fit").read_bytes()
    z = _zip(tmp_path / "x.zip", {"../evil.fit": fit, "ok.fit": fit, "big.fit": b"\0" * 200_000})
    monkeypatch.setitem(LIMITS, "ratio_min_bytes", 1000)
    got = {s.name: s for s in iter_sources([z])}
    assert isinstance(got["evil.fit"].error, UnsafeInputError)
    assert (
        _unsafe_member("/abs.fit")
        and _unsafe_member("C:/x.fit")
        and _unsafe_member("a/../../b.fit")
    )
    assert _unsafe_member("a/b.fit") is None
    assert isinstance(got["big.fit"].error, UnsafeInputError)
    assert got["ok.fit"].error is None
    assert got["ok.fit"].display_path.endswith("x.zip!ok.fit")
    assert not (tmp_path.parent / "evil.fit").exists()


def test_nested_zip_garmin_layout(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("123.fit", (REAL / "fitparse__Activity.fit").read_bytes())
    z = _zip(
        tmp_path / "garmin.zip",
        {
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner.getvalue(),
            "DI_CONNECT/x.json": b"{}",
        },
    )
    sources = list(iter_sources([z]))
    assert len(sources) == 1
    assert read_bytes(sources[0].read_bytes(), sources[0].display_path).source_format == "fit"


def test_zip_depth_limit(tmp_path: Path) -> None:
    data = (REAL / "fitparse__Activity.fit").read_bytes()
    name = "a.fit"
    for level in range(LIMITS["max_zip_depth"] + 1):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
        data, name = buf.getvalue(), f"level{level}.zip"
    z = tmp_path / "deep.zip"
    z.write_bytes(data)
    sources = list(iter_sources([z]))
    assert len(sources) == 1 and isinstance(sources[0].error, UnsafeInputError)


def test_missing_path_is_an_error_source(tmp_path: Path) -> None:
    (s,) = list(iter_sources([tmp_path / "nope.fit"]))
    assert s.error is not None and "no such file" in str(s.error)


def test_strava_export_join(real_dir: Path) -> None:
    root = real_dir / "strava_export" / "slalom007"
    sources = [s for s in iter_sources([root]) if s.error is None]
    assert len(sources) >= 100
    with_meta = [s for s in sources if s.meta.get("strava_id")]
    assert len(with_meta) == len(sources)
    m = with_meta[0].meta
    assert {
        "name",
        "type",
        "gear",
        "perceived_exertion",
        "strava_moving_time_s",
        "strava_distance_m",
    } <= set(m)
    assert isinstance(m["strava_distance_m"], float)


def test_strava_csv_italian_by_position(real_dir: Path) -> None:
    text = (real_dir / "strava_export/ratnanil_it/activities.csv").read_text(encoding="utf-8-sig")
    rows = parse_strava_csv(text)
    assert any(k.startswith("activities/") for k in rows)
    meta = next(iter(rows.values()))
    assert meta["strava_id"] and meta["type"]


def test_strava_export_as_zip(tmp_path: Path) -> None:
    csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance\n"
    csv += '42,"Jan 1, 2024",Easy run,Run,legs ok,60,1,,,false,,Shoes,activities/42.fit,,,60.0,55.0,1000.5\n'
    z = _zip(
        tmp_path / "export.zip",
        {
            "activities.csv": csv.encode(),
            "activities/42.fit": (REAL / "fitparse__Activity.fit").read_bytes(),
        },
    )
    (s,) = list(iter_sources([z]))
    assert (
        s.meta["strava_id"] == "42" and s.meta["name"] == "Easy run" and s.meta["gear"] == "Shoes"
    )
    assert s.meta["strava_distance_m"] == 1000.5 and s.meta["strava_moving_time_s"] == 55.0


def test_directly_named_unknown_file_is_unknown_format(tmp_path: Path) -> None:
    from deliberun.io.errors import UnknownFormatError

    p = tmp_path / "notes.csv"
    p.write_text("date,km\n2024-01-01,10\n")
    (s,) = list(iter_sources([p]))
    with pytest.raises(UnknownFormatError, match="notes.csv"):
        read_bytes(s.read_bytes(), s.display_path)


def test_gz_member_in_folder(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "activities").mkdir()
    raw = (REAL / "heartandsole__testdata.gpx").read_bytes()
    (tmp_path / "activities" / "7.gpx.gz").write_bytes(gzip.compress(raw))
    (s,) = list(iter_sources([tmp_path]))
    assert s.read_bytes()[:2] == b"\x1f\x8b"  # original bytes, before gunzip
    assert read_bytes(s.read_bytes(), s.display_path).source_format == "gpx"
