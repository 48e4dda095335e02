"""Export rows without a file become manual activities; their file merges in later.

Read in place from ../shared/data/real/strava_export/slalom007 (personal GPS
tracks: never copied into the project); skipped when absent. Of its 219 runs,
5 have no file (manual entries) and 40 name a file the export lacks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.metrics.manual import manual_metrics
from deliberun.services.activities import list_activities
from deliberun.services.importer import import_paths
from deliberun.store import repository as repo
from deliberun.store.db import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def export(real_dir) -> Path:
    path = real_dir / "strava_export" / "slalom007"
    if not (path / "activities.csv").is_file():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="module")
def imported(export, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("manual") / "s.db"
    res = runner.invoke(app, ["--db", str(db_path), "import", "-q", str(export)])
    return db_path, res


def test_rows_without_file_become_manual_activities(imported):
    db_path, res = imported
    assert res.exit_code == 0, res.output
    assert "5 manual, 58 file missing (45 runs)" in res.stdout
    items = list_activities(Database(db_path))
    runs = [a for a in items if a["sport"] == "running"]
    manual_runs = [a for a in runs if a["manual"]]
    assert len(runs) == 219 and len(manual_runs) == 45
    # the 800 m race entered by hand, with its perceived exertion (row 13635604393)
    race = next(a for a in manual_runs if a["name"] == "MASZ verseny")
    assert race["distance_m"] == 6500.0 and race["moving_time_s"] == 2080.0
    assert race["extra"]["perceived_exertion"] == 1.0
    assert race["start_time"].startswith("2025-02-15T17:29:51")


def test_manual_activities_count_in_load_and_json(imported):
    db_path, _ = imported
    res = runner.invoke(app, ["--db", str(db_path), "activities", "--json"])
    rows = json.loads(res.stdout)
    assert all(isinstance(a["manual"], bool) for a in rows)
    manual = [a for a in rows if a["manual"]]
    show = json.loads(
        runner.invoke(app, ["--db", str(db_path), "show", str(manual[0]["id"]), "--json"]).stdout
    )
    assert show["manual"] is True
    assert show["metrics"]["training_load"] > 0
    assert show["metrics"]["load_basis"] in ("heart_rate", "rpe", "duration")
    db = Database(db_path)
    with db.session() as s:
        loads = [repo.get_metrics(s, a["id"]).get("training_load") for a in manual]
    assert all(x is not None and x > 0 for x in loads)


def test_reimport_adds_nothing(imported, export):
    db_path, _ = imported
    before = len(list_activities(Database(db_path)))
    report = import_paths(Database(db_path), [export], workers=1)
    assert report.imported == [] and len(list_activities(Database(db_path))) == before
    assert {e["status"] for e in report.manual} == {"known"}


def test_manual_activities_use_the_thresholds_in_use_so_an_import_does_not_redo_them(
    imported, export
):
    """A manual run's metrics take the thresholds estimated from the runner's runs, as a
    run with a file does; they had taken the defaults (hr max 190), so every later import
    "recomputed the metrics of 63 activities" again, for ever."""
    from deliberun.services import threshold_refresh

    db_path, _ = imported
    db = Database(db_path)
    in_use = threshold_refresh.in_use(db)
    assert in_use.get("hr_max_bpm"), in_use  # estimated from the runs: the test can fail
    assert threshold_refresh.affected(db) == []
    one = sorted((export / "activities").glob("*.fit.gz"))[0]  # imported already: a duplicate
    res = runner.invoke(app, ["--db", str(db_path), "import", str(one)])
    assert res.exit_code == 0, res.output
    assert "recomputed the metrics" not in res.output


def test_missing_file_arriving_later_merges(export, tmp_path):
    """A partial export, then the missing file: one activity, no longer manual."""
    partial = tmp_path / "export"
    (partial / "activities").mkdir(parents=True)
    (partial / "activities.csv").symlink_to(export / "activities.csv")
    kept = ["12369573763.fit.gz", "12369574228.fit.gz"]
    for name in kept:
        (partial / "activities" / name).symlink_to(export / "activities" / name)
    db = Database(tmp_path / "p.db")
    first = import_paths(db, [partial], workers=1)
    assert len(first.imported) == 2
    late = export / "activities" / "13772079262.fit.gz"  # "10x200m / 100m walk"
    entry = next(e for e in first.manual if e["filename"] == "activities/13772079262.fit.gz")
    assert entry["status"] == "imported" and entry["reason"] == "file missing"
    n = len(list_activities(db))
    second = import_paths(db, [late], workers=1)
    assert second.imported == []
    assert second.duplicates == [
        {"path": str(late), "activity_id": entry["activity_id"], "reason": "same run"}
    ]
    assert len(list_activities(db)) == n
    with db.session() as s:
        row = repo.get_activity(s, entry["activity_id"])
        assert row.manual is False and row.n_samples > 1000
        assert row.name == "Saturday quickie"  # the export's name stays
        assert row.distance_m == pytest.approx(4597.11, abs=0.01)  # the watch's total


def test_duration_based_load_without_hr_or_rpe():
    m = manual_metrics({"distance_m": 6500.0, "moving_time_s": 2150.0}, "running")
    assert m["load_basis"] == "duration" and m["training_load"] > 0
    harder = manual_metrics(
        {"distance_m": 6500.0, "moving_time_s": 2150.0, "perceived_exertion": 9}, "running"
    )
    assert harder["load_basis"] == "rpe" and harder["training_load"] > m["training_load"]


def test_recompute_keeps_manual_activities(export, tmp_path):
    from deliberun.services.activities import recompute

    partial = tmp_path / "export"
    (partial / "activities").mkdir(parents=True)
    (partial / "activities.csv").symlink_to(export / "activities.csv")
    db = Database(tmp_path / "r.db")
    report = import_paths(db, [partial], workers=1)
    race = next(e for e in report.manual if e["strava_id"] == "13635604393")
    with db.session() as s:
        before = repo.get_metrics(s, race["activity_id"])["training_load"]
    rep = recompute(db, workers=1, reparse=True)
    assert rep.failed == [] and race["activity_id"] in rep.recomputed
    with db.session() as s:
        row = repo.get_activity(s, race["activity_id"])
        assert row.manual and row.distance_m == 6500.0
        assert repo.get_metrics(s, race["activity_id"])["training_load"] == pytest.approx(before)
