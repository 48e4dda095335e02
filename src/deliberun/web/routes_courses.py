"""Routes of the courses area (HTML page and JSON twin each):

| page           | HTML                     | JSON twin                    |
|----------------|--------------------------|------------------------------|
| Courses        | ``/courses``             | ``/api/courses``             |
| Course history | ``/courses/{id}``        | ``/api/courses/{id}``        |
| Same session   | ``/compare/{activity}``  | ``/api/compare/{activity}``  |
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from deliberun.services import dashboard_courses as svc
from deliberun.web.routes import _today, page_key, render


def register(app: FastAPI) -> None:
    db = app.state.db

    def _sync(request: Request) -> bool:
        return not request.app.state.read_only

    def courses(request: Request) -> Response:
        today = _today(request)
        key = page_key(request.url.path, request.query_params, today)
        data = request.app.state.cache.get(
            key, lambda: svc.courses_page(db, today=today, sync=_sync(request))
        )
        return render(request, "courses.html", data)

    def course(request: Request, course_id: int) -> Response:
        today = _today(request)
        key = page_key(request.url.path, request.query_params, today)
        data = request.app.state.cache.get(
            key, lambda: svc.course_page(db, course_id, today=today, sync=_sync(request))
        )
        return render(request, "course.html", data)

    def compare(request: Request, activity_id: int) -> Response:
        today = _today(request)
        key = page_key(request.url.path, request.query_params, today)
        data = request.app.state.cache.get(
            key, lambda: svc.compare_page(db, activity_id, today=today)
        )
        return render(request, "compare.html", data)

    app.add_api_route("/courses", courses, methods=["GET"], name="courses")
    app.add_api_route("/api/courses", courses, methods=["GET"], name="api_courses")
    app.add_api_route("/courses/{course_id}", course, methods=["GET"], name="course")
    app.add_api_route("/api/courses/{course_id}", course, methods=["GET"], name="api_course")
    app.add_api_route("/compare/{activity_id}", compare, methods=["GET"], name="compare")
    app.add_api_route("/api/compare/{activity_id}", compare, methods=["GET"], name="api_compare")
