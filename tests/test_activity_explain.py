"""One activity's session type and race verdict (``session_types.explain``, the
``session``/``race`` of ``show --json`` and the activity page) are judged for the runs of
its own day only: they must equal what the whole history's judgement gives that run,
from stored verdicts and judged afresh alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from deliberun.services.activities import show_activity
from deliberun.services.importer import import_paths
from deliberun.services.races import race_verdicts
from deliberun.services.session_types import explain, session_types
from deliberun.store.db import Database
from deliberun.store.tables_core import ActivityRow

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, marathon_sim: Any) -> Database:
    database = Database(tmp_path_factory.mktemp("explain") / "x.db")
    report = import_paths(database, [marathon_sim[0]], workers=1, now=NOW)
    assert report.imported and not report.failed
    return database


def _whole(db: Database, today: date) -> tuple[dict[int, Any], dict[int, Any]]:
    return (
        session_types(db, today=today, stored_ok=False),
        race_verdicts(db, today=today, stored_ok=False),
    )


def _check_every_run(db: Database, today: date) -> int:
    types, races = _whole(db, today)
    with db.session() as s:
        ids = list(s.scalars(select(ActivityRow.id).order_by(ActivityRow.start_time)))
    checked = 0
    for aid in ids:
        item = explain(db, show_activity(db, aid), today=today)
        st, verdict = types.get(aid), races.get(aid)
        assert item["session"] == (st.to_dict() if st else None), aid
        assert item["race"] == (verdict.to_dict() if verdict else None), aid
        assert item["session_type"] == (st.type if st else None), aid
        assert item["is_race"] == bool(verdict and verdict.is_race), aid
        checked += st is not None
    return checked


def test_one_run_is_judged_as_the_whole_history_judges_it(db: Database) -> None:
    today = date(2026, 11, 1)
    checked = _check_every_run(db, today)
    assert checked > 100  # every run of the simulated runner, races among them
    assert any(v.is_race for v in _whole(db, today)[1].values())


def test_the_same_when_nothing_is_stored(db: Database) -> None:
    with db.session() as s:  # judged afresh: the stored verdicts and sessions gone
        s.execute(text("DELETE FROM stored_verdicts"))
        s.execute(text("DELETE FROM stored_sessions"))
        s.commit()
    assert _check_every_run(db, date(2026, 11, 1)) > 100
