"""The dashboard of a database with several athletes: the group page, then each athlete's.

``create_group_app(db_url, ...)`` answers:

| path                         | answer                                                  |
|------------------------------|---------------------------------------------------------|
| ``/group``, ``/api/group``   | the group view (``services.group.group``), page and JSON |
| ``/athletes/{name}``         | opens that athlete's dashboard (a cookie) at ``/today``  |
| anything else                | the chosen athlete's dashboard (``create_app(athlete=)``)|

The athlete is chosen by ``?athlete=NAME`` on any request (JSON clients), else by the
cookie ``/athletes/{name}`` set; with neither, ``/`` goes to the group page and every
other page says to choose an athlete (404). Each athlete's dashboard is the one-athlete
``create_app`` (built on first use, kept), so single-runner ``serve`` is unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from deliberun.errors import NotFoundError
from deliberun.services.group import group_page, refresh
from deliberun.store.db import Database
from deliberun.web import errors, memory
from deliberun.web.app import create_app, in_background, make_templates, mount_static, today_of
from deliberun.web.cache import PageCache
from deliberun.web.routes import page_key, render
from deliberun.web.security import SecurityMiddleware

log = logging.getLogger(__name__)

#: The cookie naming whose dashboard the browser shows.
COOKIE = "deliberun_athlete"
#: How often the warm-up thread looks for a changed database [s] (as ``web.app``'s).
WARM_INTERVAL_S = 2.0


def create_group_app(
    db_url: str,
    *,
    read_only: bool = False,
    today: Callable[[], date] | date | None = None,
    page_cache: bool = True,
    hosts: frozenset[str] | None = None,
    warm: bool = False,
) -> GroupDispatch:
    """The group page plus one dashboard per athlete of the database at ``db_url``.

    ``warm``: a background thread stores every athlete's group line whenever the
    database (or the date) changed, so the group page reads stored lines
    (``services.group``; ``deliberun serve`` turns it on, unless read-only)."""
    return GroupDispatch(db_url, read_only=read_only, today=today, page_cache=page_cache,
                         hosts=hosts, warm=warm)  # fmt: skip


def warm_loop(
    app: FastAPI,
    stop: threading.Event,
    interval_s: float = WARM_INTERVAL_S,
    *,
    state_of: Callable[[FastAPI], Any] | None = None,
) -> None:
    """Store the group lines whenever the database (or the date) changed.

    ``state_of(app)``: what a change of the data changes. Default: the page cache's
    fingerprint, which storing the lines moves too (so it is read again after them);
    ``serve --multi`` passes the athletes' data versions (``services.group.data_state``),
    which a stored line leaves as they were."""
    last: tuple[Any, ...] | None = None
    own_write_moves = state_of is None
    read = state_of or (lambda a: a.state.cache.fingerprint())
    while not stop.is_set():
        try:
            state = (read(app), app.state.today())
        except Exception as exc:  # the database is away for now: look again later
            log.warning("the group warm-up could not read the database: %s", exc)
            stop.wait(interval_s)
            continue
        if state != last:
            try:
                built = refresh(app.state.db, today=state[1])
                log.debug("stored %d group line(s) as of %s", built, state[1])
                if built and own_write_moves:
                    state = (read(app), state[1])  # its own write
            except Exception:  # the page then builds the lines itself
                log.exception("storing the group lines failed")
            if last is None:  # what the first warm-up left alive lives as long as the process
                memory.settle()
            last = state
        stop.wait(interval_s)


_warming = in_background(warm_loop, "dr-group")


def _group_pages(db: Database, read_only: bool, today: Callable[[], date], cache: bool,
                 hosts: frozenset[str] | None, warm: bool = False) -> FastAPI:  # fmt: skip
    app = FastAPI(title="deliberun group", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_warming if warm and not read_only else None)  # fmt: skip
    app.state.db, app.state.read_only, app.state.today = db, read_only, today
    app.state.cache = PageCache(db.url, max_entries=8 if cache else 0)
    app.state.templates = make_templates(read_only, athlete=None)
    app.state.templates.env.globals["NAV"] = (("/group", "Group"),)
    app.add_middleware(SecurityMiddleware, read_only=read_only, hosts=hosts)
    mount_static(app)
    errors.install(app)

    def group(request: Request) -> Response:
        day = today()
        key = page_key(request.url.path, request.query_params, day)
        data = request.app.state.cache.get(key, lambda: group_page(db, today=day))
        return render(request, "group.html", data)

    app.add_api_route("/group", group, methods=["GET"], name="group")
    app.add_api_route("/api/group", group, methods=["GET"], name="api_group")

    @app.get("/", name="home")
    def home() -> Response:
        return RedirectResponse("/group", status_code=303)

    @app.get("/athletes/{name}", name="open_athlete")
    def open_athlete(name: str) -> Response:
        _known(db, name)
        resp = RedirectResponse("/today", status_code=303)
        resp.set_cookie(COOKIE, quote(name), httponly=True, samesite="lax", path="/")
        return resp

    @app.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
    def choose_first(request: Request, rest: str) -> Response:
        name = chosen_athlete(request.scope)
        if name is not None:
            _known(db, name)
        raise NotFoundError(f"/{rest}: choose an athlete on the group page first (/group)")

    return app


def _known(db: Database, name: str) -> None:
    """``NotFoundError`` (404) for a name the database does not hold."""
    from deliberun.services.athletes import list_athletes

    names = [a["name"] for a in list_athletes(db)]
    if name not in names:
        raise NotFoundError(f"no athlete named {name!r} (athletes: {', '.join(names)})")


class GroupDispatch:
    """ASGI: the group pages, or the chosen athlete's dashboard."""

    def __init__(self, db_url: str, *, read_only: bool, today: Any, page_cache: bool,
                 hosts: frozenset[str] | None, warm: bool = False) -> None:  # fmt: skip
        self.db = Database(db_url)
        self.db_url, self.read_only, self.page_cache, self.hosts = (
            db_url,
            read_only,
            page_cache,
            hosts,
        )
        self.today: Callable[[], date] = today_of(today)
        self.group = _group_pages(self.db, read_only, self.today, page_cache, hosts, warm)
        self.apps: dict[str, FastAPI] = {}
        self._lock = threading.Lock()

    def athlete_app(self, name: str) -> FastAPI:
        with self._lock:
            if name not in self.apps:
                _known(self.db, name)
                self.apps[name] = create_app(
                    self.db_url, read_only=self.read_only, today=self.today,
                    page_cache=self.page_cache, hosts=self.hosts, athlete=name, group_nav=True,
                )  # fmt: skip
            return self.apps[name]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.group(scope, receive, send)
            return
        path = scope["path"]
        if path in ("/", "/group", "/api/group") or path.startswith(("/athletes/", "/static/")):
            await self.group(scope, receive, send)
            return
        name = chosen_athlete(scope)
        if name is None:
            await self.group(scope, receive, send)
            return
        try:
            app = self.athlete_app(name)
        except NotFoundError:
            await self.group(scope, receive, send)  # answers 404 naming the athletes
            return
        await app(scope, receive, send)


def chosen_athlete(scope: Scope) -> str | None:
    """``?athlete=NAME``, else the cookie, else None."""
    from urllib.parse import unquote

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("athlete"):
        return query["athlete"][0]
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if COOKIE in jar:
                return unquote(jar[COOKIE].value)
    return None
