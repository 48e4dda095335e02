"""The OAuth 2 authorization-code flow's browser half: the URL and a one-shot listener.

The listener is a ``http.server`` bound to 127.0.0.1 (never to other interfaces) on a
free port. It answers the first request to ``/callback`` and stops: a ``state`` that
does not match the one sent is refused (a forged redirect), Strava's ``error=`` (the
runner clicked Cancel) is reported, and a code is handed back. Other paths
(``/favicon.ico``) get 404 and the listener keeps waiting, up to ``timeout_s``.
Written on the standard library: one request, no framework needed.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from deliberun.errors import DeliberunError
from deliberun.strava.config import SCOPE

CALLBACK_PATH = "/callback"


class OAuthError(DeliberunError):
    """The browser half of the flow failed (one line, what to do)."""


def authorize_url(oauth_url: str, client_id: str, redirect_uri: str, state: str) -> str:
    """Strava's authorize page for this application, asking for :data:`SCOPE`."""
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "approval_prompt": "auto",
            "scope": SCOPE,
            "state": state,
        }
    )
    return f"{oauth_url}/authorize?{query}"


@dataclass
class Callback:
    code: str | None = None
    scope: str | None = None
    error: str | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _OneShot

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        return

    def _page(self, status: int, title: str, text: str) -> None:
        body = (
            "<!doctype html><meta charset=utf-8><title>deliberun</title>"
            f"<h1>{html.escape(title)}</h1><p id=result>{html.escape(text)}</p>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._page(404, "Not found", "deliberun waits for Strava's redirect on /callback.")
            return
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        cb = Callback()
        if not secrets.compare_digest(q.get("state", ""), self.server.state):
            cb.error = (
                "the state parameter does not match (a forged or stale redirect); connect again"
            )
            self._page(400, "Refused", cb.error)
        elif "error" in q:
            cb.error = f"Strava says {q['error']} (authorization cancelled?)"
            self._page(400, "Not connected", cb.error)
        elif not q.get("code"):
            cb.error = "Strava's redirect has no code"
            self._page(400, "Not connected", cb.error)
        else:
            cb.code, cb.scope = q["code"], q.get("scope")
            self._page(
                200, "Connected", "deliberun received Strava's answer; you can close this tab."
            )
        self.server.result = cb


class _OneShot(HTTPServer):
    state: str
    result: Callback | None = None


class Listener:
    """A one-shot HTTP listener on 127.0.0.1 for the OAuth redirect."""

    def __init__(self, port: int = 0, state: str | None = None) -> None:
        self.state = state or secrets.token_urlsafe(24)
        self.server = _OneShot(("127.0.0.1", port), _Handler)
        self.server.state = self.state
        self.server.timeout = 0.5

    @property
    def redirect_uri(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://127.0.0.1:{port}{CALLBACK_PATH}"

    def wait(self, timeout_s: float = 300.0, stop: threading.Event | None = None) -> Callback:
        """Serve until the callback arrives (or raise OAuthError after ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        try:
            while self.server.result is None:
                if time.monotonic() > deadline or (stop is not None and stop.is_set()):
                    raise OAuthError(
                        f"no answer from the browser within {timeout_s:.0f} s; run "
                        "`deliberun strava connect` again, or finish with --code CODE"
                    )
                self.server.handle_request()
        finally:
            self.server.server_close()
        return self.server.result
