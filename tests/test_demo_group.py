"""``deliberun demo --group N``: simulated athletes in one database, the group view printed
with what was planted; the view finds the plants (missed key sessions of athlete 2)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.services.athletes import list_athletes
from deliberun.store.db import Database


def test_demo_group_imports_each_athlete_and_finds_the_plant(tmp_path: Path) -> None:
    out = tmp_path / "g"
    res = CliRunner().invoke(
        app, ["demo", "--group", "2", "--years", "0.2", "--out", str(out), "--json", "-q"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    names = [a["name"] for a in doc["athletes"]]
    assert names == ["ana", "ben"]
    db = Database(out / "group.db")
    held = {a["name"]: a["runs"] for a in list_athletes(db)}
    db.dispose()
    assert held == {a["name"]: a["imported"] for a in doc["athletes"]}  # "me" removed
    assert all(a["imported"] > 0 and a["failed"] == 0 for a in doc["athletes"])
    planted = doc["athletes"][1]["planted"]
    assert planted["kind"] == "missed_key_sessions" and planted["dates"]
    line = next(a for a in doc["group"]["athletes"] if a["name"] == "ben")
    assert sorted(m["date"] for m in line["missed_key_sessions"]) == sorted(planted["dates"])
    assert doc["today"] == doc["group"]["today"]


def test_demo_group_prints_the_view_and_how_to_open_it(tmp_path: Path) -> None:
    out = tmp_path / "g"
    res = CliRunner().invoke(app, ["demo", "--group", "1", "--years", "0.1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "group on" in res.stdout and "ana" in res.stdout
    assert "Planted" in res.stdout and "nothing planted" in res.stdout
    assert f"--db {out / 'group.db'}" in res.stdout and " serve" in res.stdout
    bad = CliRunner().invoke(app, ["demo", "--group", "501", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "--group 501 is out of range" in bad.output
