"""One activity, one shape: ``deliberun show ID --json`` is the document the dashboard's
``/api/activities/{id}`` embeds as ``activity`` (issue 15)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberun.cli.main import app
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.web.app import create_app
from test_web_data import LAST_DAY, build_db


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shape") / "athlete.db"
    build_db(path, weeks=2)
    return path


def _show(path: Path, activity_id: int) -> dict:
    res = CliRunner().invoke(
        app,
        ["--db", str(path), "--today", LAST_DAY.isoformat(), "show", str(activity_id), "--json"],
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_show_json_is_the_document_the_activity_api_embeds(filled: Path) -> None:
    with Database(filled).session() as s:
        ids = [r.id for r in repo.list_activities(s)]
    client = TestClient(create_app(str(filled), today=LAST_DAY, page_cache=False))
    for aid in (ids[0], ids[-1]):
        shown = _show(filled, aid)
        embedded = client.get(f"/api/activities/{aid}").json()["activity"]
        assert embedded == shown
        # what the page draws from it, and the evidence the runner can check
        assert {"name", "sport", "distance_m", "metrics", "sources", "session", "race"} <= set(
            shown
        )
        assert shown["id"] == aid and shown["metrics"]["summary"]["distance_m"] > 0
