"""FIT activity reader: decoded FIT content -> :class:`~deliberun.io.activity.Activity`.

Decisions (see ``docs/readers.md``):

* **Multisport** files become one Activity with ``sport="multisport"`` and every
  device session in ``Activity.sessions`` (in file order); the per-session sports
  are in ``extra["session_sports"]``.
* **Cadence**: FIT running cadence is strides/min (+ ``fractional_cadence``); for
  foot sports (running, walking, hiking) the ``cadence`` stream is steps/min
  (x2). Other sports keep the device's rpm.
* **Relative time**: timestamps below 0x10000000 are device-relative seconds (old
  ANT devices). They are anchored with a ``timestamp_correlation`` message when
  present, else (approximately) with an absolute ``file_id.time_created``;
  otherwise the times stay relative to 1989-12-31 and
  ``extra["time_anchor"] == "unknown"`` says the date is not known.
* **Pauses** come from ``timer`` events (stop / stop_all ... then start);
  ``extra["timer_span_s"]`` is ``[first timer start, stop ending the last running
  interval, session close]`` (s since ``start_time``, None when absent; see
  ``_timer_span``), used by ``metrics.summary``.
* Heart rate 0 is "no reading" (chest strap lost contact), stored as NaN.
* Samples whose timestamp goes backwards (device clock jumps) are dropped, so
  ``time`` is non-decreasing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from deliberun.io.activity import FOOT_SPORTS, Activity, DeviceSummary, Lap
from deliberun.io.errors import NotAnActivityError
from deliberun.io.fit_decode import DEV_POWER_FIELDS, UNIX_RELATIVE_LIMIT, FitData, decode_fit
from deliberun.io.geo import haversine_cumulative

_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
_GARMIN_LIKE = frozenset({"garmin", "dynastream", "dynastream_oem", "tacx"})


def read_fit(path: str | Path, *, fast: bool = True) -> Activity:
    """Read a FIT activity file from disk (see :func:`parse_fit`)."""
    p = Path(path)
    return parse_fit(p.read_bytes(), str(p), fast=fast)


def parse_fit(data: bytes, name: str = "<fit>", *, fast: bool = True) -> Activity:
    """Parse FIT bytes into an Activity (SI units).

    Parameters
    ----------
    data : bytes
        The FIT file content (not gzipped).
    name : str
        Display name used in error messages.
    fast : bool
        Try the fitfast decoder first (default); ``False`` forces fitdecode.

    Returns
    -------
    Activity

    Raises
    ------
    CorruptFileError
        Bad CRC, truncated, undecodable.
    NotAnActivityError
        Settings, workout, course, monitoring ... files, or no samples and no session.
    """
    fd = decode_fit(data, name, fast=fast)
    return build_activity(fd, name)


def _first(msgs: list[dict[str, Any]]) -> dict[str, Any]:
    return msgs[0] if msgs else {}


def _num(value: Any) -> float | None:
    if isinstance(value, (int, float)) and np.isfinite(value):
        return float(value)
    return None


def _prefer(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """``a`` where finite, else ``b`` (``enhanced_*`` over the 16-bit field)."""
    if a is None or b is None:
        return a if b is None else b
    return np.where(np.isfinite(a), a, b)


def _device(file_id: dict[str, Any]) -> str | None:
    manu = file_id.get("manufacturer")
    prod = file_id.get("product", file_id.get("garmin_product"))
    if isinstance(prod, int) and manu in _GARMIN_LIKE:
        from fitdecode import profile

        prod = profile.FIELD_TYPES["garmin_product"].enum.get(prod, prod)
    parts = [str(x) for x in (manu, prod) if x is not None]
    return " ".join(parts) or None


def _time_offset(ts: np.ndarray, messages: dict[str, list[dict[str, Any]]]) -> tuple[float, str]:
    """Seconds to add to relative device times, and how they were anchored."""
    if len(ts) == 0 or ts[0] >= UNIX_RELATIVE_LIMIT:
        return 0.0, "absolute"
    for tc in messages.get("timestamp_correlation", []):
        absolute = _num(tc.get("timestamp"))
        relative = _num(tc.get("system_timestamp"))
        if absolute and relative is not None and absolute >= UNIX_RELATIVE_LIMIT:
            return absolute - relative, "timestamp_correlation"
    created = _num(_first(messages.get("file_id", [])).get("time_created"))
    if created is not None and created >= UNIX_RELATIVE_LIMIT:
        # approximate: the file was created when the recording started
        return created - float(ts[0]), "time_created"
    return 0.0, "unknown"


def _shift(msgs: list[dict[str, Any]], offset: float, keys: tuple[str, ...]) -> None:
    if not offset:
        return
    for m in msgs:
        for k in keys:
            v = m.get(k)
            if isinstance(v, (int, float)) and v < UNIX_RELATIVE_LIMIT:
                m[k] = v + offset


def _continue_distance(dist: np.ndarray) -> np.ndarray:
    """Make a distance that restarts at 0 for each multisport session cumulative."""
    out = np.array(dist, dtype=float)
    ok = np.flatnonzero(np.isfinite(out))
    if len(ok) < 2:
        return out
    vals = out[ok]
    drops = np.diff(vals)
    offsets = np.concatenate(([0.0], np.cumsum(np.where(drops < -1.0, -drops, 0.0))))
    out[ok] = vals + offsets
    return out


def _timer_span(events: list[dict[str, Any]], start: float) -> list[float | None] | None:
    """``[first timer start, final stop, session close]`` [s since start], from events.

    From the (time-sorted) ``timer`` events. The final stop is the one that closed
    the last running interval (``None`` when the timer was still running at the
    last event); a later stop while already stopped does not move it (Edge 800:
    auto ``stop_all``, then a manual ``stop_all`` after power cycling). The session
    close is a ``stop_all``/``stop_disable_all`` arriving while a plain ``stop``
    (auto-pause) is in force (Wahoo: the rider ends the ride while auto-paused; its
    elapsed time runs to it), else ``None``. When the first timer event is a stop
    (some files write no initial start), the timer ran from the start. ``None``
    when the file has no timer event.
    """
    first: float | None = None
    stop: float | None = None
    close: float | None = None
    paused_by: str | None = None
    running = False
    for e in events:
        t = float(e["timestamp"]) - start
        etype = e.get("event_type")
        if first is None and etype in _TIMER_STOPS:
            first, running = 0.0, True
        if etype == "start":
            if first is None:
                first = t
            running = True
            stop = close = paused_by = None
        elif etype in _TIMER_STOPS:
            if running:
                running = False
                stop, paused_by = t, str(etype)
            elif (
                paused_by == "stop" and etype in ("stop_all", "stop_disable_all") and close is None
            ):
                close = t
    return None if first is None else [first, stop, close]


def build_activity(fd: FitData, name: str) -> Activity:
    """Turn decoded FIT content into an Activity (see module notes for decisions)."""
    msgs = fd.messages
    file_id = _first(msgs.get("file_id", []))
    ftype = file_id.get("type")
    if ftype is not None and ftype != "activity":
        raise NotAnActivityError(
            name, f"FIT file of type {ftype!r} holds no activity (only activity files are imported)"
        )
    sessions_raw = msgs.get("session", [])
    rec = fd.records
    ts_all = rec.get("timestamp")
    if (ts_all is None or not np.isfinite(ts_all).any()) and not sessions_raw:
        raise NotAnActivityError(name, "FIT file holds no activity samples and no session")

    if ts_all is None:
        ts_all = np.zeros(0)
    keep = np.isfinite(ts_all)
    if keep.any():
        ts_f = ts_all[keep]
        runmax = np.maximum.accumulate(ts_f)
        back = ts_f < runmax
        if back.any():
            idx = np.flatnonzero(keep)
            keep[idx[back]] = False
    ts = ts_all[keep]

    offset, anchor = _time_offset(ts, msgs)
    ts = ts + offset
    for kind in ("session", "lap", "event", "activity"):
        _shift(msgs.get(kind, []), offset, ("timestamp", "start_time"))

    starts = [s for s in (_num(m.get("start_time")) for m in sessions_raw) if s is not None]
    candidates = starts + ([float(ts[0])] if len(ts) else [])
    if not candidates:
        raise NotAnActivityError(name, "FIT file has no usable timestamps")
    start = min(candidates)
    if len(ts) and start < ts[0] - 86400:  # a session start far before the samples is bogus
        start = float(ts[0])

    def col(key: str) -> np.ndarray | None:
        arr = rec.get(key)
        return None if arr is None else np.asarray(arr, dtype=float)[keep]

    streams: dict[str, np.ndarray] = {"time": ts - start}
    extra_power: str | None = None
    n = len(ts)
    dist = col("distance")
    speed = _prefer(col("enhanced_speed"), col("speed"))
    alt = _prefer(col("enhanced_altitude"), col("altitude"))
    lat, lon = col("position_lat"), col("position_long")
    if lat is not None and lon is not None:
        bad = (
            ~(np.isfinite(lat) & np.isfinite(lon))
            | ((lat == 0) & (lon == 0))
            | (np.abs(lat) > 90)
            | (np.abs(lon) > 180)
        )
        lat = np.where(bad, np.nan, lat)
        lon = np.where(bad, np.nan, lon)
        if np.isfinite(lat).any():
            streams["latitude"] = lat
            streams["longitude"] = lon
    if (dist is None or not np.isfinite(dist).any()) and "latitude" in streams:
        dist = haversine_cumulative(streams["latitude"], streams["longitude"])
    if dist is not None and len(sessions_raw) > 1:
        dist = _continue_distance(dist)
    for key, arr in (("distance", dist), ("speed", speed), ("altitude", alt)):
        if arr is not None and np.isfinite(arr).any():
            streams[key] = arr
    hr = col("heart_rate")
    if hr is not None:
        hr = np.where(hr > 0, hr, np.nan)
        if np.isfinite(hr).any():
            streams["heart_rate"] = hr
    for key in ("power", "temperature"):
        arr = col(key)
        if key == "power" and (arr is None or not np.isfinite(arr).any()):
            for dev_key in DEV_POWER_FIELDS:  # running power from a Connect IQ field
                arr = col(dev_key)
                if arr is not None and np.isfinite(arr).any():
                    extra_power = dev_key
                    break
        if arr is not None and np.isfinite(arr).any():
            streams[key] = arr

    # sessions and sport
    sessions: list[DeviceSummary] = []
    session_sports: list[str] = []
    foot_mask = np.zeros(n, dtype=bool)
    for s in sessions_raw:
        sport = str(s.get("sport")) if s.get("sport") is not None else "other"
        session_sports.append(sport)
        foot = sport in FOOT_SPORTS
        cad = _num(s.get("avg_cadence"))
        if cad is not None:
            cad += _num(s.get("avg_fractional_cadence")) or 0.0
            cad *= 2.0 if foot else 1.0
        sessions.append(
            DeviceSummary(
                sport=sport,
                distance_m=_num(s.get("total_distance")),
                timer_time_s=_num(s.get("total_timer_time")),
                elapsed_time_s=_num(s.get("total_elapsed_time")),
                avg_hr_bpm=_num(s.get("avg_heart_rate")),
                max_hr_bpm=_num(s.get("max_heart_rate")),
                ascent_m=_num(s.get("total_ascent")),
                descent_m=_num(s.get("total_descent")),
                avg_cadence_spm=cad,
            )
        )
        if foot and n:
            s0 = _num(s.get("start_time"))
            dur = _num(s.get("total_elapsed_time"))
            if s0 is None or dur is None or len(sessions_raw) == 1:
                foot_mask[:] = True
            else:
                foot_mask |= (ts >= s0 - 1) & (ts <= s0 + dur + 1)
    sport_msg = _first(msgs.get("sport", []))
    sub_sport: str | None
    if len(sessions_raw) > 1:
        sport_name, sub_sport = "multisport", None
    elif sessions_raw:
        sport_name = session_sports[0]
        ss = sessions_raw[0].get("sub_sport")
        sub_sport = str(ss) if ss is not None and ss != "generic" else None
    else:
        sport_name = str(sport_msg.get("sport") or "other")
        ss = sport_msg.get("sub_sport")
        sub_sport = str(ss) if ss is not None and ss != "generic" else None
        if sport_name in FOOT_SPORTS:
            foot_mask[:] = True
    if sport_name == "generic":
        sport_name = "other"

    cad_arr = col("cadence")
    if cad_arr is not None and np.isfinite(cad_arr).any():
        frac = col("fractional_cadence")
        if frac is not None:
            cad_arr = cad_arr + np.nan_to_num(frac)
        streams["cadence"] = np.where(foot_mask, cad_arr * 2.0, cad_arr)

    # laps
    laps: list[Lap] = []
    for lp in msgs.get("lap", []):
        lstart = _num(lp.get("start_time"))
        elapsed = _num(lp.get("total_elapsed_time"))
        if lstart is None or elapsed is None:
            continue
        laps.append(
            Lap(
                start_s=lstart - start,
                elapsed_time_s=elapsed,
                timer_time_s=_num(lp.get("total_timer_time")),
                distance_m=_num(lp.get("total_distance")),
                avg_hr_bpm=_num(lp.get("avg_heart_rate")),
                max_hr_bpm=_num(lp.get("max_heart_rate")),
                avg_speed_m_per_s=_num(lp.get("enhanced_avg_speed", lp.get("avg_speed"))),
                trigger=str(lp["lap_trigger"]) if lp.get("lap_trigger") is not None else None,
                intensity=str(lp["intensity"]) if lp.get("intensity") is not None else None,
            )
        )

    # pauses from timer events
    pauses: list[tuple[float, float]] = []
    paused_at: float | None = None
    events = sorted(
        (
            e
            for e in msgs.get("event", [])
            if e.get("event") == "timer" and _num(e.get("timestamp")) is not None
        ),
        key=lambda e: e["timestamp"],
    )
    for e in events:
        t = float(e["timestamp"]) - start
        etype = e.get("event_type")
        if etype in _TIMER_STOPS and paused_at is None:
            paused_at = t
        elif etype == "start" and paused_at is not None:
            if t > paused_at:
                pauses.append((paused_at, t))
            paused_at = None
    # multisport: devices sum per-session timers, often with events in one session only
    timer_span = _timer_span(events, start) if len(sessions_raw) <= 1 else None

    # local offset
    utc_offset: int | None = None
    act = _first(msgs.get("activity", []))
    lt, at = _num(act.get("local_timestamp")), _num(act.get("timestamp"))
    if lt is not None and at is not None and anchor != "unknown":
        off = lt - at
        if abs(off) <= 14 * 3600:
            utc_offset = int(round(off / 900.0) * 900)

    extra: dict[str, Any] = {"decoder": fd.decoder}
    if extra_power:
        extra["power_source"] = f"developer field {extra_power!r}"
    if anchor != "absolute":
        extra["time_anchor"] = anchor
    if len(sessions_raw) > 1:
        extra["session_sports"] = session_sports
    if sport_msg.get("name"):
        extra["sport_profile"] = sport_msg["name"]
    if timer_span is not None:
        extra["timer_span_s"] = timer_span
    return Activity(
        start_time=datetime.fromtimestamp(start, tz=UTC),
        sport=sport_name,
        sub_sport=sub_sport,
        streams=streams,
        source_format="fit",
        utc_offset_s=utc_offset,
        device=_device(file_id),
        laps=laps,
        pauses=pauses,
        sessions=sessions,
        extra=extra,
    )
