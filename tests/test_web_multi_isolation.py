"""Issue 16's proof for ``serve --multi``: every route, tried as the wrong user.

The routes are enumerated from the application itself (the login layer's own routes and
an athlete's dashboard behind it), so a route added later is tried too. For each one:

(a) without a login: a redirect to /login, or 401;
(b) logged in as another athlete, and (c) as a coach who does not coach the victim:
    401/403/404 (or a page of their own data), and never a marker string from the
    victim's data; a write leaves the victim's data as it was;
(d) every write, as the victim themselves, with a missing and with a wrong form token:
    403, nothing stored.

The victim's own login sees the marker (so the check could fail). The checks are
counted and the count must cover every route × scenario. Run on SQLite and on a
throwaway PostgreSQL cluster (``store_url``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from deliberun.practice.journal import JournalEntry
from deliberun.services import accounts
from deliberun.services.athletes import add_athlete
from deliberun.services.importer import import_paths
from deliberun.services.practice import list_journal, log_entry
from deliberun.store import accounts_repo
from deliberun.store.db import Database
from deliberun.store.repository import get_activity, list_activities
from deliberun.web.multi import create_multi_app

REAL = Path(__file__).parent / "data" / "real"
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)
NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)
TODAY = date(2021, 4, 20)
BASE = "http://127.0.0.1:8765"
ORIGIN = {"origin": BASE}
PASSWORD = "correct horse battery staple"
#: In the victim's activity name, journal and coach note: must never reach anyone else.
MARKER = "ANN-SECRET-7731"
#: The victim athlete's name: not shown to anyone else either (a group page would).
ANN = "ann7731x"
#: What the login layer serves to anyone (no data): the login form and static files.
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/static/plotly.min.js"),
          ("GET", "/static/{path}")}  # fmt: skip
#: Values of every write form's fields, whatever the route (unknown fields are ignored).
WRITE_FIELDS = {"rpe": "9", "notes": "ATTACK", "mark": "race", "workout": "1",
                "date": "2021-04-20", "text": "ATTACK", "athlete": ANN}  # fmt: skip


def routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route: the login layer's, then an athlete's dashboard's."""
    out: list[tuple[str, str]] = []

    def walk(rs: list[Any]) -> None:
        for r in rs:
            if isinstance(r, Mount) and r.name == "athlete":
                walk(app.state.athlete_apps.get(ANN).routes)
            elif isinstance(r, Mount):
                out.append(("GET", r.path + "/{path}"))
            elif isinstance(r, APIRoute | Route):
                out.extend((m, r.path) for m in sorted(r.methods or ()) if m != "HEAD")

    walk(app.routes)
    return sorted(set(out))


def fill(path: str, ids: dict[str, int]) -> str:
    """The path with the victim's ids (any other parameter: 1)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)


def token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no form token on {path}"
    return found.group(1)


def login(name: str, app: Any) -> TestClient:
    client = TestClient(app, base_url=BASE)
    r = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf_token": token(client)},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert r.status_code == 303, (name, r.status_code, r.text[:200])
    return client


@pytest.fixture()
def group(store_url: str) -> dict[str, Any]:
    """ann (the victim), bob and cleo; logins annu, bobu, coach1 (ann), coach2 (bob, cleo)."""
    db = Database(store_url)
    for name in (ANN, "bob", "cleo"):
        add_athlete(db, name, now=NOW)
    ann = db.for_athlete(ANN)
    mine = import_paths(ann, FILES[:3], workers=1, now=NOW).imported
    theirs = import_paths(db.for_athlete("bob"), FILES[3:6], workers=1, now=NOW).imported
    assert mine and theirs
    with ann.session() as s, s.begin():
        get_activity(s, mine[0]).name = f"Tempo {MARKER}"
        accounts_repo.add_note(s, day=TODAY, activity_id=mine[0], author_id=None,
                               author="coach1", text=f"note {MARKER}", now=NOW)  # fmt: skip
    log_entry(ann, JournalEntry(date=TODAY, activity_id=mine[0], rpe=6, notes=f"legs {MARKER}"))
    add = accounts.add_user
    add(db, "annu", PASSWORD, role="athlete", athlete=ANN, now=NOW)
    add(db, "bobu", PASSWORD, role="athlete", athlete="bob", now=NOW)
    add(db, "coach1", PASSWORD, role="coach", coaches=[ANN], now=NOW)
    add(db, "coach2", PASSWORD, role="coach", coaches=["bob", "cleo"], now=NOW)
    app = create_multi_app(store_url, today=TODAY, login_delay_s=0)
    return {"db": db, "app": app, "ids": {"activity_id": mine[0]}, "bob_activity": theirs[0]}


def ann_data(db: Database) -> str:
    """Everything of ann's that a write could change, as text."""
    ann = db.for_athlete(ANN)
    with ann.session() as s:
        notes = [n.text for n in accounts_repo.notes(s)]
        runs = [(a.id, a.name, a.race_mark) for a in list_activities(s)]
    return repr((list_journal(ann), notes, runs))


def test_every_route_refuses_the_wrong_user(group: dict[str, Any]) -> None:
    app, ids, db = group["app"], group["ids"], group["db"]
    found = routes(app)
    # the enumeration sees both layers: a change that hid one would fail here
    assert ("GET", "/api/activities/{activity_id}") in found and ("POST", "/notes") in found
    assert PUBLIC <= set(found)
    guarded = [r for r in found if r not in PUBLIC]
    writes = [r for r in found if r[0] != "GET"]
    checks: dict[str, set[tuple[str, str]]] = {k: set() for k in "abcd"}
    before = ann_data(db)
    assert MARKER in before

    # the victim's own login sees the marker: the absence checks below can fail
    own = login("annu", app)
    assert MARKER in own.get("/api/activities").text
    assert MARKER in own.get(f"/activities/{ids['activity_id']}").text
    assert MARKER in own.get("/api/notes").text

    # (a) no login
    anonymous = TestClient(app, base_url=BASE)
    anon_token = token(anonymous)  # a valid form token: what stops the write is the login
    for method, path in guarded:
        url = fill(path, ids)
        if method == "GET":
            r = anonymous.get(url, follow_redirects=False)
            assert r.status_code in (303, 401), (path, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"].startswith("/login"), path
        else:
            r = anonymous.post(url, data={**WRITE_FIELDS, "csrf_token": anon_token},
                               headers=ORIGIN, follow_redirects=False)  # fmt: skip
            assert r.status_code == 401, (path, r.status_code, r.text[:200])
        assert MARKER not in r.text and ANN not in r.text, path
        checks["a"].add((method, path))

    # (b) another athlete, (c) a coach of others
    for scenario, user in (("b", "bobu"), ("c", "coach2")):
        client = login(user, app)
        r = client.post("/athletes/choose", data={"athlete": ANN, "csrf_token": token(
            client, "/athletes")}, headers=ORIGIN, follow_redirects=False)  # fmt: skip
        assert r.status_code == 403, (user, r.status_code)
        for method, path in guarded:
            url = fill(path, ids)
            if method == "GET":
                r = client.get(url, follow_redirects=False)
                assert r.status_code in (200, 303, 401, 403, 404), (user, path, r.status_code)
                if "{activity_id}" in path:  # the victim's own object: never served
                    assert r.status_code in (403, 404), (user, path, r.status_code)
            else:
                r = client.post(url, data={**WRITE_FIELDS, "csrf_token": token(client, "/notes")},
                                headers=ORIGIN, follow_redirects=False)  # fmt: skip
                # 400: refused as bad input for their own data (no workout 1 of theirs)
                assert r.status_code in (303, 400, 401, 403, 404), (user, path, r.status_code)
                if path == "/logout":
                    client = login(user, app)
            assert MARKER not in r.text and ANN not in r.text, (user, path)
            checks[scenario].add((method, path))
    assert ann_data(db) == before, "a write by another user changed ann's data"

    # (d) every write as ann herself, without and with a wrong form token
    own = login("annu", app)
    for method, path in writes:
        for sent in ({}, {"csrf_token": "0" * 64}):
            r = own.post(fill(path, ids), data={**WRITE_FIELDS, **sent}, headers=ORIGIN,
                         follow_redirects=False)  # fmt: skip
            assert r.status_code == 403, (path, sent, r.status_code, r.text[:200])
            assert "form token" in r.text, path
        checks["d"].add((method, path))
    assert ann_data(db) == before, "a write without its token changed ann's data"

    covered = sum(len(v) for v in checks.values())
    assert checks["a"] == checks["b"] == checks["c"] == set(guarded)
    assert checks["d"] == set(writes)
    assert covered == 3 * len(guarded) + len(writes)
    assert len(guarded) >= 35 and len(writes) >= 7, (len(guarded), len(writes))


def test_a_coach_reads_their_athlete_and_writes_notes_only(group: dict[str, Any]) -> None:
    app, ids, db = group["app"], group["ids"], group["db"]
    coach = login("coach1", app)
    assert coach.get("/api/athletes").json()["athletes"] == [ANN]
    assert MARKER in coach.get("/api/activities").text  # their athlete's data
    before = ann_data(db)
    r = coach.post(f"/activities/{ids['activity_id']}/journal",
                   data={**WRITE_FIELDS, "csrf_token": token(coach, "/notes")}, headers=ORIGIN)  # fmt: skip
    assert r.status_code == 403 and "coach" in r.text
    assert ann_data(db) == before
    r = coach.post("/notes", data={"text": "easy week please", "date": "2021-04-19",
                                   "csrf_token": token(coach, "/notes")}, headers=ORIGIN,
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    athlete = login("annu", app)
    notes = athlete.get("/api/notes").json()["notes"]
    assert [(n["text"], n["date"]) for n in notes][-1] == ("easy week please", "2021-04-19")
    # a note on an activity is on that activity's page too (HTML and JSON twin)
    run = ids["activity_id"]
    r = coach.post("/notes", data={"text": "great pacing on the last rep", "activity": str(run),
                                   "csrf_token": token(coach, "/notes")}, headers=ORIGIN)  # fmt: skip
    assert r.status_code == 200  # followed the redirect to /notes
    shown = [n["text"] for n in athlete.get(f"/api/activities/{run}").json()["coach_notes"]]
    assert "great pacing on the last rep" in shown and len(shown) == 2
    assert 'id="coach-notes"' in athlete.get(f"/activities/{run}").text
    page = coach.get(f"/activities/{run}").text  # the coach's page hides the athlete's forms
    assert "the athlete keeps their journal" in page and f"/activities/{run}/race" not in page
    assert f"/activities/{run}/race" in athlete.get(f"/activities/{run}").text
    # the athlete edits their own journal (RPE) with the form's token
    r = athlete.post(f"/activities/{run}/journal", data={"rpe": "8", "notes": "felt strong",
                     "csrf_token": token(athlete, "/notes")}, headers=ORIGIN,
                     follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    entry = next(e for e in list_journal(db.for_athlete(ANN)) if e.get("activity_id") == run)
    assert entry["rpe"] == 8 and entry["notes"] == "felt strong"
    r = athlete.post("/notes", data={"text": "self-praise", "date": "2021-04-19",
                                     "csrf_token": token(athlete, "/notes")}, headers=ORIGIN)  # fmt: skip
    assert r.status_code == 403
    # a coach's note on another athlete's activity id is refused (the store scope)
    r = coach.post("/notes", data={"text": "x", "activity": str(group["bob_activity"]),
                                   "csrf_token": token(coach, "/notes")}, headers=ORIGIN)  # fmt: skip
    assert r.status_code == 404
    # the group page's rule: a coach gets their athletes, an athlete is refused
    from deliberun.errors import Forbidden
    from deliberun.services.access import group_athletes

    coach_viewer = accounts.authenticate(db, "coach2", PASSWORD)
    assert coach_viewer is not None and group_athletes(coach_viewer) == ["bob", "cleo"]
    athlete_viewer = accounts.authenticate(db, "annu", PASSWORD)
    assert athlete_viewer is not None
    with pytest.raises(Forbidden):
        group_athletes(athlete_viewer)
