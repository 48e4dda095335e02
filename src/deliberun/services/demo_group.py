"""``deliberun demo --group N``: a simulated group of runners in one database, for the coach.

Athlete ``i`` gets a scenario of the simulator in turn (``GROUP_SCENARIOS``: a marathon
cycle, a nemesis, an experiment that works, one that does nothing, cadence drills, an
illness), a profile of their own (VDOT, weekly volume, heart rate, sex, units) and, in
turn, one thing planted for the coach to find (``PLANTS``): nothing, two weeks of key
sessions skipped, no data for the last 10 days, or easy runs rated 10 of 10. The
planted truth of each athlete is returned beside the group view, which the coach can
check against it.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from deliberun.plan.workout import HARD_TYPES
from deliberun.practice.attention import KEY_SESSION_DAYS, RPE_DAYS
from deliberun.services.demo import DemoProgress, _reset, default_demo_dir
from deliberun.services.group import group
from deliberun.sim import plant
from deliberun.sim.output import write_simulation
from deliberun.sim.profile import Profile
from deliberun.sim.simulation import Simulation
from deliberun.store.db import Database

GROUP_SCENARIOS = (
    "marathon", "nemesis_fatigue", "rest_experiment", "null_experiment", "cadence_drills",
    "illness",
)  # fmt: skip
#: What is planted for the coach, athlete by athlete in turn.
PLANTS = ("none", "missed_key_sessions", "silent", "rpe_mismatch")
#: Days without data of the ``silent`` plant.
SILENT_DAYS = 10
NAMES = (
    "ana", "ben", "chloe", "dev", "eli", "fay", "gus", "hana", "ivo", "jon", "kim", "leo",
    "mia", "ned", "ola", "pia", "quinn", "rui", "sara", "tom",
)  # fmt: skip
MARKER = "group.json"


def athlete_name(i: int) -> str:
    return NAMES[i] if i < len(NAMES) else f"runner{i + 1:03d}"


def profile_of(i: int) -> Profile:
    """Athlete ``i``'s profile: spread over VDOT 38-61, 30-90 km a week, both sexes."""
    return Profile(
        sex="female" if i % 2 == 0 else "male",
        age=25 + (i * 7) % 30,
        vdot=38.0 + (i * 7) % 24,
        hr_max_bpm=176.0 + (i * 5) % 20,
        hr_rest_bpm=42.0 + (i * 3) % 14,
        weekly_km=30.0 + (i * 13) % 61,
        units="imperial" if i % 5 == 4 else "metric",
    )


def _plant(kind: str, folder: Path, end: date) -> dict[str, Any]:
    """Plant ``kind`` into one athlete's folder; say what was planted."""
    if kind == "missed_key_sessions":
        first = end - timedelta(days=KEY_SESSION_DAYS - 1)
        gone = plant.drop_sessions(
            folder,
            lambda s: s["workout_type"] in HARD_TYPES and date.fromisoformat(s["date"]) >= first,
        )
        return {"kind": kind, "dates": [s["date"] for s in gone]}
    if kind == "silent":
        first = end - timedelta(days=SILENT_DAYS - 1)
        gone = plant.drop_sessions(folder, lambda s: date.fromisoformat(s["date"]) >= first)
        return {"kind": kind, "days": SILENT_DAYS, "runs_dropped": len(gone)}
    if kind == "rpe_mismatch":
        rated = plant.rate_against_the_data(folder, end - timedelta(days=RPE_DAYS - 1))
        return {"kind": kind, "dates": [s["date"] for s in rated], "rpe": 10}
    return {"kind": "none"}


def run_group_demo(
    out: Path | str | None = None,
    *,
    n: int = 5,
    seed: int = 0,
    years: float | None = None,
    workers: int | None = None,
    progress: DemoProgress | None = None,
) -> dict[str, Any]:
    """Simulate ``n`` athletes, plant what the coach should see, import them into
    ``out/group.db`` and return the group view with the planted truths and timings."""
    from deliberun.services.athletes import add_athlete, remove_athlete
    from deliberun.services.importer import import_paths

    if not 1 <= n <= 500:
        raise ValueError(f"--group {n} is out of range: give 1 to 500 athletes")
    if out is None:
        out = default_demo_dir().with_name("demo-group")
    out = Path(out)
    files, db_path = _reset(out, "group.db", MARKER)
    files.mkdir(parents=True, exist_ok=True)
    db = Database(db_path)
    athletes, t_sim, t_imp, end = [], 0.0, 0.0, None
    try:
        for i in range(n):
            name = athlete_name(i)
            t0 = time.perf_counter()
            sim = Simulation(GROUP_SCENARIOS[i % len(GROUP_SCENARIOS)], seed + i, years=years,
                             profile=profile_of(i))  # fmt: skip
            folder = files / name
            written = write_simulation(sim, folder)
            planted = _plant(PLANTS[i % len(PLANTS)], folder, sim.end)
            t1 = time.perf_counter()
            add_athlete(db, name, now=datetime.now(UTC))
            report = import_paths(db.for_athlete(name), [folder], workers=workers)
            t_sim, t_imp = t_sim + t1 - t0, t_imp + time.perf_counter() - t1
            end = sim.end if end is None else max(end, sim.end)
            athletes.append({
                "name": name, "scenario": sim.scenario.name, "seed": sim.seed,
                "vdot": sim.profile.vdot, "weekly_km": sim.profile.weekly_km,
                "runs": written["activities"], "imported": len(report.imported),
                "failed": len(report.failed), "planted": planted,
                "effects": sim.truth()["effects"],
            })  # fmt: skip
            if progress:
                progress("athletes", i + 1, n)
        remove_athlete(db, "me", backup_to=None)  # the new database's empty first athlete
        (files / MARKER).write_text(json.dumps({"athletes": athletes}, indent=1) + "\n")
        assert end is not None
        t0 = time.perf_counter()
        view = group(db, today=end)
        t_group = time.perf_counter() - t0
    finally:
        db.dispose()
    return {
        "out": str(out),
        "db": str(db_path),
        "files": str(files),
        "today": end.isoformat(),
        "athletes": athletes,
        "group": view,
        "seconds": {"simulate": t_sim, "import": t_imp, "group_view": t_group},
    }
