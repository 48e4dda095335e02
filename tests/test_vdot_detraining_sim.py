"""The VDOT with no recent race on simulated runners (issue 13): a race only at the
start, then steady training keeps it; eight weeks without running lose what Daniels'
table says, and training regains it (``models.detraining``, ``models.vdot_day``).

The scenario files (``deliberun simulate --scenario-file``) plant no races, so a 5 km
race at the simulator's VDOT of the first session day is added to the efforts the
pipeline finds in the imported runs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.models import vdot as vd
from deliberun.models.detraining import time_off_factor
from deliberun.models.predict import Effort
from deliberun.models.vdot_history import vdot_days_as_of
from deliberun.services import athlete
from deliberun.store.db import Database

SCENARIO = """
name: {name}
years: 0.6
start: 2025-01-06
profile: {{sex: male, age: 35, vdot: 48, hr_max_bpm: 190, hr_rest_bpm: 50, weekly_km: 40}}
days: [tue, thu, sat, sun]
key_sessions: {{tue: intervals, sat: long}}
{breaks}
"""
BREAK_FROM, BREAK_DAYS = date(2025, 3, 3), 56


def _runner(tmp: Path, name: str, breaks: str) -> dict[str, Any]:
    f = tmp / f"{name}.yaml"
    f.write_text(SCENARIO.format(name=name, breaks=breaks))
    out = tmp / name
    cli = CliRunner()
    res = cli.invoke(app, ["simulate", "--scenario-file", str(f), "--seed", "1", "--out", str(out), "-q"])  # fmt: skip
    assert res.exit_code == 0, res.output
    db_path = tmp / f"{name}.db"
    res = cli.invoke(app, ["--db", str(db_path), "import", str(out), "--quiet"])
    assert res.exit_code in (0, 1), res.output
    truth = json.loads((out / "truth.json").read_text())
    planted = {date.fromisoformat(s["date"]): float(s["vdot"]) for s in truth["sessions"]}
    first, end = min(planted), max(planted) + timedelta(days=1)
    race = Effort(5000.0, vd.race_time(planted[first], 5000.0), first, None, True)
    db = Database(str(db_path))
    runs, others = athlete.detraining_days(db, today=end)
    efforts = athlete.efforts(db, today=end, window_days=(end - first).days + 1)
    mondays = [d for d in (first + timedelta(days=k) for k in range(7, (end - first).days))
               if d.weekday() == 0]  # fmt: skip
    days = vdot_days_as_of([race, *efforts], mondays, 180, run_days=runs, other_days=others)
    return {"race": race, "days": days, "planted": planted, "runs": runs}


@pytest.fixture(scope="module")
def sims(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("detraining")
    layoff = f"breaks: [{{from: {BREAK_FROM.isoformat()}, days: {BREAK_DAYS}}}]"
    return {"steady": _runner(tmp, "steady", ""), "layoff": _runner(tmp, "layoff", layoff)}


def test_steady_training_keeps_the_race_vdot_within_its_range(sims):
    s = sims["steady"]
    race = s["race"].vdot
    for d, v in s["days"].items():
        assert v is not None and v.low <= v.vdot <= v.high, d
        # no break: nothing lost, and the easy running never drags it down
        assert v.vdot == pytest.approx(race, abs=0.3), (d, v.vdot, v.words)
        planted = s["planted"][max(x for x in s["planted"] if x < d)]
        assert v.low - 0.3 <= planted <= v.high + 0.3, (d, planted, v.low, v.high)


def test_eight_weeks_off_lose_daniels_amount_and_training_regains_it(sims):
    s = sims["layoff"]
    race = s["race"].vdot
    last = max(d for d in s["runs"] if d < BREAK_FROM + timedelta(days=BREAK_DAYS))
    back = min(d for d in s["runs"] if d > BREAK_FROM)
    off = (back - last).days - 1
    before = s["days"][max(d for d in s["days"] if d <= last)]
    first_monday = min(d for d in s["days"] if d > back)
    after = s["days"][first_monday]
    assert before is not None and after is not None
    assert before.vdot == pytest.approx(race, abs=0.3)
    # the first Monday back: Daniels' FVDOT-1 for the days off, a few days regained
    expected = race * time_off_factor(off)
    assert expected - 0.1 <= after.vdot <= expected + race * (1 - time_off_factor(off)) * 0.25
    assert after.vdot < before.vdot - 5.0 and "8 weeks without running" in after.words
    # as long again of running back: regained
    later = min(d for d in s["days"] if d >= back + timedelta(days=off))
    assert s["days"][later].vdot == pytest.approx(race, abs=0.3)
