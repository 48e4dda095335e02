"""Courses and same-session groups on the real 16-month history (slalom007).

Read in place from ../shared (personal GPS tracks: never copied); skipped when absent.
The figures (23 recurring courses of 102 runs, 7 same-session pairs, as of 2025-09-30)
are in docs/courses.md, with a picture drawn by bench/courses_real.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from deliberun.practice.course_tracks import PathShape
from deliberun.store.db import Database

pytestmark = pytest.mark.corpus
AS_OF = date(2025, 9, 30)


@pytest.fixture(scope="module")
def real_db(real_dir, tmp_path_factory):
    from deliberun.services import importer

    folder = real_dir / "strava_export" / "slalom007"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    db = Database(tmp_path_factory.mktemp("real") / "real.db")
    importer.import_paths(db, [folder], workers=1)
    yield db
    db.dispose()


def test_recurring_courses_are_found_and_every_run_matches_its_reference(real_db):
    from deliberun.services import courses as svc
    from deliberun.services.courses import _profile
    from deliberun.store import courses_repo as cr

    listed = svc.list_courses(real_db)
    assert len(listed) >= 15  # 23 as of 2025-09-30
    assert sum(c["runs"] for c in listed) >= 80
    with real_db.session() as s:
        tracks = cr.track_rows(s)
        refs = {int(c.id): int(c.reference_activity_id) for c in cr.course_rows(s)}
    by_id = {int(t.activity_id): t for t in tracks}
    for c in listed[:8]:
        ref = _profile(by_id[refs[c["id"]]])
        ref_shape = PathShape(ref.latitude, ref.longitude)
        members = [t for t in tracks if t.course_id == c["id"]]
        assert len(members) == c["runs"]
        for t in members:
            p = _profile(t)
            ok, share = ref_shape.matches(PathShape(p.latitude, p.longitude))
            assert ok, f"course {c['id']}: run {t.activity_id} matches only {share:.2f}"
    detail = svc.course_detail(real_db, listed[0]["id"], today=AS_OF)
    assert detail["runs"] == listed[0]["runs"]
    # a second sync finds nothing new and keeps the courses
    again = svc.sync_courses(real_db)
    assert again["examined"] == 0 and again["placed"] == 0
    assert [c["id"] for c in svc.list_courses(real_db)] == [c["id"] for c in listed]


def test_real_interval_sessions_of_the_same_structure_are_grouped(real_db):
    from deliberun.services import compare as svc

    groups = [g for g in svc.session_groups(real_db, today=AS_OF) if len(g) >= 2]
    assert len(groups) >= 6  # 7 as of 2025-09-30
    for g in groups:
        data = svc.compare(real_db, g[0], today=AS_OF)
        got = {s["activity_id"] for s in data["sessions"]}
        assert set(g) <= got
        n = {len(s["reps"]) for s in data["sessions"]}
        assert len(n) == 1  # same number of work reps
