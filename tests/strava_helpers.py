"""Helpers for the Strava sync tests: the stand-in filled with real runs, a connected
token file, and a small Strava export made of the same runs (read in place)."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import httpx

from deliberun.strava.standin import StandinServer, StandinState
from deliberun.strava.standin_data import StandinActivity

EXPORT_NAME = "slalom007"


def fresh_state(acts: list[StandinActivity], **kw: object) -> StandinState:
    """A stand-in state over copies of ``acts`` (tests edit them)."""
    st = StandinState(**kw)  # type: ignore[arg-type]
    st.add([StandinActivity(copy.deepcopy(a.detail), a.streams) for a in acts])
    return st


def get_code(srv: StandinServer, scope: str = "read,activity:read_all") -> str:
    """What the authorize page's button gives: a code (no browser)."""
    r = httpx.post(
        f"{srv.oauth_url}/accept",
        params={"redirect_uri": "http://127.0.0.1:9/callback", "scope": scope, "state": "s"},
    )
    return httpx.URL(r.headers["location"]).params["code"]


def env_for(srv: StandinServer, token_file: Path) -> dict[str, str]:
    return {
        "DELIBERUN_STRAVA_API_URL": srv.api_url,
        "DELIBERUN_STRAVA_OAUTH_URL": srv.oauth_url,
        "DELIBERUN_STRAVA_TOKENS": str(token_file),
        "DELIBERUN_STRAVA_CLIENT_ID": "12345",
        "DELIBERUN_STRAVA_CLIENT_SECRET": "standin-secret",
    }


def make_export(src: Path, acts: list[StandinActivity], dest: Path) -> Path:
    """A Strava export folder holding only these runs: a filtered activities.csv and
    symlinks to the original files (nothing of the export is copied)."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "activities").mkdir(exist_ok=True)
    wanted = {a.detail["external_id"] for a in acts}
    rows = list(csv.reader(io.StringIO((src / "activities.csv").read_text(encoding="utf-8"))))
    fn = rows[0].index("Filename")
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(rows[0])
    for r in rows[1:]:
        if len(r) > fn and r[fn] in wanted:
            w.writerow(r)
            link = dest / r[fn]
            if not link.exists():
                link.symlink_to((src / r[fn]).resolve())
    (dest / "activities.csv").write_text(out.getvalue(), encoding="utf-8")
    return dest
