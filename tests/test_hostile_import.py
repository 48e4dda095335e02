"""Issue 19: imports that meet hostile or odd input, and a second writer.

Every case runs the real command in a subprocess on a real SQLite file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hostile import ROOT, cli, cli_json, gpx, write_runs


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(sql).fetchone()[0])


def test_batch_goes_on_past_year_0001_and_a_non_utf8_name(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    write_runs(folder, 2, prefix="a")
    (folder / "b_year1.gpx").write_text(gpx(datetime(1, 1, 1, tzinfo=UTC)))
    odd = os.fsencode(folder) + b"/c_\xff.gpx"
    with open(odd, "w") as fh:
        fh.write(gpx(datetime(2025, 6, 1, 7, tzinfo=UTC)))
    write_runs(folder, 2, first=datetime(2025, 7, 1, 7, tzinfo=UTC), prefix="d")
    db = tmp_path / "b.db"
    code, out = cli_json("--db", str(db), "import", str(folder))
    assert code == 1  # some input failed, the rest was done
    assert len(out["imported"]) == 5  # 4 plain files and the non-UTF-8 name
    (failed,) = out["failed"]
    assert failed["path"].endswith("b_year1.gpx") and "before 1990" in failed["error"]
    assert _count(db, "select count(*) from activities") == 5
    names = [r[0] for r in sqlite3.connect(db).execute("select source_path from activities")]
    assert any(n.endswith("c_\\xff.gpx") for n in names)  # shown as \xff, stored as UTF-8
    # a re-run finds every stored file a duplicate and reports the bad one again
    code, out = cli_json("--db", str(db), "import", str(folder))
    assert len(out["duplicates"]) == 5 and len(out["failed"]) == 1


def test_markup_and_escapes_in_data_print_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    name = "Easy run [/i] with Anna [bold]"
    (folder / "[b]\x1b[31mred.gpx").write_text(gpx(datetime(2025, 3, 1, 7, tzinfo=UTC), name))
    db = str(tmp_path / "m.db")
    r = cli("--db", db, "import", str(folder))
    assert r.returncode == 0, r.stderr
    assert b"\x1b" not in r.stdout + r.stderr  # the escape never reaches the terminal raw
    assert b"[b]\\x1b[31mred.gpx" in r.stdout
    for args in (("activities",), ("show", "1")):
        r = cli("--db", db, *args)
        assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
        assert b"\x1b" not in r.stdout
    assert name.encode() in cli("--db", db, "show", "1").stdout
    for args in (("experiment", "show", "[/]"), ("plan", "skip", "[/]")):
        r = cli("--db", db, *args)
        assert r.returncode in (1, 2) and b"Traceback" not in r.stderr
        assert b"[/]" in r.stderr  # the bad value is quoted as given
    r = cli("--db", db, "cycle", "create", "Spring [/i] \x1b[31mblock", "--start", "2026-12-01",
            "--end", "2027-01-31")  # fmt: skip
    assert r.returncode == 0 and b"Traceback" not in r.stderr
    assert b"Spring [/i] \\x1b[31mblock" in r.stdout and b"\x1b" not in r.stdout


def test_two_imports_into_one_new_database_both_complete(tmp_path: Path) -> None:
    runs = write_runs(tmp_path / "all", 24)
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for i, p in enumerate(runs):  # overlapping halves: 8 files in both
        if i < 16:
            (tmp_path / "x" / p.name).write_bytes(p.read_bytes())
        if i >= 8:
            (tmp_path / "y" / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "two.db"
    cmd = [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), "import"]
    procs = [
        subprocess.Popen([*cmd, str(tmp_path / d), "--json", "--workers", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        for d in ("x", "y")
    ]  # fmt: skip
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
        assert json.loads(out)["failed"] == []
    assert _count(db, "select count(*) from activities") == 24
    assert _count(db, "select count(*) from activity_sources") == 24
    assert _count(db, "select count(distinct sha256) from originals") == 24


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_and_dev_zero_link_are_skipped_with_a_reason(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    write_runs(folder, 1)
    os.mkfifo(folder / "pipe.fit")
    (folder / "zero.fit").symlink_to("/dev/zero")
    code, out = cli_json("--db", str(tmp_path / "o.db"), "import", str(folder), timeout=60)
    assert len(out["imported"]) == 1
    reasons = {Path(d["path"]).name: d.get("reason") or d.get("error") for d in
               out["skipped"] + out["failed"]}  # fmt: skip
    assert "not a regular file" in reasons["pipe.fit"]
    assert "not a regular file" in reasons["zero.fit"]


def test_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "bomb"
    write_runs(folder, 1)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]")
    bomb = "\n".join(lines) + "\n"
    (folder / "deliberun-journal.yaml").write_text(bomb)
    (folder / "plan.yaml").write_text(bomb)
    # a timeout in the subprocess, not a timed unit test: expanding it takes minutes and GBs
    code, out = cli_json("--db", str(tmp_path / "y.db"), "import", str(folder), timeout=30)
    assert code == 1 and len(out["imported"]) == 1
    errors = {Path(d["path"]).name: d["error"] for d in out["failed"]}
    assert "alias" in errors["deliberun-journal.yaml"]
    assert "alias" in errors["plan.yaml"]


def test_storage_errors_are_one_line_naming_the_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as c:
        c.execute("create table contacts (name text)")
    for db, words in ((junk, "not a deliberun database"), (foreign, "another application")):
        r = cli("--db", str(db), "activities", "--json")
        assert r.returncode == 1
        err = r.stderr.decode()
        assert len(err.strip().splitlines()) == 1 and str(db) in err and words in err
        assert str(db) in json.loads(r.stdout)["error"]  # --json still prints one document
    with sqlite3.connect(foreign) as c:  # nothing added to the other application's file
        assert [r[0] for r in c.execute("select name from sqlite_master")] == ["contacts"]


@pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
    reason="needs root and setpriv to run as an unprivileged user (root can write anything)",
)
def test_read_only_database_can_be_read_not_written(tmp_path: Path) -> None:
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="dr-ro-"))  # pytest's tmp_path is private to root
    request_cleanup = top
    top.chmod(0o755)
    folder = top / "ro"
    runs = write_runs(top / "runs", 2)
    db = folder / "r.db"
    folder.mkdir()
    assert cli("--db", str(db), "import", str(runs[0])).returncode == 0
    db.chmod(0o444)
    folder.chmod(0o555)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {**os.environ, "COLUMNS": "200"}
    base = [*nobody, sys.executable, "-m", "deliberun.cli.main", "--db", str(db)]
    r = subprocess.run([*base, "activities", "--json"], capture_output=True, env=env, cwd="/")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 1
    r = subprocess.run([*base, "import", str(runs[1]), "--json"], capture_output=True, env=env,
                       cwd="/")  # fmt: skip
    assert r.returncode == 1
    assert "read-only" in json.loads(r.stdout)["error"] and str(db) in r.stderr.decode()
    folder.chmod(0o755)
    shutil.rmtree(request_cleanup)


HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,"
    "Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance\n"
)


def _export(
    root: Path, rows: list[tuple[str, str]], encoding: str = "utf-8", month: int = 4
) -> None:
    """A Strava export folder: activities.csv + activities/<id>.gpx, names and descriptions."""
    (root / "activities").mkdir(parents=True)
    text = HEADER
    for i, (name, desc) in enumerate(rows):
        aid = 100 + i
        (root / "activities" / f"{aid}.gpx").write_text(
            gpx(datetime(2025, month, 1 + i, 7, tzinfo=UTC), lat0=30.0 + i)
        )
        text += f'{aid},"Apr 1, 2025",{name},Run,"{desc}",600,1,,,false,,Shoes,activities/{aid}.gpx,,,600,590,1200\n'
    (root / "activities.csv").write_bytes(text.encode(encoding))


def test_latin1_strava_csv_and_a_huge_field_keep_the_metadata(tmp_path: Path) -> None:
    _export(tmp_path / "latin", [("Morgenlauf am Müggelsee", "schön")], encoding="latin-1")
    huge = "x" * (50 << 20)  # one 50 MB description
    _export(tmp_path / "huge", [("Tempo Tuesday", huge), ("Long Sunday", "easy")], month=5)
    db = str(tmp_path / "s.db")
    for folder in ("latin", "huge"):
        code, out = cli_json("--db", db, "import", str(tmp_path / folder), timeout=300)
        assert code == 0 and out["failed"] == []
    r = cli("--db", db, "activities", "--json")
    names = sorted(a["name"] for a in json.loads(r.stdout))
    assert names == ["Long Sunday", "Morgenlauf am Müggelsee", "Tempo Tuesday"]


def test_unknown_xml_encoding_is_a_file_error(tmp_path: Path) -> None:
    folder = tmp_path / "enc"
    write_runs(folder, 1)
    (folder / "enc.gpx").write_text('<?xml version="1.0" encoding="klingon"?><gpx></gpx>')
    code, out = cli_json("--db", str(tmp_path / "e.db"), "import", str(folder))
    (failed,) = out["failed"]
    assert "unknown or wrong text encoding" in failed["error"] and "internal" not in failed["error"]
    assert len(out["imported"]) == 1


def test_fast_fit_decoder_panic_text_goes_into_the_error(real_dir: Path, tmp_path: Path) -> None:
    bad = real_dir / "fit" / "gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit"
    if not bad.is_file():
        pytest.skip(f"{bad} not in the corpus")
    r = cli("--db", str(tmp_path / "f.db"), "import", str(bad), "--json")
    err = json.loads(r.stdout)["failed"][0]["error"]
    assert "fast decoder" in err and "panicked" in err
    assert b"panicked" not in r.stderr  # the Rust hook's text never reaches the terminal raw
