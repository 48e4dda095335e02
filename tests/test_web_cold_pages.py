"""Cold dashboard pages read only the window they show, and show the same numbers.

Issue 14 ("Speed a runner feels"): the race verdicts, session types and athlete
models behind the pages now read the history they need (the year before the days
shown) instead of the whole archive. These tests hold the pages to what they showed
before that change:

- the JSON twin of every page on a simulated history has the SHA-256 recorded with
  the code before the change (``tests/data/page_twins_marathon.json``);
- a window's race verdicts and session types are exactly the whole history's on the
  runs of that window;
- the warm-up detector, which compares runs of one day only, finds the warm-ups of
  hand-built days on each side of its rules.
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


def rounded(value: Any) -> Any:
    """Floats to 9 significant digits, in every list and dict: the twins are about what a
    page says, not the last bits of a float, which change with numpy/scipy builds (a fresh
    machine's scipy 1.17.1 moved one /api/fitness float; the same code, same hash before)."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def twin_digest(doc: Any, tmp: Path) -> str:
    """SHA-256 of a page's JSON twin: keys sorted, floats rounded, the temp path masked."""
    text = json.dumps(rounded(doc), sort_keys=True).replace(str(tmp), "<tmp>")
    return hashlib.sha256(text.encode()).hexdigest()


def test_every_page_shows_what_it_showed_before(sim: tuple[Path, Database, date]) -> None:
    tmp, db, today = sim
    client = TestClient(create_app(str(tmp / "s.db"), today=today, page_cache=False))
    newest = client.get("/api/activities?limit=1").json()["activities"]["rows"][0]["id"]
    recorded = json.loads(TWINS.read_text())["sha256"]
    changed = []
    for url, digest in recorded.items():
        r = client.get(url.format(newest=newest))
        assert r.status_code == 200, url
        if twin_digest(r.json(), tmp) != digest:
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


def test_warm_ups_found_only_within_one_day() -> None:
    """Hand-built runs on each side of every rule (2 h gap, 60 % distance, slower, one
    local day): the answer is written out, not computed by a second copy of the rule."""
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
        _run(10, 6, 8.0, 7, 42),  # 7 km before a 10 km: 70 % of it, not a warm-up
        _run(11, 6, 9.0, 10, 40),
        _run(12, 7, 8.0, 3, 11),  # 3 km faster than the 10 km after it: a race itself
        _run(13, 7, 8.5, 10, 40),
        _run(14, 8, 8.0, 3, 18),  # the 3 km ends after the 10 km starts: no
        _run(15, 8, 8.2, 10, 40),
        _run(16, 9, 8.0, 3, 18),  # ended 1 h 58 min before the start: within 2 h
        _run(17, 9, 10.27, 10, 40),
    ]
    assert _warmups(rows) == {2, 9, 17}
    assert _warmups(list(reversed(rows))) == {2, 9, 17}  # the order read does not matter
