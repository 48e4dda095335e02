"""Cold dashboard pages read only the window they show, and show the same numbers.

Issue 14 ("Speed a runner feels"): the race verdicts, session types and athlete
models behind the pages now read the history they need (the year before the days
shown) instead of the whole archive. These tests hold the pages to what they showed
before that change:

- the JSON twin of every page on a simulated history has the SHA-256 recorded with
  the code before the change (``tests/data/page_twins_marathon.json``);
- a window's race verdicts and session types are exactly the whole history's on the
  runs of that window;
- the warm-up detector that compares runs of one day finds what the every-pair
  comparison found.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberun.services.importer import import_paths
from deliberun.services.races import _warmups, race_verdicts
from deliberun.services.session_types import session_types
from deliberun.sim.output import write_simulation
from deliberun.sim.simulation import Simulation
from deliberun.store.db import Database
from deliberun.web.app import create_app

TWINS = Path(__file__).parent / "data" / "page_twins_marathon.json"
YEARS = 1.5


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Database, date]:
    """The simulated marathon runner of 1.5 years (seed 1), imported."""
    tmp = tmp_path_factory.mktemp("twins")
    result = write_simulation(Simulation("marathon", 1, years=YEARS), tmp / "files")
    db = Database(tmp / "s.db")
    report = import_paths(db, [tmp / "files"], workers=1)
    assert not report.failed, report.failed
    return tmp, db, date.fromisoformat(result["end"])


def test_every_page_shows_what_it_showed_before(sim: tuple[Path, Database, date]) -> None:
    tmp, db, today = sim
    client = TestClient(create_app(str(tmp / "s.db"), today=today, page_cache=False))
    newest = client.get("/api/activities?limit=1").json()["activities"]["rows"][0]["id"]
    recorded = json.loads(TWINS.read_text())["sha256"]
    changed = []
    for url, digest in recorded.items():
        r = client.get(url.format(newest=newest))
        assert r.status_code == 200, url
        text = json.dumps(r.json(), sort_keys=True).replace(str(tmp), "<tmp>")
        if hashlib.sha256(text.encode()).hexdigest() != digest:
            changed.append(url)
    assert changed == [], f"the JSON twins of {changed} differ from the recorded ones"


def test_a_windows_race_verdicts_are_the_whole_historys(sim: tuple[Path, Database, date]) -> None:
    _, db, today = sim
    whole = race_verdicts(db, today=today)
    assert any(v.is_race for v in whole.values())  # the simulated runner races
    days = _days(db)
    for back in (0, 30, 200, 400):
        since = today - timedelta(days=back)
        part = race_verdicts(db, today=today, since=since)
        want = {k: v for k, v in whole.items() if days[k] >= since}
        assert part.keys() == want.keys()
        assert {k: v.to_dict() for k, v in part.items()} == {
            k: v.to_dict() for k, v in want.items()
        }


def test_verdicts_shared_in_one_use_case_match_those_alone(
    sim: tuple[Path, Database, date],
) -> None:
    """Inside one shared read, a narrow window judged first, then a wider one, then the
    whole history: each is what it is when asked alone."""
    from deliberun.services.athlete import shared_history

    _, db, today = sim
    alone = {
        back: race_verdicts(db, today=today, since=today - timedelta(days=back))
        for back in (60, 500)
    }
    whole = race_verdicts(db, today=today)
    with shared_history():
        for back in (60, 500):
            got = race_verdicts(db, today=today, since=today - timedelta(days=back))
            assert {k: v.to_dict() for k, v in got.items()} == {
                k: v.to_dict() for k, v in alone[back].items()
            }
        got = race_verdicts(db, today=today)
        assert {k: v.to_dict() for k, v in got.items()} == {
            k: v.to_dict() for k, v in whole.items()
        }


def test_a_windows_session_types_are_the_whole_historys(
    sim: tuple[Path, Database, date],
) -> None:
    _, db, today = sim
    whole = session_types(db, today=today)
    days = _days(db)
    since = today - timedelta(days=56)
    part = session_types(db, today=today, since=since)
    assert part and part == {k: v for k, v in whole.items() if days[k] >= since}


def _days(db: Database) -> dict[int, date]:
    from deliberun.store import repository as repo

    with db.session() as s:
        return {int(r.id): r.local_date for r in repo.list_activities(s)}


def _run(i: int, day: int, hour: float, km: float, minutes: float) -> Any:
    start = datetime(2026, 3, day, tzinfo=UTC) + timedelta(hours=hour)
    return SimpleNamespace(
        id=i,
        local_date=start.date(),
        start_time=start,
        distance_m=km * 1000,
        moving_time_s=minutes * 60,
        elapsed_time_s=None,
    )


def _warmups_every_pair(rows: list[Any]) -> set[int]:
    """The detector as it was: every pair of runs compared (same rule)."""
    out: set[int] = set()
    timed = [r for r in rows if r.start_time is not None and r.distance_m and r.moving_time_s]
    for r in timed:
        for w in timed:
            if w is r or w.local_date != r.local_date:
                continue
            end = w.start_time + timedelta(seconds=float(w.elapsed_time_s or w.moving_time_s))
            gap = (r.start_time - end).total_seconds()
            slower = w.moving_time_s / w.distance_m > r.moving_time_s / r.distance_m
            if 0 <= gap <= 7200 and w.distance_m < 0.6 * r.distance_m and slower:
                out.add(int(r.id))
    return out


def test_warm_ups_found_within_a_day_as_over_every_pair() -> None:
    rows = [
        _run(1, 1, 8.0, 3, 18),  # warm-up, then the 10 km race 15 min after it ended
        _run(2, 1, 8.55, 10, 40),
        _run(3, 2, 8.0, 3, 18),  # a slow 3 km, then a 10 km three hours later: no
        _run(4, 2, 11.0, 10, 40),
        _run(5, 3, 23.5, 3, 18),  # the day before, late: not the same local day
        _run(6, 4, 0.1, 10, 40),
        _run(7, 5, 7.0, 2, 12),  # two warm-ups before one race
        _run(8, 5, 7.3, 2, 11),
        _run(9, 5, 7.7, 21.1, 90),
    ]
    found = _warmups(rows)
    assert found == {2, 9}
    assert found == _warmups_every_pair(rows)
