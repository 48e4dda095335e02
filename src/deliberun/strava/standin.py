"""A local stand-in for the Strava API v3, for tests and benchmarks (never for runners).

Strava cannot be reached from the test machine or CI, so the sync is tested against this
small FastAPI app on 127.0.0.1. Its responses follow the shapes of Strava's published
API v3 reference (https://developers.strava.com/docs/reference/, as of 2025) and
authentication/rate-limit documents:

* ``GET /oauth/authorize`` an HTML page whose "Authorize" button redirects to the
  ``redirect_uri`` with ``code``, ``scope`` and the ``state`` given; ``POST /oauth/token``
  (``authorization_code`` and ``refresh_token`` grants; tokens expire after
  ``token_life_s``); ``POST /oauth/deauthorize``;
* ``GET /api/v3/athlete``; ``GET /api/v3/athlete/activities`` with ``before``,
  ``after``, ``page``, ``per_page`` (SummaryActivity; ascending by start when ``after``
  is given, newest first otherwise, as Strava answers); ``GET /api/v3/activities/{id}``
  (DetailedActivity); ``PUT /api/v3/activities/{id}`` (UpdatableActivity: name, type,
  sport_type, description, gear_id, commute, trainer, hide_from_home); ``GET
  /api/v3/activities/{id}/streams?keys=...&key_by_type=true``;
* 401 ``Authorization Error`` for a missing, revoked or expired token; 404 ``Record Not
  Found``; 429 ``Rate Limit Exceeded`` once a window is used up, with
  ``X-RateLimit-Limit``/``-Usage`` and ``X-ReadRateLimit-Limit``/``-Usage`` on every API
  answer (windows reset at natural boundaries of ``window_s`` and ``day_s``).

Test hooks (not Strava's) live under ``/_standin``: delete an activity (the public API
has no delete; the runner deletes on the website or the app), change fields the runner
edits on the website (private note, perceived exertion, workout type), set
the usage counters, expire every token, read request counts, slow the streams down.
"""

from __future__ import annotations

import html
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from deliberun.strava.standin_data import StandinActivity, summary_of

ATHLETE = {
    "id": 1,
    "resource_state": 2,
    "username": "standin",
    "firstname": "Stand",
    "lastname": "In",
    "city": None,
    "country": None,
}
#: The ``DetailedActivity`` fields ``PUT /activities/{id}`` may change (UpdatableActivity).
UPDATABLE = (
    "name",
    "type",
    "sport_type",
    "description",
    "gear_id",
    "commute",
    "trainer",
    "hide_from_home",
)


@dataclass
class StandinState:
    """Everything the stand-in knows; tests read and change it between requests."""

    activities: dict[int, StandinActivity] = field(default_factory=dict)
    #: ids left out of the list although their detail answers (as Strava leaves out an
    #: "only me" activity for a token without ``activity:read_all``)
    unlisted: set[int] = field(default_factory=set)
    client_id: str = "12345"
    client_secret: str = "standin-secret"
    token_life_s: int = 21600
    limit_short: int = 100
    limit_day: int = 1000
    window_s: float = 900.0
    day_s: float = 86400.0
    streams_delay_s: float = 0.0
    codes: dict[str, str] = field(default_factory=dict)  # code -> scope
    access: dict[str, float] = field(default_factory=dict)  # token -> expires_at
    refresh: set[str] = field(default_factory=set)
    usage: dict[str, list[float]] = field(
        default_factory=lambda: {"short": [0, -1], "day": [0, -1]}
    )
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, items: list[StandinActivity]) -> None:
        for a in items:
            self.activities[a.id] = a

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def _window(self, kind: str, now: float) -> list[float]:
        length = self.window_s if kind == "short" else self.day_s
        idx = math.floor(now / length)
        u = self.usage[kind]
        if u[1] != idx:
            u[0], u[1] = 0, idx
        return u

    def use(self, now: float) -> tuple[bool, dict[str, str]]:
        """Count one request; (allowed, rate-limit headers). Refused requests count too
        (Strava: requests over the short limit still count toward the daily one)."""
        with self.lock:
            s, d = self._window("short", now), self._window("day", now)
            allowed = s[0] < self.limit_short and d[0] < self.limit_day
            s[0] += 1
            d[0] += 1
            lim = f"{self.limit_short},{self.limit_day}"
            use = f"{int(s[0])},{int(d[0])}"
        headers = {
            "X-RateLimit-Limit": f"{2 * self.limit_short},{2 * self.limit_day}",
            "X-RateLimit-Usage": use,
            "X-ReadRateLimit-Limit": lim,
            "X-ReadRateLimit-Usage": use,
        }
        return allowed, headers

    def set_usage(self, short: int, day: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self.lock:
            self._window("short", now)[0] = short
            self._window("day", now)[0] = day

    def issue(self) -> dict[str, Any]:
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        expires_at = int(time.time()) + self.token_life_s
        self.access[access] = expires_at
        self.refresh.add(refresh)
        return {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at,
            "expires_in": self.token_life_s,
        }


def _fault(
    status: int,
    message: str,
    resource: str,
    fld: str,
    code: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"message": message, "errors": [{"resource": resource, "field": fld, "code": code}]}
    return JSONResponse(body, status_code=status, headers=headers)


def create_app(state: StandinState) -> FastAPI:
    """The stand-in's FastAPI app over ``state``."""
    app = FastAPI(title="Strava API v3 stand-in", docs_url=None, redoc_url=None, openapi_url=None)

    # ---------------------------------------------------------------- OAuth

    @app.get("/oauth/authorize", response_class=HTMLResponse)
    def authorize(request: Request) -> Response:
        q = request.query_params
        redirect_uri, scope, st = (
            q.get("redirect_uri", ""),
            q.get("scope", "read"),
            q.get("state", ""),
        )
        if q.get("client_id") != state.client_id:
            return _fault(400, "Bad Request", "Application", "client_id", "invalid")
        if q.get("response_type") != "code" or not redirect_uri:
            return _fault(400, "Bad Request", "Application", "redirect_uri", "invalid")
        accept = urlencode({"redirect_uri": redirect_uri, "scope": scope, "state": st})
        cancel = urlencode({"state": st, "error": "access_denied"})
        page = (
            "<!doctype html><meta charset=utf-8><title>Authorize | Strava stand-in</title>"
            "<h1>Authorize deliberun to connect to Strava (stand-in)</h1>"
            f"<p>Scope: {html.escape(scope)}</p>"
            f"<form method=post action='/oauth/accept?{html.escape(accept)}'>"
            "<button id=authorize type=submit>Authorize</button></form>"
            f"<a id=cancel href='{html.escape(redirect_uri)}?{html.escape(cancel)}'>Cancel</a>"
        )
        return HTMLResponse(page)

    @app.post("/oauth/accept")
    def accept(request: Request) -> Response:
        q = request.query_params
        redirect_uri, scope = q.get("redirect_uri", ""), q.get("scope", "read")
        code = secrets.token_hex(16)
        state.codes[code] = scope
        sep = "&" if "?" in redirect_uri else "?"
        query = urlencode({"state": q.get("state", ""), "code": code, "scope": scope})
        return RedirectResponse(f"{redirect_uri}{sep}{query}", status_code=302)

    @app.post("/oauth/token")
    def token(
        client_id: str = Form(...),
        client_secret: str = Form(...),
        grant_type: str = Form(...),
        code: str | None = Form(None),
        refresh_token: str | None = Form(None),
    ) -> Response:
        state.count("token")
        if client_id != state.client_id or client_secret != state.client_secret:
            return _fault(401, "Bad Request", "Application", "client_id", "invalid")
        if grant_type == "authorization_code":
            if code is None or code not in state.codes:
                return _fault(400, "Bad Request", "AuthorizationCode", "code", "invalid")
            scope = state.codes.pop(code)
            return JSONResponse({**state.issue(), "scope": scope, "athlete": ATHLETE})
        if grant_type == "refresh_token":
            if refresh_token is None or refresh_token not in state.refresh:
                return _fault(400, "Bad Request", "RefreshToken", "refresh_token", "invalid")
            state.refresh.discard(refresh_token)
            state.count("refresh")
            return JSONResponse(state.issue())
        return _fault(400, "Bad Request", "Application", "grant_type", "invalid")

    @app.post("/oauth/deauthorize")
    def deauthorize(access_token: str = Form(...)) -> Response:
        state.count("deauthorize")
        if access_token not in state.access:
            return _fault(401, "Authorization Error", "Athlete", "access_token", "invalid")
        state.access.clear()
        state.refresh.clear()
        return JSONResponse({"access_token": access_token})

    # ---------------------------------------------------------------- API v3

    def guard(request: Request, key: str) -> tuple[Response | None, dict[str, str]]:
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        exp = state.access.get(token)
        if exp is None or exp <= time.time():
            return _fault(401, "Authorization Error", "Athlete", "access_token", "invalid"), {}
        allowed, headers = state.use(time.time())
        state.count(key)
        if not allowed:
            state.count("429")
            return _fault(
                429, "Rate Limit Exceeded", "Application", "rate limit", "exceeded", headers
            ), headers
        return None, headers

    @app.get("/api/v3/athlete")
    def athlete(request: Request) -> Response:
        bad, headers = guard(request, "athlete")
        return bad or JSONResponse(ATHLETE, headers=headers)

    @app.get("/api/v3/athlete/activities")
    def activities(
        request: Request,
        before: int | None = None,
        after: int | None = None,
        page: int = 1,
        per_page: int = 30,
    ) -> Response:
        bad, headers = guard(request, "list")
        if bad:
            return bad
        per_page = max(1, min(per_page, 200))
        items = sorted(
            (a for a in state.activities.values() if a.id not in state.unlisted),
            key=lambda a: a.start,
            reverse=after is None,
        )
        if after is not None:
            items = [a for a in items if a.start.timestamp() > after]
        if before is not None:
            items = [a for a in items if a.start.timestamp() < before]
        chunk = items[(page - 1) * per_page : page * per_page]
        return JSONResponse([summary_of(a.detail) for a in chunk], headers=headers)

    @app.get("/api/v3/activities/{activity_id}")
    def activity(request: Request, activity_id: int) -> Response:
        bad, headers = guard(request, "detail")
        if bad:
            return bad
        a = state.activities.get(activity_id)
        if a is None:
            return _fault(404, "Record Not Found", "Activity", "id", "invalid", headers)
        return JSONResponse(a.detail, headers=headers)

    @app.put("/api/v3/activities/{activity_id}")
    async def update(request: Request, activity_id: int) -> Response:
        bad, headers = guard(request, "update")
        if bad:
            return bad
        a = state.activities.get(activity_id)
        if a is None:
            return _fault(404, "Record Not Found", "Activity", "id", "invalid", headers)
        body = await request.json()
        for k in UPDATABLE:
            if k in body:
                a.detail[k] = body[k]
        return JSONResponse(a.detail, headers=headers)

    @app.get("/api/v3/activities/{activity_id}/streams")
    def streams(
        request: Request, activity_id: int, keys: str = "", key_by_type: bool = False
    ) -> Response:
        bad, headers = guard(request, "streams")
        if bad:
            return bad
        a = state.activities.get(activity_id)
        if a is None:
            return _fault(404, "Record Not Found", "Activity", "id", "invalid", headers)
        if state.streams_delay_s:
            time.sleep(state.streams_delay_s)
        wanted = set(filter(None, keys.split(","))) | {"time", "distance"}
        chosen = {k: v for k, v in a.streams.items() if k in wanted}
        if key_by_type:
            return JSONResponse(chosen, headers=headers)
        return JSONResponse([{"type": k, **v} for k, v in chosen.items()], headers=headers)

    # ---------------------------------------------------------------- test hooks

    @app.post("/_standin/activities/{activity_id}/delete")
    def delete(activity_id: int) -> Response:
        return JSONResponse({"deleted": state.activities.pop(activity_id, None) is not None})

    @app.post("/_standin/activities/{activity_id}/set")
    async def set_fields(request: Request, activity_id: int) -> Response:
        body = await request.json()
        state.activities[activity_id].detail.update(body)
        return JSONResponse({"ok": True})

    @app.post("/_standin/usage")
    async def usage(request: Request) -> Response:
        body = await request.json()
        state.set_usage(int(body.get("short", 0)), int(body.get("day", 0)))
        return JSONResponse({"ok": True})

    @app.post("/_standin/expire-tokens")
    def expire() -> Response:
        for k in state.access:
            state.access[k] = 0
        return JSONResponse({"ok": True})

    @app.get("/_standin/stats")
    def stats() -> Response:
        return JSONResponse({"counts": state.counts, "activities": len(state.activities)})

    return app


class StandinServer:
    """Run the stand-in with uvicorn in a background thread on 127.0.0.1."""

    def __init__(self, state: StandinState, port: int = 0) -> None:
        import socket

        import uvicorn

        self.state = state
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(create_app(state), log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v3"

    @property
    def oauth_url(self) -> str:
        return f"{self.url}/oauth"

    def __enter__(self) -> StandinServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the Strava stand-in did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
