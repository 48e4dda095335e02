"""``deliberun import DIR`` reads ``DIR/plan.yaml`` (the plan followed), idempotently."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.plan.planned import Plan, PlannedDay
from deliberun.services import plan as svc
from deliberun.services.importer import import_paths
from deliberun.store.db import Database
from deliberun.store.tables_plan import PlannedWorkoutRow, PlanRow

RUN_FIT = "fit/fitparse__2013-02-06-12-11-14.fit"  # a real run of 2013-02-06 (MIT)
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def cli(db: Path | str, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args])


def counts(db: Database) -> tuple[int, int]:
    with db.session() as s:
        plans = s.scalar(select(func.count()).select_from(PlanRow))
        days = s.scalar(select(func.count()).select_from(PlannedWorkoutRow))
    return int(plans or 0), int(days or 0)


@pytest.fixture(scope="module")
def sim_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runnerfile") / "sim"
    res = CliRunner().invoke(
        app,
        ["simulate", "--scenario", "nemesis_fatigue", "--seed", "3", "--years", "0.16"]
        + ["--out", str(out), "--quiet"],
    )
    assert res.exit_code == 0, res.output
    return out


def test_import_twice_keeps_one_plan(sim_folder: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite"
    planned = yaml.safe_load((sim_folder / "plan.yaml").read_text())
    res = cli(db_path, "import", str(sim_folder), "--json", "--workers", "1")
    assert res.exit_code == 0, res.output
    first = json.loads(res.stdout)
    (entry,) = [f for f in first["runner_files"] if f["path"].endswith("plan.yaml")]
    assert entry["plan"] == "new" and entry["planned"] == len(planned)
    # compliance works right after the import: no separate 'plan import'
    res = cli(db_path, "plan", "compliance", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["workouts"]) == len(planned)
    assert sum(r["status"] == "done" for r in doc["workouts"]) == len(planned)
    shown = json.loads(cli(db_path, "plan", "show", "--json").stdout)
    assert shown["plan_id"] == entry["plan_id"]
    assert [(d["date"], d["text"]) for d in shown["days"]] == [
        (str(p["date"]), p["text"]) for p in planned
    ]
    # the same folder again: one plan, the same planned workouts
    res = cli(db_path, "import", str(sim_folder), "--json", "--workers", "1")
    assert res.exit_code == 0, res.output
    again = json.loads(res.stdout)
    (entry2,) = [f for f in again["runner_files"] if f["path"].endswith("plan.yaml")]
    assert entry2 == {**entry, "plan": "unchanged"}
    db = Database(db_path)
    assert counts(db) == (1, len(planned))
    db.dispose()
    shown2 = json.loads(cli(db_path, "plan", "show", "--json").stdout)
    assert shown2["days"] == shown["days"]


@pytest.fixture()
def run_folder(real_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(real_dir / RUN_FIT, folder / "run.fit")
    return folder


def write_plan(folder: Path, *texts: str, start: date = date(2013, 2, 6)) -> None:
    entries = [
        {"date": (start + timedelta(days=2 * i)).isoformat(), "text": t}
        for i, t in enumerate(texts)
    ]
    (folder / "plan.yaml").write_text(yaml.safe_dump(entries))


def test_a_changed_file_replaces_the_plan_it_made(run_folder: Path, db_path: Path) -> None:
    db = Database(db_path)
    write_plan(run_folder, "8km E", "2km E + 5x1km @I w/ 400m jog + 2km E")
    rep = import_paths(db, [run_folder], workers=1)
    assert rep.ok, rep.failed
    plan_id, plan = svc.current_plan(db)
    assert [d.workout_type for d in plan.days] == ["easy", "intervals"]  # inferred
    assert plan.params["source"]["file"] == str((run_folder / "plan.yaml").resolve())
    # the runner edits the file: the same plan (same id) now holds the new workouts
    write_plan(run_folder, "8km E", "3km E + race 10k + 2km E", "race half")
    rep = import_paths(db, [run_folder], workers=1)
    entry = next(f for f in rep.runner_files if f["path"].endswith("plan.yaml"))
    assert entry["plan"] == "updated" and entry["plan_id"] == plan_id
    assert counts(db) == (1, 3)
    _, plan = svc.current_plan(db)
    assert [d.workout_type for d in plan.days] == ["easy", "race", "race"]
    # the same bytes somewhere else are the same plan
    copy = run_folder.parent / "copy"
    copy.mkdir()
    shutil.copy(run_folder / "plan.yaml", copy / "plan.yaml")
    assert svc.import_file(db, copy / "plan.yaml", now=datetime.now(UTC)) == plan_id
    assert counts(db) == (1, 3)
    db.dispose()


def test_a_plan_typo_is_reported_and_the_runs_still_import(run_folder: Path, db_path: Path) -> None:
    write_plan(run_folder, "8km E", "6x800m @Q")
    db = Database(db_path)
    rep = import_paths(db, [run_folder], workers=1)
    assert len(rep.imported) == 1
    (failure,) = rep.failed
    assert failure["path"].endswith("plan.yaml")
    assert "entry 2" in failure["error"] and "character" in failure["error"]
    with pytest.raises(ValueError, match="no plan yet"):
        svc.current_plan(db)
    db.dispose()


def test_runner_files_off_leaves_the_plan_alone(run_folder: Path, db_path: Path) -> None:
    write_plan(run_folder, "8km E")
    db = Database(db_path)
    rep = import_paths(db, [run_folder], workers=1, runner_files=False)
    assert rep.ok and not rep.runner_files
    assert counts(db) == (0, 0)
    db.dispose()


@pytest.fixture(scope="module")
def sim_db(sim_folder: Path, tmp_path_factory: pytest.TempPathFactory):
    db = Database(tmp_path_factory.mktemp("simdb") / "db.sqlite")
    rep = import_paths(db, [sim_folder], workers=1)
    assert rep.ok, rep.failed
    yield db
    db.dispose()


def test_a_range_report_agrees_with_the_whole_report(sim_db: Database) -> None:
    _, plan = svc.current_plan(sim_db)
    end = plan.days[-1].date
    today = end + timedelta(days=1)
    whole = svc.compliance_report(sim_db, today=today)
    assert whole["since"] == plan.days[0].date.isoformat() and whole["until"] == end.isoformat()
    assert len(whole["workouts"]) == len(plan.days)
    # two whole weeks in the middle (Monday to Sunday)
    mid = plan.days[len(plan.days) // 2].date
    since = mid - timedelta(days=mid.weekday())
    until = since + timedelta(days=13)
    part = svc.compliance_report(sim_db, today=today, since=since, until=until)
    rows = [r for r in whole["workouts"] if since.isoformat() <= r["date"] <= until.isoformat()]
    assert rows and part["workouts"] == rows
    weeks = [w for w in whole["weeks"] if since.isoformat() <= w["week_start"] <= until.isoformat()]
    assert len(part["weeks"]) == 2 and part["weeks"] == weeks
    assert (part["since"], part["until"]) == (since.isoformat(), until.isoformat())
    assert part["vdot"] == whole["vdot"] and part["form"] == whole["form"]
    # a range that ends in the past reports nothing after it
    early = svc.compliance_report(sim_db, today=today, until=plan.days[3].date)
    assert [r["date"] for r in early["workouts"]] == [d.date.isoformat() for d in plan.days[:4]]
    with pytest.raises(ValueError, match="before it starts"):
        svc.compliance_report(sim_db, today=today, since=end, until=plan.days[0].date)


def test_proposals_look_back_from_today_whatever_the_range(sim_db: Database) -> None:
    _, plan = svc.current_plan(sim_db)
    # a day on which a planned hard session has no run: the day after the last session,
    # with a hard session planned then and an easy day after it
    end = plan.days[-1].date
    extra = [
        PlannedDay(end + timedelta(days=2), "tempo", "2km E + 20min @T + 2km E"),
        PlannedDay(end + timedelta(days=4), "easy", "6km E"),
    ]
    pid = svc.save_plan(sim_db, Plan(days=plan.days + extra, name="with a miss"), now=NOW)
    try:
        today = end + timedelta(days=3)
        full = svc.compliance_report(sim_db, today=today)
        old = svc.compliance_report(
            sim_db, today=today, since=plan.days[0].date, until=plan.days[6].date
        )
        assert full["proposals"] and old["proposals"] == full["proposals"]
        (p,) = full["proposals"]
        assert p["action"] == "move" and p["date"] == extra[0].date.isoformat()
        assert len(old["workouts"]) == 7 and full["workouts"][-1]["status"] == "missed"
    finally:
        with sim_db.session() as s, s.begin():
            s.delete(s.get(PlanRow, pid))


def test_cli_compliance_range_options(sim_db: Database) -> None:
    db_path = sim_db.url  # --db takes a path or a URL
    res = cli(db_path, "plan", "compliance", "--weeks", "2", "--since", "2026-01-01")
    assert res.exit_code == 2 and "not both" in res.output
    res = cli(db_path, "plan", "compliance", "--json", "--since", "2026-09-07")
    doc = json.loads(res.stdout)
    assert doc["since"] == "2026-09-07" and all(r["date"] >= "2026-09-07" for r in doc["workouts"])
    res = cli(db_path, "plan", "compliance", "--since", "2026-09-10", "--until", "2026-09-01")
    assert res.exit_code != 0 and "before it starts" in res.output


def _ids(db: Database) -> list[int]:
    from deliberun.store import repository as repo

    with db.session() as s:
        return [r.id for r in repo.list_activities(s)]


def test_remembered_vdot_follows_the_data(run_folder: Path, db_path: Path) -> None:
    from deliberun.store import settings_repo

    db = Database(db_path)
    today = date(2013, 2, 10)
    assert svc.current_vdot(db, today=today) == (svc.DEFAULT_VDOT, "default")
    with db.session() as s, s.begin():
        st = settings_repo.get_settings(s)
        st.threshold_pace_s_per_km = 240.0
        settings_repo.set_settings(s, st)
    v, source = svc.current_vdot(db, today=today)  # a new setting is seen at once
    assert source == "threshold pace setting" and v > 50
    import_paths(db, [run_folder / "run.fit"], workers=1)
    # the run is an interval session (10 reps): no VDOT evidence (models/vdot_evidence.py)
    assert svc.current_vdot(db, today=today)[1] == "threshold pace setting"
    from deliberun.services.races import mark_race

    (aid,) = _ids(db)
    mark_race(db, aid, True, today=today)  # the runner's mark is seen at once too
    v2, source = svc.current_vdot(db, today=today)
    assert source == "best recent effort" and v2 != v
    db.dispose()
