"""Cross-site request protection and the read-only switch.

Two checks on every write (any method but GET/HEAD/OPTIONS):

1. **Origin/Referer**: the request's ``Origin`` header (else ``Referer``) must
   name this server (same scheme-less host and port as ``Host``). A page on
   another site cannot post to the dashboard from the runner's browser.
2. **Per-session token**: the first response sets a random token in a
   ``SameSite=Strict`` cookie; every form carries it in a hidden
   ``csrf_token`` field (htmx requests in an ``X-CSRF-Token`` header), and the
   two must match (double-submit, compared in constant time).

A request missing either is refused with 403 and nothing is stored. In
read-only mode every write is refused with 403 before it reaches a route.
Every response also carries a Content-Security-Policy (scripts, styles,
images and connections from this server only; no ``eval``) and forbids framing
by other sites (``X-Frame-Options``).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import PlainTextResponse, Response

COOKIE = "deliberun_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Content-Security-Policy: everything from this server only, no inline or
#: ``eval``-ed script, no plugins, no framing, forms post only here. Styles allow
#: ``'unsafe-inline'``: plotly.js adds its own ``<style>`` rules when it draws a
#: chart, and htmx its indicator style (a style cannot run code; every script
#: stays ``'self'``). The plotly and htmx bundles we ship draw and swap without
#: ``eval`` (``tests/test_web_browser.py`` fails on any CSP violation).
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: On every response: the CSP above, no framing by other sites (clickjacking the
#: forms), no MIME sniffing, no full URLs leaked to other sites.
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def same_origin(request: Request) -> bool:
    """True when ``Origin`` (else ``Referer``) names the host the request was sent to."""
    host = request.headers.get("host", "")
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null" or not host:
        return False
    return urlsplit(source).netloc.lower() == host.lower()


class SecurityMiddleware(BaseHTTPMiddleware):
    """Sets the session token cookie; refuses writes in read-only mode or cross-site."""

    def __init__(self, app, *, read_only: bool) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app)
        self.read_only = read_only

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        token = request.cookies.get(COOKIE)
        fresh = not token or len(token) < 20
        if fresh:
            token = secrets.token_urlsafe(32)
        request.state.csrf_token = token
        if request.method not in SAFE_METHODS:
            if self.read_only:
                return PlainTextResponse(
                    "Forbidden: this dashboard is read-only (started with --read-only); "
                    "restart `deliberun serve` without it to make changes.",
                    status_code=403,
                )
            if not same_origin(request):
                return PlainTextResponse(
                    "Forbidden: cross-site request refused (the Origin/Referer header must "
                    "name this server); submit the form from the dashboard itself.",
                    status_code=403,
                )
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if fresh:
            response.set_cookie(COOKIE, token or "", httponly=True, samesite="strict")
        return response


async def checked_form(request: Request) -> FormData:
    """The request's form after checking its token against the session cookie (403 if not)."""
    form = await request.form()
    cookie = request.cookies.get(COOKIE) or ""
    sent = str(form.get(FIELD) or request.headers.get(HEADER) or "")
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise HTTPException(
            status_code=403,
            detail="Forbidden: missing or stale form token; reload the page and submit again.",
        )
    return form
