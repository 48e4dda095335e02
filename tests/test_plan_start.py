"""Plans start from the runner's actual volume and long run, with a return-from-break ramp."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.plan.start import return_caps, starting_point

runner = CliRunner()
TODAY = date(2025, 6, 1)


def test_steady_runner_volume_and_long_run():
    runs = [(TODAY - timedelta(days=d), 8000.0) for d in range(0, 28, 2)]  # 14 runs of 8 km
    runs.append((TODAY - timedelta(days=3), 16000.0))
    p = starting_point(runs, TODAY)
    assert p.volume_km == pytest.approx((14 * 8 + 16) / 4)
    assert p.long_run_km == 16.0 and p.break_days is None
    assert return_caps(p, TODAY, 4) == [None] * 4


def test_break_then_a_few_easy_weeks():
    before = [(date(2025, 3, 25) - timedelta(days=d), 10_000.0) for d in range(0, 56, 2)]
    after = [(date(2025, 5, 17), 5000.0), (date(2025, 5, 24), 6000.0), (date(2025, 5, 31), 6300.0)]
    p = starting_point(before + after, TODAY)
    assert p.break_days == 52 and p.break_end == date(2025, 5, 17)
    assert p.pre_break_km == pytest.approx(28 * 10 / 8)
    assert p.weeks_counted == 3 and p.volume_km == pytest.approx(17.3 / 3)
    caps = return_caps(p, date(2025, 6, 2), 12)
    assert caps[0] == pytest.approx(0.33 * 35)  # 2.3 weeks back: the first step
    assert caps[1] == pytest.approx(0.5 * 35)  # steps of 52 / 7 / 3 = 2.5 weeks
    assert caps[3] == caps[5] == pytest.approx(0.75 * 35)
    assert caps[6:] == [None] * 6  # back to full volume


@pytest.fixture(scope="module")
def real_db(real_dir, tmp_path_factory):
    export = real_dir / "strava_export" / "slalom007"
    if not (export / "activities.csv").is_file():
        pytest.skip(f"{export} not found")
    db = tmp_path_factory.mktemp("plan") / "s.db"
    res = runner.invoke(app, ["--db", str(db), "import", "-q", "--json", str(export)])
    assert res.exit_code == 0, res.output
    return db


def _generate(db, *extra):
    res = runner.invoke(
        app,
        ["--db", str(db), "--today", "2025-06-01", "plan", "generate", "--race", "10k",
         "--date", "2025-09-28", "--goal", "45:00", "--json", *extra],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_plan_after_the_real_seven_week_break_starts_near_actual_volume(real_db):
    """slalom007: no run from 2025-03-25 to 2025-05-17, then ~7 km/week."""
    doc = _generate(real_db)
    start = doc["starting_point"]
    assert start["break_days"] >= 45 and start["volume_km"] == pytest.approx(7.2, abs=0.5)
    weeks = [w["planned_km"] for w in doc["weeks"]]
    assert weeks[0] <= 1.1 * start["volume_km"]  # not the 38.7 km of the issue
    assert max(weeks[:4]) < 0.75 * start["pre_break_km"]  # the ramp holds it back ...
    assert max(weeks) > 2 * weeks[0]  # ... and rebuilds
    assert doc["constraints_broken"] == []
    assert doc["params"]["long_run_km"] == pytest.approx(start["long_run_km"], abs=0.05)


def test_plan_with_default_volume_when_asked(real_db):
    doc = _generate(real_db, "--default-volume")
    assert doc["starting_point"] is None and doc["params"]["volume_km"] == 35.0


def test_no_runs_at_all_is_a_zero_start() -> None:
    from datetime import date

    from deliberun.plan.start import starting_point

    point = starting_point([], date(2026, 12, 5))
    assert point.volume_km == 0.0 and point.long_run_km == 0.0 and point.break_days is None
