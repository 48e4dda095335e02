"""Reading a real runner right (issue 13, part A), on slalom007's real 16-month history.

The folder ../shared/data/real/strava_export/slalom007 is imported once (through the
CLI, as a new user would); every conclusion is taken as of a day with ``--today``.
Skips when the folder is absent (its GPS tracks are personal data: never copied here).
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.io.strava_rows import parse_strava_rows
from deliberun.models import vdot as vd
from deliberun.store.db import Database

runner = CliRunner()


def _cli(db: Path, *args: str) -> Any:
    res = runner.invoke(app, ["--db", str(db), *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout) if "--json" in args else res.stdout


@pytest.fixture(scope="module")
def real_db(real_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = real_dir / "strava_export" / "slalom007"
    if not (folder / "activities.csv").is_file():
        pytest.skip(f"{folder} not found")
    db = tmp_path_factory.mktemp("real") / "slalom007.db"
    _cli(db, "import", str(folder), "--quiet")
    return db


@pytest.fixture
def own_db(real_db: Path, tmp_path: Path) -> Path:
    """A copy of the imported history the test may change."""
    copy = tmp_path / "copy.db"
    shutil.copy(real_db, copy)
    return copy


def _by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (item,) = [a for a in items if (a["name"] or "").startswith(name)]
    return item


def test_vdot_rests_on_the_runners_races(real_db: Path) -> None:
    # the runner's own results: 5 km in 20:22 on 2024-09-23, a half split of 1:35:21
    five_k = vd.vdot(5000.0, 20 * 60 + 22)
    half = vd.vdot(21097.5, 3600 + 35 * 60 + 21)
    pred = _cli(real_db, "--today", "2024-10-20", "predict", "--json")
    assert abs(pred["vdot"] - five_k) <= 1.5 and abs(pred["vdot"] - half) <= 1.5, pred["vdot"]
    assert pred["vdot_rests_on"]["is_race"] is True
    assert pred["vdot_rests_on"]["rests_on"] == "race"
    # not the 1000 m rep of 2024-10-08 (which read 53.5)
    assert pred["vdot_rests_on"]["date"] != "2024-10-08"


def test_no_recent_race_is_said_with_its_range(real_db: Path) -> None:
    # 2025-09-30: the last race (2024-12-31, VDOT 50.3) is older than the 180-day window,
    # after a 7-week break; the training since holds no hard sustained effort (it reads
    # 0.74-0.75 of the race): the VDOT rests on the race, reduced for the breaks since
    pred = _cli(real_db, "--today", "2025-09-30", "predict", "--json")
    last, rng, on = pred["last_race"], pred["vdot_range"], pred["vdot_rests_on"]
    assert last["date"] == "2024-12-31" and last["vdot"] > 50
    assert on["kind"] == "race" and on["date"] == "2024-12-31"
    assert rng["basis"] == "your last race (2024-12-31), less detraining"
    # not dragged down to the training efforts' ~40, and never above the race
    assert last["vdot"] - 3.0 < pred["vdot"] <= last["vdot"]
    assert rng["low"] <= pred["vdot"] <= rng["high"]
    assert "race of 2024-12-31, 9 months ago" in on["words"], on
    said = [n for n in pred["notes"] if "2024-12-31" in n]
    assert said and "Daniels" in said[0], said
    from deliberun.services.athlete import summary  # what `deliberun athlete` shows

    shown = summary(Database(str(real_db)), today=date(2025, 9, 30), save=False)
    assert shown["vdot_range"] == pred["vdot_range"]
    # with a race in the window the range is the race itself, widened only by its age
    rng = _cli(real_db, "--today", "2024-10-20", "predict", "--json")["vdot_range"]
    assert rng["basis"] == "race" and rng["high"] - rng["low"] < 0.5
    # the dashboard's Fitness page says it too
    from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    client = TestClient(create_app(str(real_db), today=date(2025, 9, 30), read_only=True),
                        base_url="http://127.0.0.1:8765")  # fmt: skip
    page = client.get("/fitness", headers={"accept": "text/html"}).text
    assert 'id="vdot-range"' in page and "less detraining" in page
    assert client.get("/api/fitness").json()["athlete"]["vdot_range"]["high"] > 50


def test_races_found_in_any_language_and_the_jog_is_not(real_db: Path, real_dir: Path) -> None:
    items = _cli(real_db, "--today", "2025-01-01", "activities", "--json")
    for name in ("Led's Night Run", "Spar Maraton Váltó", "Szilveszteri futógála"):
        a = _by_name(items, name)
        assert a["is_race"] and a["session_type"] == "race", name
    jog = _by_name(items, "Going to the race")
    assert not jog["is_race"] and jog["session_type"] != "race"
    # manual = a row of activities.csv without a file (issue 13, part B): no streams
    manual = [a for a in items if a["manual"]]
    assert not jog["manual"] and not _by_name(items, "Led's")["manual"]
    # ... exactly the rows of activities.csv up to that day whose file is not in the export
    folder = real_dir / "strava_export" / "slalom007"
    rows = parse_strava_rows((folder / "activities.csv").read_text(encoding="utf-8-sig"))
    fileless = [
        r
        for r in rows
        if r.start_time is not None
        and r.start_time.date() <= date(2025, 1, 1)
        and (r.filename is None or not (folder / r.filename).is_file())
    ]
    assert len(manual) == len(fileless)
    shown = _cli(real_db, "--today", "2025-01-01", "show", str(jog["id"]), "--json")
    assert shown["race"]["is_race"] is False and shown["race"]["evidence"]


def test_the_runners_mark_wins_and_is_kept(own_db: Path) -> None:
    items = _cli(own_db, "activities", "--json")
    jog = _by_name(items, "Going to the race")
    led = _by_name(items, "Led's Night Run")
    assert _cli(own_db, "race", str(jog["id"]), "--json")["is_race"] is True
    assert _cli(own_db, "race", str(led["id"]), "--not", "--json")["is_race"] is False
    again = {a["id"]: a for a in _cli(own_db, "activities", "--json")}
    assert again[jog["id"]]["is_race"] and not again[led["id"]]["is_race"]


def _easy_by_the_data(db: Path, today: date) -> set[int]:
    """Runs with nothing fast in them: no km split and no minute within 10% of the
    runner's threshold speed (an independent reading of 'easy', not the classifier's)."""
    from deliberun.services.athlete import threshold_estimates
    from deliberun.store import athlete_repo

    d = Database(str(db))
    t_speed = (
        1000.0 / threshold_estimates(d, today=today, save=False)["threshold_pace_s_per_km"]["value"]
    )
    out = set()
    with d.session() as s:
        pairs = athlete_repo.activities_with_metrics(s, until=today)
    for row, m in pairs:
        if not (row.sport or "").startswith("run"):
            continue
        splits = [sp["pace_s_per_km"] for sp in m.get("splits_km") or [] if sp.get("pace_s_per_km")]
        minute = (m.get("mean_max_speed") or {}).get("60")
        if splits and minute and min(1000.0 / p for p in splits) < 0.85 * t_speed:
            if minute < 0.9 * t_speed:
                out.add(int(row.id))
    return out


def test_no_easy_run_is_a_failed_interval_session(real_db: Path) -> None:
    from deliberun.practice.session import QUALITY_TYPES
    from deliberun.services.practice_sessions import build_sessions

    today = date(2025, 9, 21)
    easy = _easy_by_the_data(real_db, today)
    assert len(easy) >= 20
    sessions = build_sessions(Database(str(real_db)), today=today, since=date(2024, 6, 1))
    wrong = [
        (s.activity_id, s.workout_type, s.failure_reasons())
        for s in sessions
        if s.activity_id in easy and s.workout_type in QUALITY_TYPES and s.failure_reasons()
    ]
    assert wrong == []
    # the easy 8 km at 5:33/km of 2025-02-23 ("pace missed by 26.7%" before)
    (s,) = [x for x in sessions if x.local_date == date(2025, 2, 23)]
    assert s.workout_type not in QUALITY_TYPES


def test_threshold_pace_never_from_an_effort_under_ten_minutes(real_db: Path) -> None:
    from deliberun.services.practice_sessions import build_sessions
    from deliberun.store import athlete_repo

    d = Database(str(real_db))
    sessions = build_sessions(d, today=date(2025, 9, 21), since=date(2024, 6, 1))
    with d.session() as s:
        ten_min = {
            int(r.id): (m.get("mean_max_speed") or {}).get("600")
            for r, m in athlete_repo.activities_with_metrics(s, keys=("mean_max_speed",))
        }
    measured = [x for x in sessions if x.metrics.get("threshold_pace_s_per_km")]
    assert measured, "no tempo session measured at all"
    for x in measured:
        speed = 1000.0 / x.metrics["threshold_pace_s_per_km"]
        best_10 = ten_min.get(x.activity_id)
        # an effort of 10 min or more is never faster than the run's best 10 minutes
        assert best_10 is not None and speed <= best_10 * 1.001, x.activity_id


def test_shown_metrics_follow_the_thresholds(own_db: Path) -> None:
    _cli(own_db, "athlete", "--json")  # estimates, then recomputes what they change
    led = _by_name(_cli(own_db, "activities", "--json"), "Led's Night Run")
    used = _cli(own_db, "show", str(led["id"]), "--json")["metrics"]["thresholds_used"]
    est = _cli(own_db, "athlete", "--json")["thresholds"]
    assert used["hr_max_bpm"]["value"] == pytest.approx(est["hr_max_bpm"]["value"])
    assert used["hr_max_bpm"]["source"] == "estimate"
    # max HR from a sustained 30 s, not a 2-s spike (the file's max reads 200)
    assert est["hr_max_bpm"]["value"] < 197
    out = _cli(own_db, "athlete", "set", "hr_max_bpm", "193", "--json")
    assert out["recomputed"]["recomputed"] > 100
    used = _cli(own_db, "show", str(led["id"]), "--json")["metrics"]["thresholds_used"]
    assert used["hr_max_bpm"] == {"value": 193.0, "source": "settings"}


def test_real_interval_sessions_are_clearly_workouts_and_easy_runs_are_not(
    real_db: Path,
) -> None:
    # the runner's watch marks every lap "active": recoveries are the slower laps between
    from deliberun.practice.execution import unplanned_workout_reps, work_reps
    from deliberun.store import athlete_repo

    today = date(2025, 9, 21)
    easy = _easy_by_the_data(real_db, today)
    with Database(str(real_db)).session() as s:
        pairs = athlete_repo.activities_with_metrics(s, until=today, keys=("laps", "intervals"))

    def verdict(row: Any, m: dict[str, Any]) -> bool:
        avg = 1000.0 * row.moving_time_s / row.distance_m if row.distance_m else None
        return unplanned_workout_reps(m, avg) is not None

    by_day = {(str(r.local_date), r.name): (r, m) for r, m in pairs}
    # 7 x 2 min at ~3:45/km, 90 s rests; 10 x 3 min with 60 s; 5 x 75 s then 4 x 50 s
    for key, n_reps in (
        (("2025-02-08", "fueled by swiss chocolate"), 7),
        (("2025-08-19", "Afternoon Run"), 10),
        (("2025-01-03", "Syma résztáv"), 4),
    ):
        row, m = by_day[key]
        assert verdict(row, m), key
        assert len(work_reps(m).paces_s_per_km) == n_reps, key
    # laps that do not follow the reps (1 km auto-laps, a fast last lap, a stray 0.3 s
    # lap): the reps found in the speed stream; a 6-5-4-3-2-1 min ladder
    for key, n_reps in (
        (("2024-12-17", "Evening Run"), 6),
        (("2024-12-20", "Lunch Run"), 9),
        (("2024-07-23", "Evening Run"), 13),
        (("2024-12-26", "Xmas pace"), 6),
        (("2025-07-24", "Morning Run"), 7),
    ):
        row, m = by_day[key]
        avg = 1000.0 * row.moving_time_s / row.distance_m
        found = unplanned_workout_reps(m, avg)
        assert found is not None and len(found.paces_s_per_km) == n_reps, key
    # every run with nothing fast in it stays rejected (pace noise is not a workout)
    wrongly = [int(r.id) for r, m in pairs if int(r.id) in easy and verdict(r, m)]
    assert len(easy) >= 20 and wrongly == []


def test_a_placebo_across_the_break_claims_nothing(own_db: Path) -> None:
    # nothing changed on 2025-05-14, the day after the runner's 49-day break: the
    # break sits next to the "change", so no verdict, and no promise that more sessions
    # would give one (the planned sessions are in)
    _cli(own_db, "--today", "2025-09-21", "experiment", "create", "placebo", "--change",
         "nothing", "--metric", "avg_pace_s_per_km", "--assignment", "before_after",
         "--change-date", "2025-05-14", "--start", "2025-01-15")  # fmt: skip
    for day in ("2025-07-15", "2025-09-30"):
        shown = _cli(own_db, "--today", day, "experiment", "show", "placebo", "--json")
        assert shown["verdict"] == "withheld", shown
        assert any("break of 48 days" in w for w in shown["warnings"]), shown["warnings"]
        said = _cli(own_db, "--today", day, "experiment", "show", "placebo").splitlines()[0]
        assert "no verdict, see the warnings" in said and "more sessions" not in said, said


def test_the_first_run_back_from_the_break_is_no_over_reach(real_db: Path) -> None:
    # 2025-05-13: 4.2 km after 49 days without running; the advice says "return", and the
    # comfort section does not call the jog an over-reach (its ACWR of 1.99 divides by a
    # chronic load of swims and rides)
    review = _cli(real_db, "--today", "2025-05-14", "review")
    assert "Return: back from a 49-day break" in review, review
    assert "over-reach" not in review, review


# --------------------------------------------------------------------------- no recent race
#: The 1st of every month the history spans with a race behind it, as of which the VDOT
#: of the day is checked (issue 13, "the VDOT when no race is recent").
MONTHS = [date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(7, 23)]


def test_vdot_without_a_recent_race_follows_the_detraining_rule(real_db: Path) -> None:
    from deliberun.models.detraining import time_off_factor
    from deliberun.services.athlete import vdot_days

    db = Database(str(real_db))
    first = vdot_days(db, today=date(2025, 1, 15), days=[date(2025, 1, 15)])[date(2025, 1, 15)]
    assert first is not None and first.race is not None
    race = first.race.vdot  # 2024-12-31, about 50.3
    for d in MONTHS:
        v = vdot_days(db, today=d, days=[d])[d]
        assert v is not None and v.low <= v.vdot <= v.high, d
        # never dragged down to the training efforts (0.74-0.75 of the race, ~40)
        if d >= date(2025, 1, 1):
            assert v.vdot > race - 3.5, (d, v.vdot, v.words)
    # while the runner trains (Jan - Mar 2025: no break over 7 days), it barely moves
    for d in (date(2025, 2, 1), date(2025, 3, 1), date(2025, 3, 24)):
        v = vdot_days(db, today=d, days=[d])[d]
        assert v is not None and v.vdot >= v.race.vdot - 0.2, (d, v.vdot, v.words)
    # the first run after the 7-week break (2025-03-25 -> 2025-05-13, 48 days without a
    # run, cycling and swimming): Daniels' FVDOT-2 for 48 days, 0.935
    back = date(2025, 5, 13)
    v = vdot_days(db, today=back, days=[back])[back]
    assert v is not None and v.race is not None and v.race.day == date(2024, 12, 31)
    assert v.vdot / v.race.vdot == pytest.approx(time_off_factor(48, True), abs=0.004)
    assert "7 weeks" in v.words and "cross-training" in v.words, v.words
    assert v.low < v.vdot < v.high
    # ... and it comes back as the runner trains again
    later = date(2025, 7, 1)
    assert vdot_days(db, today=later, days=[later])[later].vdot > v.vdot + 2.0


def test_no_easy_run_counts_minutes_at_threshold(real_db: Path) -> None:
    from deliberun.services.practice_sessions import build_sessions

    db = Database(str(real_db))
    for d in (date(2025, 7, 15), date(2025, 10, 1)):
        sessions = build_sessions(db, today=d, since=d - timedelta(days=84))
        easy = [s for s in sessions if s.workout_type == "easy"]
        at_t = {s.activity_id: s.metrics.get("time_at_t_pace_s") for s in easy}
        assert easy and not any(at_t.values()), (d, at_t)
    review = _cli(real_db, "--today", "2025-07-15", "review")
    assert "over-reach (time at threshold" not in review, review


def test_a_look_back_writes_nothing(own_db: Path) -> None:
    import sqlite3

    def counts() -> tuple[int, int]:
        with sqlite3.connect(own_db) as c:
            est = c.execute("select count(*) from threshold_estimates").fetchone()[0]
            met = c.execute("select count(*), max(computed_at) from metrics").fetchone()
            return est, hash(met)

    before = counts()
    out = _cli(own_db, "--today", "2024-11-01", "athlete", "--json")
    assert out["recomputed"]["recomputed"] == 0 and out["t_pace_source"] in ("threshold", "vdot")
    assert counts() == before


@pytest.mark.parametrize("day", [date(2024, 11, 1), date(2025, 5, 20), date(2025, 9, 1)])
def test_vdot_of_a_day_uses_only_data_up_to_it(real_db: Path, tmp_path: Path, day: date) -> None:
    import sqlite3

    cut = tmp_path / "cut.db"
    shutil.copy(real_db, cut)
    with sqlite3.connect(cut) as c:
        c.execute("pragma foreign_keys = on")
        c.execute("delete from activities where local_date > ?", (day.isoformat(),))
        assert c.execute("select max(local_date) from activities").fetchone()[0] <= str(day)
    full = _cli(real_db, "--today", day.isoformat(), "predict", "--json")
    short = _cli(cut, "--today", day.isoformat(), "predict", "--json")
    assert full["vdot"] == short["vdot"] and full["vdot_range"] == short["vdot_range"]
    assert full["vdot_rests_on"] == short["vdot_rests_on"]


def test_a_planned_session_grades_no_pick_up_after_its_reps(real_db: Path) -> None:
    # 2024-07-23: 12 x 200 m, then a jog and a 210 m pick-up at 2:38/km that the speed
    # stream also shows as "reps" (the laps do not follow the reps). Read against a plan
    # of 12 x 200 m, the 12 reps are graded, not the jog nor the pick-up after them.
    from deliberun.practice.execution import detected_reps, planned_work
    from deliberun.store import athlete_repo

    with Database(str(real_db)).session() as s:
        pairs = athlete_repo.activities_with_metrics(
            s, until=date(2024, 7, 24), keys=("laps", "intervals")
        )
    ((_, m),) = [  # the day's other run is easy (no reps)
        (r, m)
        for r, m in pairs
        if str(r.local_date) == "2024-07-23" and detected_reps(m).source != "none"
    ]
    plan = [{"kind": "repeat", "reps": 12, "steps": [
        {"kind": "work", "distance_m": 200.0, "target": {"kind": "zone", "zone": "R"}},
        {"kind": "recovery", "distance_m": 200.0, "target": None}]}]  # fmt: skip
    steps = planned_work(plan)
    everything = detected_reps(m)
    assert len(everything.paces_s_per_km) == 14 and min(everything.raw_paces_s_per_km) < 165
    graded = detected_reps(m, 12, steps)
    assert graded.raw_paces_s_per_km == everything.raw_paces_s_per_km[:12]
    assert all(195 <= p <= 230 for p in graded.raw_paces_s_per_km)
    assert len(graded.rests_s) == 11


def test_a_rep_split_by_a_dip_is_read_as_one_against_the_plan(real_db: Path) -> None:
    # 2024-06-18: 1000 m + 3 x 800 m with ~150 s jogs; the speed stream splits the second
    # and fourth reps at a 10-11 s dip (597 m + 161 m, 605 m + 153 m). Read against that
    # plan the four reps are graded (the pieces joined); the old reading graded the two
    # pieces of the second rep as two reps, a 10 s "recovery", and dropped the last rep.
    # The runner's real short recoveries are never joined, even against a plan of reps
    # twice as long: 40 s floats after 3 min reps (2024-08-27: 3 x 825 m) and 30 s after
    # 2.5 min (2024-12-12: 612, 712, 616 m).
    from deliberun.practice.execution import detected_reps, planned_work
    from deliberun.store import athlete_repo

    with Database(str(real_db)).session() as s:
        pairs = athlete_repo.activities_with_metrics(
            s, until=date(2024, 12, 13), keys=("laps", "intervals")
        )
    by_day = {str(r.local_date): m for r, m in pairs if m and detected_reps(m).source != "none"}
    m = by_day["2024-06-18"]

    def rep(distance_m: float) -> dict[str, Any]:
        return {"kind": "work", "distance_m": distance_m, "target": {"kind": "zone", "zone": "I"}}

    jog = {"kind": "recovery", "duration_s": 150.0, "target": None}
    plan = [rep(1000.0), jog, {"kind": "repeat", "reps": 3, "steps": [rep(800.0), jog]}]
    graded = detected_reps(m, 4, planned_work(plan))
    assert len(detected_reps(m).paces_s_per_km) == 7
    assert [round(d) for d in graded.durations_s] == [245, 184, 192, 187]
    assert all(240 <= p <= 247 for p in graded.raw_paces_s_per_km)
    assert len(graded.rests_s) == 3 and min(graded.rests_s) > 140
    for day, size in (("2024-08-27", 1650.0), ("2024-12-12", 1330.0)):
        read = detected_reps(by_day[day], 2, planned_work([rep(size), jog, rep(size)]))
        assert len(read.paces_s_per_km) == 2 and max(read.durations_s) < 200
