"""The metrics row's copied columns (migration 0010_activity_summary) follow every write
of the metrics document: import, recompute after a settings change, delete.

The pages read these columns instead of the document, so a write path that forgot them
would show stale loads; every path goes through ``repository.save_metrics``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from deliberun.services import activities, athlete
from deliberun.services.importer import import_paths
from deliberun.store import athlete_repo
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.tables_core import MetricsRow

RUN = Path(__file__).parent / "data" / "real" / "fitparse__garmin-fenix-5-run.fit"


def _columns_and_document(db: Database, aid: int) -> tuple[dict, dict]:
    with db.session() as s:
        row = s.get(MetricsRow, aid)
        stored = {c: getattr(row, c) for c in repo.metric_columns({})}
        return stored, repo.metric_columns(repo.get_metrics(s, aid))


def test_columns_follow_import_recompute_and_delete(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    report = import_paths(db, [RUN], workers=1)
    assert not report.failed and len(report.imported) == 1
    with db.session() as s:
        aid = repo.list_activities(s)[0].id
    stored, from_doc = _columns_and_document(db, aid)
    assert stored == from_doc
    assert stored["load_trimp_banister"] is not None and stored["load_trimp_banister"] > 0
    assert "km_paces_s_per_km" in stored["athlete_facts"]  # it has km splits (under 1 km)
    before = stored["load_trimp_banister"]

    athlete.set_value(db, "hr_max_bpm", "172")  # a lower max HR: a harder run by TRIMP
    assert not activities.recompute(db, workers=1).failed
    stored, from_doc = _columns_and_document(db, aid)
    assert stored == from_doc
    assert stored["load_trimp_banister"] != before

    with db.session() as s, s.begin():
        repo.delete_activity(s, aid)
    with db.session() as s:
        assert s.get(MetricsRow, aid) is None
        assert athlete_repo.activity_loads(s, until=date(2100, 1, 1), load_model="rtss") == []
