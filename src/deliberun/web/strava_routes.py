"""The dashboard's "Sync from Strava" button: ``POST /strava/sync`` (CSRF-checked,
refused when read-only like every write). Runs the same sync as ``deliberun sync`` (then, as
it does, recomputes the metrics a new threshold estimate changes and says so); a
rate-limit wait longer than :data:`WEB_MAX_WAIT_S` stops it (the next press resumes)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from deliberun.services.threshold_refresh import describe, refresh
from deliberun.web.responses import json_response, wants_json
from deliberun.web.security import checked_form

#: A browser request should not hang for a quarter hour.
WEB_MAX_WAIT_S = 30.0


def register(app: FastAPI) -> None:
    db = app.state.db

    @app.post("/strava/sync", name="strava_sync")
    async def strava_sync(request: Request) -> Response:
        await checked_form(request)
        from deliberun.services import strava_sync as sv
        from deliberun.strava.client import StravaError

        try:
            report = await run_in_threadpool(sv.sync, db, max_wait_s=WEB_MAX_WAIT_S)
        except (StravaError, ValueError) as exc:  # ValueError: a bad setting, damaged tokens
            result: dict[str, object] = {"error": str(exc)}
            message = str(exc)
        else:
            refreshed: dict[str, Any] | None = None
            if report.new or report.updated:  # new thresholds may follow, as in the CLI
                refreshed = await run_in_threadpool(refresh, db, today=request.app.state.today())
            request.app.state.cache.clear()
            result = {**report.to_dict(), "recomputed": refreshed}
            message = (
                f"{len(report.new)} new, {len(report.updated)} updated, "
                f"{len(report.failed)} failed"
                + (
                    f", {len(report.deleted)} deleted on Strava (kept here, flagged)"
                    if report.deleted
                    else ""
                )
                + (f"; {report.stopped}" if report.stopped else "")
            )
            said = describe(refreshed) if refreshed else None
            if said:
                message += f"; {said}"
        if wants_json(request):
            return json_response(result, status_code=400 if "error" in result else 200)
        return RedirectResponse("/activities?" + urlencode({"synced": message}), status_code=303)
