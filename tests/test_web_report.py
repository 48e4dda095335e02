"""``deliberun report --week``: one week as a PNG, a PDF, a self-contained HTML page, or JSON."""

from __future__ import annotations

import json
import re
import struct
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from deliberun.cli import cmd_report
from deliberun.services import dashboard_pages as report_pages
from deliberun.services.dashboard import week_report
from deliberun.store.db import Database
from deliberun.web import report_image
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


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after the 8-byte signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def _report(db_file: Path, out: Path, *extra: str) -> Any:
    args = ["--db", str(db_file), "report", "--week", "2026-02-25", "--today", "2026-03-01"]
    return CliRunner().invoke(cli(), [*args, "--out", str(out), *extra])


def test_report_week_png(db_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.png"
    r = _report(db_file, out)
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    width, height = _png_size(data)
    # one tall A4-wide image: 8.27 in at 110 dpi, at least one A4 page high
    assert width == int(report_image.PAGE_W_IN * report_image.PNG_DPI)  # matplotlib truncates
    assert height >= int(report_image.PAGE_H_IN * report_image.PNG_DPI)
    assert len(data) > 30_000  # charts and text, not a blank page
    import matplotlib.image

    pixels = matplotlib.image.imread(str(out))
    assert pixels.shape[:2] == (height, width)
    assert (pixels[..., :3] < 0.5).any() and (pixels[..., :3] > 0.9).any()  # ink on paper


def test_report_week_pdf_pages(db_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.pdf"
    r = _report(db_file, out)
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    report_data = week_report(Database(db_file), week=date(2026, 2, 25), today=date(2026, 3, 1))
    expected = report_image.page_count(report_data, "pdf")
    assert _pdf_pages(data) == expected >= 1
    assert f"{expected} page" in r.output
    assert b"/Count %d" % expected in data


def test_report_data_has_the_fitness_series(db_file: Path) -> None:
    data = week_report(Database(db_file), week=date(2026, 2, 25), today=date(2026, 3, 1))
    fit = data["fitness"]
    assert fit.get("available"), fit
    days = [d["date"] for d in fit["days"]]
    assert days[-1] == "2026-03-01" and len(days) <= report_pages.REPORT_FITNESS_DAYS
    assert data["form"]["current"]["date"] == "2026-03-01"
    assert {"load", "fitness", "fatigue", "form"} <= set(fit["days"][-1])


def test_pages_break_between_blocks() -> None:
    blocks = [report_image.Block(1.0, "text", f"line {i}") for i in range(25)]
    pages = report_image.paginate(blocks, page_h_in=11.69)  # 10.59 in of room per page
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [b.payload for p in pages for b in p] == [b.payload for b in blocks]


def test_a_heading_is_never_left_at_the_bottom_of_a_page() -> None:
    blocks = [report_image.Block(1.0, "text", f"line {i}") for i in range(10)]
    blocks += [report_image.Block(0.4, "heading", "Review"), report_image.Block(1.0, "text", "x")]
    # 10.59 in of room: the heading alone would fit after 10 in, not with its line
    pages = report_image.paginate(blocks, page_h_in=11.69)
    assert [b.payload for b in pages[1]] == ["Review", "x"]
    assert all(p[-1].kind not in report_image.HEADINGS for p in pages)


def test_layout_carries_every_review_sentence_with_its_evidence() -> None:
    data = {
        "week_start": "2026-02-23",
        "week_end": "2026-03-01",
        "today": "2026-03-01",
        "units": "metric",
        "week": {"days": [], "totals": {"count": 0}},
        "plan": {"available": True},
        "form": {"available": False},
        "fitness": {"available": False},
        "review": {
            "available": True,
            "advice": "back_off",
            "sections": [
                {
                    "title": "Load and form",
                    "sentences": [
                        {
                            "text": "Back off: form -31.",
                            "evidence": [{"activity_ids": [7, 9], "values": {"form": -31.2}}],
                        }
                    ],
                }
            ],
        },
    }
    text = [b.payload for b in report_image.layout(data) if isinstance(b.payload, str)]
    assert "Next week: back off." in text and "• Back off: form -31." in text
    assert any("activities 7, 9" in t and "form -31.2" in t for t in text)


def test_report_refuses_an_unknown_file_type(db_file: Path, tmp_path: Path) -> None:
    r = _report(db_file, tmp_path / "week.docx")
    assert r.exit_code == 2 and ".png, .pdf or .html" in r.output
    assert not (tmp_path / "week.docx").exists()
    with pytest.raises(ValueError, match="name the file .png, .pdf or .html"):
        report_image.format_of(Path("week.jpg"))
