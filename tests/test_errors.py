"""The error contract (``deliberun.errors``) and how each adapter answers it, once.

Through the real command (Typer's runner over ``deliberun.cli.main.app``, and one
run of the installed console script) and the real dashboard (FastAPI's test client).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun import errors
from deliberun.cli.main import app
from deliberun.io.errors import CorruptFileError, ReadError
from deliberun.services import activities
from deliberun.services.dashboard_base import NotFound
from deliberun.store.errors import StorageError

runner = CliRunner()


def cli(db_path: Path, *args: str):
    return runner.invoke(app, ["--db", str(db_path), *args])


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_each_error_says_its_exit_code_and_http_status() -> None:
    table = {
        errors.DeliberunError: (1, 400),
        errors.NotFoundError: (1, 404),
        errors.InvalidInput: (2, 400),
        errors.ConflictError: (1, 409),
        errors.NoPlanYet: (1, 404),
        StorageError: (1, 503),
        ReadError: (1, 422),
    }
    for cls, (code, status) in table.items():
        assert (cls.exit_code, cls.http_status) == (code, status), cls.__name__
    # the older catchers keep working: not found is a LookupError, bad input a ValueError
    assert issubclass(activities.NoSuchActivity, LookupError)
    assert issubclass(NotFound, errors.NotFoundError)
    assert issubclass(errors.InvalidInput, ValueError)
    assert issubclass(errors.NoPlanYet, ValueError)
    assert str(CorruptFileError("a.fit", "bad CRC", offset=12)) == "a.fit: bad CRC (at byte 12)"


def test_show_unknown_id_is_a_usage_error_with_the_fix(db_path: Path) -> None:
    res = cli(db_path, "show", "99999")
    assert res.exit_code == 2
    assert (
        one_line(res.stderr) == "Error: no activity 99999: see 'deliberun activities' for the ids"
    )
    assert res.stdout == ""


def test_json_error_is_the_one_document_on_stdout(db_path: Path) -> None:
    res = cli(db_path, "show", "99999", "--json")
    assert res.exit_code == 2
    assert json.loads(res.stdout) == {
        "error": "no activity 99999: see 'deliberun activities' for the ids"
    }


def test_usage_error_exits_2(db_path: Path) -> None:
    res = cli(db_path, "fitness", "--days", "zero")
    assert res.exit_code == 2
    assert "Usage: deliberun fitness" in res.stderr and "valid integer" in one_line(res.stderr)


def test_no_plan_yet_exits_1_naming_the_commands(db_path: Path) -> None:
    res = cli(db_path, "plan", "show")
    assert res.exit_code == 1
    assert "no plan yet: run 'deliberun plan generate'" in one_line(res.stderr)


def test_a_typed_workout_mistake_is_a_usage_error(db_path: Path) -> None:
    res = cli(db_path, "workout", "library", "--type", "sprints")
    assert res.exit_code == 2
    assert "unknown workout type 'sprints'" in one_line(res.stderr)


def _broken(*args: object, **kwargs: object) -> None:
    raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")


def test_programming_error_exits_70_with_a_hint(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(activities, "list_activities", _broken)
    res = cli(db_path, "activities")
    assert res.exit_code == 70
    err = one_line(res.stderr)
    assert err.startswith("Error: internal error (TypeError: unsupported operand")
    assert "rerun with --debug" in err
    assert "Traceback" not in res.output


def test_debug_shows_the_programming_error(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activities, "list_activities", _broken)
    res = runner.invoke(app, ["--db", str(db_path), "--debug", "activities"])
    assert isinstance(res.exception, TypeError)  # not mapped: Python's traceback follows


def test_console_script_answers_not_found(db_path: Path) -> None:
    """The installed ``deliberun`` (``main()``): same answer outside the test runner."""
    script = Path(sys.executable).with_name("deliberun")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DELIBERUN_")}
    res = subprocess.run(
        [str(script), "--db", str(db_path), "show", "99999"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode == 2
    assert "no activity 99999" in res.stderr
    assert "Traceback" not in res.stderr


def test_dashboard_answers_the_contract(db_path: Path) -> None:
    from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    client = TestClient(create_app(str(db_path), page_cache=False))
    r = client.get("/api/activities/99999")
    assert r.status_code == 404
    assert r.json()["error"].startswith("no activity with id 99999")
    r = client.get("/api/activities?limit=lots")
    assert r.status_code == 400
    assert "limit='lots' is not a whole number" in r.json()["error"]
