"""The global as-of date: ``deliberun --today DATE`` (or DELIBERUN_TODAY) for every command."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app

DATA = Path(__file__).parent / "data" / "real"
RUN = DATA / "fitparse__garmin-fenix-5-run.fit"  # a run on 2017-06-11

runner = CliRunner()


def _json(*args: str, env: dict[str, str] | None = None) -> object:
    res = runner.invoke(app, list(args), env=env)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_every_model_answers_as_of_the_given_day(db_path: Path) -> None:
    db = str(db_path)
    assert runner.invoke(app, ["--db", db, "import", str(RUN), "--quiet"]).exit_code == 0
    after = _json("--db", db, "--today", "2017-06-12", "fitness", "--days", "3", "--json")
    before = _json("--db", db, "--today", "2017-06-10", "fitness", "--days", "3", "--json")
    assert isinstance(after, dict) and isinstance(before, dict)
    assert after["days"][-1]["date"] == "2017-06-12"
    assert after["current"]["fitness"] > 0  # the run counts
    assert before["days"] == []  # the run after the as-of day is not seen
    env = _json(
        "--db", db, "fitness", "--days", "1", "--json", env={"DELIBERUN_TODAY": "2017-06-12"}
    )
    assert isinstance(env, dict) and env["days"][-1]["date"] == "2017-06-12"


def test_a_bad_as_of_date_is_a_usage_error(db_path: Path) -> None:
    res = runner.invoke(app, ["--db", str(db_path), "--today", "2026-13-01", "fitness"])
    assert res.exit_code == 2
    assert "--today" in res.output and "YYYY-MM-DD" in res.output
