"""``deliberun user add|list|remove|passwd|coach|uncoach`` (issue 16, coach mode)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.services import accounts
from deliberun.store.db import Database

runner = CliRunner()
PASSWORD = "correct horse battery staple"


def _run(db: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--db", str(db), *args], input=input)
    return res.exit_code, res.stdout, res.stderr


def _cli(db: Path, *args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    """The real entry point (its error mapping gives the exit code), in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), *args], input=input,
        capture_output=True, text=True, timeout=120, env=os.environ.copy(),
    )  # fmt: skip


def test_users_are_added_listed_coached_and_removed(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    for name in ("ann", "bob"):
        assert _run(db, "athlete", "add", name)[0] == 0
    # a coach, the password asked twice at the prompt
    code, _, err = _run(db, "user", "add", "carla", "--coach", "--of", "ann",
                        input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert code == 0 and "coach of ann" in err
    code, out, _ = _run(db, "user", "add", "annu", "--athlete", "ann", "--password-stdin",
                        "--json", input=f"{PASSWORD}\n")  # fmt: skip
    assert code == 0 and json.loads(out)["athlete"] == "ann"
    assert _run(db, "user", "coach", "carla", "bob")[0] == 0
    code, out, _ = _run(db, "user", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["carla"]["coaches"] == ["ann", "bob"] and rows["annu"]["athlete"] == "ann"
    assert "hash" not in out and "argon2" not in out  # never the hash
    assert _run(db, "user", "uncoach", "carla", "ann")[0] == 0
    assert accounts.authenticate(Database(db), "carla", PASSWORD).athletes == {3: "bob"}
    # the stored value is an argon2id hash, not the password
    with Database(db).admin_session() as s:
        stored = s.execute(text("SELECT password_hash FROM users")).all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for (h,) in stored)
    # passwd: the new one works, the old one no longer
    assert (
        _run(db, "user", "passwd", "annu", "--password-stdin", input="a new passphrase!\n")[0] == 0
    )
    assert accounts.authenticate(Database(db), "annu", PASSWORD) is None
    assert accounts.authenticate(Database(db), "annu", "a new passphrase!") is not None
    # remove asks; no is no
    assert _run(db, "user", "remove", "annu", input="n\n")[0] == 1
    assert _run(db, "user", "remove", "annu", "--yes")[0] == 0
    assert [r["name"] for r in json.loads(_run(db, "user", "list", "--json")[1])] == ["carla"]


def test_refusals_say_why_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert _run(db, "athlete", "add", "ann")[0] == 0
    cases = [
        (("user", "add", "x", "--athlete", "ann", "--password-stdin"), "\n", "password is empty"),
        (("user", "add", "x", "--athlete", "ann", "--password-stdin"), "short\n", "at least 10"),
        (("user", "add", "xavier", "--athlete", "ann", "--password-stdin"), "xavier-running-1\n",
         "contains the user's name"),
        (("user", "add", "x", "--athlete", "zed", "--password-stdin"), f"{PASSWORD}\n",
         "no athlete named 'zed'"),
        (("user", "add", "x", "--password-stdin"), f"{PASSWORD}\n", "either --coach"),
        (("user", "add", "x", "--athlete", "ann", "--of", "ann"), "", "use it with --coach"),
        (("user", "remove", "nobody", "--yes"), "", "no user named 'nobody'"),
        (("user", "coach", "nobody", "ann"), "", "no user named 'nobody'"),
    ]  # fmt: skip
    for args, stdin, reason in cases:
        res = _cli(db, *args, input=stdin)
        assert res.returncode == 2, (args, res.returncode, res.stderr)
        assert reason in res.stderr and res.stderr.count("\n") == 1, (args, res.stderr)
    res = _cli(
        db, "user", "add", "ann1", "--athlete", "ann", "--password-stdin", input=f"{PASSWORD}\n"
    )
    assert res.returncode == 0
    res = _cli(
        db, "user", "add", "ann1", "--athlete", "ann", "--password-stdin", input=f"{PASSWORD}\n"
    )
    assert res.returncode == 2 and "already exists" in res.stderr


def test_every_user_command_has_an_example_in_its_help(tmp_path: Path) -> None:
    for sub in ("add", "list", "remove", "passwd", "coach", "uncoach"):
        res = runner.invoke(app, ["user", sub, "--help"])
        assert res.exit_code == 0 and "Example: deliberun user" in res.stdout, sub
