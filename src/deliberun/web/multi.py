"""``deliberun serve --multi``: the dashboard behind logins, for a coach and their athletes.

``create_multi_app(db_url)`` is a small application in front of the one-runner
dashboard (``web/app.py`` ``create_app``):

1. **Host** as in ``web/security.py`` (400 for a name the server was not started for).
2. **Session**: a cookie signed with ``itsdangerous`` (timed: it expires
   ``session_hours`` after the login), HttpOnly, ``SameSite=Strict``, ``Secure`` when
   the request came over https or ``secure_cookies`` is set. It holds a random session
   id, the user's id, a stamp of their password hash (a new password or a removed
   account ends the session) and the athlete a coach chose. The key is random per
   process: a restart logs everyone out; a logout ends the session on the server too.
3. **Every write** (any method but GET/HEAD/OPTIONS), here and in every athlete's
   app, the login form included: the Origin/Referer must name this server and the form
   token (``csrf_token`` field or ``X-CSRF-Token`` header) must be the HMAC of this
   session's id, else 403 and nothing is stored. Checked here once for every route, so
   a route added later is covered without doing anything.
4. **Login** for everything but ``/login`` and ``/static``: without a valid session a
   page redirects to ``/login`` (303) and a JSON endpoint or a write answers 401.
5. **Whose data**: ``services/access.py`` picks the athlete the user may see (a coach's
   chosen one, an athlete's own) and the request goes on to that athlete's own
   ``create_app`` (made once, sharing the database's engine), whose store scope
   filters every query by that athlete. A coach's write to an athlete's data is 403
   (they write notes); Strava sync is 403 (the machine's one Strava login).

Failed logins wait :data:`LOGIN_DELAY_S` and, after :data:`MAX_FAILURES` within
:data:`FAILURE_WINDOW_S` for one name or one client address, are refused with 429
until the window passes. The password is never logged nor echoed.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.types import Receive, Scope, Send

from deliberun.errors import Forbidden, LoginRequired
from deliberun.services import access, accounts, coach_notes
from deliberun.services.accounts import Viewer
from deliberun.services.group import data_state, group_page
from deliberun.store.db import Database
from deliberun.web import errors
from deliberun.web.app import create_app, in_background, make_templates, mount_static, today_of
from deliberun.web.group_app import warm_loop
from deliberun.web.responses import error_response, json_response, wants_json
from deliberun.web.security import (
    FIELD,
    HEADER,
    SAFE_METHODS,
    SESSION_SCOPE,
    STALE_TOKEN,
    HostPolicy,
    cross_site,
    refuse_host,
    same_origin,
    secure_headers,
    sign,
    token_ok,
)

SESSION_COOKIE = "deliberun_login"
#: How long a login lasts [h].
SESSION_HOURS = 12.0
#: The wait after a failed login [s].
LOGIN_DELAY_S = 0.5
#: Failed logins allowed per name or client address within the window.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60.0
#: Paths served without a login: the login form and the static files.
PUBLIC_PATHS = ("/login",)
PUBLIC_PREFIX = "/static/"
#: The group page (issue 16's group view): a coach's, never an athlete's
#: (``access.group_athletes``; the page itself comes from ``services/group.py``).
GROUP_PATHS = ("/group", "/api/group")
#: ASGI scope keys: the logged-in viewer and the athlete whose data the request shows.
VIEWER = "deliberun_viewer"
ATHLETE = "deliberun_athlete"
#: Set for a coach: the pages hide the forms the coach may not use (journal, plan moves).
READS_ONLY = "deliberun_reads_only"


class Failures:
    """Recent failed logins per key (a name, a client address)."""

    def __init__(self, limit: int = MAX_FAILURES, window_s: float = FAILURE_WINDOW_S) -> None:
        self.limit, self.window_s = limit, window_s
        self._times: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._times.setdefault(key, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def blocked(self, keys: list[str]) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def record(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._times.pop(key, None)


class LoggedOut:
    """Ids of sessions logged out, kept until they would have expired anyway (a copy of
    the cookie is then worthless too). In memory: a restart ends every session anyway."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self._ids: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, session_id: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._ids = {k: t for k, t in self._ids.items() if now - t <= self.max_age_s}
            self._ids[session_id] = now

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return session_id in self._ids


class Sessions:
    """The signed, timed session cookie."""

    def __init__(self, secret: bytes, max_age_s: float, secure: bool) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="deliberun-login")
        self.max_age_s, self.secure = max_age_s, secure

    def read(self, request: Request) -> dict[str, Any] | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw or len(raw) > 4000:
            return None
        try:
            data = self.serializer.loads(raw, max_age=max(1, round(self.max_age_s)))
        except BadSignature:  # tampered with, or expired (SignatureExpired is one)
            return None
        return data if isinstance(data, dict) and isinstance(data.get("n"), str) else None

    def write(self, response: Response, request: Request, data: dict[str, Any]) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.serializer.dumps(data),
            httponly=True,
            samesite="strict",
            secure=self.secure or request.url.scheme == "https",
            path="/",
        )


def new_session() -> dict[str, Any]:
    return {"n": secrets.token_urlsafe(32)}


class AthleteApps:
    """One dashboard per athlete (``create_app``), made on first use, sharing one engine."""

    def __init__(self, make: Callable[[str], FastAPI]) -> None:
        self.make = make
        self._apps: dict[str, FastAPI] = {}
        self._lock = threading.Lock()

    def get(self, athlete: str) -> FastAPI:
        with self._lock:
            app = self._apps.get(athlete)
            if app is None:
                app = self._apps[athlete] = self.make(athlete)
            return app


class LoginMiddleware(BaseHTTPMiddleware):
    """Host, session, form token on every write, login on every non-public path."""

    def __init__(self, app, *, outer: FastAPI) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app)
        self.outer = outer

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        state = self.outer.state
        refused = refuse_host(request, state.policy)
        if refused is not None:
            return refused
        session = state.sessions.read(request)
        if session is not None and session["n"] in state.logged_out:
            session = None
        fresh = session is None
        if session is None:
            session = new_session()
        request.scope[SESSION_SCOPE] = session["n"]
        request.state.session = session
        request.state.csrf_token = sign(state.secret, session["n"])
        request.state.csrf_secret = state.secret
        if request.method not in SAFE_METHODS:
            if not same_origin(request, state.policy):
                return cross_site()
            if not token_ok(state.secret, session["n"], await _sent_token(request)):
                return error_response(request, 403, STALE_TOKEN)
        path = request.url.path
        if path not in PUBLIC_PATHS and not path.startswith(PUBLIC_PREFIX):
            viewer = None
            if "u" in session:
                viewer = await run_in_threadpool(
                    accounts.viewer, state.db, int(session["u"]), str(session.get("s", ""))
                )
            if viewer is None:
                return _login_first(request, fresh)
            request.scope[VIEWER] = viewer
            request.scope[ATHLETE] = _chosen(viewer, session.get("a"))
        response = await call_next(request)
        secure_headers(response)
        if fresh:
            state.sessions.write(response, request, session)
        return response


async def _sent_token(request: Request) -> str:
    sent = request.headers.get(HEADER)
    if sent:
        return sent
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        await request.body()  # cached: the route reads the same body again
        form = await request.form()
        return str(form.get(FIELD) or "")
    return ""


def _login_first(request: Request, fresh: bool) -> Response:
    if request.method == "GET" and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response: Response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    else:
        response = error_response(request, 401, "log in first: open /login")
    secure_headers(response)
    if fresh:  # the login form needs its session id
        request.app.state.sessions.write(response, request, request.state.session)
    return response


def _chosen(viewer: Viewer, wanted: Any) -> str | None:
    """The athlete the viewer's request is about: their choice while still allowed."""
    try:
        return access.athlete_for(viewer, wanted if isinstance(wanted, str) else None)
    except Forbidden:
        try:
            return access.athlete_for(viewer, None)
        except Forbidden:
            return None


class AthleteDispatch:
    """Every other path: the chosen athlete's own dashboard, if the viewer may."""

    def __init__(self, apps: AthleteApps) -> None:
        self.apps = apps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        viewer: Viewer | None = scope.get(VIEWER)
        if viewer is None:
            raise LoginRequired("log in first: open /login")
        athlete = scope.get(ATHLETE)
        if athlete is None:
            access.athlete_for(viewer, None)  # raises Forbidden, saying what to do
        if scope["path"].startswith(("/strava/", "/api/strava")):
            raise Forbidden(
                "Strava sync is not part of the coach dashboard (one Strava login per "
                "machine): each runner syncs with their own deliberun, or imports files"
            )
        scope[READS_ONLY] = viewer.is_coach
        if scope["path"] in GROUP_PATHS:
            access.group_athletes(viewer)  # Forbidden for an athlete
        if scope.get("method", "GET") not in SAFE_METHODS:
            access.may_edit_runner_data(viewer)
        await self.apps.get(str(athlete))(scope, receive, send)


def _warm_versions(app: FastAPI, stop: threading.Event) -> None:
    """The group page's warm-up (``group_app.warm_loop``) keyed on the athletes' data
    versions: this app has no page cache of its own to fingerprint."""
    warm_loop(app, stop, state_of=lambda a: data_state(a.state.db))


_warming = in_background(_warm_versions, "dr-multi-group")


def create_multi_app(
    db_url: str,
    *,
    today: Callable[[], date] | date | None = None,
    hosts: frozenset[str] | None = None,
    secure_cookies: bool = False,
    session_hours: float = SESSION_HOURS,
    page_cache: bool = True,
    read_only: bool = False,
    login_delay_s: float = LOGIN_DELAY_S,
    warm: bool = False,
) -> FastAPI:
    """The coach dashboard over the database at ``db_url`` (see the module docstring).

    ``hosts``, ``today``, ``page_cache`` and ``read_only`` as in ``create_app``;
    ``secure_cookies`` marks the session cookie ``Secure`` also on plain http (behind a
    TLS-terminating proxy that does not say so); ``session_hours`` is how long a login
    lasts. ``warm``: a background thread stores every athlete's group line whenever an
    athlete's data version or the date changed (``deliberun serve --multi`` turns it on,
    unless read-only), so a coach's group page reads stored lines.
    """
    if session_hours <= 0:
        raise ValueError(f"session_hours={session_hours} must be positive")
    db = Database(db_url)
    secret = secrets.token_bytes(32)
    clock = today_of(today)
    app = FastAPI(title="deliberun (coach)", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_warming if warm and not read_only else None)  # fmt: skip
    state = app.state
    state.db, state.secret, state.today, state.read_only = db, secret, clock, read_only
    state.policy = HostPolicy(hosts)
    state.sessions = Sessions(secret, session_hours * 3600.0, secure_cookies)
    state.failures = Failures()
    state.logged_out = LoggedOut(session_hours * 3600.0)
    state.templates = make_templates(read_only)
    state.athlete_apps = AthleteApps(
        lambda name: create_app(
            db_url, read_only=read_only, today=clock, page_cache=page_cache, hosts=hosts,
            athlete=name, secret=secret, database=db, coach_notes=True,
        )
    )  # fmt: skip
    app.add_middleware(LoginMiddleware, outer=app)
    mount_static(app)
    errors.install(app)
    _register(app, login_delay_s)
    app.mount("/", AthleteDispatch(state.athlete_apps), name="athlete")
    return app


def _viewer(request: Request) -> Viewer:
    viewer: Viewer | None = request.scope.get(VIEWER)
    if viewer is None:
        raise LoginRequired("log in first: open /login")
    return viewer


def _athlete_db(request: Request) -> Database:
    viewer = _viewer(request)
    name = request.scope.get(ATHLETE) or access.athlete_for(viewer, None)
    db: Database = request.app.state.db
    return db.for_athlete(name)


def _page(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
    if wants_json(request):
        return json_response(data, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request, template, {"d": data, "csrf_token": request.state.csrf_token}, status_code=status
    )


def _open(request: Request, athlete: str) -> Response:
    """The viewer's session now shows ``athlete`` (already checked: ``access.athlete_for``):
    their Today page, or ``{"athlete"}`` for a JSON client."""
    response: Response = (
        json_response({"athlete": athlete})
        if wants_json(request)
        else RedirectResponse("/today", status_code=303)
    )
    request.app.state.sessions.write(response, request, {**request.state.session, "a": athlete})
    return response


def _safe_next(target: str) -> str:
    """A local path to go to after the login (never another site)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/today"
    return target


def _register(app: FastAPI, login_delay_s: float) -> None:
    @app.get("/login", name="login_page")
    def login_page(request: Request) -> Response:
        data = {"page": "login", "units": "metric", "next": _safe_next(
            request.query_params.get("next", "/today")), "error": None}  # fmt: skip
        return _page(request, "login.html", data)

    @app.post("/login", name="login")
    async def login(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name") or "")
        password = str(form.get("password") or "")
        target = _safe_next(str(form.get("next") or "/today"))
        state = request.app.state
        client = request.client.host if request.client else "?"
        keys = [f"name:{name.lower()}", f"addr:{client}"]
        if state.failures.blocked(keys):
            return _login_refused(request, 429, "too many failed logins; wait 15 minutes", target)
        viewer = await run_in_threadpool(accounts.authenticate, state.db, name, password)
        if viewer is None:
            state.failures.record(keys)
            await asyncio.sleep(login_delay_s)
            return _login_refused(request, 401, "wrong name or password", target)
        state.failures.clear(keys[0])
        stamp = await run_in_threadpool(accounts.session_stamp_of, state.db, viewer.user_id)
        session = {**new_session(), "u": viewer.user_id, "s": stamp}  # a new id: no fixation
        response: Response
        if wants_json(request):
            response = json_response({"user": viewer.name, "role": viewer.role})
        else:
            response = RedirectResponse(target, status_code=303)
        state.sessions.write(response, request, session)
        return response

    def _login_refused(request: Request, status: int, message: str, target: str) -> Response:
        if wants_json(request):
            return json_response({"error": message, "status": status}, status_code=status)
        data = {"page": "login", "units": "metric", "next": target, "error": message}
        return _page(request, "login.html", data, status)

    @app.post("/logout", name="logout")
    def logout(request: Request) -> Response:
        request.app.state.logged_out.add(request.state.session["n"])
        response = RedirectResponse("/login", status_code=303)
        request.app.state.sessions.write(response, request, new_session())
        return response

    def athletes(request: Request) -> Response:
        viewer = _viewer(request)
        data = {
            "page": "athletes",
            "units": "metric",
            "user": viewer.name,
            "role": viewer.role,
            "athletes": sorted(viewer.athletes.values()),
            "chosen": request.scope.get(ATHLETE),
        }
        return _page(request, "athletes.html", data)

    app.add_api_route("/athletes", athletes, methods=["GET"], name="athletes")
    app.add_api_route("/api/athletes", athletes, methods=["GET"], name="api_athletes")

    @app.post("/athletes/choose", name="choose_athlete")
    async def choose(request: Request) -> Response:
        viewer = _viewer(request)
        form = await request.form()
        name = access.athlete_for(viewer, str(form.get("athlete") or "") or None)
        return _open(request, name)

    @app.get("/athletes/{name}", name="open_athlete")
    def open_athlete(request: Request, name: str) -> Response:
        """The group page's link: that athlete's pages, if the viewer coaches them (the
        session cookie is SameSite=Strict, so another site cannot follow it for you)."""
        return _open(request, access.athlete_for(_viewer(request), name))

    def group_view(request: Request) -> Response:
        """The group page of ``services/group.py`` over the coach's athletes only."""
        names = access.group_athletes(_viewer(request))
        state = request.app.state
        return _page(request, "group.html", group_page(state.db, today=state.today(), names=names))

    app.add_api_route("/group", group_view, methods=["GET"], name="group")
    app.add_api_route("/api/group", group_view, methods=["GET"], name="api_group")

    def notes(request: Request) -> Response:
        db = _athlete_db(request)
        data = coach_notes.notes_page(db, today=request.app.state.today())
        data["may_write"] = _viewer(request).is_coach
        data["saved"] = request.query_params.get("saved") == "1"
        return _page(request, "notes.html", data)

    app.add_api_route("/notes", notes, methods=["GET"], name="notes")
    app.add_api_route("/api/notes", notes, methods=["GET"], name="api_notes")

    @app.post("/notes", name="add_note")
    async def add_note(request: Request) -> Response:
        viewer = _viewer(request)
        access.may_write_notes(viewer)
        form = await request.form()
        db = _athlete_db(request)
        out = await run_in_threadpool(
            lambda: coach_notes.add_note(
                db, author_id=viewer.user_id, author=viewer.name,
                text=str(form.get("text") or ""), day=str(form.get("date") or "") or None,
                activity_id=str(form.get("activity") or "") or None, now=datetime.now(UTC),
            )
        )  # fmt: skip
        if wants_json(request):
            return json_response(out)
        return RedirectResponse("/notes?saved=1", status_code=303)
