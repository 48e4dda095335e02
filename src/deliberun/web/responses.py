"""How the dashboard answers: a page's dict as strict JSON, or an error as the client asked.

``routes``, ``strava_routes`` and ``errors`` import these; ``app`` builds the
application from them (so no module imports ``app`` back).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from deliberun.jsonable import strict


def to_jsonable(data: Any) -> Any:
    """Strict JSON values: NaN/inf → null, dates → ISO 8601, arrays → lists."""
    return strict(data)


def json_response(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(to_jsonable(data), status_code=status_code)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.query_params.get("format") == "json"


def error_response(request: Request, status: int, message: str) -> Response:
    """The error as JSON (``{"error": ...}``), plain text, or a page, as the client asked."""
    if wants_json(request):
        return json_response({"error": message, "status": status}, status_code=status)
    if "text/html" not in request.headers.get("accept", ""):
        return PlainTextResponse(message, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"d": {"page": "error", "status": status, "message": message, "units": "metric"}},
        status_code=status,
    )
