"""``deliberun report --week``: one week as a self-contained HTML page (or JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from deliberun.cli import cmd_report
from test_web_data import LAST_DAY, build_db


def cli() -> typer.Typer:
    """The report command under a root with the global --db (as cli/main.py builds it)."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context, db: str = typer.Option(None, "--db")) -> None:
        ctx.obj = {"db": db, "debug": False}

    cmd_report.register(app)
    return app


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "r.db"
    build_db(path, weeks=2)
    return path


def test_report_week_html(db_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.html"
    args = ["--db", str(db_file), "report", "--week", "2026-02-25", "--today", "2026-03-01"]
    r = CliRunner().invoke(cli(), [*args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "Week of Mon 23 Feb 2026" in html and "<script" not in html and "<style>" in html
    assert '"Segoe UI"' in html  # the CSS is inlined verbatim, not HTML-escaped
    assert html.count("Intervals run") == 1 and "http" not in html  # self-contained


def test_report_week_json(db_file: Path) -> None:
    args = ["--db", str(db_file), "report", "--week", "2026-02-25", "--json"]
    r = CliRunner().invoke(cli(), [*args, "--today", LAST_DAY.isoformat()])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["week_start"] == "2026-02-23" and data["week_end"] == "2026-03-01"
    assert data["week"]["totals"]["count"] == 5
    assert [d["date"] for d in data["week"]["days"]][0] == "2026-02-23"


def test_report_bad_date_is_a_usage_error(db_file: Path) -> None:
    r = CliRunner().invoke(cli(), ["--db", str(db_file), "report", "--week", "last week"])
    assert r.exit_code == 2
    assert "YYYY-MM-DD" in r.output
