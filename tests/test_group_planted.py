"""The group view finds what was planted in a simulated group, on SQLite and PostgreSQL.

Three simulated runners (``sim.plant``): one skipped two weeks of key sessions, one rated
easy runs 10 of 10 and runs an experiment, one stopped sending data 10 days ago. Each
plant must show in that runner's line, with its evidence, and nowhere else: the
runners without it are the null (their simulated RPE follows the data, nothing skipped).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from typing import Any

import pytest

from deliberun.plan.workout import HARD_TYPES
from deliberun.practice.attention import KEY_SESSION_DAYS, RPE_DAYS
from deliberun.services.athletes import add_athlete
from deliberun.services.group import group
from deliberun.services.importer import import_paths
from deliberun.sim import plant
from deliberun.sim.output import write_simulation
from deliberun.sim.simulation import Simulation
from deliberun.store.db import Database

YEARS = 0.25
RUNNERS = {"kay": ("nemesis_fatigue", 3), "lou": ("null_experiment", 4), "max": ("marathon", 5)}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("group")
    out: dict[str, Any] = {}
    for name, (scenario, seed) in RUNNERS.items():
        sim = Simulation(scenario, seed, years=YEARS)
        write_simulation(sim, root / name)
        out[name] = {"folder": root / name, "end": sim.end}
    end = out["kay"]["end"]
    assert all(v["end"] == end for v in out.values())  # one as-of date for the group
    first = end - timedelta(days=KEY_SESSION_DAYS - 1)
    out["kay"]["missed"] = plant.drop_sessions(
        root / "kay",
        lambda s: s["workout_type"] in HARD_TYPES and date.fromisoformat(s["date"]) >= first,
    )
    out["lou"]["rated"] = plant.rate_against_the_data(
        root / "lou", end - timedelta(days=RPE_DAYS - 1)
    )
    out["max"]["dropped"] = plant.drop_sessions(
        root / "max", lambda s: date.fromisoformat(s["date"]) > end - timedelta(days=10)
    )
    yield out
    shutil.rmtree(root, ignore_errors=True)


def test_each_plant_shows_in_its_runners_line_only(store_url: str, folders: dict[str, Any]) -> None:
    db = Database(store_url)
    for name in RUNNERS:
        add_athlete(db, name, now=_now())
        report = import_paths(db.for_athlete(name), [folders[name]["folder"]], workers=1)
        assert report.imported and not report.failed
    end = folders["kay"]["end"]
    doc = group(db, today=end, names=list(RUNNERS))
    lines = {a["name"]: a for a in doc["athletes"]}
    kinds = {n: {f["kind"] for f in a["flags"]} for n, a in lines.items()}
    assert set(lines) == set(RUNNERS)  # "me" was not asked for

    missed = sorted(s["date"] for s in folders["kay"]["missed"])
    assert missed, "the simulation planned no key session in the last two weeks"
    assert sorted(m["date"] for m in lines["kay"]["missed_key_sessions"]) == missed
    assert "missed_key" in kinds["kay"] and "missed_key" not in kinds["lou"]
    said = next(f["words"] for f in lines["kay"]["flags"] if f["kind"] == "missed_key")
    assert f"missed {len(missed)} planned key session" in said and missed[0] in said

    rated = {s["date"] for s in folders["lou"]["rated"]}
    found = {m["words"][:10] for m in lines["lou"]["rpe_mismatches"]}
    assert rated and rated <= found  # every easy run rated 10 is named
    assert "rated RPE 10" in lines["lou"]["rpe_mismatches"][0]["words"]
    assert not lines["kay"]["rpe_mismatches"]  # null: the simulator's own ratings agree
    (exp,) = lines["lou"]["experiments"]
    assert exp["id"] == "espresso" and exp["state"] in ("interim", "final")
    assert exp["words"].startswith("Experiment 'espresso'")

    assert lines["max"]["days_since_data"] == 10 and "silent" in kinds["max"]
    assert lines["max"]["last_run"] == (end - timedelta(days=10)).isoformat()
    assert doc["athletes"][0]["name"] == "max"  # ten days without data: the first look
    for a in doc["athletes"]:  # a load line with its advice in words for everyone
        assert a["advice"] in ("push", "hold", "back_off", "return")
        assert a["advice_words"]
    for name in RUNNERS:
        _line_is_what_each_use_case_says(db.for_athlete(name), lines[name], end)
    db.dispose()


def _line_is_what_each_use_case_says(db: Database, line: dict[str, Any], end: date) -> None:
    """The group line (one session build, one shared history per athlete) says what the
    use cases say on their own: the year's sessions built alone, each experiment as
    ``show_experiment`` judges it (its own build when the year does not reach back to its
    first day), the nemeses of the year, and the VDOT the plan's compliance reads."""
    from deliberun.practice import review as rv
    from deliberun.services import athlete
    from deliberun.services.practice import (
        EXPERIMENT_LEAD_DAYS,
        NEMESIS_DAYS,
        list_experiments,
        nemeses,
        show_experiment,
    )
    from deliberun.services.practice_sessions import build_sessions, load_state_on

    year = build_sessions(db, today=end, since=end - timedelta(days=NEMESIS_DAYS))
    older = build_sessions(db, today=end, since=end - timedelta(days=NEMESIS_DAYS + 200))
    assert [repr(x) for x in older if x.local_date >= year[0].local_date] == [
        repr(x) for x in year
    ]  # a session does not depend on how far back the build starts
    said = {e["id"]: e for e in line["experiments"]}
    for spec in list_experiments(db):
        if spec.status != "running":
            continue
        start = spec.start or spec.change_date
        reach = (
            start is not None and start - timedelta(days=EXPERIMENT_LEAD_DAYS) >= year[0].local_date
        )
        res = show_experiment(db, spec.id, today=end, sessions=year if reach else None)
        got = said.pop(spec.id)
        assert (got["words"], got["verdict"], got["interim"]) == (
            res.sentence(),
            res.verdict,
            res.interim,
        )
        assert got["sessions"] == len(res.sessions_a) + len(res.sessions_b)
    assert not said  # no experiment the service does not hold as running
    found = [
        (n.workout_type, n.failures, n.attempts) for n in nemeses(db, today=end, sessions=year)
    ]
    assert [(n["workout_type"], n["failures"], n["attempts"]) for n in line["nemeses"]] == found
    advice, sentence = rv.load_advice(
        year,
        end,
        state=load_state_on(db, end),
        last_run=athlete.last_run_day(db, today=end),
        run_days=athlete.run_days(db, today=end),
    )
    assert (line["advice"], line["advice_words"]) == (advice, sentence.text)
    assert athlete.prediction_vdot(db, today=end) == athlete.predictions(db, today=end)["vdot"]


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
