"""Pydantic models of the Strava API v3 responses a sync reads.

Field names and types follow Strava's published reference
(https://developers.strava.com/docs/reference/, swagger ``#/definitions``:
``SummaryActivity``, ``DetailedActivity``, ``SummaryGear``, ``StreamSet``,
``SummaryAthlete``, and the token response of
https://developers.strava.com/docs/authentication/). Only the fields deliberun uses are
declared; the others are kept (``extra="allow"``) so the stored original is the whole
response. ``perceived_exertion`` and ``private_note`` are returned to the owner although
the swagger file does not list them (stravalib declares them the same way).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class SummaryAthlete(_Model):
    id: int
    firstname: str | None = None
    lastname: str | None = None
    username: str | None = None

    def display(self) -> str:
        return " ".join(p for p in (self.firstname, self.lastname) if p) or str(self.id)


class TokenResponse(_Model):
    """``POST /oauth/token`` (authorization_code or refresh_token grant)."""

    token_type: str = "Bearer"
    access_token: str
    refresh_token: str
    expires_at: int
    expires_in: int | None = None
    scope: str | None = None
    athlete: SummaryAthlete | None = None


class SummaryGear(_Model):
    id: str
    name: str | None = None
    distance: float | None = None


class SummaryActivity(_Model):
    """One item of ``GET /athlete/activities``."""

    id: int
    name: str | None = None
    type: str | None = None
    sport_type: str | None = None
    start_date: datetime
    start_date_local: datetime | None = None
    utc_offset: float | None = None
    distance: float | None = None
    moving_time: int | None = None
    elapsed_time: int | None = None
    workout_type: int | None = None
    gear_id: str | None = None
    commute: bool | None = None
    manual: bool = False
    private: bool | None = None
    trainer: bool | None = None


class DetailedActivity(SummaryActivity):
    """``GET /activities/{id}``."""

    description: str | None = None
    device_name: str | None = None
    gear: SummaryGear | None = None
    perceived_exertion: float | None = None
    private_note: str | None = None
    laps: list[dict[str, Any]] | None = None


class Stream(_Model):
    """One stream of a ``StreamSet`` (``key_by_type=true``)."""

    data: list[Any]
    series_type: str | None = None
    original_size: int | None = None
    resolution: str | None = None


#: Activity fields whose change on Strava a sync reflects (compared on the list item).
WATCHED_FIELDS = ("name", "sport_type", "type", "workout_type", "gear_id", "commute", "private")
