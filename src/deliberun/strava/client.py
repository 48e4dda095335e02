"""A small Strava API v3 client on httpx: tokens kept fresh, rate limits respected.

Why httpx + pydantic and not stravalib: stravalib 2.6 (the current release) builds every
URL as ``https://{server}`` (``stravalib/protocol.py``), so its API and OAuth base URLs
cannot be pointed at a plain-HTTP stand-in on 127.0.0.1 without patching its internals,
and it pulls requests, pint and arrow besides pydantic. httpx is already what the web
tests use and pydantic comes with FastAPI; the models in ``models.py`` follow Strava's
published reference field by field.

Behaviour:

* the access token is refreshed when less than :data:`REFRESH_MARGIN_S` of its life is
  left, and once more when Strava answers 401 (revoked or expired early); the new tokens
  are saved (atomically, mode 0600) before they are used;
* every response's rate-limit headers are read (``ratelimit.RateLimit``); when a window
  is used up the client waits for its reset before sending, and after a 429 it waits
  for the reset and retries; a wait longer than ``max_wait_s`` raises
  :class:`RateLimited` instead (the sync stops cleanly and resumes next time);
* 5xx and connection errors are retried :data:`RETRIES` times with a doubling pause.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from deliberun.errors import DeliberunError
from deliberun.strava.config import StravaConfig
from deliberun.strava.models import TokenResponse
from deliberun.strava.ratelimit import RateLimit
from deliberun.strava.tokens import Tokens, TokenStore

#: Refresh the access token when it expires within this many seconds (Strava: tokens
#: live 6 hours and may be refreshed any time; refreshing an hour early is what their
#: docs suggest).
REFRESH_MARGIN_S = 3600
#: Retries for 5xx answers and connection errors, first pause [s] (doubled each time).
RETRIES = 3
RETRY_PAUSE_S = 1.0
TIMEOUT_S = 60.0


class StravaError(DeliberunError):
    """A Strava request failed (one line: what, and what to do); HTTP 502 (upstream)."""

    http_status = 502


class NotConnected(StravaError):
    pass


class NotFound(StravaError):
    pass


class RateLimited(StravaError):
    """The next request must wait longer than allowed; ``resume_at`` says until when."""

    def __init__(self, message: str, resume_at: datetime) -> None:
        super().__init__(message)
        self.resume_at = resume_at


def _error_text(r: httpx.Response) -> str:
    try:
        body = r.json()
        msg = body.get("message") or ""
        errs = body.get("errors") or []
        if errs and isinstance(errs[0], dict):
            e = errs[0]
            msg += f" ({e.get('resource', '')} {e.get('field', '')} {e.get('code', '')})".rstrip()
        return msg or r.text[:200]
    except ValueError:
        return r.text[:200]


def exchange_token(
    config: StravaConfig,
    client_id: str,
    client_secret: str,
    *,
    code: str | None = None,
    refresh_token: str | None = None,
    http: httpx.Client | None = None,
) -> TokenResponse:
    """``POST {oauth}/token``: an authorization code or a refresh token for new tokens."""
    data = {"client_id": client_id, "client_secret": client_secret}
    if code is not None:
        data.update(code=code, grant_type="authorization_code")
    elif refresh_token is not None:
        data.update(refresh_token=refresh_token, grant_type="refresh_token")
    else:  # pragma: no cover - programming error
        raise ValueError("give code or refresh_token")
    own = http is None
    http = http or httpx.Client(timeout=TIMEOUT_S)
    try:
        r = http.post(f"{config.oauth_url}/token", data=data)
    except httpx.HTTPError as exc:
        raise StravaError(f"cannot reach {config.oauth_url}/token ({exc})") from None
    finally:
        if own:
            http.close()
    if r.status_code != 200:
        raise StravaError(
            f"Strava refused the token request ({r.status_code}: {_error_text(r)}); "
            "check the client id and secret, or run `deliberun strava connect` again"
        )
    return TokenResponse.model_validate(r.json())


def tokens_from(
    resp: TokenResponse, client_id: str, client_secret: str, old: Tokens | None = None
) -> Tokens:
    athlete = resp.athlete
    return Tokens(
        access_token=resp.access_token,
        refresh_token=resp.refresh_token,
        expires_at=int(resp.expires_at),
        client_id=client_id,
        client_secret=client_secret,
        athlete_id=athlete.id if athlete else (old.athlete_id if old else None),
        athlete_name=athlete.display() if athlete else (old.athlete_name if old else None),
        scope=resp.scope or (old.scope if old else None),
    )


class StravaClient:
    """Authenticated GET requests to the Strava API with refresh and rate limits."""

    def __init__(
        self,
        store: TokenStore,
        config: StravaConfig | None = None,
        *,
        max_wait_s: float = 960.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        self.config = config or StravaConfig.from_env()
        self.store = store
        self.max_wait_s = max_wait_s
        self.sleep = sleep
        self.clock = clock
        self.on_wait = on_wait
        self.rate = RateLimit(window_s=self.config.window_s, day_s=self.config.day_s)
        self.http = httpx.Client(timeout=TIMEOUT_S)
        self.requests = 0
        self.waited_s = 0.0
        self.refreshes = 0
        tokens = store.load()
        if tokens is None:
            raise NotConnected("not connected to Strava; run `deliberun strava connect` first")
        self.tokens: Tokens = tokens

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> StravaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ tokens

    def refresh(self) -> None:
        """New tokens from the refresh token, saved before use."""
        old = self.tokens
        resp = exchange_token(
            self.config,
            old.client_id,
            old.client_secret,
            refresh_token=old.refresh_token,
            http=self.http,
        )
        self.tokens = tokens_from(resp, old.client_id, old.client_secret, old)
        self.store.save(self.tokens)
        self.refreshes += 1

    def _fresh_token(self) -> str:
        if self.tokens.expires_at - self.clock() < REFRESH_MARGIN_S:
            self.refresh()
        return self.tokens.access_token

    # ------------------------------------------------------------------ waiting

    def _wait(self, seconds: float, why: str) -> None:
        if seconds > self.max_wait_s:
            resume = datetime.fromtimestamp(self.clock() + seconds, UTC)
            raise RateLimited(
                f"Strava's rate limit is used up ({self.rate.describe()}); "
                f"run the sync again after {resume:%Y-%m-%d %H:%M} UTC, it resumes where it stopped",
                resume,
            )
        if self.on_wait is not None:
            self.on_wait(seconds, why)
        self.sleep(seconds)
        self.waited_s += seconds
        # the window we waited for has reset: forget its usage until the next response says
        if self.rate.limit_day is not None and self.rate.usage_day >= self.rate.limit_day:
            self.rate.usage_day = 0
        self.rate.usage_short = 0

    # ------------------------------------------------------------------ requests

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``{api}{path}`` as JSON; raises NotFound, RateLimited or StravaError."""
        url = f"{self.config.api_url}{path}"
        refreshed = False
        failures = 0
        while True:
            pre = self.rate.wait_s(self.clock())
            if pre > 0:
                self._wait(pre, "rate limit")
            token = self._fresh_token()
            try:
                r = self.http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                failures += 1
                if failures > RETRIES:
                    raise StravaError(f"cannot reach {url} ({exc})") from None
                self.sleep(RETRY_PAUSE_S * 2 ** (failures - 1))
                continue
            self.requests += 1
            self.rate.update(r.headers)
            if r.status_code == 200:
                return r.json()
            if r.status_code == 401 and not refreshed:
                refreshed = True
                self.refresh()
                continue
            if r.status_code == 429:
                self._wait(self.rate.after_429(self.clock()), "429 Too Many Requests")
                continue
            if r.status_code == 404:
                raise NotFound(f"{path}: not found on Strava ({_error_text(r)})")
            if r.status_code >= 500 and failures < RETRIES:
                failures += 1
                self.sleep(RETRY_PAUSE_S * 2 ** (failures - 1))
                continue
            if r.status_code == 401:
                raise StravaError(
                    f"Strava refused the token ({_error_text(r)}); run `deliberun strava connect` again"
                )
            raise StravaError(f"GET {path}: HTTP {r.status_code} ({_error_text(r)})")

    # ------------------------------------------------------------------ endpoints

    def athlete(self) -> dict[str, Any]:
        return dict(self.get("/athlete"))

    def list_activities(self, after: int, page: int, per_page: int = 200) -> list[dict[str, Any]]:
        """One page of ``GET /athlete/activities`` (SummaryActivity dicts)."""
        out = self.get("/athlete/activities", {"after": after, "page": page, "per_page": per_page})
        if not isinstance(out, list):
            raise StravaError("GET /athlete/activities: expected a list")
        return out

    def activity(self, activity_id: int) -> dict[str, Any]:
        out = self.get(f"/activities/{activity_id}", {"include_all_efforts": "false"})
        if not isinstance(out, dict):
            raise StravaError(f"GET /activities/{activity_id}: expected an object")
        return out

    def streams(self, activity_id: int, keys: tuple[str, ...]) -> dict[str, Any]:
        out = self.get(
            f"/activities/{activity_id}/streams",
            {"keys": ",".join(keys), "key_by_type": "true"},
        )
        if not isinstance(out, dict):
            raise StravaError(f"GET /activities/{activity_id}/streams: expected key_by_type object")
        return out


def deauthorize(config: StravaConfig, tokens: Tokens) -> None:
    """``POST {oauth}/deauthorize``: revoke the application's access."""
    try:
        r = httpx.post(
            f"{config.oauth_url}/deauthorize",
            data={"access_token": tokens.access_token},
            timeout=TIMEOUT_S,
        )
    except httpx.HTTPError as exc:
        raise StravaError(f"cannot reach {config.oauth_url}/deauthorize ({exc})") from None
    if r.status_code not in (200, 401):  # 401: already revoked or expired
        raise StravaError(f"Strava refused to revoke ({r.status_code}: {_error_text(r)})")
