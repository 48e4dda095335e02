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

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from deliberun.services import dashboard as svc
from deliberun.services.dashboard_writes import FormError, Unavailable
from deliberun.web.app import error_response, json_response, wants_json
from deliberun.web.security import checked_form


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None


def _date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a date: use YYYY-MM-DD") from None


def cached(request: Request, page: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The page's data from the cache while the database is unchanged (see web/cache.py)."""
    params = tuple(sorted((k, v) for k, v in request.query_params.multi_items() if k != "format"))
    key = (page, request.url.path.removeprefix("/api"), params, _today(request))
    data: dict[str, Any] = request.app.state.cache.get(key, build)
    return data


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


Builder = Callable[[Request], dict[str, Any]]


def _pages(app: FastAPI) -> dict[str, tuple[str, Builder]]:
    db = app.state.db
    return {
        "today": ("today.html", lambda r: svc.today_page(db, today=_today(r))),
        "calendar": (
            "calendar.html",
            lambda r: svc.calendar_page(
                db, today=_today(r), weeks=_int(r, "weeks", 6), start=_date(r, "start")
            ),
        ),
        "activities": (
            "activities.html",
            lambda r: svc.activities_page(
                db,
                today=_today(r),
                since=_date(r, "since"),
                until=_date(r, "until"),
                limit=_int(r, "limit", 100),
                offset=_int(r, "offset", 0),
            ),
        ),
        "fitness": (
            "fitness.html",
            lambda r: svc.fitness_page(db, today=_today(r), days=_int(r, "days", 365)),
        ),
        "targets": ("targets.html", lambda r: svc.targets_page(db, today=_today(r))),
        "experiments": ("experiments.html", lambda r: svc.experiments_page(db, today=_today(r))),
        "plan": (
            "plan.html",
            lambda r: svc.plan_page(
                db, today=_today(r), all_weeks=r.query_params.get("all") in ("1", "true")
            ),
        ),
    }


def register(app: FastAPI) -> None:
    """Add every page, its JSON twin and the form posts to ``app``."""
    db = app.state.db

    for name, (template, build) in _pages(app).items():

        def endpoint(request: Request, _t: str = template, _b: Builder = build) -> Response:
            return render(request, _t, cached(request, _t, lambda: _b(request)))

        app.add_api_route(f"/{name}", endpoint, methods=["GET"], name=name)
        app.add_api_route(f"/api/{name}", endpoint, methods=["GET"], name=f"api_{name}")

    @app.get("/", name="home")
    def home(request: Request) -> Response:
        data = cached(request, "today", lambda: svc.today_page(db, today=_today(request)))
        return render(request, "today.html", data)

    def activity(request: Request, activity_id: int) -> Response:
        x_axis = request.query_params.get("x", "distance")
        data = cached(
            request, "activity", lambda: svc.activity_page(db, activity_id, x_axis=x_axis)
        )
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
            data = await run_in_threadpool(svc.activity_page, db, activity_id)
            data["journal"]["errors"] = exc.errors
            data["journal"]["submitted"] = values
            return render(request, "activity.html", data, status_code=400)
        except Unavailable as exc:
            return error_response(request, 503, str(exc))
        request.app.state.cache.clear()
        if wants_json(request):
            return json_response({"stored": stored})
        return RedirectResponse(f"/activities/{activity_id}?saved=1#journal", status_code=303)

    @app.post("/plan/move", name="plan_move")
    async def plan_move(request: Request) -> Response:
        form = await checked_form(request)
        try:
            moved = await run_in_threadpool(
                svc.move_workout, db, form.get("from"), form.get("date")
            )
        except FormError as exc:
            return _plan_error(request, exc.errors)
        except Unavailable as exc:
            return error_response(request, 503, str(exc))
        request.app.state.cache.clear()
        if wants_json(request):
            return json_response({"moved": moved})
        return RedirectResponse("/plan?moved=1", status_code=303)

    def _plan_error(request: Request, errors: dict[str, str]) -> Response:
        data = svc.plan_page(db, today=_today(request))
        data["errors"] = errors
        return render(request, "plan.html", data, status_code=400)
