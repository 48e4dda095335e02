"""End-to-end in Debian's chromium (Playwright), what a runner meets in the first mornings:
a new plan keeps past weeks as planned, moving a workout names the workout and refuses a
taken day, no page scrolls sideways on a phone, the activity page shows the corrected
cadence. Skips only when /usr/bin/chromium is missing (no browser is ever downloaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deliberun.web.app import create_app
from live_server import serve
from test_web_browser import PAGES
from test_web_data import LAST_DAY, build_db, simulated_db

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _serve(path: Path, today: date) -> Iterator[str]:
    yield from serve(create_app(str(path), today=today))


@pytest.fixture(scope="module")
def runner_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    """The simulated runner imported (activities, journal, the plan it followed)."""
    tmp = tmp_path_factory.mktemp("everyday")
    path = tmp / "athlete.db"
    db, today = simulated_db(path, tmp / "files")
    db.dispose()
    return path, today


@pytest.fixture(scope="module")
def server(runner_db: tuple[Path, date]) -> Iterator[str]:
    yield from _serve(*runner_db)


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


def _calendar_week(page: Any, server: str, monday: str) -> dict[str, tuple[str, str]]:
    """``{date: (planned text, cell classes)}`` of one calendar week."""
    page.goto(f"{server}/calendar?start={monday}&weeks=1")
    out = {}
    for cell in page.locator(".calendar .cell[data-date]").all():
        out[cell.get_attribute("data-date")] = (
            " ".join(cell.inner_text().split()[1:]),
            cell.get_attribute("class") or "",
        )
    return out


def test_a_new_plan_keeps_past_weeks_as_planned(
    browser: Any, server: str, runner_db: tuple[Path, date], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from deliberun.cli.main import app
    from deliberun.plan.generate import generate_plan
    from deliberun.services import plan as plan_svc
    from deliberun.store.db import Database

    path, today = runner_db
    page = _page(browser, DESKTOP)
    monday = "2026-09-07"
    before = _calendar_week(page, server, monday)
    planned_before = {d: v for d, v in before.items() if v[0]}
    assert len(planned_before) >= 4, before
    assert all("c-" in cls for _, cls in planned_before.values())  # compliance colours
    # the runner plans the next race: the new plan starts after race day
    db = Database(path)
    new = generate_plan(21097.5, date(2027, 3, 7), start=today, vdot=48.0)
    plan_svc.save_plan(db, new, now=datetime.now(UTC))
    db.dispose()
    after = _calendar_week(page, server, monday)
    assert after == before  # same planned workouts, same colours
    # the week's report (the runner's record) still shows what was planned
    out = tmp_path / "week.html"
    res = CliRunner().invoke(
        app, ["--db", str(path), "--today", today.isoformat(), "report", "--week", "2026-09-08",
              "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    page.goto(out.as_uri())
    rows = page.locator("table tbody tr").all_inner_texts()
    texts = [t for t in rows if "km" in t]
    assert len(texts) >= 4, rows
    assert "planned: rest" not in page.content()
    # Today on race day still has its plan; the plan page shows the new plan
    page.goto(f"{server}/today")
    assert "no plan yet" not in page.inner_text("main")
    page.goto(f"{server}/plan")
    assert "Half marathon on Sun 7 Mar 2027" in page.inner_text("#plan-summary h2")
    assert page.js_errors == []


@pytest.fixture()
def two_session_server(tmp_path: Path) -> Iterator[str]:
    from deliberun.services import plan as plan_svc

    path = tmp_path / "moves.db"
    db = build_db(path, weeks=2)
    (tmp_path / "plan.yaml").write_text(
        "- {date: 2026-03-03, workout_type: easy, text: 8km E}\n"
        "- {date: 2026-03-03, workout_type: strides, text: 5km E + 6x20s strides}\n"
        "- {date: 2026-03-05, workout_type: tempo, text: 2km E + 20min @T + 2km E}\n"
        "- {date: 2026-03-08, workout_type: long, text: 18km E}\n"
    )
    plan_svc.import_file(db, tmp_path / "plan.yaml", now=datetime(2026, 2, 27, tzinfo=UTC))
    db.dispose()
    yield from _serve(path, LAST_DAY)


def _plan_rows(page: Any) -> list[tuple[str, str]]:
    out = []
    for row in page.locator("section.week tr").all():
        cells = row.locator("td").all_inner_texts()
        out.append((cells[0].strip(), cells[2].strip()))
    return out


def test_moving_a_workout_on_a_two_session_day_and_onto_a_taken_day(
    browser: Any, two_session_server: str
) -> None:
    page = _page(browser, DESKTOP)
    page.goto(f"{two_session_server}/plan")
    rows = _plan_rows(page)
    assert ("Tue 3 Mar 2026", "8km E") in rows and (
        "Tue 3 Mar 2026",
        "5km E + 6x20s strides",
    ) in rows
    # move the second session of Tuesday (the strides) to Wednesday
    row = page.locator("section.week tr", has_text="5km E + 6x20s strides")
    row.locator("input[type=date]").fill("2026-03-04")
    row.locator("button", has_text="Move").click()
    page.wait_for_load_state("load")
    assert page.locator("#plan-moved").is_visible()
    rows = _plan_rows(page)
    assert ("Wed 4 Mar 2026", "5km E + 6x20s strides") in rows
    assert ("Tue 3 Mar 2026", "8km E") in rows  # the other session stayed
    # the tempo onto Wednesday, which now has a session: refused with the reason
    row = page.locator("section.week tr", has_text="20min @T")
    row.locator("input[type=date]").fill("2026-03-04")
    row.locator("button", has_text="Move").click()
    page.wait_for_load_state("load")
    err = page.inner_text("#plan-errors")
    assert "Nothing was changed" in err and "2026-03-04 already has a session" in err
    page.goto(f"{two_session_server}/plan")
    assert ("Thu 5 Mar 2026", "2km E + 20min @T + 2km E") in _plan_rows(page)
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_page_scrolls_sideways(browser: Any, server: str, viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    for name in (*PAGES, "activities/1", "plan?all=1"):
        page.goto(f"{server}/{name}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, width)
    # a wide table scrolls inside its own box instead
    page.goto(f"{server}/activities/1")
    assert page.locator(".scroll table").count() >= 2
    assert page.js_errors == []


def test_activity_page_shows_the_corrected_cadence(browser: Any, server: str) -> None:
    page = _page(browser, DESKTOP)
    page.goto(f"{server}/activities/1")  # the first weeks' watch counted strides
    stat = page.locator(".stat", has_text="cadence").locator(".v").inner_text()
    assert 150 <= float(stat) <= 200, stat
    split_cads = page.locator("table", has_text="cadence").first.locator("tbody tr").all()
    assert split_cads
    header = page.locator("table", has_text="cadence").first.locator("th").all_inner_texts()
    col = [h.lower() for h in header].index("cadence")
    for row in split_cads[:3]:
        value = row.locator("td").nth(col).inner_text()
        assert 150 <= float(value) <= 200, value
