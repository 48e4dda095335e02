"""The runner's Strava tokens: the system keyring when there is one, else one JSON
file, mode 0600, replaced atomically.

The tokens are the access token, the refresh token, their expiry (epoch seconds), the
athlete and the API application's id and secret (needed to refresh).

* **Keyring** (optional extra ``deliberun[keyring]``, the ``keyring`` package): used
  when it is installed and finds a real backend (Secret Service, KWallet, macOS
  Keychain, Windows Credential Locker), unless ``DELIBERUN_STRAVA_KEYRING=0``. A
  headless machine has none (``keyring`` answers with its ``fail`` backend), and a
  keyring error while saving or loading falls back to the file.
* **File**: written to a temporary file created with mode 0600 in the same folder,
  flushed to disk and renamed over the old one, so a kill at any moment leaves either
  the old or the new tokens, never half of them (what ``gh`` does without a keyring).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

#: File mode of the token file (owner read/write only).
TOKEN_MODE = 0o600
#: Where the tokens go in the system keyring (service, user name).
KEYRING_SERVICE = "deliberun-strava"
KEYRING_USER = "tokens"


def usable_keyring() -> Any | None:
    """The system keyring backend, or None: ``keyring`` not installed, turned off
    (``DELIBERUN_STRAVA_KEYRING=0``), or without a real backend (a headless machine)."""
    if os.environ.get("DELIBERUN_STRAVA_KEYRING", "").strip().lower() in ("0", "no", "false"):
        return None
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring configuration: use the file
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


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
    """Load, save and delete the tokens: in ``keyring`` (a backend from
    :func:`usable_keyring`) when given, else (and whenever it fails) in the file."""

    def __init__(self, path: Path, keyring: Any | None = None) -> None:
        self.path = Path(path)
        self.keyring = keyring

    def where(self) -> str:
        """Where the tokens are kept, for messages."""
        if self.keyring is not None:
            return f"the system keyring ({type(self.keyring).__name__}, {KEYRING_SERVICE!r})"
        return f"{self.path} (mode 0600)"

    def _parse(self, text: str, where: str) -> Tokens:
        try:
            return Tokens.model_validate(json.loads(text))
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise ValueError(
                f"{where}: damaged Strava token file ({first}); "
                "run `deliberun strava connect` again"
            ) from None

    def _keyring_text(self) -> str | None:
        from keyring.errors import KeyringError

        if self.keyring is None:
            return None
        try:
            text = self.keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except KeyringError:
            return None
        return text if isinstance(text, str) else None

    def load(self) -> Tokens | None:
        """The stored tokens, or None when not connected.

        Raises ValueError (one line naming the file or keyring) when they are damaged.
        """
        if self.keyring is not None and (text := self._keyring_text()) is not None:
            return self._parse(text, f"keyring {KEYRING_SERVICE!r}")
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return self._parse(text, str(self.path))

    def save(self, tokens: Tokens) -> None:
        """Into the keyring, else the file (atomically, mode 0600)."""
        if self.keyring is not None:
            from keyring.errors import KeyringError

            try:
                self.keyring.set_password(KEYRING_SERVICE, KEYRING_USER, tokens.model_dump_json())
            except KeyringError:
                pass  # locked or gone: the file below
            else:
                self.path.unlink(missing_ok=True)  # no stale copy beside the keyring's
                return
        self._save_file(tokens)

    def _save_file(self, tokens: Tokens) -> None:
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
        """Remove the tokens (keyring entry and file); True when there were some."""
        had = False
        if self.keyring is not None:
            from keyring.errors import KeyringError

            try:
                if self.keyring.get_password(KEYRING_SERVICE, KEYRING_USER) is not None:
                    self.keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
                    had = True
            except KeyringError:
                pass
        try:
            self.path.unlink()
        except FileNotFoundError:
            return had
        return True
