"""The dashboard for one athlete of a coach's database shows that athlete's data only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from deliberun.services.athletes import add_athlete
from deliberun.services.importer import import_paths
from deliberun.store.db import Database
from deliberun.web.app import create_app
from deliberun.web.routes import pages

REAL = Path(__file__).parent / "data" / "real"
#: Real device files (tests/data/real/MANIFEST.tsv); the damaged ones are left out.
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)
NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)


def test_each_athletes_dashboard_holds_their_runs_only(tmp_path: Path) -> None:
    url = str(tmp_path / "g.db")
    db = Database(url)
    mine = import_paths(db, FILES[:3], workers=1, now=NOW).imported
    add_athlete(db, "eve", now=NOW)
    hers = import_paths(db.for_athlete("eve"), FILES[2:6], workers=1, now=NOW).imported
    assert mine and hers and not set(mine) & set(hers)
    for name, own, other in (("me", mine, hers), ("eve", hers, mine)):
        app = create_app(url, today=date(2021, 4, 20), athlete=name, page_cache=False)
        client = TestClient(app, base_url="http://127.0.0.1:8765")
        listed = client.get("/api/activities").json()["activities"]
        assert sorted(a["id"] for a in listed["rows"]) == sorted(own)
        assert client.get(f"/api/activities/{own[0]}").status_code == 200
        assert client.get(f"/api/activities/{other[0]}").status_code == 404
        for page in pages(db):  # every list page answers for this athlete
            assert client.get(f"/api/{page}").status_code == 200, (name, page)
