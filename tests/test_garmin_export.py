"""Garmin Connect export: names, types and the device's summary kept from its JSON.

The export is built here from licensed FIT files (tests/data/real, MIT) in Garmin's
layout: ``DI_CONNECT/DI-Connect-Fitness/<user>_0_summarizedActivities.json`` and
``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip``.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from deliberun.io.garmin_export import GarminIndex, entry_meta
from deliberun.io.sources import iter_sources
from deliberun.services.importer import import_paths
from deliberun.store import repository as repo
from deliberun.store.db import Database

REAL = Path(__file__).parent / "data" / "real"
FENIX = "fitparse__garmin-fenix-5-run.fit"  # starts 2017-06-11 14:34:09 UTC
FR220 = "heartandsole__testdata.fit"  # starts 2021-04-16 13:37:53 UTC
FITNESS = "DI_CONNECT/DI-Connect-Fitness/runner@example.com_0_summarizedActivities.json"
UPLOADED = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


ENTRIES = [
    {  # joined by the id in its file name
        "activityId": 1111111111,
        "name": "Sunday hill loop",
        "activityType": "trail_running",
        "sportType": "RUNNING",
        "startTimeGmt": _ms("2017-06-11T14:34:09"),
        "beginTimestamp": _ms("2017-06-11T14:34:09"),
        "duration": 56887.0,
        "elapsedDuration": 56887.0,
        "movingDuration": 55000.0,
        "distance": 15756.0,
        "elevationGain": 200.0,
        "avgHr": 90.0,
        "maxHr": 112.0,
    },
    {  # its file is named by an upload number: joined by the start time (4 s apart)
        "activityId": 2222222222,
        "name": "Track warm-up",
        "activityType": {"typeKey": "running"},
        "startTimeGmt": _ms("2021-04-16T13:37:57"),
        "duration": 190355.0,
        "distance": 15871.0,
    },
    {  # an entry without a file (a manual entry on Connect): nothing to join
        "activityId": 3333333333,
        "name": "Gym",
        "activityType": "strength_training",
        "startTimeGmt": _ms("2021-05-01T08:00:00"),
    },
]


def _export_members() -> dict[str, bytes]:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("runner@example.com_1111111111.fit", (REAL / FENIX).read_bytes())
        zf.writestr("runner@example.com_98765.fit", (REAL / FR220).read_bytes())
    return {
        FITNESS: json.dumps([{"summarizedActivitiesExport": ENTRIES}]).encode(),
        UPLOADED: inner.getvalue(),
        "DI_CONNECT/DI-Connect-User/user_profile.json": b"{}",
    }


def garmin_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _export_members().items():
            zf.writestr(name, data)
    return path


def garmin_folder(root: Path) -> Path:
    for name, data in _export_members().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_entry_units_are_converted_to_si() -> None:
    m = entry_meta(ENTRIES[0])
    assert m is not None
    assert m["garmin_id"] == 1111111111 and m["name"] == "Sunday hill loop"
    assert m["garmin_type"] == "trail_running"
    assert m["garmin_distance_m"] == 157.56  # centimetres
    assert m["garmin_timer_time_s"] == 56.887  # milliseconds
    assert m["garmin_moving_time_s"] == 55.0
    assert m["garmin_elevation_gain_m"] == 2.0
    assert (m["garmin_avg_hr_bpm"], m["garmin_max_hr_bpm"]) == (90.0, 112.0)
    assert m["start_time"] == "2017-06-11T14:34:09+00:00"
    assert entry_meta(ENTRIES[1])["garmin_type"] == "running"  # the nested {"typeKey"} form
    assert entry_meta({"name": "no id, no start"}) is None


def test_index_by_id_in_name_and_by_start_time() -> None:
    index = GarminIndex()
    assert index.add_json(json.dumps([{"summarizedActivitiesExport": ENTRIES}]).encode()) == 3
    assert index.for_name("runner@example.com_1111111111.fit")["name"] == "Sunday hill loop"
    assert index.for_name("runner@example.com_98765.fit") is None
    near = datetime(2021, 4, 16, 13, 37, 53, tzinfo=UTC)
    assert index.for_start(near)["garmin_id"] == 2222222222
    assert index.for_start(datetime(2021, 4, 16, 13, 40, tzinfo=UTC)) is None  # 123 s off
    assert GarminIndex().add_json(b"not json") == 0


def test_sources_of_a_garmin_zip_carry_the_names(tmp_path: Path) -> None:
    sources = [s for s in iter_sources([garmin_zip(tmp_path / "garmin.zip")])]
    assert len(sources) == 2 and all(s.error is None for s in sources)
    by_name = {s.name: s for s in sources}
    named = by_name["runner@example.com_1111111111.fit"]
    assert named.meta["name"] == "Sunday hill loop" and named.match is None
    unnamed = by_name["runner@example.com_98765.fit"]
    assert unnamed.meta == {} and unnamed.match is not None


def _imported(db: Database, ids: list[int]) -> dict[str, dict]:
    out = {}
    with db.session() as s:
        for i in ids:
            row = repo.get_activity(s, i)
            (src,) = repo.list_sources(s, i)
            out[row.name] = {"extra": dict(row.extra or {}), "meta": dict(src.meta or {})}
    return out


def test_import_keeps_names_types_and_the_device_summary(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    report = import_paths(db, [garmin_zip(tmp_path / "garmin.zip")], workers=1)
    assert report.failed == [] and len(report.imported) == 2
    got = _imported(db, report.imported)
    assert set(got) == {"Sunday hill loop", "Track warm-up"}
    hill = got["Sunday hill loop"]
    assert hill["extra"]["garmin_type"] == "trail_running"
    assert hill["extra"]["garmin_id"] == 1111111111
    assert hill["extra"]["name_source"] == "garmin"
    assert hill["meta"]["source"] == "garmin_export"
    assert hill["meta"]["garmin_distance_m"] == 157.56
    assert hill["meta"]["garmin_moving_time_s"] == 55.0
    warm = got["Track warm-up"]  # joined by start time
    assert warm["extra"]["garmin_id"] == 2222222222
    assert warm["meta"]["garmin_distance_m"] == 158.71


def test_unzipped_export_folder_and_reimport_of_known_files(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    # the FIT files first, on their own (no names) ...
    inner = zipfile.ZipFile(io.BytesIO(_export_members()[UPLOADED]))
    loose = tmp_path / "loose"
    inner.extractall(loose)
    first = import_paths(db, [loose], workers=1)
    assert len(first.imported) == 2
    with db.session() as s:
        assert all(repo.get_activity(s, i).name in (None, "") for i in first.imported)
    # ... then the whole export, unzipped: the same files are duplicates, and named now
    root = garmin_folder(tmp_path / "export")
    again = import_paths(db, [root], workers=1)
    assert again.imported == [] and len(again.duplicates) == 2
    with db.session() as s:
        names = {repo.get_activity(s, i).name for i in first.imported}
        types = {repo.get_activity(s, i).extra.get("garmin_type") for i in first.imported}
    assert names == {"Sunday hill loop", "Track warm-up"}
    assert types == {"trail_running", "running"}
