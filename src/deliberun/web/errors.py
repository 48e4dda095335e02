"""How the dashboard answers an error: the one place (``install(app)``).

- a ``DeliberunError`` (``deliberun.errors``): its ``http_status`` and message;
- a library ``ValueError`` (a bad query value, a refused move): 400;
- ``OverflowError`` (an id, limit or date past what the database or calendar holds): 400;
- a database failure: 503 naming the database (400 when a value overflowed it);
- FastAPI's validation errors: 400; Starlette's HTTP errors: their own status.

Anything else is a programming error: FastAPI's 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from deliberun.errors import DeliberunError
from deliberun.services.errors import DatabaseFailure, database_message, is_busy
from deliberun.web.responses import error_response

log = logging.getLogger(__name__)


async def _contract(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DeliberunError)
    return error_response(request, exc.http_status, str(exc))


async def _bad_value(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, str(exc))


async def _overflow(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, f"bad request: a value is out of range ({exc})")


async def _storage(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DatabaseFailure)
    if isinstance(exc.orig, OverflowError):
        return error_response(request, 400, "bad request: a value is out of range")
    log.warning("storage error: %s", exc)
    message = database_message(exc, request.app.state.db.url)
    if is_busy(exc):
        message = "the database is busy (an import is writing); try again in a moment"
    return error_response(request, 503, message)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = [
        f"{'.'.join(str(x) for x in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors()
    ]
    return error_response(request, 400, "bad request: " + "; ".join(parts))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(request, exc.status_code, str(exc.detail))


def install(app: FastAPI) -> None:
    """Answer every expected error of ``app`` as the table in the module docstring says."""
    app.add_exception_handler(DeliberunError, _contract)
    app.add_exception_handler(ValueError, _bad_value)
    app.add_exception_handler(OverflowError, _overflow)
    app.add_exception_handler(DatabaseFailure, _storage)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
