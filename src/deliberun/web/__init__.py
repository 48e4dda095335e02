"""The local dashboard (see docs/dashboard.md): ``create_app(db_url, *, read_only=False)``."""

from __future__ import annotations

from deliberun.web.app import create_app

__all__ = ["create_app"]
