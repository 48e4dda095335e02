"""``deliberun backup FILE``: a whole, consistent copy while the database is in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app
from test_web_data import build_db

runner = CliRunner()


def test_backup_holds_the_writes_still_in_the_wal(tmp_path: Path) -> None:
    src = tmp_path / "live.db"
    db = build_db(src, weeks=1)  # stays open: its latest writes sit in live.db-wal
    wal = Path(str(src) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    with sqlite3.connect(src) as con:
        (n,) = con.execute("SELECT count(*) FROM activities").fetchone()
    dest = tmp_path / "copy.db"
    res = runner.invoke(app, ["--db", str(src), "backup", str(dest), "--json"])
    assert res.exit_code == 0, res.output
    assert not Path(str(dest) + "-wal").exists() and not Path(str(dest) + ".part").exists()
    with sqlite3.connect(dest) as con:
        assert con.execute("SELECT count(*) FROM activities").fetchone() == (n,)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert con.execute("SELECT count(*) FROM metrics").fetchone()[0] == n
    # the copy opens as a database of its own
    assert runner.invoke(app, ["--db", str(dest), "activities", "--json"]).exit_code == 0
    db.dispose()


def test_backup_refuses_with_the_reason(tmp_path: Path) -> None:
    src = tmp_path / "live.db"
    build_db(src, weeks=1).dispose()
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"mine")
    res = runner.invoke(app, ["--db", str(src), "backup", str(taken)])
    assert res.exit_code == 2 and "exists already" in res.output
    assert taken.read_bytes() == b"mine"  # nothing overwritten
    res = runner.invoke(app, ["--db", "postgresql://me@localhost/runs", "backup", "x.db"])
    assert res.exit_code == 2 and "pg_dump" in res.output
