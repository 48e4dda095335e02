"""Real device files through the dashboard: every activity page renders, nothing fails.

Files recorded by real devices (../shared/data/real, read in place: their licences
differ) are imported with the real importer; each activity page and its JSON twin
must answer 200 with no failed section, draw the charts its streams allow, and draw
the route when the file has GPS.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberun.web.app import create_app

pytestmark = pytest.mark.corpus

FILES = (
    "fit/fitdecode__garmin-fr935-cr.fit",  # run with GPS, HR, cadence, laps
    "fit/fitparse__garmin-fenix-5-bike.fit",  # cycling
    "fit/fitparse__sample-activity-indoor-trainer.fit",  # indoor: no GPS
    "fit/fitparse__activity-large-fenxi2-multisport.fit",  # multisport
    "gpx/gpxpy__Mojstrovka.gpx",  # hike with elevation, no HR
    "gpx/runalyze__Route-only.gpx",  # a route, no times
    "tcx/runalyze__Indoor-Training.tcx",  # indoor TCX
    "tcx/gpsbabel__kona2013.tcx",  # long triathlon TCX
)


@pytest.fixture(scope="module")
def client(
    real_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[TestClient, list[int]]:
    import deliberun.services.importer as importer
    from deliberun.store.db import Database

    path = tmp_path_factory.mktemp("corpus") / "real.db"
    paths = [real_dir / f for f in FILES if (real_dir / f).exists()]
    report = importer.import_paths(Database(path), paths, workers=1)
    assert report.imported, report.to_dict()
    app = create_app(str(path), today=date(2026, 1, 1), page_cache=False)
    return TestClient(app), list(report.imported)


def test_every_real_activity_page_renders(client: tuple[TestClient, list[int]]) -> None:
    c, ids = client
    for aid in ids:
        html = c.get(f"/activities/{aid}", headers={"accept": "text/html"})
        assert html.status_code == 200, aid
        assert "section failed" not in html.text, aid
        data = c.get(f"/api/activities/{aid}").json()
        streams = set(data["streams_available"])
        if "heart_rate" in streams:
            assert "heart_rate" in data["charts"], aid
        if {"latitude", "longitude"} <= streams:
            assert data["route"] is not None and data["route"]["path"].startswith("M"), aid
        else:
            assert data["route"] is None and "No GPS track" in html.text, aid
    # and the list pages over this odd mix of sports and devices
    for page in ("today", "calendar", "activities", "fitness", "plan", "targets", "experiments"):
        r = c.get(f"/{page}", headers={"accept": "text/html"})
        assert r.status_code == 200 and "section failed" not in r.text, page
    assert c.get("/api/activities").json()["activities"]["total"] == len(ids)
