"""The import service on real device files: rows, originals, duplicates, same-run merge."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from deliberun.io import read_bytes
from deliberun.metrics import METRICS_VERSION
from deliberun.services.activities import recompute, show_activity
from deliberun.services.importer import import_paths
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.tables_core import ActivitySourceRow, OriginalRow

#: Real running files with GPS and heart rate (MIT, python-fitparse / fitdecode test files).
RUN_FIT = "fit/fitparse__2013-02-06-12-11-14.fit"
OTHER_FITS = (
    "fit/fitdecode__garmin-fr935-cr.fit",
    "fit/fitparse__activity-large-fenxi2-multisport.fit",
)


def gpx_from(activity, path: Path) -> None:
    """Write the points of an activity as a GPX 1.1 track (what Strava or another app exports)."""
    t = activity.streams["time"]
    lat, lon = activity.streams["latitude"], activity.streams["longitude"]
    ele = activity.stream("altitude")
    hr = activity.stream("heart_rate")
    pts = []
    for i in np.flatnonzero(np.isfinite(lat) & np.isfinite(lon)):
        when = activity.start_time.timestamp() + t[i]
        iso = np.datetime64(int(round(when)), "s").astype(str) + "Z"
        ext = (
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{int(hr[i])}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions>"
            if np.isfinite(hr[i])
            else ""
        )
        e = f"<ele>{ele[i]:.1f}</ele>" if np.isfinite(ele[i]) else ""
        pts.append(
            f'<trkpt lat="{lat[i]:.7f}" lon="{lon[i]:.7f}">{e}<time>{iso}</time>{ext}</trkpt>'
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        "<trk><name>Morning Run</name><type>running</type><trkseg>"
        + "".join(pts)
        + "</trkseg></trk></gpx>"
    )


@pytest.fixture()
def run_fit(real_dir: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "in" / "run.fit"
    dst.parent.mkdir()
    shutil.copy(real_dir / RUN_FIT, dst)
    return dst


def test_import_real_file_gives_the_right_row(db_path, run_fit):
    db = Database(db_path)
    report = import_paths(db, [run_fit], workers=1)
    assert report.failed == [] and len(report.imported) == 1
    data = run_fit.read_bytes()
    expected = read_bytes(data, run_fit.name)
    with db.session() as s:
        row = repo.get_activity(s, report.imported[0])
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert s.get(OriginalRow, row.sha256).data == data  # kept unchanged
        assert row.sport == "running"
        assert row.start_time == expected.start_time
        assert row.n_samples == expected.n_samples == len(repo.load_streams(s, row.id)["time"])
        # the device wrote 4835.38 m (fit_sessions.json); our summary of the streams agrees
        assert row.distance_m == pytest.approx(4835.38, rel=0.01)
        assert row.max_hr_bpm == pytest.approx(171, abs=1)
        assert row.source_path.endswith("run.fit") and row.source_format == "fit"
        back = repo.load_activity(s, row.id)
    for k, v in expected.streams.items():
        if np.isfinite(v).any():
            assert np.array_equal(back.streams[k], v, equal_nan=True), k


def test_reimport_reports_duplicates_and_adds_nothing(db_path, run_fit, real_dir):
    db = Database(db_path)
    for rel in OTHER_FITS:
        shutil.copy(real_dir / rel, run_fit.parent / Path(rel).name)
    first = import_paths(db, [run_fit.parent], workers=2)
    assert len(first.imported) == 3 and first.failed == []
    again = import_paths(db, [run_fit.parent], workers=2)
    assert again.imported == []
    assert sorted(d["activity_id"] for d in again.duplicates) == sorted(first.imported)
    assert {d["reason"] for d in again.duplicates} == {"same file"}
    with db.session() as s:
        assert len(repo.list_activities(s)) == 3


def test_same_file_twice_in_one_batch(db_path, run_fit):
    db = Database(db_path)
    gz = run_fit.parent / "copy.fit"
    shutil.copy(run_fit, gz)
    report = import_paths(db, [run_fit, gz], workers=1)
    assert len(report.imported) == 1
    assert report.duplicates[0]["activity_id"] == report.imported[0]


@pytest.mark.parametrize("order", ["fit_first", "gpx_first"])
def test_fit_and_gpx_of_the_same_run_give_one_activity(db_path, run_fit, order):
    db = Database(db_path)
    fit = read_bytes(run_fit.read_bytes(), run_fit.name)
    gpx = run_fit.parent / "run.gpx"
    gpx_from(fit, gpx)
    paths = [run_fit, gpx] if order == "fit_first" else [gpx, run_fit]
    first = import_paths(db, [paths[0]], workers=1)
    second = import_paths(db, [paths[1]], workers=1)
    assert first.imported and not second.imported
    assert second.duplicates[0]["reason"] == "same run"
    assert second.duplicates[0]["activity_id"] == first.imported[0]
    with db.session() as s:
        rows = repo.list_activities(s)
        assert len(rows) == 1
        row = rows[0]
        assert row.source_format == "fit"  # the richer recording (speed, distance from device) wins
        assert row.n_samples == fit.n_samples
        assert {src.format for src in repo.list_sources(s, row.id)} == {"fit", "gpx"}
        assert s.query(ActivitySourceRow).count() == 2


def test_strava_export_names_the_run_from_the_watch(db_path, real_dir, tmp_path):
    export = real_dir / "strava_export" / "ratnanil_it"
    files = sorted((export / "activities").glob("*.fit.gz"))
    assert files
    db = Database(db_path)
    # the watch file first (no name), as it was gunzipped by the runner
    raw = tmp_path / "watch.fit"
    raw.write_bytes(gzip.decompress(files[0].read_bytes()))
    first = import_paths(db, [raw], workers=1)
    assert len(first.imported) == 1
    report = import_paths(db, [export], workers=2)
    assert report.failed == [] or all("activities.csv" not in f["path"] for f in report.failed)
    with db.session() as s:
        row = repo.get_activity(s, first.imported[0])
        metas = [src.meta for src in repo.list_sources(s, row.id)]
    assert len(metas) == 2, "the export's copy was merged into the watch's activity"
    strava = next(m for m in metas if m.get("name"))
    assert row.name == strava["name"]
    assert row.extra.get("name_source") == "strava"
    ids = set(report.imported) | {d["activity_id"] for d in report.duplicates}
    assert first.imported[0] in ids


def test_corrupt_file_is_reported_and_the_rest_imported(db_path, run_fit):
    db = Database(db_path)
    bad = run_fit.parent / "broken.fit"
    bad.write_bytes(run_fit.read_bytes()[:3000])
    (run_fit.parent / "notes.fit").write_bytes(b"this is not a fit file at all")
    report = import_paths(db, [run_fit.parent], workers=2)
    assert len(report.imported) == 1
    failed = {Path(f["path"]).name: f["error"] for f in report.failed}
    assert set(failed) == {"broken.fit", "notes.fit"}
    assert all(msg and "\n" not in msg for msg in failed.values())
    with db.session() as s:
        assert s.query(OriginalRow).count() == 1  # nothing kept of the failures


def test_progress_is_called_per_file_with_total(db_path, run_fit, real_dir):
    for rel in OTHER_FITS:
        shutil.copy(real_dir / rel, run_fit.parent / Path(rel).name)
    calls = []
    import_paths(
        Database(db_path), [run_fit.parent], workers=1, progress=lambda *a: calls.append(a)
    )
    assert [c[0] for c in calls] == [1, 2, 3]
    assert {c[1] for c in calls} == {3}


def test_missing_path_is_a_clear_error(db_path, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        import_paths(Database(db_path), [tmp_path / "nope"], workers=1)


def test_show_and_recompute(db_path, run_fit):
    db = Database(db_path)
    aid = import_paths(db, [run_fit], workers=1).imported[0]
    item = show_activity(db, aid)
    assert item["sources"][0]["sha256"] == item["sha256"]
    assert item["metrics"]["summary"]["distance_m"] == pytest.approx(item["distance_m"])
    assert item["metrics"]["metrics_version"] == METRICS_VERSION
    rep = recompute(db, workers=1)
    assert rep.recomputed == [aid] and rep.failed == []
    rep2 = recompute(db, workers=1, reparse=True)
    assert rep2.recomputed == [aid] and rep2.failed == []
    with db.session() as s:
        assert repo.get_activity(s, aid).distance_m == pytest.approx(item["distance_m"])
        assert repo.get_metrics_version(s, aid) == rep.metrics_version == METRICS_VERSION
        assert repo.get_metrics(s, aid)["summary"]["distance_m"] > 0


def test_runner_journal_file_is_read_with_the_folder(db_path, run_fit):
    from deliberun.services.practice import list_journal
    from deliberun.store.settings_repo import get_settings

    (run_fit.parent / "deliberun-journal.yaml").write_text(
        "version: 1\n"
        "athlete: {sex: female, hr_max_bpm: 190, hr_rest_bpm: 48}\n"
        "journal:\n"
        "  - date: 2013-02-06\n"
        "    activity_start: '2013-02-06T12:11:14+00:00'\n"
        "    rpe: 6\n"
        "    notes: first run of the week\n"
    )
    db = Database(db_path)
    report = import_paths(db, [run_fit.parent], workers=1)
    assert report.failed == [] and len(report.imported) == 1
    assert report.runner_files[0]["journal"] == 1
    with db.session() as s:
        settings = get_settings(s)
    assert settings.hr_max_bpm == 190 and settings.sex == "female"
    entries = list_journal(db)
    assert len(entries) == 1 and entries[0]["rpe"] == 6
    again = import_paths(db, [run_fit.parent], workers=1)  # idempotent
    assert again.failed == [] and len(list_journal(db)) == 1


def test_a_broken_journal_file_is_a_failure_not_a_crash(db_path, run_fit):
    (run_fit.parent / "deliberun-journal.yaml").write_text("version: 1\nathlete: [1, 2]\n")
    report = import_paths(Database(db_path), [run_fit.parent], workers=1)
    assert len(report.imported) == 1
    assert [Path(f["path"]).name for f in report.failed] == ["deliberun-journal.yaml"]


def test_recompute_applies_a_time_zone_set_later(db_path, run_fit):
    from deliberun.athlete import AthleteSettings
    from deliberun.store.settings_repo import set_settings

    db = Database(db_path)
    aid = import_paths(db, [run_fit], workers=1).imported[0]
    with db.session() as s:
        assert repo.get_activity(s, aid).utc_offset_s is None  # this FR110 file has no local time
    with db.session() as s, s.begin():
        set_settings(s, AthleteSettings(timezone="America/New_York"))
    assert recompute(db, workers=1).recomputed == [aid]
    with db.session() as s:
        d = repo.activity_to_dict(repo.get_activity(s, aid))
    assert d["utc_offset_s"] == -5 * 3600
    assert d["start_time"] == "2013-02-06T07:11:14-05:00"


def test_a_reader_fault_fails_one_archive_not_the_batch(db_path, run_fit, tmp_path, monkeypatch):
    """Fault injection: expanding one path raises an unexpected error (a reader bug)."""
    import deliberun.io.sources as sources

    real_iter = sources.iter_sources
    poisoned = tmp_path / "poisoned.zip"
    poisoned.write_bytes(b"PK\x03\x04 whatever")

    def faulty(paths):
        if any(str(p) == str(poisoned) for p in paths):
            raise RuntimeError("reader bug")
        return real_iter(paths)

    monkeypatch.setattr(sources, "iter_sources", faulty)
    db = Database(db_path)
    report = import_paths(db, [poisoned, run_fit], workers=1)
    assert len(report.imported) == 1  # the good file still imported
    assert report.failed == [
        {"path": str(poisoned), "error": "internal error: RuntimeError('reader bug')"}
    ]


def test_same_file_again_with_strava_rpe_updates_the_load(db_path, run_fit, tmp_path):
    """A file imported before, then again inside a Strava export that rates it RPE 8:
    the rating lands and the session-RPE load is recomputed at once."""
    import csv

    from deliberun.sim.output import STRAVA_COLUMNS

    db = Database(db_path)
    first = import_paths(db, [run_fit], workers=1)
    (aid,) = first.imported
    with db.session() as s:
        assert repo.get_metrics(s, aid)["load"]["session_rpe"] is None
        start = repo.get_activity(s, aid).start_time
    export = tmp_path / "strava"
    (export / "activities").mkdir(parents=True)
    shutil.copy(run_fit, export / "activities" / "123.fit")
    row = [""] * len(STRAVA_COLUMNS)
    row[0], row[2], row[3], row[12], row[43] = "123", "Tempo", "Run", "activities/123.fit", "8"
    row[1] = f"{start:%b} {start.day}, {start.year}, {start:%I:%M:%S %p}"
    with (export / "activities.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([STRAVA_COLUMNS, row])
    again = import_paths(db, [export], workers=1)
    assert again.imported == [] and again.duplicates[0]["activity_id"] == aid
    with db.session() as s:
        act = repo.get_activity(s, aid)
        assert act.extra["perceived_exertion"] == 8 and act.name == "Tempo"
        stored = repo.get_metrics(s, aid)["load"]["session_rpe"]
    assert stored is not None and stored > 0
    recompute(db, workers=1)
    with db.session() as s:
        assert repo.get_metrics(s, aid)["load"]["session_rpe"] == pytest.approx(stored)


def test_a_second_source_is_computed_on_the_thresholds_in_use(tmp_path: Path) -> None:
    """The richer file of a run already here is merged on the estimated max HR, as a new
    run would be (not on the default, to be recomputed once more by the refresh)."""
    from datetime import date

    from deliberun.store import settings_repo

    real = Path(__file__).parent / "data" / "real"
    db = Database(tmp_path / "t.db")
    import_paths(db, [real / "heartandsole__testdata.gpx"], workers=1)
    with db.session() as s, s.begin():
        settings_repo.add_estimate(s, "hr_max_bpm", 187.0, date(2020, 1, 1), date(2020, 1, 1),
                                   [], "test")  # fmt: skip
    report = import_paths(db, [real / "heartandsole__testdata.fit"], workers=1)
    assert [d["reason"] for d in report.duplicates] == ["same run"]
    used = show_activity(db, 1)["metrics"]["thresholds_used"]["hr_max_bpm"]
    assert used["value"] == pytest.approx(187.0)
