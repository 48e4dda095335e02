"""Sync from Strava, against the local stand-in filled with real runs (slalom007 export).

The stand-in (``deliberun.strava.standin``) speaks Strava API v3 shapes on 127.0.0.1; the
runs it serves are the export's own files, so a synced run can be compared with the
same file imported directly.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time

import httpx
import pytest

from conftest import REAL
from deliberun.services import strava_connect as sc
from deliberun.services import strava_sync as sv
from deliberun.services.activities import list_activities, show_activity
from deliberun.services.importer import import_paths
from deliberun.store.db import Database
from deliberun.strava.client import StravaClient
from deliberun.strava.config import StravaConfig
from deliberun.strava.standin import StandinServer
from deliberun.strava.standin_data import from_strava_export
from strava_helpers import env_for, fresh_state, get_code, make_export

pytestmark = pytest.mark.corpus

EXPORT = REAL / "strava_export" / "slalom007"
N_RUNS = 6


@pytest.fixture(scope="module")
def runs():
    if not (EXPORT / "activities.csv").is_file():
        pytest.skip(f"real Strava export not found at {EXPORT} (set DELIBERUN_SHARED)")
    return from_strava_export(EXPORT, limit=N_RUNS)


@pytest.fixture()
def connect(tmp_path, monkeypatch):
    """Start a stand-in over the given runs and connect deliberun to it."""
    servers = []

    def start(acts, **kw):
        st = fresh_state(acts, **kw)
        srv = StandinServer(st).__enter__()
        servers.append(srv)
        for k, v in env_for(srv, tmp_path / "tokens.json").items():
            monkeypatch.setenv(k, v)
        sc.connect_with_code(get_code(srv))
        return srv

    yield start
    for srv in servers:
        srv.__exit__(None, None, None)


def _by_start(db: Database) -> dict[str, dict]:
    return {a["start_time"]: a for a in list_activities(db)}


def test_first_sync_gives_the_same_runs_as_importing_the_files(runs, connect, tmp_path):
    srv = connect(runs)
    db = Database(tmp_path / "sync.db")
    rep = sv.sync(db)
    assert len(rep.new) == N_RUNS and not rep.failed and rep.stopped is None
    # one list page, then a detail and a streams request per run
    assert rep.requests == 1 + 2 * N_RUNS
    direct = Database(tmp_path / "direct.db")
    ir = import_paths(direct, [make_export(EXPORT, runs, tmp_path / "export")], workers=1)
    assert len(ir.imported) == N_RUNS
    synced, imported = _by_start(db), _by_start(direct)
    assert synced.keys() == imported.keys()
    for start, a in synced.items():
        b = imported[start]
        # a file's stored totals are the ones its device wrote (metrics/device_totals.py);
        # the API carries no device totals: a synced run's are ours, from its streams, so
        # they are compared with ours from the file
        b = {**b, **show_activity(direct, b["id"])["metrics"]["totals"]["computed"]}
        assert a["distance_m"] == pytest.approx(b["distance_m"], abs=0.01)
        assert a["elapsed_time_s"] == pytest.approx(b["elapsed_time_s"], abs=0.5)
        # Strava's streams carry no timer events: pauses come from gaps in the time stream
        # (a 1-s timer pause without a gap is missed; a 2-s standing gap counts): <= 2 s
        # apart on these runs
        assert a["timer_time_s"] == pytest.approx(b["timer_time_s"], abs=2.5)
        assert a["moving_time_s"] == pytest.approx(b["moving_time_s"], abs=1.5)
        assert a["avg_hr_bpm"] == pytest.approx(b["avg_hr_bpm"], abs=0.1)
        assert a["max_hr_bpm"] == b["max_hr_bpm"]
        assert a["avg_cadence_spm"] == pytest.approx(b["avg_cadence_spm"], abs=0.1)
        assert a["ascent_m"] == pytest.approx(b["ascent_m"], abs=0.5)
        assert a["name"] == b["name"] and a["extra"]["strava_id"] == b["extra"]["strava_id"]
        assert a["extra"].get("gear") == b["extra"].get("gear")
        ma = show_activity(db, a["id"])["metrics"]
        mb = show_activity(direct, b["id"])["metrics"]
        if mb["training_load"] is None:
            assert ma["training_load"] is None
        else:
            assert ma["training_load"] == pytest.approx(mb["training_load"], rel=0.005)
        assert [s["distance_m"] for s in ma["splits_km"]] == [
            s["distance_m"] for s in mb["splits_km"]
        ]
        assert len(ma["laps"]) == len(mb["laps"])
    assert srv.state.counts.get("streams") == N_RUNS
    # the kept original (the API's JSON) reads back: recompute --reparse works on synced runs
    from deliberun.services.activities import recompute

    rr = recompute(db, reparse=True, workers=1)
    assert rr.failed == [] and len(rr.recomputed) == N_RUNS
    after = _by_start(db)
    for k, v in synced.items():
        assert (after[k]["distance_m"], after[k]["name"]) == (v["distance_m"], v["name"])
        assert after[k]["extra"]["strava_id"] == v["extra"]["strava_id"]


def test_incremental_sync_fetches_only_new_runs(runs, connect, tmp_path, monkeypatch):
    monkeypatch.setattr(sv, "PER_PAGE", 3)  # several list pages
    srv = connect(runs[:4])
    db = Database(tmp_path / "sync.db")
    assert len(sv.sync(db).new) == 4
    assert srv.state.counts["list"] == 2  # 3 + 1
    streams = srv.state.counts["streams"]
    again = sv.sync(db)
    # the 4 runs are inside the 30-day recheck window: 2 list pages + one detail each
    assert (len(again.new), len(again.updated), len(again.skipped)) == (0, 0, 4)
    assert again.requests == 2 + 4
    # no recheck: only what is after the newest stored run, one (empty) page
    assert sv.sync(db, recheck_days=0).requests == 1
    assert srv.state.counts["streams"] == streams  # nothing known is fetched twice
    srv.state.add(runs[4:])
    more = sv.sync(db, recheck_days=0)
    assert [d["strava_id"] for d in more.new] == [str(a.id) for a in runs[4:]]
    # the 2 new runs on one page, then a detail and a streams request each
    assert more.requests == 1 + 2 * (N_RUNS - 4)
    assert len(list_activities(db)) == N_RUNS
    assert srv.state.counts["streams"] == streams + 2


def test_expired_token_is_refreshed_before_use_and_after_401(runs, connect, tmp_path):
    srv = connect(runs[:2])
    store = sc.token_store()
    tok = store.load()
    store.save(tok.model_copy(update={"expires_at": int(time.time()) - 10}))
    db = Database(tmp_path / "sync.db")
    rep = sv.sync(db)
    assert len(rep.new) == 2
    assert srv.state.counts.get("refresh") == 1
    new = store.load()
    assert new.access_token != tok.access_token and new.expires_at > time.time() + 3600
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    # revoked early on the server: the client sees 401, refreshes once and goes on
    httpx.post(f"{srv.url}/_standin/expire-tokens")
    # the refused list request and its retry (no recheck: nothing else to ask)
    assert sv.sync(db, recheck_days=0).requests == 2
    assert srv.state.counts.get("refresh") == 2


def test_429_waits_for_the_window_and_finishes(runs, connect, tmp_path, monkeypatch):
    # short windows on both sides so the test waits seconds, not a quarter hour
    monkeypatch.setenv("DELIBERUN_STRAVA_RATE_WINDOW_S", "3")
    srv = connect(runs[:3], window_s=3.0, limit_short=4)
    db = Database(tmp_path / "sync.db")  # migrated before the window is used up: the
    client = StravaClient(sc.token_store(), StravaConfig.from_env())  # sync starts in it
    httpx.post(f"{srv.url}/_standin/usage", json={"short": 4, "day": 4})  # used up elsewhere
    t0 = time.monotonic()
    rep = sv.sync(db, client=client)
    assert len(rep.new) == 3 and rep.stopped is None
    assert srv.state.counts.get("429", 0) >= 1  # the first answer
    assert client.waited_s > 0 and time.monotonic() - t0 < 30
    # 7 requests, 4 per 3-s window: the client waited for the window instead of a 429 storm
    assert srv.state.counts["429"] <= 2


def test_daily_limit_stops_cleanly_and_the_next_sync_resumes(runs, connect, tmp_path):
    srv = connect(runs, limit_day=5)
    db = Database(tmp_path / "sync.db")
    rep = sv.sync(db)
    assert rep.stopped and "rate limit" in rep.stopped
    first = len(rep.new)
    assert 1 <= first < N_RUNS and len(list_activities(db)) == first
    httpx.post(f"{srv.url}/_standin/usage", json={"short": 0, "day": 0})  # a new day
    srv.state.limit_day = 1000
    rest = sv.sync(db)
    assert rest.stopped is None and len(rest.new) == N_RUNS - first
    ids = [a["extra"]["strava_id"] for a in list_activities(db)]
    assert sorted(ids) == sorted(str(a.id) for a in runs)


def test_sigkill_mid_sync_then_resume_loses_and_duplicates_nothing(runs, connect, tmp_path):
    srv = connect(runs, streams_delay_s=0.4)
    db_file = tmp_path / "kill.db"
    env = {**os.environ, "DELIBERUN_DB": str(db_file)}
    cmd = [sys.executable, "-m", "deliberun.cli.main", "sync", "--json", "-q"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = Database(db_file)
    deadline = time.monotonic() + 60
    while len(list_activities(db)) < 2:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list_activities(db))
    assert done < N_RUNS
    import sqlite3

    with sqlite3.connect(db_file) as con:  # whole runs only: every row has its original
        counts = [
            con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("originals", "activity_sources", "metrics")
        ]
        assert counts == [done] * 3
    srv.state.streams_delay_s = 0.0
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) >= {"new", "updated", "skipped", "failed"}
    assert len(doc["new"]) == N_RUNS - done and doc["failed"] == []
    ids = [a["extra"]["strava_id"] for a in list_activities(db)]
    assert sorted(ids) == sorted(str(a.id) for a in runs)  # no loss, no duplicate


def test_runs_imported_from_the_export_are_matched_not_duplicated(runs, connect, tmp_path):
    srv = connect(runs)
    db = Database(tmp_path / "sync.db")
    import_paths(db, [make_export(EXPORT, runs[:4], tmp_path / "export")], workers=1)
    # and one run imported from its bare file (no CSV: no Strava id, matched by start+distance)
    import_paths(db, [EXPORT / runs[4].detail["external_id"]], workers=1)
    rep = sv.sync(db)
    assert [d["strava_id"] for d in rep.new] == [str(runs[5].id)]
    assert len(list_activities(db)) == N_RUNS
    assert srv.state.counts.get("streams") == 1  # only the new run's streams were fetched
    bare = next(d for d in rep.updated if d["strava_id"] == str(runs[4].id))
    assert "same run" in bare["reason"]
    row = next(a for a in list_activities(db) if a["extra"].get("strava_id") == str(runs[4].id))
    assert row["name"] == runs[4].detail["name"]
    # the export's own runs: nothing the runner would call a change ("false" is false)
    for d in rep.updated:
        if d["strava_id"] != str(runs[4].id):
            assert not set(d.get("changes") or []) & {"name", "commute", "perceived_exertion"}


def test_edits_on_strava_are_reflected_and_deletions_flagged(runs, connect, tmp_path):
    from deliberun.services.dashboard_sources import journal_for, save_journal

    srv = connect(runs[:4])
    db_file = tmp_path / "sync.db"
    db = Database(db_file)
    sv.sync(db)
    a, b = runs[1].id, runs[2].id
    rows = {x["extra"]["strava_id"]: x for x in list_activities(db)}
    save_journal(db, rows[str(b)]["id"], {"rpe": 6, "notes": "felt flat"})
    headers = {"Authorization": f"Bearer {sc.token_store().load().access_token}"}
    # the runner edits on Strava: the API's own update, and the website-only fields
    r = httpx.put(
        f"{srv.api_url}/activities/{a}",
        json={"name": "Track 6x800", "description": "windy", "sport_type": "Run"},
        headers=headers,
    )
    assert r.status_code == 200
    httpx.post(
        f"{srv.url}/_standin/activities/{a}/set",
        json={"workout_type": 1, "private_note": "left calf tight", "perceived_exertion": 8},
    )
    httpx.post(f"{srv.url}/_standin/activities/{b}/delete")
    details = srv.state.counts["detail"]
    rep = sv.sync(db)  # a plain sync, no --since
    assert [d["strava_id"] for d in rep.updated] == [str(a)]
    assert {"name", "description", "race", "private_note", "perceived_exertion"} <= set(
        rep.updated[0]["changes"]
    )
    # the deleted run: its 404 confirmed it (3 known runs re-read + 1 confirmation)
    assert [(d["strava_id"], d["activity_id"]) for d in rep.deleted] == [
        (str(b), rows[str(b)]["id"])
    ]
    assert srv.state.counts["detail"] == details + 4
    rows = {x["extra"]["strava_id"]: x for x in list_activities(db)}
    assert len(rows) == 4  # the deleted one is kept, with its journal
    ra = rows[str(a)]
    assert (ra["name"], ra["description"]) == ("Track 6x800", "windy")
    assert ra["extra"]["race"] is True and ra["extra"]["private_note"] == "left calf tight"
    assert ra["extra"]["perceived_exertion"] == 8
    assert show_activity(db, ra["id"])["metrics"]["load"]["session_rpe"] is not None
    rb = rows[str(b)]
    assert rb["extra"].get("strava_deleted")
    assert (journal_for(db, rb["id"]) or {}).get("notes") == "felt flat"
    # an edit the list does not show (the description only) needs no --since either
    httpx.post(f"{srv.url}/_standin/activities/{a}/set", json={"description": "very windy"})
    again = sv.sync(db)
    assert [d["changes"] for d in again.updated] == [["description"]]
    assert again.deleted == []  # flagged once; no request for it any more
    assert srv.state.counts["detail"] == details + 4 + 3
    # the flag is shown: `show`, `activities` (and --json), the dashboard's activity page
    env = {**os.environ, "DELIBERUN_DB": str(db_file), "COLUMNS": "200"}
    base = [sys.executable, "-m", "deliberun.cli.main"]
    shown = subprocess.run([*base, "show", str(rb["id"])], env=env, capture_output=True, text=True)
    assert shown.returncode == 0 and "deleted on Strava" in shown.stdout
    listed = subprocess.run(
        [*base, "activities", "--since", "2024-01-01"], env=env, capture_output=True, text=True
    )
    assert listed.stdout.count("(deleted on Strava)") == 1
    lj = subprocess.run(
        [*base, "activities", "--since", "2024-01-01", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    flagged = [x["id"] for x in json.loads(lj.stdout) if x["extra"].get("strava_deleted")]
    assert flagged == [rb["id"]]
    from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    web = TestClient(create_app(str(db_file)), base_url="http://127.0.0.1:8765")
    page = web.get(f"/activities/{rb['id']}")
    assert page.status_code == 200 and 'id="strava-deleted"' in page.text
    # back on Strava (restored from its trash): the flag goes
    srv.state.add([next(x for x in runs if x.id == b)])
    back = sv.sync(db)
    assert [(d["strava_id"], "restored" in d["changes"]) for d in back.updated] == [(str(b), True)]
    rb = next(x for x in list_activities(db) if x["id"] == rb["id"])
    assert "strava_deleted" not in rb["extra"]


def test_a_run_missing_from_the_list_is_not_flagged_while_strava_still_has_it(
    runs, connect, tmp_path
):
    srv = connect(runs[:3])
    db = Database(tmp_path / "sync.db")
    sv.sync(db)
    hidden = runs[1].id
    srv.state.unlisted.add(hidden)  # e.g. made private with a token without read_all
    rep = sv.sync(db)
    assert rep.deleted == [] and not rep.failed
    row = next(x for x in list_activities(db) if x["extra"]["strava_id"] == str(hidden))
    assert "strava_deleted" not in row["extra"]


def test_dry_run_reports_a_deletion_without_flagging_it(runs, connect, tmp_path):
    srv = connect(runs[:3])
    db_file = tmp_path / "sync.db"
    db = Database(db_file)
    sv.sync(db)
    httpx.post(f"{srv.url}/_standin/activities/{runs[0].id}/delete")
    dry = sv.sync(db, dry_run=True)
    assert [d["strava_id"] for d in dry.deleted] == [str(runs[0].id)]
    # the CLI says it too, in its table and in --json
    env = {**os.environ, "DELIBERUN_DB": str(db_file), "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "deliberun.cli.main", "sync", "--dry-run", "-q"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "deleted on Strava, kept here (would be flagged)" in out.stdout
    assert "Dry run, nothing written: 0 new, 0 updated" in out.stdout
    assert "1 deleted on Strava" in out.stdout
    doc = json.loads(subprocess.run([*cmd, "--json"], env=env, capture_output=True).stdout)
    assert [d["strava_id"] for d in doc["deleted"]] == [str(runs[0].id)]
    assert not any(x["extra"].get("strava_deleted") for x in list_activities(db))
    # outside the recheck window a deletion is not looked for (no request spent on it)
    assert sv.sync(db, recheck_days=0).deleted == []


def test_dry_run_writes_nothing_and_cli_json_has_the_four_lists(runs, connect, tmp_path):
    srv = connect(runs[:3])
    db_file = tmp_path / "dry.db"
    env = {**os.environ, "DELIBERUN_DB": str(db_file)}
    base = [sys.executable, "-m", "deliberun.cli.main"]
    out = subprocess.run(
        [*base, "sync", "--dry-run", "--json"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["new"]) == 3
    assert doc["updated"] == doc["skipped"] == doc["failed"] == doc["deleted"] == []
    assert doc["recomputed"] is None  # nothing written, nothing to recompute
    assert list_activities(Database(db_file)) == []
    st = subprocess.run(
        [*base, "strava", "status", "--json"], env=env, capture_output=True, text=True
    )
    assert json.loads(st.stdout)["connected"] is True
    dis = subprocess.run([*base, "strava", "disconnect"], env=env, capture_output=True, text=True)
    assert dis.returncode == 0 and not sc.token_store().path.exists()
    assert srv.state.counts.get("deauthorize") == 1 and not srv.state.access
    again = subprocess.run([*base, "sync"], env=env, capture_output=True, text=True)
    assert again.returncode == 1 and "strava connect" in again.stderr


def test_a_run_without_a_recording_is_skipped_and_a_broken_one_fails_alone(runs, connect, tmp_path):
    srv = connect(runs[:3])
    srv.state.activities[runs[0].id].streams = {}  # a manual entry: no time stream
    broken = srv.state.activities[runs[1].id]
    good = broken.streams["distance"]
    broken.streams = {**broken.streams, "distance": {"data": ["x"] * len(good["data"])}}
    db = Database(tmp_path / "sync.db")
    rep = sv.sync(db)
    assert [d["strava_id"] for d in rep.new] == [str(runs[2].id)]
    assert [d["strava_id"] for d in rep.skipped] == [str(runs[0].id)]
    assert "no time stream" in rep.skipped[0]["reason"]
    assert [d["strava_id"] for d in rep.failed] == [str(runs[1].id)]
    assert len(list_activities(db)) == 1  # nothing half-written
    # the failed run is retried by the next sync, although a later run is stored
    broken.streams = {**broken.streams, "distance": good}
    again = sv.sync(db)
    assert [d["strava_id"] for d in again.new] == [str(runs[1].id)] and again.failed == []


def test_cli_connect_with_a_pasted_code(tmp_path, monkeypatch):
    with StandinServer(fresh_state([])) as srv:
        env = {**os.environ, **env_for(srv, tmp_path / "tokens.json")}
        base = [sys.executable, "-m", "deliberun.cli.main", "strava"]
        out = subprocess.run(
            [*base, "connect", "--code", get_code(srv)], env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        assert "Connected to Strava as Stand In" in out.stdout and "(mode 0600)" in out.stdout
        assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
        bad = subprocess.run(
            [*base, "connect", "--code", "not-a-code"], env=env, capture_output=True, text=True
        )
        assert bad.returncode == 1 and "refused the token request" in bad.stderr
        assert len(bad.stderr.strip().splitlines()) <= 2  # a short error, no traceback


def _thresholds_used(db: Database) -> list[float]:
    """The max HR each synced run's stored metrics were computed with."""
    return [
        show_activity(db, a["id"])["metrics"]["thresholds_used"]["hr_max_bpm"]["value"]
        for a in list_activities(db)
    ]


def test_cli_sync_recomputes_for_the_new_threshold_estimates(runs, connect, tmp_path):
    """Synced runs give the first estimates: the metrics are recomputed on them, and said."""
    from deliberun.services.threshold_refresh import in_use

    connect(runs)
    db_file = tmp_path / "cli.db"
    env = {**os.environ, "DELIBERUN_DB": str(db_file)}
    out = subprocess.run([sys.executable, "-m", "deliberun.cli.main", "sync", "--json", "-q"],
                         env=env, capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["new"]) == N_RUNS
    assert doc["recomputed"]["changed"]["hr_max_bpm"][0] is None  # no estimate before
    assert doc["recomputed"]["recomputed"] == N_RUNS
    db = Database(db_file)
    assert _thresholds_used(db) == [pytest.approx(in_use(db)["hr_max_bpm"])] * N_RUNS
    text = subprocess.run([sys.executable, "-m", "deliberun.cli.main", "sync"],
                          env=env, capture_output=True, text=True)  # fmt: skip
    assert text.returncode == 0 and "recomputed" not in text.stdout  # nothing new: silent
    bare = subprocess.run([sys.executable, "-m", "deliberun.cli.main", "sync", "--recheck-days",
                           "0"], env=env, capture_output=True, text=True)  # fmt: skip
    assert bare.stdout.strip().endswith("0 deleted on Strava (1 request)")


def test_dashboard_sync_recomputes_for_the_new_threshold_estimates(runs, connect, tmp_path):
    import re

    from fastapi.testclient import TestClient

    from deliberun.services.threshold_refresh import in_use
    from deliberun.web.app import create_app

    connect(runs)
    path = tmp_path / "web.db"
    client = TestClient(create_app(str(path)), base_url="http://127.0.0.1:8765")
    page = client.get("/activities", headers={"accept": "text/html"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    same = {"origin": "http://127.0.0.1:8765", "accept": "text/html"}
    r = client.post("/strava/sync", data={"csrf_token": token}, headers=same,
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert "recomputed+the+metrics+of" in r.headers["location"]
    db = Database(path)
    assert _thresholds_used(db) == [pytest.approx(in_use(db)["hr_max_bpm"])] * N_RUNS


def test_runs_synced_after_the_first_use_the_thresholds_in_use(runs, connect, tmp_path):
    """As an import does: a later sync computes its new runs on the thresholds in use, so
    the refresh after it has nothing to redo unless an estimate moved."""
    from deliberun.services.threshold_refresh import in_use, refresh

    srv = connect(runs[:4])
    db = Database(tmp_path / "sync.db")
    sv.sync(db)
    refresh(db, today=runs[3].start.date(), workers=1)  # the first estimates
    values = in_use(db)["hr_max_bpm"]
    srv.state.add(runs[4:])
    assert len(sv.sync(db, recheck_days=0).new) == N_RUNS - 4
    assert _thresholds_used(db) == [pytest.approx(values)] * N_RUNS


def test_a_sync_edit_leaves_the_stored_verdicts_fresh(runs, connect, tmp_path):
    """A run marked a race on Strava (workout type, RPE, name) reaches the stored race
    verdicts and session types through the sync's own refresh (issue 14)."""
    from datetime import date

    from deliberun.services.races import race_verdicts
    from test_stored_verdicts import assert_stored_are_fresh

    srv = connect(runs[:4])
    db = Database(tmp_path / "sync.db")
    sv.sync(db)
    assert_stored_are_fresh(db)
    a = runs[1].id
    row = next(x for x in list_activities(db) if x["extra"]["strava_id"] == str(a))
    today = max(date.fromisoformat(str(x["local_date"])) for x in list_activities(db))
    before = race_verdicts(db, today=today, stored_ok=False)[row["id"]]
    headers = {"Authorization": f"Bearer {sc.token_store().load().access_token}"}
    r = httpx.put(f"{srv.api_url}/activities/{a}", json={"name": "City 10K race"}, headers=headers)
    assert r.status_code == 200
    httpx.post(
        f"{srv.url}/_standin/activities/{a}/set",
        json={"workout_type": 1, "perceived_exertion": 9},
    )
    rep = sv.sync(db)
    assert [d["strava_id"] for d in rep.updated] == [str(a)]
    after = assert_stored_are_fresh(db)[row["id"]]
    assert after.to_dict() != before.to_dict()
