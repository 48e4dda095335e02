"""The pure parts of the Strava sync: streams -> Activity, the stored document, and the
rate-limit rule (no server)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from deliberun.io import read_bytes
from deliberun.io.errors import NotAnActivityError
from deliberun.io.strava_streams import strava_document, to_activity
from deliberun.strava.ratelimit import RateLimit
from deliberun.strava.tokens import Tokens, TokenStore

DETAIL = {
    "id": 42,
    "name": "Track 6x800",
    "description": "windy",
    "sport_type": "TrailRun",
    "type": "Run",
    "start_date": "2026-03-01T07:00:00Z",
    "utc_offset": 3600.0,
    "workout_type": 1,
    "gear": {"id": "g1", "name": "Old shoes"},
    "perceived_exertion": 8,
    "private_note": "calf",
    "device_name": "Garmin Forerunner 255",
    "distance": 30.0,
    "laps": [{"start_index": 2, "elapsed_time": 3, "moving_time": 3, "distance": 20.0}],
}
STREAMS = {
    "time": {"data": [0, 1, 2, 3, 20, 21]},
    "distance": {"data": [0.0, 3.0, 6.0, 9.0, 9.5, 12.5]},
    "latlng": {
        "data": [[45.0, 9.0], [45.0, 9.0001], None, [45.0, 9.0003], [45.0, 9.0004], [45.0, 9.0005]]
    },
    "heartrate": {"data": [100, 110, None, 130, 131, 132]},
    "cadence": {"data": [80, 81, 82, 83, 0, 84]},
    "moving": {"data": [False, True, True, True, False, True]},
}


def test_streams_become_the_readers_activity() -> None:
    a = to_activity(DETAIL, STREAMS)
    assert a.start_time == datetime(2026, 3, 1, 7, tzinfo=UTC) and a.utc_offset_s == 3600
    assert (a.sport, a.sub_sport, a.source_format) == ("running", "trail", "strava_api")
    assert a.stream("cadence")[0] == 160  # one foot (rpm) -> steps/min
    assert np.isnan(a.stream("heart_rate")[2]) and np.isnan(a.stream("latitude")[2])
    assert a.stream("longitude")[5] == pytest.approx(9.0005)
    assert a.pauses == [(3.0, 20.0)]  # the 17-s gap in the time stream
    assert a.laps[0].start_s == 2.0 and a.laps[0].distance_m == 20.0
    assert a.extra["race"] is True and a.extra["gear"] == "Old shoes"
    assert a.extra["perceived_exertion"] == 8.0 and a.extra["private_note"] == "calf"
    assert a.extra["strava_id"] == "42" and a.name == "Track 6x800"


def test_the_stored_document_reads_back_through_read_bytes() -> None:
    data = strava_document(DETAIL, STREAMS)
    a = read_bytes(data, "strava-42.strava.json")
    assert a.n_samples == 6 and a.extra["strava_id"] == "42"
    with pytest.raises(NotAnActivityError):
        to_activity(DETAIL, {})


def test_rate_limit_waits_for_the_next_quarter_hour_and_midnight() -> None:
    r = RateLimit()
    r.update(
        {
            "X-ReadRateLimit-Limit": "100,1000",
            "X-ReadRateLimit-Usage": "100,500",
            "X-RateLimit-Limit": "200,2000",
            "X-RateLimit-Usage": "100,500",
        }
    )
    now = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC).timestamp()
    assert r.wait_s(now) == pytest.approx(7.5 * 60)  # to 10:15
    r.update({"x-readratelimit-limit": "100,1000", "x-readratelimit-usage": "3,1000"})
    assert r.wait_s(now) == pytest.approx((24 - 10) * 3600 - 7.5 * 60)  # to 00:00 UTC
    r.update({"x-readratelimit-limit": "100,1000", "x-readratelimit-usage": "3,30"})
    assert r.wait_s(now) == 0
    assert r.after_429(now) == pytest.approx(7.5 * 60)


def test_token_file_is_private_and_replaced_whole(tmp_path) -> None:
    store = TokenStore(tmp_path / "d" / "t.json")
    t = Tokens(access_token="a", refresh_token="r", expires_at=1, client_id="1", client_secret="s")
    store.save(t)
    assert (store.path.stat().st_mode & 0o777) == 0o600 and store.load() == t
    assert [p.name for p in store.path.parent.iterdir()] == ["t.json"]  # no temp left
    store.path.write_text("{half", encoding="utf-8")
    with pytest.raises(ValueError, match="damaged Strava token file"):
        store.load()
    assert store.delete() and store.load() is None


def test_recheck_days_setting_and_option_refuse_bad_values(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from deliberun.cli.main import app
    from deliberun.strava.config import DEFAULT_RECHECK_DAYS, StravaConfig, recheck_days

    assert (recheck_days(None), recheck_days(" "), recheck_days("7")) == (
        DEFAULT_RECHECK_DAYS,
        DEFAULT_RECHECK_DAYS,
        7,
    )
    monkeypatch.setenv("DELIBERUN_STRAVA_RECHECK_DAYS", "0")
    assert StravaConfig.from_env().recheck_days == 0
    runner = CliRunner()
    db = str(tmp_path / "x.db")
    for bad in ("-3", "a week"):
        monkeypatch.setenv("DELIBERUN_STRAVA_RECHECK_DAYS", bad)
        with pytest.raises(ValueError, match="whole number of days"):
            StravaConfig.from_env()
        out = runner.invoke(app, ["--db", db, "sync"])
        assert out.exit_code == 2 and "DELIBERUN_STRAVA_RECHECK_DAYS" in out.output
    monkeypatch.delenv("DELIBERUN_STRAVA_RECHECK_DAYS")
    out = runner.invoke(app, ["--db", db, "sync", "--recheck-days", "-1"])
    assert out.exit_code == 2


def _memory_keyring():
    """A real ``keyring`` backend kept in memory (a desktop's Secret Service stand-in);
    built inside a function because ``keyring`` is imported only when installed."""
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringLocked, PasswordDeleteError

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        locked = False

        def __init__(self) -> None:
            super().__init__()
            self.data: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            if self.locked:
                raise KeyringLocked("locked")
            return self.data.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            if self.locked:
                raise KeyringLocked("locked")
            self.data[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.data.pop((service, username), None) is None:
                raise PasswordDeleteError("no such password")

    return Memory()


@pytest.fixture()
def system_keyring(monkeypatch):
    keyring = pytest.importorskip("keyring")
    before = keyring.get_keyring()
    yield lambda backend: keyring.set_keyring(backend)
    keyring.set_keyring(before)


TOK = Tokens(access_token="a", refresh_token="r", expires_at=1, client_id="1", client_secret="s")


def test_tokens_go_to_the_system_keyring_when_it_has_a_backend(
    tmp_path, monkeypatch, system_keyring
) -> None:
    from deliberun.services import strava_connect as sc
    from deliberun.strava.config import StravaConfig
    from deliberun.strava.tokens import KEYRING_SERVICE, KEYRING_USER

    mem = _memory_keyring()
    system_keyring(mem)
    monkeypatch.delenv("DELIBERUN_STRAVA_TOKENS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old_file = StravaConfig().tokens_file()
    TokenStore(old_file).save(TOK)  # connected before the keyring was there
    store = sc.token_store(StravaConfig())
    assert store.keyring is mem and "system keyring" in store.where()
    assert store.load() == TOK  # read from the old file
    store.save(TOK.model_copy(update={"access_token": "b"}))  # e.g. a refresh
    assert not old_file.exists()  # moved into the keyring, no copy left in the file
    assert "b" in mem.data[(KEYRING_SERVICE, KEYRING_USER)] and store.load().access_token == "b"
    assert sc.status(StravaConfig())["token_file"] is None
    mem.locked = True  # a locked keyring: the file, still private
    store.save(TOK)
    assert (old_file.stat().st_mode & 0o777) == 0o600 and store.load() == TOK
    mem.locked = False
    assert store.delete() and store.load() is None and not old_file.exists()
    assert mem.data == {}
    # DELIBERUN_STRAVA_TOKENS names a file: the file, whatever the keyring
    assert sc.token_store(StravaConfig(token_path=tmp_path / "t.json")).keyring is None
    monkeypatch.setenv("DELIBERUN_STRAVA_KEYRING", "0")
    assert sc.token_store(StravaConfig()).keyring is None


def test_without_a_keyring_backend_the_tokens_go_to_the_private_file(
    tmp_path, monkeypatch, system_keyring
) -> None:
    from keyring.backends import fail

    from deliberun.services import strava_connect as sc
    from deliberun.strava.config import StravaConfig
    from deliberun.strava.tokens import usable_keyring

    system_keyring(fail.Keyring())  # what a headless machine has
    monkeypatch.delenv("DELIBERUN_STRAVA_TOKENS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert usable_keyring() is None
    store = sc.token_store(StravaConfig())
    assert store.keyring is None and store.where().endswith("(mode 0600)")
    store.save(TOK)
    assert store.path == tmp_path / "data" / "deliberun" / "strava-tokens.json"
    assert (store.path.stat().st_mode & 0o777) == 0o600 and store.load() == TOK
    assert sc.status(StravaConfig())["token_file"] == str(store.path)
