"""``deliberun group``: one line per athlete, each computed on that athlete's data only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.services.athlete import fitness
from deliberun.services.athletes import add_athlete
from deliberun.services.group import STALE_DAYS, group
from deliberun.services.importer import import_paths
from deliberun.store.db import Database
from deliberun.store.errors import AthleteError

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

    doc = group(db, today=TODAY)
    lines = {a["name"]: a for a in doc["athletes"]}
    assert set(lines) == {"me", "bob", "eve"}
    # the heaviest flag first, then the most weight: no data at all weighs 3
    keys = [(max(f["weight"] for f in a["flags"]), sum(f["weight"] for f in a["flags"]))
            for a in doc["athletes"] if a["flags"]]  # fmt: skip
    assert keys == sorted(keys, reverse=True) and len(keys) == 3
    assert [f["kind"] for f in lines["bob"]["flags"]] == ["no_data"]
    assert lines["bob"]["runs"] == 0
    want = fitness(solo, today=TODAY, days=1)["current"]
    assert lines["me"]["runs"] == len(mine) > 0
    assert lines["me"]["form"] == pytest.approx(want["form"])
    assert lines["eve"]["runs"] == len(hers) > 0
    for a in (lines["me"], lines["eve"]):  # every flag carries its number
        gap = a["days_since_last_run"]
        assert gap is not None and gap >= 0
        words = [f["words"] for f in a["flags"]]
        assert any(f"no run for {gap} days" in w for w in words) == (gap > STALE_DAYS)
        # imported (NOW) after the as-of date: looking back, each run arrived on its own
        # date, so the silence is the days since the last run, not 0
        assert a["days_since_data"] == gap


def test_the_as_of_date_hides_later_runs(tmp_path: Path) -> None:
    db = Database(tmp_path / "g.db")
    import_paths(db, FILES[:5], workers=1, now=NOW)
    days = sorted({a["local_date"] for a in _activities(db)})
    cut = date.fromisoformat(days[-2])
    line = group(db, today=cut)["athletes"][0]
    assert line["runs"] == sum(d <= days[-2] for d in [a["local_date"] for a in _activities(db)])
    assert line["last_run"] == days[-2] and line["days_since_data"] == 0


def _activities(db: Database) -> list[dict[str, Any]]:
    from deliberun.services.activities import list_activities

    return list_activities(db)


def test_an_unknown_name_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "g.db")
    with pytest.raises(AthleteError, match="no athlete named 'zoe'"):
        group(db, today=TODAY, names=["zoe"])


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


def test_the_facts_of_every_athlete_are_read_in_one_statement(store_url: str) -> None:
    """``athletes_repo.runs_up_to`` equals its definition on both backends, and reads it in
    one statement: on PostgreSQL each statement sees the commits made before it, so a
    count and an arrival date read by two statements during an import disagreed (a CI run
    served /group a 500: an athlete with an arrival but no count)."""
    from sqlalchemy import event, select

    from deliberun.store import athletes_repo
    from deliberun.store.tables_core import ActivityRow

    db = Database(store_url)
    import_paths(db, FILES[:3], workers=1, now=NOW)  # stored after the as-of day's end
    add_athlete(db, "eve", now=NOW)
    early = datetime(2000, 1, 1, tzinfo=UTC)  # stored before: arrived on this day
    import_paths(db.for_athlete("eve"), FILES[3:6], workers=1, now=early)
    end = datetime(2021, 4, 21, tzinfo=UTC)
    with db.admin_session() as s:
        rows = list(s.execute(select(ActivityRow.athlete_id, ActivityRow.local_date,
                                     ActivityRow.created_at)))  # fmt: skip
        statements: list[str] = []

        def seen(*args: Any) -> None:
            statements.append(args[2])

        engine = s.connection().engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            got = athletes_repo.runs_up_to(s, TODAY, end)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    want: dict[int, dict[str, Any]] = {}
    for aid, day, created in rows:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        if day > TODAY:
            continue
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        line = want.setdefault(aid, {"runs": 0, "last_run": None, "arrived": None})
        line["runs"] += 1
        line["last_run"] = max(filter(None, (line["last_run"], day)))
        arrived = created.date() if created < end else day
        line["arrived"] = max(filter(None, (line["arrived"], arrived)))
    assert got == want and len(got) == 2
    assert {a["arrived"] for a in got.values()} >= {early.date()}
    assert len(statements) == 1, statements
