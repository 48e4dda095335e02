"""``deliberun group``: one line per athlete, each computed on that athlete's data only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.services.athlete import fitness
from deliberun.services.athletes import add_athlete
from deliberun.services.group import STALE_DAYS, group
from deliberun.services.importer import import_paths
from deliberun.store.db import Database

REAL = Path(__file__).parent / "data" / "real"
#: Real device files (tests/data/real/MANIFEST.tsv); the damaged ones are left out.
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)
TODAY = date(2021, 4, 20)
NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)


def test_group_lines_follow_each_athletes_own_data(tmp_path: Path) -> None:
    solo = Database(tmp_path / "solo.db")
    mine = import_paths(solo, FILES[:3], workers=1, now=NOW).imported
    db = Database(tmp_path / "group.db")
    import_paths(db, FILES[:3], workers=1, now=NOW)  # athlete 1, "me"
    add_athlete(db, "bob", now=NOW)  # no runs yet
    add_athlete(db, "eve", now=NOW)
    hers = import_paths(db.for_athlete("eve"), FILES[3:5], workers=1, now=NOW).imported

    doc = group(db, today=TODAY, now=NOW)
    lines = {a["name"]: a for a in doc["athletes"]}
    assert set(lines) == {"me", "bob", "eve"}
    assert doc["athletes"][0]["name"] == "bob"  # no data at all: the first to look at
    assert lines["bob"]["flags"] == ["no data yet"] and lines["bob"]["runs"] == 0
    want = fitness(solo, today=TODAY, days=1)["current"]
    assert lines["me"]["runs"] == len(mine) > 0
    assert lines["me"]["form"] == want["form"] and lines["me"]["acwr"] == want["acwr"]
    assert lines["eve"]["runs"] == len(hers) > 0
    assert lines["me"]["days_since_data"] == 0
    for a in (lines["me"], lines["eve"]):  # every flag carries its number
        gap = a["days_since_last_run"]
        assert gap is not None and gap >= 0
        assert any(f"no run for {gap} days" in f for f in a["flags"]) == (gap > STALE_DAYS)


def test_group_json_needs_no_athlete(tmp_path: Path) -> None:
    db_file = tmp_path / "g.db"
    Database(db_file).dispose()
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db_file), "athlete", "add", "ann"]).exit_code == 0
    res = runner.invoke(app, ["--db", str(db_file), "--today", "2021-04-20", "group", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["today"] == "2021-04-20"
    assert sorted(a["name"] for a in doc["athletes"]) == ["ann", "me"]
