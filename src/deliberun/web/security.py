"""Cross-site request protection, DNS-rebinding protection and the read-only switch.

On every request (reads too):

0. **Host**: the ``Host`` header must be one of the names the server was started
   for (``127.0.0.1``, ``localhost``, ``[::1]`` with its port, and the ``--host``
   given explicitly). A page on ``evil.example`` whose name was re-pointed at
   127.0.0.1 (DNS rebinding) sends ``Host: evil.example`` and is refused with
   400 before any data is read.

Two more checks on every write (any method but GET/HEAD/OPTIONS):

1. **Origin/Referer**: the request's ``Origin`` header (else ``Referer``) must
   be ``http://`` plus one of the allowed hosts above (not merely equal ``Host``,
   which a rebinding page controls too). A page on another site cannot post to
   the dashboard from the runner's browser.
2. **Signed per-session token**: the first response sets a random session id
   in a ``SameSite=Strict`` cookie; every form carries
   ``HMAC-SHA256(server secret, session id)`` in a hidden ``csrf_token`` field
   (htmx requests in an ``X-CSRF-Token`` header). The server secret is random
   per process and never leaves it, so a token cannot be made up by whoever can
   set both cookie and form: one that merely equals the cookie is refused. (The
   standard library's ``hmac`` is all this needs; no signing package.)

A request missing either is refused with 403 and nothing is stored. Under
``serve --multi`` (``web/multi.py``) the session id is the login session's own
(``SESSION_SCOPE``, set by the login layer in front), so the token is tied to the
login, and the secret is the one the login layer signs its cookie with. In
read-only mode every write is refused with 403 before it reaches a route.
Every response also carries a Content-Security-Policy (scripts, styles,
images and connections from this server only; no ``eval``) and forbids framing
by other sites (``X-Frame-Options``).
"""

from __future__ import annotations

import hashlib
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
#: Key in the ASGI scope of the login session's id (``serve --multi``): the CSRF token
#: is signed over it instead of this module's own cookie.
SESSION_SCOPE = "deliberun_session"
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


#: The loopback names every dashboard answers to (with the port it listens on).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: Starlette's ``TestClient`` sends ``Host: testserver``; only the default of
#: :func:`create_app` (tests, the Python API) accepts it, never ``deliberun serve``.
TEST_CLIENT_HOST = "testserver"


def host_name(host: str) -> str:
    """``host`` as it appears in a ``Host`` header (IPv6 in brackets), lower case."""
    host = host.strip().lower()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def public_name(name: str) -> str:
    """``Host`` value of a name browsers use through a reverse proxy (``name[:port]``)."""
    name = name.strip().lower()
    return name if name.count(":") <= 1 or name.startswith("[") else f"[{name}]"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values a server bound to ``host``:``port`` answers."""
    names = {*LOOPBACK_NAMES, host_name(host)} - {"0.0.0.0", "[::]"}
    return frozenset(f"{name}:{port}" for name in names)


class HostPolicy:
    """Which ``Host`` values are served: an explicit set, else loopback names on any port."""

    def __init__(self, hosts: frozenset[str] | None) -> None:
        self.hosts = hosts

    def allows(self, host: str) -> bool:
        host = host.strip().lower()
        if not host:
            return False
        if self.hosts is not None:
            return host in self.hosts
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name or (port and not port.isdigit()):
            name = host
        return name in LOOPBACK_NAMES or name == TEST_CLIENT_HOST


def same_origin(request: Request, policy: HostPolicy | None = None) -> bool:
    """True when ``Origin`` (else ``Referer``) is ``http(s)://`` + an allowed host.

    The scheme must be the request's own (the dashboard serves plain http on
    loopback), and the host:port must be one the server was started for and the
    request's ``Host``.
    """
    host = request.headers.get("host", "").lower()
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null" or not host:
        return False
    parts = urlsplit(source)
    if parts.scheme != request.url.scheme or parts.netloc.lower() != host:
        return False
    return policy is None or policy.allows(parts.netloc)


def sign(secret: bytes, session: str) -> str:
    """The form token for ``session``: HMAC-SHA256 under the server's secret."""
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


def refuse_host(request: Request, policy: HostPolicy) -> Response | None:
    """The 400 answer for a ``Host`` this server was not started for, else None."""
    if policy.allows(request.headers.get("host", "")):
        return None
    return PlainTextResponse(
        "Bad request: this dashboard answers only to the address it was started on "
        "(e.g. http://127.0.0.1:PORT/); the Host header "
        f"{request.headers.get('host', '')[:80]!r} is refused.",
        status_code=400,
    )


def cross_site() -> Response:
    """The 403 answer for a write whose Origin/Referer is not this server."""
    return PlainTextResponse(
        "Forbidden: cross-site request refused (the Origin/Referer header must "
        "name this server); submit the form from the dashboard itself.",
        status_code=403,
    )


def secure_headers(response: Response) -> None:
    """Add the CSP and the other headers of :data:`HEADERS` (where not set)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)


class SecurityMiddleware(BaseHTTPMiddleware):
    """Checks Host; sets the session cookie; refuses writes read-only or cross-site."""

    def __init__(  # type: ignore[no-untyped-def]
        self,
        app,
        *,
        read_only: bool,
        hosts: frozenset[str] | None = None,
        secret: bytes | None = None,
    ) -> None:
        super().__init__(app)
        self.read_only = read_only
        self.policy = HostPolicy(hosts)
        self.secret = secret or secrets.token_bytes(32)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        refused = refuse_host(request, self.policy)
        if refused is not None:
            return refused
        login_session = request.scope.get(SESSION_SCOPE)
        session = login_session or request.cookies.get(COOKIE) or ""
        fresh = not login_session and (len(session) < 20 or len(session) > 100)
        if fresh:
            session = secrets.token_urlsafe(32)
        request.state.csrf_token = sign(self.secret, session)
        request.state.csrf_secret = self.secret
        if request.method not in SAFE_METHODS:
            if self.read_only:
                return PlainTextResponse(
                    "Forbidden: this dashboard is read-only (started with --read-only); "
                    "restart `deliberun serve` without it to make changes.",
                    status_code=403,
                )
            if not same_origin(request, self.policy):
                return cross_site()
        response = await call_next(request)
        secure_headers(response)
        if fresh:
            response.set_cookie(COOKIE, session, httponly=True, samesite="strict")
        return response


async def checked_form(request: Request) -> FormData:
    """The request's form after checking its signed token for the session cookie (403 if not)."""
    form = await request.form()
    session = request.scope.get(SESSION_SCOPE) or request.cookies.get(COOKIE) or ""
    sent = str(form.get(FIELD) or request.headers.get(HEADER) or "")
    secret = getattr(request.state, "csrf_secret", None)
    if not token_ok(secret, session, sent):
        raise HTTPException(status_code=403, detail=STALE_TOKEN)
    return form


#: The answer to a write without its session's form token.
STALE_TOKEN = "Forbidden: missing or stale form token; reload the page and submit again."


def token_ok(secret: bytes | None, session: str, sent: str) -> bool:
    """True when ``sent`` is the form token of ``session`` (compared in constant time)."""
    expected = sign(secret, session) if secret and session else ""
    return bool(expected and sent and hmac.compare_digest(expected, sent))
