"""Routes: one HTML page and its JSON twin per dashboard page, and the two form posts.

| page        | HTML                    | JSON twin                   |
|-------------|-------------------------|-----------------------------|
| Today       | ``/`` , ``/today``      | ``/api/today``              |
| Calendar    | ``/calendar``           | ``/api/calendar``           |
| Activities  | ``/activities``         | ``/api/activities``         |
| Activity    | ``/activities/{id}``    | ``/api/activities/{id}``    |
| Fitness     | ``/fitness``            | ``/api/fitness``            |
| Targets     | ``/targets``            | ``/api/targets``            |
| Experiments | ``/experiments``        | ``/api/experiments``        |
| Plan        | ``/plan``               | ``/api/plan``               |

Any page also answers ``?format=json``. Writes: ``POST /activities/{id}/journal``
and ``POST /plan/move`` (form posts, CSRF-checked, refused when read-only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from deliberun.services import dashboard as svc
from deliberun.services.dashboard import shared_reads
from deliberun.services.dashboard_writes import FormError
from deliberun.services.races import mark_race
from deliberun.store.db import Database
from deliberun.web.responses import json_response, wants_json
from deliberun.web.security import checked_form

Params = Mapping[str, str]


#: Bounds of numeric and date query values (limit, offset, weeks, days; start, since...).
MAX_PARAM = 100_000
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)


def _int(params: Params, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None
    if not 0 <= value <= MAX_PARAM:
        raise ValueError(f"{name}={raw[:30]} is out of range: give 0 to {MAX_PARAM}")
    return value


def _date(params: Params, name: str) -> date | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a date: use YYYY-MM-DD") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(
            f"{name}={raw} is out of range: give a date from {FIRST_DAY} to {LAST_DAY}"
        )
    return value


def page_key(path: str, params: Params, today: date) -> tuple[Any, ...]:
    """Cache key of a page view: path (HTML and JSON twin alike), parameters, today."""
    items = tuple(sorted((k, v) for k, v in params.items() if k != "format"))
    return (path.removeprefix("/api") or "/", items, today)


def _today(request: Request) -> date:
    today: date = request.app.state.today()
    return today


def render(
    request: Request, template: str, data: dict[str, Any], status_code: int = 200
) -> Response:
    """The page's dict as JSON (twin) or drawn by its template."""
    if wants_json(request):
        return json_response(data, status_code=status_code)
    return request.app.state.templates.TemplateResponse(
        request,
        template,
        {"d": data, "csrf_token": request.state.csrf_token},
        status_code=status_code,
    )


#: A page builder: (query parameters, today) → the page's dict.
Builder = Callable[[Params, date], dict[str, Any]]


def pages(db: Database) -> dict[str, tuple[str, Builder]]:
    """Every list-style page: name → (template, builder). ``/{name}`` and ``/api/{name}``."""
    return {
        "today": ("today.html", lambda p, t: svc.today_page(db, today=t)),
        "calendar": (
            "calendar.html",
            lambda p, t: svc.calendar_page(
                db, today=t, weeks=_int(p, "weeks", 6), start=_date(p, "start")
            ),
        ),
        "activities": (
            "activities.html",
            lambda p, t: svc.activities_page(
                db,
                today=t,
                since=_date(p, "since"),
                until=_date(p, "until"),
                limit=_int(p, "limit", 100),
                offset=_int(p, "offset", 0),
            ),
        ),
        "fitness": (
            "fitness.html",
            lambda p, t: svc.fitness_page(db, today=t, days=_int(p, "days", 365)),
        ),
        "targets": ("targets.html", lambda p, t: svc.targets_page(db, today=t)),
        "experiments": ("experiments.html", lambda p, t: svc.experiments_page(db, today=t)),
        "plan": (
            "plan.html",
            lambda p, t: svc.plan_page(db, today=t, all_weeks=p.get("all") in ("1", "true")),
        ),
    }


def _shared(build: Builder, params: Params, today: date) -> dict[str, Any]:
    """One page built with its shared reads (fitness and predictions read the history once)."""
    with shared_reads():
        return build(params, today)


def warm(app: FastAPI) -> None:
    """Build every page's default view into the cache (run after the database changed).

    All pages are built under one database fingerprint taken before anything is
    read, and inside ``shared_reads`` so the sources several pages use (the
    practice sessions, the fitness series) are computed once. A request for a
    page the warm-up is building waits for it instead of building it again.
    """
    cache = app.state.cache
    today: date = app.state.today()
    state = cache.fingerprint()
    with shared_reads():
        for name, (_template, build) in pages(app.state.db).items():
            cache.get(page_key(f"/{name}", {}, today), lambda b=build: b({}, today), state=state)


def _page_endpoint(template: str, build: Builder) -> Callable[[Request], Response]:
    """The GET endpoint of one page. (Not default arguments: FastAPI would take those as
    query parameters, ``?_t=`` choosing the template, and fail to describe a callable in
    ``/api/openapi.json``.)"""

    def endpoint(request: Request) -> Response:
        params, today = request.query_params, _today(request)
        key = page_key(request.url.path, params, today)
        data = request.app.state.cache.get(key, lambda: _shared(build, params, today))
        return render(request, template, data)

    return endpoint


def register(app: FastAPI) -> None:
    """Add every page, its JSON twin and the form posts to ``app``."""
    db = app.state.db

    for name, (template, build) in pages(db).items():
        endpoint = _page_endpoint(template, build)
        app.add_api_route(f"/{name}", endpoint, methods=["GET"], name=name)
        app.add_api_route(f"/api/{name}", endpoint, methods=["GET"], name=f"api_{name}")

    @app.get("/", name="home")
    def home(request: Request) -> Response:
        today = _today(request)
        key = page_key("/today", request.query_params, today)
        data = request.app.state.cache.get(
            key, lambda: _shared(lambda p, t: svc.today_page(db, today=t), {}, today)
        )
        return render(request, "today.html", data)

    def activity(request: Request, activity_id: int) -> Response:
        x_axis = request.query_params.get("x", "distance")
        today = _today(request)
        key = page_key(request.url.path, request.query_params, today)
        data = request.app.state.cache.get(
            key, lambda: svc.activity_page(db, activity_id, today=today, x_axis=x_axis)
        )
        if request.app.state.coach_notes:  # serve --multi: the coach's notes on this run
            from deliberun.services.coach_notes import activity_notes

            data = {**data, "coach_notes": activity_notes(db, activity_id)}
        return render(request, "activity.html", data)

    app.add_api_route("/activities/{activity_id}", activity, methods=["GET"], name="activity")
    app.add_api_route(
        "/api/activities/{activity_id}", activity, methods=["GET"], name="api_activity"
    )

    @app.post("/activities/{activity_id}/journal", name="journal")
    async def journal(request: Request, activity_id: int) -> Response:
        form = await checked_form(request)
        values: dict[str, Any] = {k: form.get(k) for k in form.keys() if k != "details"}
        values["details"] = form.getlist("details")
        try:
            stored = await run_in_threadpool(svc.save_journal, db, activity_id, values)
        except FormError as exc:
            data = await run_in_threadpool(
                lambda: svc.activity_page(db, activity_id, today=_today(request))
            )
            data["journal"]["errors"] = exc.errors
            data["journal"]["submitted"] = values
            return render(request, "activity.html", data, status_code=400)
        request.app.state.cache.clear()
        if wants_json(request):
            return json_response({"stored": stored})
        return RedirectResponse(f"/activities/{activity_id}?saved=1#journal", status_code=303)

    @app.post("/activities/{activity_id}/race", name="race_mark")
    async def race_mark(request: Request, activity_id: int) -> Response:
        """The runner's mark: ``mark`` = ``race``, ``not`` or ``auto`` (let the data judge)."""
        form = await checked_form(request)
        choice = str(form.get("mark") or "")
        marks = {"race": True, "not": False, "auto": None}
        if choice not in marks:
            return json_response({"errors": {"mark": "use race, not or auto"}}, status_code=400)
        try:
            out = await run_in_threadpool(
                mark_race, db, activity_id, marks[choice], today=_today(request)
            )
        except LookupError as exc:
            return json_response({"errors": {"activity": str(exc)}}, status_code=404)
        request.app.state.cache.clear()
        if wants_json(request):
            return json_response(out)
        return RedirectResponse(f"/activities/{activity_id}#race", status_code=303)

    @app.post("/plan/move", name="plan_move")
    async def plan_move(request: Request) -> Response:
        form = await checked_form(request)
        try:
            moved = await run_in_threadpool(
                svc.move_workout, db, form.get("workout"), form.get("date"), _today(request)
            )
        except FormError as exc:
            return _plan_error(request, exc.errors)
        request.app.state.cache.clear()
        if wants_json(request):
            return json_response({"moved": moved})
        return RedirectResponse(f"/plan?moved={moved['id']}", status_code=303)

    def _plan_error(request: Request, errors: dict[str, str]) -> Response:
        data = svc.plan_page(db, today=_today(request))  # fresh: the cached dict stays clean
        data["errors"] = errors
        return render(request, "plan.html", data, status_code=400)
