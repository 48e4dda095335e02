"""Stored group lines and the per-athlete data version they are keyed on (issue 16).

``store.data_version`` moves an athlete's version in the same transaction as any write to
their data; ``services.group`` keeps each line with the key it was built on (the as-of
date, that version, the code's digest, the name and the settings) and uses it only while
the key is the same. For each kind of write (import, journal RPE, plan change, settings,
race mark, delete, a bare repository write, a write on the session's connection, a second
athlete's), these tests check on SQLite and PostgreSQL that:

- the written athlete's version moved and no other athlete's did;
- the next group view builds that athlete's line again, and only theirs;
- the view from stored lines is exactly the view built from scratch (no stored line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from deliberun.jsonable import strict
from deliberun.services import group as grp
from deliberun.services.athletes import add_athlete
from deliberun.services.importer import import_paths
from deliberun.store import data_version as dv
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.tables_athletes import AthleteRow
from deliberun.store.tables_core import ActivityRow
from deliberun.store.tables_group import GroupLineRow

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)
REAL = Path(__file__).parent / "data" / "real"
#: Real device files (tests/data/real/MANIFEST.tsv); the damaged ones are left out.
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory, marathon_sim) -> Iterator[Database]:
    """``me``: the simulated runner; ``eve``: a few real device files."""
    from pg_cluster import backend_url

    url, cluster = backend_url(request.param, tmp_path_factory.mktemp("lines"), "lines")
    database = Database(url)
    report = import_paths(database, [marathon_sim[0]], workers=1, now=NOW)
    assert report.imported and not report.failed
    add_athlete(database, "eve", now=NOW)
    report = import_paths(database.for_athlete("eve"), FILES[:5], workers=1, now=NOW)
    assert report.imported
    yield database
    database.dispose()
    if cluster is not None:
        cluster.stop()


def _versions(db: Database) -> dict[str, int]:
    with db.admin_session() as s:
        ids = {int(i): n for i, n in s.execute(select(AthleteRow.id, AthleteRow.name))}
        return {ids[a]: v for a, v in dv.versions(s, ids).items()}


def _doc(doc: dict[str, Any]) -> str:
    return json.dumps(strict(doc), sort_keys=True)


def _fresh(db: Database, today: date) -> str:
    """The group view built from scratch: no stored line (they are stored again after)."""
    with db.admin_session() as s, s.begin():
        s.execute(delete(GroupLineRow))
    doc, built = grp._group(db, today=today, names=None)
    assert built == 2
    return _doc(doc)


def _after_write(db: Database, today: date, before: dict[str, int], who: str) -> None:
    """After a write to ``who``'s data: only their version moved, only their line is built
    again, and the view equals a fresh build."""
    now = _versions(db)
    assert now[who] > before[who], (who, before, now)
    assert {k: v for k, v in now.items() if k != who} == {
        k: v for k, v in before.items() if k != who
    }
    doc, built = grp._group(db, today=today, names=None)
    assert built == 1  # the written athlete's line; the other one was read back
    again, built = grp._group(db, today=today, names=None)
    assert built == 0 and _doc(again) == _doc(doc)
    assert _doc(doc) == _fresh(db, today)


def _me_runs(db: Database) -> list[Any]:
    with db.session() as s:
        return [r for r in repo.list_activities(s) if r.sport == "running"]


def test_every_kind_of_write_moves_only_its_athletes_version(db: Database, marathon_sim) -> None:
    today = marathon_sim[1]
    grp.group(db, today=today)  # every line stored
    assert grp._group(db, today=today, names=None)[1] == 0
    eve = db.for_athlete("eve")

    def write(who: str, fn: Any) -> None:
        before = _versions(db)
        fn()
        _after_write(db, today, before, who)

    # an import (a real file the simulated runner did not have)
    write("me", lambda: import_paths(db, FILES[5:7], workers=1, now=NOW))

    # a journal entry with an RPE
    from deliberun.practice.journal import JournalEntry
    from deliberun.services.practice import log_entry

    run = _me_runs(db)[-1]
    entry = JournalEntry(date=run.local_date, activity_id=run.id, rpe=10.0, notes="very hard")
    write("me", lambda: log_entry(db, entry))

    # a plan change: the last planned workout up to the as-of date made an easy run
    from deliberun.services.plan import current_plan, replace_days

    plan_id, plan = current_plan(db)
    w = max((d for d in plan.days if d.date <= today and d.workout_type not in ("easy", "race")),
            key=lambda d: d.date)  # fmt: skip
    days = [d.with_(workout_type="easy") if d.id == w.id else d for d in plan.days]
    write("me", lambda: replace_days(db, plan_id, days, now=NOW))

    # settings
    from deliberun.services.athlete_settings import set_value

    write("me", lambda: set_value(db, "hr_max_bpm", "201"))

    # a race mark
    from deliberun.services.races import mark_race

    write("me", lambda: mark_race(db, run.id, True, today=today))

    # deleting a run (the repository's bulk deletes)
    gone = _me_runs(db)[-2].id

    def delete_run() -> None:
        with db.session() as s, s.begin():
            repo.delete_activity(s, gone)

    write("me", delete_run)

    # a bare repository write: an ORM bulk update, then SQL on the session's connection
    def bare() -> None:
        with db.session() as s, s.begin():
            s.execute(update(ActivityRow).where(ActivityRow.id == run.id).values(name="x"))

    write("me", bare)

    def raw() -> None:
        with db.session() as s, s.begin():
            s.connection().execute(
                text("UPDATE activities SET name = 'y' WHERE id = :i"), {"i": run.id}
            )

    write("me", raw)

    # the second athlete's write moves hers only
    eve_run = _me_runs(eve)[0]
    write("eve", lambda: mark_race(eve, eve_run.id, True, today=today))
    write("eve", lambda: set_value(eve, "hr_rest_bpm", "44"))


def test_reads_rollbacks_and_caches_move_nothing(db: Database, marathon_sim) -> None:
    today = marathon_sim[1]
    before = _versions(db)
    grp.group(db, today=today)  # stores lines: a cache, not data
    from deliberun.services import stored_verdicts

    stored_verdicts.refresh(db, today=today)
    with db.session() as s:  # a read
        assert _me_runs(db) and s.scalar(select(ActivityRow.id).limit(1))
    with db.session() as s:  # a write never committed
        s.execute(update(ActivityRow).values(name="never"))
        s.rollback()
    assert _versions(db) == before


def test_touch_moves_a_version_and_a_code_change_builds_every_line_again(
    db: Database, marathon_sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = marathon_sim[1]
    grp.group(db, today=today)
    before = _versions(db)
    with db.admin_session() as s, s.begin():
        eve_id = s.scalar(select(AthleteRow.id).where(AthleteRow.name == "eve"))
        assert eve_id is not None
        dv.touch(s, eve_id)
    assert _versions(db) == {**before, "eve": before["eve"] + 1}
    assert grp._group(db, today=today, names=None)[1] == 1
    stored = _doc(grp.group(db, today=today))
    monkeypatch.setattr(grp, "code_digest", lambda: "another version of the code")
    doc, built = grp._group(db, today=today, names=None)
    assert built == 2 and _doc(doc) == stored
    assert grp._group(db, today=today, names=None)[1] == 0  # stored under the new code
    # another as-of date is another key
    assert grp._group(db, today=date.fromordinal(today.toordinal() - 1), names=None)[1] == 2


def test_the_written_table_of_each_statement() -> None:
    assert dv.written_table('INSERT INTO "activities" (id) VALUES (1)') == "activities"
    assert dv.written_table("insert or replace into metrics values (1)") == "metrics"
    assert dv.written_table("  UPDATE journal_entries SET rpe = 3") == "journal_entries"
    assert dv.written_table("DELETE FROM streams WHERE activity_id = 1") == "streams"
    assert dv.written_table("SELECT * FROM activities") is None
    assert "group_lines" in dv.CACHE_TABLES and "stored_verdicts" in dv.CACHE_TABLES


def test_an_experiment_stored_around_its_checks_does_not_take_the_view_down(
    tmp_path: Path,
) -> None:
    """A before/after experiment without its change date (a row written around the
    service's checks, as tests/test_store_athletes.py does) made the whole group view
    raise ``ValueError``; its line now lists it as one that cannot be judged."""
    from deliberun.store.tables_practice import ExperimentRow

    db = Database(tmp_path / "g.db")
    import_paths(db, FILES[:5], workers=1, now=NOW)
    with db.session() as s, s.begin():
        s.add(ExperimentRow(id="sleep", change="sleeps more", metric="rpe",
                            assignment="before_after", status="running"))  # fmt: skip
    line = grp.group(db, today=date(2021, 4, 20))["athletes"][0]
    assert [(e["id"], e["state"], e["verdict"]) for e in line["experiments"]] == [
        ("sleep", "invalid", None)
    ]
    assert "needs change_date" in line["experiments"][0]["words"]
    assert not [f for f in line["flags"] if f["kind"] == "experiment"]


def test_an_import_into_a_group_stores_the_importers_line(tmp_path: Path) -> None:
    """A lone runner's import stores no line (no group to view); once the database holds
    a group, an import stores the importing athlete's line as of the day after it."""
    db = Database(tmp_path / "g.db")
    import_paths(db, FILES[:3], workers=1, now=NOW)
    add_athlete(db, "eve", now=NOW)
    import_paths(db.for_athlete("eve"), FILES[3:5], workers=1, now=NOW)
    today = NOW.date()  # later than every run of theirs
    assert grp._group(db, today=today, names=["eve"])[1] == 0  # stored by the import
    assert grp._group(db, today=today, names=["me"])[1] == 1  # imported alone: built now


def test_the_group_dashboards_warm_up_stores_every_line(tmp_path: Path) -> None:
    import time

    from fastapi.testclient import TestClient

    from deliberun.web.group_app import create_group_app

    db = Database(tmp_path / "g.db")
    import_paths(db, FILES[:3], workers=1, now=NOW)
    add_athlete(db, "eve", now=NOW)
    import_paths(db.for_athlete("eve"), FILES[3:5], workers=1, now=NOW)
    day = date(2021, 4, 20)
    with db.admin_session() as s:
        assert not grp_stored(s, day)
    app = create_group_app(db.url, today=day, warm=True)
    with TestClient(app, base_url="http://127.0.0.1") as client:  # runs the lifespan
        deadline, stored = time.monotonic() + 120, 0
        while time.monotonic() < deadline and stored < 2:
            time.sleep(0.2)
            with db.admin_session() as s:
                stored = len(grp_stored(s, day))
        assert stored == 2  # before any request: the warm-up stored them
        assert client.get("/api/group").status_code == 200
    assert grp._group(db, today=day, names=None)[1] == 0


def grp_stored(s: Any, day: date) -> list[Any]:
    return list(s.scalars(select(GroupLineRow.athlete_id).where(GroupLineRow.as_of == day)))
