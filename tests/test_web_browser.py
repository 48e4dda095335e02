"""End-to-end: a real uvicorn server and Debian's chromium driven by Playwright.

Opens every page, follows links, checks the charts and the route are drawn,
submits a journal entry and sees it stored, and keeps a screenshot of each
page in the test's tmp dir. Skips only when /usr/bin/chromium is missing
(CI's .ci/run installs it; no browser is ever downloaded).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deliberun.web.app import create_app
from live_server import serve
from test_web_data import simulated_db

PAGES = ("today", "calendar", "activities", "fitness", "targets", "experiments", "plan")

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
#: Reports every CSP violation on the console (where the fixture collects errors).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error("Content Security Policy violation: " + e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1, in a thread, over a filled database."""

    tmp = tmp_path_factory.mktemp("e2e")
    path = tmp / "athlete.db"
    _db, today = simulated_db(path, tmp / "files")
    yield from serve(create_app(str(path), today=today))


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    # a Content-Security-Policy violation (something the page needs was blocked) is an error
    p.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    p.add_init_script(CSP_LISTENER)
    p.js_errors = errors
    yield p
    context.close()


def test_every_page_opens_from_the_nav(server: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{server}/")
    for name in PAGES:
        page.click(f'header nav a[href="/{name}"]')
        page.wait_for_load_state("load")
        assert page.url == f"{server}/{name}"
        assert page.locator("body").get_attribute("data-page") == name
        assert page.locator("main h1").count() == 1
        assert "section failed" not in page.content()
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert page.js_errors == []
    # every page's JSON twin is linked from its footer and parses
    page.goto(f"{server}/calendar")
    href = page.locator("#json-link").get_attribute("href")
    assert href == "/calendar?format=json"
    data = json.loads(page.request.get(f"{server}{href}").text())
    assert data["page"] == "calendar" and len(data["weeks"]) == 6


def test_sections_are_filled_from_every_area(server: str, page: Any) -> None:
    """On the simulated athlete, no page falls back to an empty state it should not."""

    def api(name: str) -> dict[str, Any]:
        return dict(json.loads(page.request.get(f"{server}/api/{name}").text()))

    today = api("today")
    assert today["advice"]["available"] and today["advice"]["sections"]
    assert today["form"]["available"] and today["week"]["has_plan"]
    fitness = api("fitness")
    assert fitness["fitness"]["available"] and fitness["fitness"]["chart"]["data"]
    assert fitness["athlete"]["vdot"] and fitness["athlete"]["paces_s_per_km"]
    plan = api("plan")["plan"]
    assert plan["available"] and plan["weeks_total"] > 10
    targets = api("targets")["targets"]
    assert targets["available"] and targets["cycle"]["name"]
    assert all(t["chart"]["data"] for t in targets["targets"] if t["values"])
    experiments = api("experiments")
    # a nemesis only when a type fails more than its own base rate: the section is
    # filled or shows its empty state, never an error
    assert "error" not in experiments["nemesis"]
    assert experiments["nemesis"].get("rows") or experiments["nemesis"].get("hint")
    assert "error" not in experiments["experiments"]


def test_pages_work_under_the_content_security_policy(server: str, page: Any) -> None:
    """Every page, charts included, draws with the CSP on and nothing blocked."""
    response = page.goto(f"{server}/fitness")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "http" not in csp
    page.wait_for_selector("#chart-fitness.js-plotly-plot", timeout=20_000)
    assert page.locator(".js-plotly-plot svg.main-svg").count() >= 1
    for name in PAGES:
        page.goto(f"{server}/{name}")
        page.wait_for_load_state("networkidle")
    assert page.js_errors == []
    # an inline script injected into a page is refused by the browser
    page.goto(f"{server}/today")
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.injected = 1"; document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.injected") is None
    assert any("script-src" in e for e in page.js_errors)


def test_activity_page_draws_charts_and_route(server: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{server}/activities")
    rows = page.locator("#activity-list tbody tr")
    assert rows.count() >= 20
    page.locator("#activity-list tbody tr a").first.click()
    page.wait_for_selector("#chart-pace.js-plotly-plot", timeout=20_000)
    for chart in ("#chart-pace", "#chart-hr", "#chart-elevation", "#chart-cadence"):
        assert page.locator(f"{chart}.js-plotly-plot svg.main-svg").count() >= 1, chart
    # plotly drew a line with many points, not an empty axis
    d = page.locator("#chart-pace path.js-line").first.get_attribute("d")
    assert d is not None and d.count("L") > 100
    route = page.locator("#route svg path")
    assert route.count() == 1 and len(route.get_attribute("d") or "") > 1000
    assert page.js_errors == []
    page.screenshot(path=str(tmp_path / "activity.png"), full_page=True)
    # switch the x axis to time by the link on the page
    page.click("#charts h2 a")
    page.wait_for_selector("#chart-pace.js-plotly-plot")
    assert "x=time" in page.url
    assert "time (min)" in page.locator("#chart-pace").inner_text()


def test_calendar_links_move_between_weeks(server: str, page: Any) -> None:
    page.goto(f"{server}/calendar")
    first = page.locator(".calendar .cell[data-date]").first.get_attribute("data-date")
    page.click("#cal-prev")
    page.wait_for_load_state("load")
    earlier = page.locator(".calendar .cell[data-date]").first.get_attribute("data-date")
    assert earlier is not None and first is not None and earlier < first
    # a run in the calendar links to its activity
    page.goto(f"{server}/calendar")
    page.locator(".calendar a.chip").first.click()
    page.wait_for_load_state("load")
    assert "/activities/" in page.url and page.locator("body").get_attribute("data-page") == (
        "activity"
    )


def test_journal_entry_is_submitted_and_stored(server: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{server}/activities")
    page.locator("#activity-list tbody tr a").nth(2).click()
    page.wait_for_load_state("load")
    aid = page.url.rstrip("/").split("/")[-1]
    # bad input first: refused with a message, nothing stored
    url = page.url
    page.fill("input[name=rpe]", "14")
    page.click("form.journal button[type=submit]")
    page.wait_for_selector("#journal-errors")
    assert "Nothing was saved" in page.locator("#journal-errors").inner_text()
    assert page.input_value("input[name=rpe]") == "14"  # kept, to be corrected
    page.fill("input[name=rpe]", "7")
    page.fill("input[name=feel]", "4")
    page.fill("input[name=sleep_h]", "7.5")
    page.fill("textarea[name=notes]", "legs heavy on the last reps")
    page.check("input[name=details][value=fuelling]")
    page.click("form.journal button[type=submit]")
    page.wait_for_selector("#journal-saved")
    assert "legs heavy on the last reps" in page.locator("#journal-entry").inner_text()
    # htmx swapped the journal section in place: no page load, the charts are still there
    assert page.url == url and page.locator("#chart-pace.js-plotly-plot").count() == 1
    assert page.locator("#journal-errors").count() == 0
    page.screenshot(path=str(tmp_path / "journal.png"), full_page=True)
    data = json.loads(page.request.get(f"{server}/api/activities/{aid}").text())
    entry = data["journal"]["entry"]
    assert entry["rpe"] == 7 and entry["feel"] == 4 and entry["sleep_h"] == 7.5
    assert entry["notes"] == "legs heavy on the last reps" and "fuelling" in entry["details"]
