"""Connect deliberun to Strava and back out: OAuth (browser + one-shot listener, or a
pasted code), where the tokens are kept, disconnect, status."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from deliberun.strava.client import StravaClient, deauthorize, exchange_token, tokens_from
from deliberun.strava.config import StravaConfig, client_credentials
from deliberun.strava.oauth import Listener, OAuthError, authorize_url
from deliberun.strava.tokens import Tokens, TokenStore, usable_keyring


class StravaSetupError(ValueError):
    """Connecting failed for a reason the runner can fix (one line)."""


def token_store(config: StravaConfig | None = None) -> TokenStore:
    """The system keyring when usable (``tokens.usable_keyring``), else the 0600 file;
    always the file when ``DELIBERUN_STRAVA_TOKENS`` names one."""
    config = config or StravaConfig.from_env()
    keyring = None if config.token_path is not None else usable_keyring()
    return TokenStore(config.tokens_file(), keyring)


def _credentials(client_id: str | None, client_secret: str | None) -> tuple[str, str]:
    cid, secret = client_credentials(client_id, client_secret)
    if not cid or not secret:
        raise StravaSetupError(
            "no Strava API application: give --client-id and --client-secret (or set "
            "DELIBERUN_STRAVA_CLIENT_ID / DELIBERUN_STRAVA_CLIENT_SECRET); create one at "
            "https://www.strava.com/settings/api"
        )
    return cid, secret


def connect_with_code(
    code: str,
    client_id: str | None = None,
    client_secret: str | None = None,
    config: StravaConfig | None = None,
) -> Tokens:
    """Finish the flow with a code the runner pasted; the tokens are saved (0600)."""
    config = config or StravaConfig.from_env()
    cid, secret = _credentials(client_id, client_secret)
    resp = exchange_token(config, cid, secret, code=code)
    tokens = tokens_from(resp, cid, secret)
    token_store(config).save(tokens)
    return tokens


def connect_browser(
    client_id: str | None = None,
    client_secret: str | None = None,
    config: StravaConfig | None = None,
    *,
    port: int = 0,
    open_browser: bool = True,
    timeout_s: float = 300.0,
    show_url: Callable[[str], None] | None = None,
) -> Tokens:
    """The whole flow: authorize URL, browser, one-shot listener, token exchange."""
    config = config or StravaConfig.from_env()
    cid, secret = _credentials(client_id, client_secret)
    listener = Listener(port=port)
    url = authorize_url(config.oauth_url, cid, listener.redirect_uri, listener.state)
    if show_url is not None:
        show_url(url)
    if open_browser:
        webbrowser.open(url)
    try:
        cb = listener.wait(timeout_s)
    except OAuthError as exc:
        raise StravaSetupError(str(exc)) from None
    if cb.error or not cb.code:
        raise StravaSetupError(f"not connected: {cb.error}")
    if cb.scope is not None and "activity:read" not in cb.scope:
        raise StravaSetupError(
            "Strava gave no access to activities (the activity box was unticked); connect again"
        )
    return connect_with_code(cb.code, cid, secret, config)


def disconnect(config: StravaConfig | None = None) -> bool:
    """Revoke the access on Strava and delete the token file; False when not connected."""
    config = config or StravaConfig.from_env()
    store = token_store(config)
    tokens = store.load()
    if tokens is None:
        return False
    try:
        if tokens.expires_at <= datetime.now(UTC).timestamp() + 60:
            with StravaClient(store, config) as client:
                client.refresh()
                tokens = client.tokens
        deauthorize(config, tokens)
    finally:
        store.delete()
    return True


def status(config: StravaConfig | None = None) -> dict[str, Any]:
    config = config or StravaConfig.from_env()
    store = token_store(config)
    tokens = store.load()
    if tokens is None:
        return {"connected": False, "token_store": store.where()}
    return {
        "connected": True,
        "athlete_id": tokens.athlete_id,
        "athlete": tokens.athlete_name,
        "scope": tokens.scope,
        "expires_at": datetime.fromtimestamp(tokens.expires_at, UTC).isoformat(),
        "token_file": str(store.path) if store.keyring is None else None,
        "token_store": store.where(),
    }
