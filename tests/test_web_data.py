"""Test data for the dashboard tests: a database holding a runner's recent weeks.

``build_db`` writes synthetic runs through the store's own write path
(``deliberun.store.repository``) with metrics from ``deliberun.metrics.compute_all``;
``simulated_db`` runs the real pipeline (the simulated athlete written to files, then
``deliberun.services.importer.import_paths``).
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from deliberun.athlete import AthleteSettings
from deliberun.io.activity import Activity, Lap
from deliberun.metrics import METRICS_VERSION, compute_all
from deliberun.metrics.summary import summarize
from deliberun.services.importer import import_paths
from deliberun.sim.output import write_simulation
from deliberun.sim.simulation import Simulation
from deliberun.store.db import Database
from deliberun.store.settings_repo import set_settings

LAST_DAY = date(2026, 3, 1)  # a Sunday: the pinned "today" of the tests
SETTINGS = AthleteSettings(sex="female", hr_max_bpm=188, hr_rest_bpm=48, units="metric")
#: (workout kind, km) by weekday, Monday first; None = rest day.
WEEK = (None, ("easy", 8), ("intervals", 10), ("easy", 6), ("tempo", 10), None, ("long", 18))


def synthetic_run(
    start: datetime, kind: str, km: float, rng: np.random.Generator, *, hz: float = 1.0
) -> Activity:
    """A run on a loop near Ljubljana with pace, HR, altitude and cadence streams."""
    base_speed = {"easy": 3.0, "long": 2.9, "tempo": 3.7, "intervals": 3.2}.get(kind, 3.0)
    n = int(km * 1000 / base_speed * hz)
    t = np.arange(n) / hz
    speed = np.full(n, base_speed) + rng.normal(0, 0.08, n)
    if kind == "intervals":  # 6 reps of ~3 min fast, 2 min jog, after a 15 min warm-up
        phase = (t - 900) % 300
        fast = (t > 900) & (t < 900 + 6 * 300) & (phase < 180)
        speed = np.where(fast, 4.4, speed)
    speed = np.clip(speed, 0.5, None)
    dist = np.concatenate([[0.0], np.cumsum(speed[1:] / hz)])
    loop_m = 2500.0
    angle = 2 * math.pi * dist / loop_m
    radius_deg = loop_m / (2 * math.pi) / 111_320
    lat = 46.05 + radius_deg * np.sin(angle) * 1.4
    lon = 14.50 + radius_deg * np.cos(angle) / math.cos(math.radians(46.05))
    alt = 300 + 12 * np.sin(angle * 2)
    hr = 48 + (188 - 48) * np.clip(0.35 + 0.14 * speed, 0, 1)
    hr = np.convolve(hr, np.ones(30) / 30, mode="same") + rng.normal(0, 1.0, n)
    cad = 160 + 6 * speed + rng.normal(0, 2, n)
    laps = [
        Lap(start_s=float(s), elapsed_time_s=float(min(1000 / base_speed, t[-1] - s)))
        for s in np.arange(0, t[-1], 1000 / base_speed)
    ]
    return Activity(
        start_time=start,
        sport="running",
        streams={
            "time": t,
            "distance": dist,
            "speed": speed,
            "heart_rate": hr,
            "cadence": cad,
            "altitude": alt,
            "latitude": lat,
            "longitude": lon,
        },
        source_format="fit",
        utc_offset_s=3600,
        name=f"{kind.capitalize()} run",
        laps=laps,
    )


def build_db(
    path: Path | str, *, weeks: int = 6, last_day: date = LAST_DAY, seed: int = 1
) -> Database:
    """A database with ``weeks`` weeks of runs ending on ``last_day``."""
    from deliberun.store import repository as repo
    from deliberun.store.tables_core import ActivityRow, ActivitySourceRow

    db = Database(path)
    rng = np.random.default_rng(seed)
    first = last_day - timedelta(weeks=weeks) + timedelta(days=1)
    stamp = datetime(2026, 3, 2, tzinfo=UTC)
    with db.session() as s, s.begin():
        set_settings(s, SETTINGS)
    day = first
    while day <= last_day:
        plan = WEEK[day.weekday()]
        if plan is not None:
            kind, km = plan
            start = datetime(day.year, day.month, day.day, 6, 30, tzinfo=UTC)
            act = synthetic_run(start, kind, km * rng.uniform(0.9, 1.1), rng)
            summary = summarize(act)
            sha = hashlib.sha256(f"{seed}-{day}".encode()).hexdigest()
            metrics = compute_all(act, SETTINGS)
            with db.session() as s, s.begin():
                repo.add_original(s, sha, b"synthetic", f"{day}.fit", stamp)
                row = ActivityRow(created_at=stamp)
                repo.fill_from_activity(row, act, summary, sha256=sha, source_path=f"{day}.fit")
                row.name = act.name
                row.extra = {}
                s.add(row)
                s.flush()
                s.add(
                    ActivitySourceRow(
                        activity_id=row.id,
                        sha256=sha,
                        source_path=f"{day}.fit",
                        format="fit",
                        meta={},
                    )
                )
                repo.replace_streams(s, row.id, act.streams)
                repo.save_metrics(s, row.id, metrics, METRICS_VERSION, now=stamp)
        day += timedelta(days=1)
    return db


def simulated_db(
    path: Path | str, files: Path, *, scenario: str = "marathon", seed: int = 1
) -> tuple[Database, date]:
    """The simulated athlete written to ``files`` and imported into ``path``: the
    database and the last simulated day."""
    result = write_simulation(Simulation(scenario, seed), files)
    db = Database(path)
    report = import_paths(db, [files], workers=1)
    assert not report.failed, report.failed
    # the importer reads the runner's files too (plan.yaml, deliberun-journal.yaml)
    assert report.runner_files, "plan.yaml and the journal were not read"
    return db, date.fromisoformat(result["end"])


def test_build_db_fills_the_weeks(tmp_path: Path) -> None:
    from deliberun.store import repository as repo

    db = build_db(tmp_path / "w.db", weeks=2)
    with db.session() as s:
        rows = repo.list_activities(s)
        assert len(rows) == 10  # 5 runs a week
        assert rows[-1].local_date == LAST_DAY
        streams = repo.load_streams(s, rows[0].id)
        assert {"latitude", "longitude", "heart_rate"} <= set(streams)
