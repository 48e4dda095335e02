"""The dashboard application: ``create_app(db_url, *, read_only=False)``.

Server-rendered Jinja2 pages over ``deliberun.services.dashboard``; every page
has a JSON twin (``/api/<page>`` or ``?format=json``) returning the same dict
the template draws. Static files (CSS, htmx, plotly's bundled JS from the
installed ``plotly`` package) are served locally: the page never reaches a CDN.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from deliberun.services import stored_verdicts
from deliberun.store.db import Database
from deliberun.units import FILTERS
from deliberun.web import errors, memory, routes, routes_courses, strava_routes
from deliberun.web.cache import MAX_ENTRIES, PageCache
from deliberun.web.responses import to_jsonable
from deliberun.web.security import FIELD, SecurityMiddleware

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

#: The navigation bar: (path, label).
NAV = (
    ("/today", "Today"),
    ("/calendar", "Calendar"),
    ("/activities", "Activities"),
    ("/fitness", "Fitness"),
    ("/targets", "Targets"),
    ("/experiments", "Experiments"),
    ("/plan", "Plan"),
    ("/courses", "Courses"),
)


def plotly_js() -> Path:
    """plotly.min.js as bundled in the installed ``plotly`` package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js not found at {path}: reinstall plotly")
    return path


def _tojson_filter(data: Any) -> str:
    from markupsafe import Markup

    text = json.dumps(to_jsonable(data), separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a <script> block


def render_report(data: dict[str, Any]) -> str:
    """A self-contained HTML page (inline CSS, no script) of ``week_report`` data."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    env.filters.update(FILTERS)
    from markupsafe import Markup

    css = Markup((STATIC / "style.css").read_text(encoding="utf-8"))  # our own file, verbatim
    return env.get_template("report.html").render(d=data, css=css)


def today_of(today: Callable[[], date] | date | None) -> Callable[[], date]:
    """The dashboard's clock: the local date now, a pinned date, or the given function."""
    if today is None:
        return date.today
    if isinstance(today, date):
        pinned = today
        return lambda: pinned
    return today


def mount_static(app: FastAPI) -> None:
    """Serve ``/static`` (CSS, htmx, app.js) and plotly's bundled ``plotly.min.js``."""
    plotly_path = plotly_js()

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(
            plotly_path,
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")


def make_templates(read_only: bool, athlete: str | None = None) -> Jinja2Templates:
    """The pages' Jinja2 environment; ``athlete``: the dashboard is one athlete's within a
    group, so the navigation links the group page and names them."""
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters.update(FILTERS)
    templates.env.filters["tojson"] = _tojson_filter
    nav = NAV if athlete is None else (("/group", "Group"), *NAV)
    templates.env.globals.update(
        {"NAV": nav, "read_only": read_only, "CSRF_FIELD": FIELD, "ATHLETE": athlete}
    )
    return templates


def create_app(
    db_url: str,
    *,
    read_only: bool = False,
    today: Callable[[], date] | date | None = None,
    page_cache: bool = True,
    warm: bool = False,
    hosts: frozenset[str] | None = None,
    athlete: str | None = None,
    secret: bytes | None = None,
    database: Database | None = None,
    coach_notes: bool = False,
    group_nav: bool = False,
) -> FastAPI:
    """The dashboard over the database at ``db_url`` (a path or SQLAlchemy URL).

    Parameters
    ----------
    db_url : str
        Database path or URL, as ``deliberun --db`` takes it.
    read_only : bool
        Refuse every write (journal entries, moving workouts) with 403.
    today : date or callable returning a date, optional
        The day the pages treat as today (default: the local date now). Tests and
        the demo pin it to the last day of a simulated history.
    page_cache : bool
        Keep built pages while the database is unchanged (``deliberun.web.cache``).
    warm : bool
        Rebuild every page's default view in a background thread whenever the
        database changes (and at start), so the first view after an import is
        served from the cache. ``deliberun serve`` turns it on.
    hosts : frozenset of str, optional
        The ``Host`` header values served (``"127.0.0.1:8765"``...); any other is
        refused with 400 (DNS rebinding). ``deliberun serve`` passes the loopback
        names with its port plus its ``--host``; the default accepts the loopback
        names on any port (and the test client's ``testserver``).
    athlete : str, optional
        Whose data the dashboard shows (else ``DELIBERUN_ATHLETE``, else the only one).
    secret : bytes, optional
        The key the form tokens are signed with (default: random per app).
        ``serve --multi`` (``web/multi.py``) gives every athlete's app the login
        layer's key, so a token is valid for its login session only.
    database : Database, optional
        An open database to share (its engine and connections) instead of opening
        ``db_url`` again; the app reads ``athlete``'s rows of it.
    coach_notes : bool
        Show the coach's notes on the activity page (``serve --multi``); the page and
        its JSON twin then carry ``coach_notes``.
    group_nav : bool
        The dashboard is one athlete's inside the group dashboard
        (``web.group_app.create_group_app``): the navigation links the group page.
    """
    db = (
        database.for_athlete(athlete) if database and athlete else Database(db_url, athlete=athlete)
    )
    app = FastAPI(
        title="deliberun",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_warming if warm and page_cache else None,
    )
    app.state.db = db
    app.state.read_only = read_only
    app.state.coach_notes = coach_notes
    app.state.cache = PageCache(db.url, max_entries=MAX_ENTRIES if page_cache else 0)
    app.state.today = today_of(today)

    app.state.templates = make_templates(read_only, athlete=athlete if group_nav else None)
    app.add_middleware(SecurityMiddleware, read_only=read_only, hosts=hosts, secret=secret)

    mount_static(app)
    errors.install(app)
    routes.register(app)
    strava_routes.register(app)
    routes_courses.register(app)
    return app


#: How often the warm-up thread looks for a changed database [s].
WARM_INTERVAL_S = 2.0


def warm_loop(app: FastAPI, stop: threading.Event, interval_s: float = WARM_INTERVAL_S) -> None:
    """Rebuild the default pages whenever the database (or the date) changed."""
    last: tuple[Any, ...] | None = None
    while not stop.is_set():
        state = (app.state.cache.fingerprint(), app.state.today())
        if state != last:
            if not app.state.read_only:  # the runs' stored verdicts first (a change that
                # did not store them, or a database older than them), then the pages
                try:
                    if stored_verdicts.refresh(app.state.db, today=state[1]):
                        state = (app.state.cache.fingerprint(), state[1])  # its own write
                except Exception:  # the pages then judge the runs themselves
                    log.exception("storing the runs' race verdicts and session types failed")
            try:
                routes.warm(app)
            except Exception:  # a broken page must not stop the loop; the view will say why
                log.exception("warming the dashboard pages failed")
            if last is None:  # what the first warm-up left alive lives as long as the process
                memory.settle()
            last = state
        stop.wait(interval_s)


def in_background(
    loop: Callable[[FastAPI, threading.Event], None], name: str
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that runs ``loop(app, stop)`` in a daemon thread while the app serves
    and sets ``stop`` when it shuts down (the dashboard's and the group page's warm-ups)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = threading.Thread(target=loop, args=(app, stop), daemon=True, name=name)
        thread.start()
        try:
            yield
        finally:
            stop.set()

    return lifespan


_warming = in_background(warm_loop, "dr-warm")
