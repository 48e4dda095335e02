"""Plans over time: the plan in force on each date, stable workout ids, calendar UIDs with
SEQUENCE, watch files each with a file_id of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from deliberun.plan.planned import Plan, PlannedDay
from deliberun.services import plan as svc
from deliberun.store.db import Database
from deliberun.store.settings_repo import get_settings, set_settings

NOW = datetime(2026, 3, 1, 8, tzinfo=UTC)


def _plan(start: date, weeks: int, name: str, text: str = "8km E") -> Plan:
    days = []
    for w in range(weeks):
        mon = start + timedelta(weeks=w)
        days += [
            PlannedDay(
                mon + timedelta(days=1), "intervals", "2km E + 5x1km @I w/ 2min rest + 2km E"
            ),
            PlannedDay(mon + timedelta(days=3), "easy", text),
            PlannedDay(mon + timedelta(days=6), "long", "18km E"),
        ]
    return Plan(days=days, name=name, params={"vdot": 50.0})


def _vevents(data: bytes) -> dict[str, dict[str, str]]:
    from icalendar import Calendar

    out = {}
    for ev in Calendar.from_ical(data).walk("VEVENT"):
        out[str(ev["uid"])] = {
            "seq": int(ev.get("sequence", 0)),
            "start": ev.decoded("dtstart").isoformat(),
            "text": str(ev.get("x-deliberun-text")),
            "desc": str(ev.get("description")),
            "modified": str(ev.get("last-modified").dt) if ev.get("last-modified") else "",
        }
    return out


def test_the_plan_in_force_on_each_date(db_path: Path) -> None:
    db = Database(db_path)
    svc.save_plan(db, _plan(date(2026, 2, 2), 6, "old", "8km E"), now=NOW)
    # a new plan from Monday 2026-03-02: the old one's earlier weeks stay as planned
    svc.save_plan(db, _plan(date(2026, 3, 2), 4, "new", "10km E"), now=NOW)
    past = svc.days_in_force(db, date(2026, 2, 9), date(2026, 2, 15))
    assert [d.text for d in past] == [
        "2km E + 5x1km @I w/ 2min rest + 2km E", "8km E", "18km E"
    ]  # fmt: skip
    coming = svc.days_in_force(db, date(2026, 3, 2), date(2026, 3, 8))
    assert [d.text for d in coming][1] == "10km E"  # the new plan from its first day
    rep = svc.compliance_report(
        db, today=date(2026, 3, 1), since=date(2026, 2, 9), until=date(2026, 2, 15)
    )
    assert [w["date"] for w in rep["workouts"]] == ["2026-02-10", "2026-02-12", "2026-02-15"]
    assert {w["status"] for w in rep["workouts"]} == {"missed"}  # no runs: planned, not "rest"
    db.dispose()


def test_move_refuses_conflicts_with_the_reason(db_path: Path) -> None:
    db = Database(db_path)
    plan = _plan(date(2026, 3, 2), 2, "p")
    plan.days.append(PlannedDay(date(2026, 3, 5), "recovery", "5km E"))  # two sessions
    svc.save_plan(db, plan, now=NOW)
    _, got = svc.current_plan(db)
    two = [d for d in got.days if d.date == date(2026, 3, 5)]
    assert len(two) == 2
    moved = svc.move_workout(db, two[1].id, date(2026, 3, 7), today=date(2026, 3, 1))
    after = svc.current_plan(db)[1].days
    assert [(d.date, d.text) for d in after if d.id == two[1].id] == [(date(2026, 3, 7), "5km E")]
    assert [d.text for d in after if d.date == date(2026, 3, 5)] == ["8km E"]  # the other stays
    assert moved.notes == "moved from 2026-03-05"
    with pytest.raises(ValueError, match="2026-03-08 already has a session"):
        svc.move_workout(db, two[0].id, date(2026, 3, 8), today=date(2026, 3, 1))
    with pytest.raises(ValueError, match="is in the past"):
        svc.move_workout(db, two[0].id, date(2026, 2, 27), today=date(2026, 3, 1))
    with pytest.raises(ValueError, match="before the plan starts"):
        svc.move_workout(db, two[0].id, date(2026, 3, 1), today=date(2026, 2, 20))
    db.dispose()


def test_ics_uids_stay_and_sequence_rises_on_edit(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    svc.save_plan(db, _plan(date(2026, 3, 2), 4, "p"), now=NOW)
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    svc.export(db, today=date(2026, 3, 1), ics=first, now=NOW)
    _, plan = svc.current_plan(db)
    edited = plan.days[4]
    svc.move_workout(db, edited.id, edited.date + timedelta(days=1), today=date(2026, 3, 1))
    svc.edit(db, "replace", plan.days[7].date, "12km E")
    svc.export(db, today=date(2026, 3, 1), ics=second, now=NOW + timedelta(hours=2))
    a, b = _vevents(first.read_bytes()), _vevents(second.read_bytes())
    assert set(a) == set(b) and len(a) == 12  # every workout keeps its UID
    changed = {u for u in a if a[u] != b[u]}
    assert len(changed) == 2
    for u in changed:
        assert b[u]["seq"] == a[u]["seq"] + 1 == 1 and b[u]["modified"] > a[u]["modified"]
    assert all(b[u]["seq"] == 0 for u in set(a) - changed)
    db.dispose()


def test_ics_paces_in_the_runners_units(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    with db.session() as s, s.begin():
        st = get_settings(s)
        st.units = "imperial"
        set_settings(s, st)
    svc.save_plan(db, _plan(date(2026, 3, 2), 1, "p"), now=NOW)
    out = tmp_path / "p.ics"
    svc.export(db, today=date(2026, 3, 1), ics=out, now=NOW)
    text = out.read_text()
    assert "/mi)" in text and "/km)" not in text
    db.dispose()


def test_fit_exports_have_unique_file_ids_and_decode_twice(db_path: Path, tmp_path: Path) -> None:
    import fitdecode
    import fitfast

    db = Database(db_path)
    svc.save_plan(db, _plan(date(2026, 3, 2), 4, "p"), now=NOW)
    paths = svc.export(db, today=date(2026, 3, 1), fit_dir=tmp_path / "fit", now=NOW)
    assert len(paths) == 12
    ids, rests = set(), 0
    for p in paths:
        with fitdecode.FitReader(p) as fit:
            msgs = [f for f in fit if isinstance(f, fitdecode.FitDataMessage)]
        fid = next(m for m in msgs if m.name == "file_id")
        created = fid.get_value("time_created")
        assert created.year == 2026  # a real creation time, not 2000-01-01
        ids.add((fid.get_value("serial_number"), created))
        steps = [m for m in msgs if m.name == "workout_step"]
        rests += sum(1 for m in steps if m.get_value("intensity", fallback=None) == "rest")
        # the second, independent decoder (Rust) reads the same file
        parsed = fitfast.parse(p)
        assert parsed["file_id"][0]["serial_number"] == fid.get_value("serial_number")
        assert len(parsed["workout_step"]) == len(steps)
    assert len(ids) == 12  # each file its own file_id
    assert rests == 4  # "2min rest" is written as rest, once per interval session
    db.dispose()
