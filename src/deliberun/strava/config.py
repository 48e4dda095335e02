"""Where Strava is: base URLs, the token file and the rate-limit windows (env settings).

Every value has Strava's own default; the environment overrides it so the tests and the
benchmark can point deliberun at the local stand-in (``deliberun.strava.standin``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "https://www.strava.com/api/v3"
DEFAULT_OAUTH_URL = "https://www.strava.com/oauth"
#: Strava resets its short-term limit at natural 15-minute boundaries and the daily one at
#: midnight UTC (https://developers.strava.com/docs/rate-limits/).
DEFAULT_WINDOW_S = 900.0
DEFAULT_DAY_S = 86400.0
#: Scopes asked for: the profile, and every activity including private ones and their
#: private notes.
SCOPE = "read,activity:read_all"
#: Days before the newest run already stored that every sync lists and checks again
#: (Strava's list has no "updated since" filter): edits and deletions in them are seen.
DEFAULT_RECHECK_DAYS = 30


@dataclass(frozen=True)
class StravaConfig:
    """Base URLs, rate-limit windows and the recheck window (env ``DELIBERUN_STRAVA_*``)."""

    api_url: str = DEFAULT_API_URL
    oauth_url: str = DEFAULT_OAUTH_URL
    window_s: float = DEFAULT_WINDOW_S
    day_s: float = DEFAULT_DAY_S
    token_path: Path | None = None
    recheck_days: int = DEFAULT_RECHECK_DAYS

    @classmethod
    def from_env(cls) -> StravaConfig:
        env = os.environ
        return cls(
            api_url=(env.get("DELIBERUN_STRAVA_API_URL") or DEFAULT_API_URL).rstrip("/"),
            oauth_url=(env.get("DELIBERUN_STRAVA_OAUTH_URL") or DEFAULT_OAUTH_URL).rstrip("/"),
            window_s=float(env.get("DELIBERUN_STRAVA_RATE_WINDOW_S") or DEFAULT_WINDOW_S),
            day_s=float(env.get("DELIBERUN_STRAVA_RATE_DAY_S") or DEFAULT_DAY_S),
            token_path=Path(p) if (p := env.get("DELIBERUN_STRAVA_TOKENS")) else None,
            recheck_days=recheck_days(env.get("DELIBERUN_STRAVA_RECHECK_DAYS")),
        )

    def tokens_file(self) -> Path:
        """The token file: ``DELIBERUN_STRAVA_TOKENS``, else ``strava-tokens.json`` in the
        user's data directory (platformdirs)."""
        if self.token_path is not None:
            return self.token_path
        import platformdirs

        return Path(platformdirs.user_data_dir("deliberun")) / "strava-tokens.json"


def recheck_days(text: str | None) -> int:
    """``DELIBERUN_STRAVA_RECHECK_DAYS`` as a whole number of days >= 0 (default 30)."""
    if text is None or not text.strip():
        return DEFAULT_RECHECK_DAYS
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise ValueError(
            f"DELIBERUN_STRAVA_RECHECK_DAYS={text!r} is not a whole number of days >= 0"
        )
    return days


def client_credentials(
    client_id: str | None = None, client_secret: str | None = None
) -> tuple[str | None, str | None]:
    """The runner's API application: the options given, else env
    ``DELIBERUN_STRAVA_CLIENT_ID`` / ``DELIBERUN_STRAVA_CLIENT_SECRET``."""
    return (
        client_id or os.environ.get("DELIBERUN_STRAVA_CLIENT_ID") or None,
        client_secret or os.environ.get("DELIBERUN_STRAVA_CLIENT_SECRET") or None,
    )
