"""``deliberun athlete add|list|remove`` and the global ``--athlete`` (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()
REAL = Path(__file__).parent / "data" / "real"
#: Two real device files (tests/data/real/MANIFEST.tsv): enough for two runs each.
FILES = sorted(str(p) for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)[
    :2
]


def _run(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--db", str(db), *args], env=env)
    return res.exit_code, res.stdout, res.stderr


def _cli(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real entry point (its error mapping gives the exit code), in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )  # fmt: skip


def test_one_athlete_needs_no_flag_and_a_coach_names_each(db_path: Path) -> None:
    assert len(FILES) == 2
    code, out, _ = _run(db_path, "athlete", "list", "--json")
    assert code == 0 and [a["name"] for a in json.loads(out)] == ["me"]
    assert _run(db_path, "import", *FILES, "--quiet")[0] == 0  # no flag: the only athlete
    code, out, err = _run(db_path, "athlete", "add", "alice", "--json")
    assert code == 0 and json.loads(out)["name"] == "alice"
    assert _run(db_path, "athlete", "add", "alice")[0] != 0  # a name once
    code, _, _ = _run(db_path, "--athlete", "alice", "import", FILES[0], "--quiet")
    assert code == 0
    code, out, _ = _run(db_path, "athlete", "list", "--json")
    rows = {a["name"]: a for a in json.loads(out)}
    assert (rows["me"]["runs"], rows["alice"]["runs"]) == (2, 1)  # the same file: hers too
    assert rows["alice"]["last_run"] is not None
    # the environment chooses too, and each sees only their own runs
    code, out, _ = _run(db_path, "activities", "--json", env={"DELIBERUN_ATHLETE": "alice"})
    assert code == 0 and len(json.loads(out)) == 1
    code, out, _ = _run(db_path, "--athlete", "me", "activities", "--json")
    assert len(json.loads(out)) == 2


def test_several_athletes_and_no_flag_is_a_usage_error_naming_them(db_path: Path) -> None:
    assert _run(db_path, "athlete", "add", "bob")[0] == 0
    res = _cli(db_path, "activities", "--json", DELIBERUN_ATHLETE="")
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "Error: this database holds 2 athletes (me, bob); choose one with --athlete NAME"
    ]
    assert "choose one" in json.loads(res.stdout)["error"]
    res = _cli(db_path, "--athlete", "zoe", "fitness")
    assert res.returncode == 2 and "no athlete named 'zoe' (athletes: me, bob)" in res.stderr


def test_remove_asks_backs_up_first_and_keeps_the_others(db_path: Path, tmp_path: Path) -> None:
    _run(db_path, "import", FILES[0], "--quiet")
    _run(db_path, "athlete", "add", "carol")
    _run(db_path, "--athlete", "carol", "import", *FILES, "--quiet")
    res = runner.invoke(app, ["--db", str(db_path), "athlete", "remove", "carol"], input="n\n")
    assert res.exit_code == 1 and "Remove athlete carol" in res.stderr  # declined: kept
    assert [a["name"] for a in json.loads(_run(db_path, "athlete", "list", "--json")[1])] == [
        "me", "carol"]  # fmt: skip
    backup = tmp_path / "before.db"
    code, out, _ = _run(db_path, "athlete", "remove", "carol", "--yes", "--backup", str(backup),
                        "--json")  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert doc == {"name": "carol", "runs": 2, "backup": str(backup)}
    rows = json.loads(_run(db_path, "athlete", "list", "--json")[1])
    assert [(a["name"], a["runs"]) for a in rows] == [("me", 1)]
    # the backup still holds her, and opens as a database
    code, out, _ = _run(backup, "--athlete", "carol", "activities", "--json")
    assert code == 0 and len(json.loads(out)) == 2
    # without --backup the copy goes beside the database, and the message says where
    _run(db_path, "athlete", "add", "dan")
    code, _, err = _run(db_path, "athlete", "remove", "dan", "--yes")
    assert code == 0
    saved = err.split("backup of the database before: ")[1].strip()
    assert Path(saved).parent == db_path.parent and Path(saved).is_file()
