"""Two athletes in one database: every repository read sees only the current athlete's rows.

The oracle is a second database that holds athlete A alone, built by the same steps: every
read function of every repository module, called with A's session on the shared database,
must return exactly what it returns on A's own database, also when asked about B's ids.
The read functions are found by walking the modules, so a new one is checked (or the test
says which argument it does not know how to fill).
"""

from __future__ import annotations

import inspect
import itertools
import math
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.engine import Row

from deliberun.store import (
    athlete_repo,
    courses_repo,
    plan_repo,
    practice_repo,
    repository,
    same_run_repo,
    settings_repo,
    strava_repo,
)
from deliberun.store.base import Base
from deliberun.store.db import Database
from deliberun.store.tables_core import ActivityRow
from deliberun.store.tables_courses import CourseRow, SegmentRow
from deliberun.store.tables_plan import PlanRow
from deliberun.store.tables_practice import CycleRow, ExperimentRow, TargetRow

REPOSITORIES: tuple[ModuleType, ...] = (
    repository, athlete_repo, courses_repo, plan_repo, practice_repo, settings_repo,
    strava_repo, same_run_repo,
)  # fmt: skip
#: A function whose name starts so writes; every other public ``f(session, ...)`` reads.
WRITERS = ("add_", "set_", "save_", "replace_", "delete_", "clear_", "flip_", "forget_")

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


def _fill(db: Database, sim: Path, label: str) -> None:
    """One athlete's data in every owned table, through the services where they exist."""
    from deliberun.services import athlete_settings, threshold_refresh
    from deliberun.services.courses import sync_courses
    from deliberun.services.importer import import_paths
    from deliberun.services.segments import add_segment_from_run

    report = import_paths(db, [sim], workers=1, now=NOW)
    assert report.imported and not report.failed
    threshold_refresh.refresh(db, today=NOW.date(), workers=1)
    athlete_settings.set_value(db, "hr_max_bpm", "191" if label == "a" else "177")
    sync_courses(db)
    with db.session() as s:
        first = s.scalars(select(ActivityRow.id).order_by(ActivityRow.id)).first()
    assert first is not None
    add_segment_from_run(db, first, 100.0, 900.0, name=f"{label} hill")
    with db.session() as s, s.begin():
        strava_repo.set_state(s, {"last_sync": f"{label}-2026-02-01"})
        cycle = CycleRow(name=f"{label} spring", start=date(2026, 1, 5), end=date(2026, 4, 5))
        s.add(cycle)
        s.flush()
        s.add(TargetRow(cycle_id=cycle.id, kind="weekly_volume", name=label, goal=50.0,
                        params={}))  # fmt: skip
        s.add(ExperimentRow(id="sleep", change=f"{label} sleeps more", metric="rpe",
                            assignment="before_after", status="running"))  # fmt: skip


@pytest.fixture(scope="module")
def sim_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from deliberun.sim.output import write_simulation
    from deliberun.sim.simulation import Simulation

    out = tmp_path_factory.mktemp("sim")
    write_simulation(Simulation("marathon", 1, years=0.15), out)
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def two_dbs(request, tmp_path_factory, sim_folder) -> Iterator[tuple[Database, Database, Database]]:
    """(A on the shared database, A alone, B on the shared database)."""
    if request.param == "sqlite":
        root = tmp_path_factory.mktemp("athletes")
        urls = [f"sqlite:///{root / 'shared.db'}", f"sqlite:///{root / 'alone.db'}"]
        cluster = None
    else:
        from pg_cluster import start

        got = start()
        if isinstance(got, str):
            pytest.skip(got)
        cluster = got
        urls = [cluster.createdb("shared"), cluster.createdb("alone")]
    shared_a = Database(urls[0], athlete="me")
    alone = Database(urls[1])
    _fill(shared_a, sim_folder, "a")
    _fill(alone, sim_folder, "a")
    from deliberun.services.athletes import add_athlete

    add_athlete(shared_a, "b", now=NOW)
    shared_b = Database(urls[0], athlete="b")
    _fill(shared_b, sim_folder, "b")
    yield shared_a, alone, shared_b
    for db in (shared_a, alone, shared_b):
        db.dispose()
    if cluster is not None:
        cluster.stop()


def _ids(db: Database, column: Any) -> list[Any]:
    with db.session() as s:
        return list(s.scalars(select(column).order_by(column)))


def _arguments(a: Database, b: Database) -> dict[str, list[Any]]:
    """Values to call the read functions with: A's keys and B's keys alike."""
    acts_a, acts_b = _ids(a, ActivityRow.id), _ids(b, ActivityRow.id)
    one = [acts_a[0], acts_a[-1], acts_b[0], acts_b[-1]]
    with a.session() as s:
        first = s.get(ActivityRow, acts_a[0])
        assert first is not None
        start, dist, sha = first.start_time, first.distance_m, first.sha256
    pick = lambda col: [*_ids(a, col)[:2], *_ids(b, col)[:2]]  # noqa: E731
    return {
        "id": one,
        "activity_id": one,
        "ids": [acts_a[:5], acts_b[:5], acts_a[-3:] + acts_b[-3:]],
        "since": [date(2000, 1, 1)],
        "until": [date(2030, 1, 1)],
        "today": [date(2030, 1, 1)],
        "start_time": [start],
        "distance_m": [dist],
        "sha256": [sha],  # the same file is a source of both athletes' runs
        "load_model": ["trimp_banister"],
        "gap_model": ["minetti", "strava"],
        "names": [("heart_rate", "distance")],
        "course_id": pick(CourseRow.id),
        "segment_id": pick(SegmentRow.id),
        "plan_id": pick(PlanRow.id),
        "cycle_id": pick(CycleRow.id),
        "target_id": pick(TargetRow.id),
        "exp_id": ["sleep"],
        "key": [None, "hr_max_bpm"],
        "keys": [None, ("load", "summary")],
    }


#: Functions whose ``since``/``until`` are instants, not dates.
TIMES = {
    "same_run_repo.activities_starting_between": {
        "since": [datetime(2000, 1, 1, tzinfo=UTC)],
        "until": [datetime(2030, 1, 1, tzinfo=UTC)],
    }
}


def _reads() -> list[tuple[str, Callable[..., Any]]]:
    out = []
    for mod in REPOSITORIES:
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            params = list(inspect.signature(fn).parameters)
            if (fn.__module__ == mod.__name__ and not name.startswith(("_", *WRITERS))
                    and params[:1] == ["session"]):  # fmt: skip
                out.append((f"{mod.__name__.rsplit('.', 1)[1]}.{name}", fn))
    return out


def _plain(value: Any) -> Any:
    """A comparable copy: rows as their columns (not whose they are), arrays as lists,
    times stamped by the clock of the import as one token."""
    if isinstance(value, Base):
        cols = sa_inspect(type(value)).columns
        return (type(value).__name__,
                {c.key: _plain(getattr(value, c.key)) for c in cols if c.key != "athlete_id"})  # fmt: skip
    if isinstance(value, Row | tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite's plain DateTime
        if abs(aware - datetime.now(UTC)) < timedelta(days=1):
            return "<now>"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if hasattr(value, "__dataclass_fields__"):
        return _plain(vars(value))
    return value


def test_every_repository_read_sees_only_the_current_athlete(two_dbs) -> None:
    shared_a, alone, shared_b = two_dbs
    args = _arguments(shared_a, shared_b)
    reads = _reads()
    assert len(reads) >= 40, [n for n, _ in reads]  # the walk found the repositories
    calls = 0
    for name, fn in reads:
        sig = inspect.signature(fn)
        needed = [p for p in list(sig.parameters.values())[1:]
                  if p.default is inspect.Parameter.empty]  # fmt: skip
        missing = [p.name for p in needed if p.name not in args]
        assert not missing, f"{name}: no test values for {missing}; add them to _arguments"
        given = {**args, **TIMES.get(name, {})}
        for values in itertools.product(*(given[p.name] for p in needed)):
            kw = dict(zip([p.name for p in needed], values, strict=True))
            with shared_a.session() as s1, alone.session() as s2:
                got, want = _outcome(fn, s1, kw), _outcome(fn, s2, kw)
            assert got == want, f"{name}({kw}) on the shared database differs from A alone"
            calls += 1
    assert calls >= 80


def _outcome(fn: Callable[..., Any], session: Any, kw: dict[str, Any]) -> Any:
    try:
        return _plain(fn(session, **kw))
    except (KeyError, ValueError, LookupError) as exc:  # e.g. load_activity of B's id
        return ("raised", type(exc).__name__)


def test_both_athletes_keep_their_own_rows_and_the_same_file_twice(two_dbs) -> None:
    shared_a, alone, shared_b = two_dbs
    a, b = _ids(shared_a, ActivityRow.id), _ids(shared_b, ActivityRow.id)
    assert len(a) == len(b) == len(_ids(alone, ActivityRow.id)) > 10
    assert not set(a) & set(b)  # the same files, imported by two athletes: two activities
    with shared_b.session() as s:
        assert s.get(ActivityRow, a[0]) is None  # not even by its primary key
        assert [e.change for e in practice_repo.experiments_by_id(s)] == ["b sleeps more"]
        assert settings_repo.get_settings(s).hr_max_bpm == 177
    with shared_a.session() as s:
        assert settings_repo.get_settings(s).hr_max_bpm == 191
        assert strava_repo.get_state(s) == {"last_sync": "a-2026-02-01"}


def test_a_second_import_by_the_same_athlete_adds_nothing(two_dbs, sim_folder) -> None:
    from deliberun.services.importer import import_paths

    _, _, shared_b = two_dbs
    before = _ids(shared_b, ActivityRow.id)
    report = import_paths(shared_b, [sim_folder], workers=1, now=NOW)
    assert not report.imported and report.duplicates
    assert _ids(shared_b, ActivityRow.id) == before
