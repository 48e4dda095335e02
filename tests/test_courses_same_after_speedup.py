"""Building courses faster must not change which courses are found.

``tests/data/courses_sim_1y.json`` holds the courses the code found before the speed-up
of issue 18 (``sync_courses`` reading streams, profiling and placing every run one
after another; ``match_shares`` testing both sides of every candidate): for each
course, its reference run and its runs with their directions, on one simulated year
(``Simulation("marathon", seed=0, years=1)``, five recurring routes with GPS noise and
spikes). The store's ids are the runs' order in the simulation. Regenerate only for a
change meant to change the courses: ``python tests/test_courses_same_after_speedup.py``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from deliberun.store.db import Database

GOLDEN = Path(__file__).parent / "data" / "courses_sim_1y.json"


_BENCH = Path(__file__).resolve().parents[1] / "bench" / "courses_bench.py"
_spec = importlib.util.spec_from_file_location("courses_bench", _BENCH)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _store(db: Database) -> None:
    """The simulated year in the store, as the courses benchmark writes it."""
    from deliberun.sim.simulation import Simulation

    bench._store(db, Simulation("marathon", seed=0, years=1).sessions())


def _courses(db: Database) -> dict:
    """Courses as found: sorted by reference run; each with its runs and directions."""
    from deliberun.services.courses import sync_courses
    from deliberun.store import courses_repo as cr

    sync_courses(db, rebuild=True)
    with db.session() as s:
        refs = {int(c.id): int(c.reference_activity_id) for c in cr.course_rows(s)}
        runs: dict[int, list[list]] = {}
        for t in cr.track_rows(s):
            runs.setdefault(refs[int(t.course_id)], []).append([int(t.activity_id), t.direction])
    return {"courses": [{"reference": r, "runs": sorted(runs[r])} for r in sorted(runs)]}


def _pure(db: Database) -> list[list[int]]:
    """The same grouping by the pure ``build_courses`` over the stored profiles."""
    from deliberun.practice.courses import build_courses
    from deliberun.services.courses import _profile
    from deliberun.store import courses_repo as cr

    with db.session() as s:
        profiles = [_profile(t) for t in cr.track_rows(s)]
    index = build_courses(profiles)
    return sorted(sorted(c.members) for c in index.courses)


@pytest.fixture(scope="module")
def sim_db(tmp_path_factory):
    db = Database(tmp_path_factory.mktemp("same") / "db.sqlite")
    _store(db)
    yield db
    db.dispose()


def test_the_courses_found_are_the_ones_found_before_the_speedup(sim_db):
    golden = json.loads(GOLDEN.read_text())
    found = _courses(sim_db)
    assert len(found["courses"]) == len(golden["courses"]) >= 5
    assert found == {"courses": golden["courses"]}
    assert _pure(sim_db) == golden["pure"]


if __name__ == "__main__":  # regenerate the golden file (see the docstring)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "db.sqlite")
        _store(db)
        out = _courses(db)
        out["pure"] = _pure(db)
        db.dispose()
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(out, indent=0) + "\n")
    print(f"wrote {GOLDEN}: {len(out['courses'])} courses", file=sys.stderr)
