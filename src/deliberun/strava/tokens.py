"""The runner's Strava tokens: one JSON file, mode 0600, replaced atomically.

The file holds the access token, the refresh token, their expiry (epoch seconds), the
athlete and the API application's id and secret (needed to refresh). It is written to a
temporary file created with mode 0600 in the same folder, flushed to disk and renamed
over the old one, so a kill at any moment leaves either the old or the new tokens,
never half of them. No keyring is used: Debian's python3-keyring needs a desktop
secret service that a headless machine does not run; a 0600 file is what the Strava
CLI tools and ``gh`` do too.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ValidationError

#: File mode of the token file (owner read/write only).
TOKEN_MODE = 0o600


class Tokens(BaseModel):
    """What a token exchange gave us, plus the application to refresh with."""

    access_token: str
    refresh_token: str
    expires_at: int  # epoch seconds
    client_id: str
    client_secret: str
    athlete_id: int | None = None
    athlete_name: str | None = None
    scope: str | None = None


class TokenStore:
    """Load, save and delete the token file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> Tokens | None:
        """The stored tokens, or None when not connected.

        Raises ValueError (one line naming the file) when the file is damaged.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return Tokens.model_validate(json.loads(text))
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise ValueError(
                f"{self.path}: damaged Strava token file ({first}); "
                "run `deliberun strava connect` again"
            ) from None

    def save(self, tokens: Tokens) -> None:
        """Write the tokens atomically with mode 0600."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".strava-tokens.", dir=self.path.parent)
        try:
            os.fchmod(fd, TOKEN_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(tokens.model_dump_json(indent=2))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self) -> bool:
        """Remove the token file; True when there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True
