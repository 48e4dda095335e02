"""Dashboard pages of the courses area: courses, one course's history, same-session table.

Each returns the page's dict (the JSON twin); ``sync`` is False on a read-only
dashboard, so the page shows the courses as last stored and writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from deliberun.services import compare as compare_svc
from deliberun.services import courses as courses_svc
from deliberun.services.activities import NoSuchActivity
from deliberun.services.dashboard_base import NotFound
from deliberun.store.db import Database


def courses_page(db: Database, *, today: date, sync: bool = True) -> dict[str, Any]:
    return {
        "page": "courses",
        "today": today,
        "courses": courses_svc.list_courses(db, sync=sync),
    }


def course_page(db: Database, course_id: int, *, today: date, sync: bool = True) -> dict[str, Any]:
    try:
        data = courses_svc.course_detail(db, course_id, today=today, sync=sync)
    except courses_svc.NoSuchCourse as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    return {"page": "courses", "today": today, **data}


def compare_page(db: Database, activity_id: int, *, today: date) -> dict[str, Any]:
    try:
        data = compare_svc.compare(db, activity_id, today=today)
    except NoSuchActivity as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    return {"page": "compare", "today": today, **data}
