"""The import, activities, show and recompute commands: exit codes, text, JSON schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app

RUN_FIT = "fit/fitparse__2013-02-06-12-11-14.fit"
SWIM_FIT = "fit/fitdecode__garmin-fr935-cr.fit"

runner = CliRunner()


def cli(db_path: Path, *args: str):
    return runner.invoke(app, ["--db", str(db_path), *args])


@pytest.fixture()
def folder(real_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(real_dir / RUN_FIT, d / "run.fit")
    shutil.copy(real_dir / SWIM_FIT, d / "swim.fit")
    return d


def test_import_json_schema_and_exit_0(db_path, folder):
    res = cli(db_path, "import", str(folder), "--json", "--workers", "1")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"imported", "duplicates", "failed"}
    assert len(doc["imported"]) == 2 and all(isinstance(i, int) for i in doc["imported"])
    assert doc["failed"] == [] and doc["duplicates"] == []
    again = json.loads(cli(db_path, "import", str(folder), "--json").stdout)
    assert again["imported"] == []
    assert {d["activity_id"] for d in again["duplicates"]} == set(doc["imported"])
    assert all(set(d) >= {"path", "activity_id", "reason"} for d in again["duplicates"])


def test_import_with_a_corrupt_file_exits_1_and_names_it(db_path, folder):
    (folder / "broken.fit").write_bytes((folder / "run.fit").read_bytes()[:2000])
    res = cli(db_path, "import", str(folder), "--quiet")
    assert res.exit_code == 1
    assert "broken.fit" in res.stderr
    assert "Error:" in res.stderr
    assert "2 imported" in res.stdout
    res_json = cli(db_path, "import", str(folder), "--json")
    assert res_json.exit_code == 1
    doc = json.loads(res_json.stdout)
    assert [Path(f["path"]).name for f in doc["failed"]] == ["broken.fit"]
    assert set(doc["failed"][0]) == {"path", "error"}


def test_import_missing_path(db_path, tmp_path):
    res = cli(db_path, "import", str(tmp_path / "nothing.fit"))
    assert res.exit_code == 2
    assert "Error:" in res.stderr and "nothing.fit" in res.stderr


def test_activities_and_show(db_path, folder):
    ids = json.loads(cli(db_path, "import", str(folder), "--json").stdout)["imported"]
    res = cli(db_path, "activities", "--json")
    assert res.exit_code == 0
    items = json.loads(res.stdout)
    assert [a["id"] for a in items] == sorted(
        ids, key=lambda i: next(a["start_time"] for a in items if a["id"] == i)
    )
    run = next(a for a in items if a["sport"] == "running")
    for key in ("id", "start_time", "sport", "name", "distance_m", "moving_time_s",
                "elapsed_time_s", "timer_time_s", "avg_hr_bpm", "max_hr_bpm", "avg_cadence_spm",
                "ascent_m", "descent_m", "device", "source_path", "sha256"):  # fmt: skip
        assert key in run
    assert run["start_time"].startswith("2013-02-06T")
    assert run["start_time"][-6] in "+-" or run["start_time"].endswith("+00:00")
    since = json.loads(cli(db_path, "activities", "--since", "2014-01-01", "--json").stdout)
    assert run["id"] not in [a["id"] for a in since]
    table = cli(db_path, "activities")
    assert table.exit_code == 0 and "min/km" in table.stdout and "km" in table.stdout
    shown = cli(db_path, "show", str(run["id"]), "--json")
    assert shown.exit_code == 0
    doc = json.loads(shown.stdout)
    assert doc["id"] == run["id"] and doc["sha256"] == run["sha256"]
    assert doc["metrics"]["summary"]["distance_m"] == doc["distance_m"] > 0
    text = cli(db_path, "show", str(run["id"]))
    assert text.exit_code == 0 and "Activity" in text.stdout and "4.8" in text.stdout


def test_show_in_miles_when_the_athlete_wants(db_path, folder):
    from deliberun.athlete import AthleteSettings
    from deliberun.store.db import Database
    from deliberun.store.settings_repo import set_settings

    ids = json.loads(cli(db_path, "import", str(folder), "--json").stdout)["imported"]
    db = Database(db_path)
    with db.session() as s, s.begin():
        set_settings(s, AthleteSettings(units="imperial"))
    out = cli(db_path, "activities").stdout
    assert "min/mi" in out and "min/km" not in out
    assert "3.00" in out  # 4835 m is 3.00 mi
    assert cli(db_path, "show", str(ids[0])).exit_code == 0


def test_show_unknown_id(db_path):
    res = cli(db_path, "show", "42")
    assert res.exit_code == 2
    assert "Error: no activity 42" in res.stderr


def test_bad_since_is_a_usage_error(db_path):
    res = cli(db_path, "activities", "--since", "yesterday")
    assert res.exit_code == 2


def test_recompute_json(db_path, folder):
    ids = json.loads(cli(db_path, "import", str(folder), "--json").stdout)["imported"]
    res = cli(db_path, "recompute", "--json", "--workers", "1")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert sorted(doc["recomputed"]) == sorted(ids)
    assert doc["failed"] == [] and "metrics_version" in doc


def test_a_file_without_an_activity_is_skipped_not_failed(db_path, folder, real_dir):
    shutil.copy(real_dir / "fit" / "fitparse__Settings.fit", folder / "Settings.fit")
    res = cli(db_path, "import", str(folder), "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [Path(d["path"]).name for d in doc["skipped"]] == ["Settings.fit"]
    assert len(doc["imported"]) == 2 and doc["failed"] == []
