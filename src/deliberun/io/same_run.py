"""Are two recordings the same run? The merge decision, as a pure function.

One runner cannot run twice at the same time, so two recordings whose times
overlap are the same run unless their tracks say otherwise: the watch's FIT and
the phone's GPX of one run, a Strava GPX export of a Garmin run, an export row
whose file arrives later. The old rule (starts within 60 s and distances within
2 %) missed pairs whose GPX is a few percent longer from GPS jitter, and pairs
whose recordings start a minute apart.

Decision (:func:`same_run`), in order:

1. **Time overlap** of the two spans ``[start, start + duration]``, as a share of
   the shorter span: below :data:`MIN_OVERLAP` they are different activities
   (a warm-up and the race after it touch, they do not overlap).
2. **Track similarity**, when both have positions: the median distance between
   the two tracks at the same instants (the second interpolated onto the first's
   times over the common span). Above :data:`MAX_TRACK_GAP_M` they are different
   activities (two people's files in one folder, a ride beside a run); within it,
   the same run, whatever their distances say (jitter lengthens a GPX by 3-20 %).
3. Without two tracks: the same run when the distances agree within
   :data:`MAX_DISTANCE_FRACTION` or either is unknown (a manual entry, an indoor
   file).

Kept from the old rule: starts within 60 s and distances within 2 % is the same
run even when a span is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from deliberun.io.geo import EARTH_RADIUS_M

#: Least overlap of the two time spans, as a share of the shorter one.
MIN_OVERLAP = 0.5
#: Largest median distance between the two tracks at the same instants [m]. GPS
#: error is ~5 m (95 % < 10 m) in the open, tens of metres between buildings; two
#: different routes at the same time are hundreds of metres apart.
MAX_TRACK_GAP_M = 75.0
#: Distances must agree this well when tracks cannot be compared.
MAX_DISTANCE_FRACTION = 0.10
#: The old rule, kept: starts this close [s] ...
LEGACY_START_S = 60.0
#: ... and distances this close (fraction of the longer).
LEGACY_DISTANCE_FRACTION = 0.02


@dataclass
class Footprint:
    """What the merge decision needs of one recording.

    ``track``: ``(t, lat, lon)`` with ``t`` in Unix seconds, or None when the
    recording has no positions.
    """

    start: datetime
    duration_s: float | None
    distance_m: float | None
    track: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def begin(self) -> float:
        return self.start.timestamp()

    @property
    def end(self) -> float:
        return self.begin + max(self.duration_s or 0.0, 0.0)


@dataclass
class Decision:
    """The merge decision and why."""

    same: bool
    reason: str
    overlap: float = 0.0
    track_gap_m: float | None = None


def overlap_share(a: Footprint, b: Footprint) -> float:
    """Shared time of the two spans / the shorter span (0 when a span is unknown)."""
    short = min(a.end - a.begin, b.end - b.begin)
    if short <= 0:
        return 0.0
    shared = min(a.end, b.end) - max(a.begin, b.begin)
    return max(shared, 0.0) / short


def track_gap_m(a: Footprint, b: Footprint) -> float | None:
    """Median distance [m] between the tracks at the same instants, None if not comparable."""
    if a.track is None or b.track is None:
        return None
    ta, lat_a, lon_a = (np.asarray(x, dtype=float) for x in a.track)
    tb, lat_b, lon_b = (np.asarray(x, dtype=float) for x in b.track)
    ok_a = np.isfinite(ta) & np.isfinite(lat_a) & np.isfinite(lon_a)
    ok_b = np.isfinite(tb) & np.isfinite(lat_b) & np.isfinite(lon_b)
    ta, lat_a, lon_a = ta[ok_a], lat_a[ok_a], lon_a[ok_a]
    tb, lat_b, lon_b = tb[ok_b], lat_b[ok_b], lon_b[ok_b]
    if len(ta) < 2 or len(tb) < 2:
        return None
    order = np.argsort(tb, kind="stable")
    tb, lat_b, lon_b = tb[order], lat_b[order], lon_b[order]
    common = (ta >= tb[0]) & (ta <= tb[-1])
    if common.sum() < 2:
        return None
    t = ta[common]
    lat_i = np.interp(t, tb, lat_b)
    lon_i = np.interp(t, tb, lon_b)
    phi = np.radians(lat_a[common])
    dx = np.radians(lon_a[common] - lon_i) * np.cos(phi) * EARTH_RADIUS_M
    dy = np.radians(lat_a[common] - lat_i) * EARTH_RADIUS_M
    return float(np.median(np.hypot(dx, dy)))


def _distance_agrees(a: float | None, b: float | None, fraction: float) -> bool:
    if not a or not b:
        return True
    return abs(a - b) <= fraction * max(a, b)


def same_run(a: Footprint, b: Footprint) -> Decision:
    """Whether ``a`` and ``b`` record the same run (see the module notes for the rule)."""
    overlap = overlap_share(a, b)
    legacy = abs(a.begin - b.begin) <= LEGACY_START_S and (
        _distance_agrees(a.distance_m, b.distance_m, LEGACY_DISTANCE_FRACTION)
    )
    if overlap < MIN_OVERLAP:
        if legacy and (not a.duration_s or not b.duration_s):
            return Decision(True, "starts within 60 s, distances within 2 %", overlap)
        return Decision(False, f"times overlap {overlap:.0%} (< {MIN_OVERLAP:.0%})", overlap)
    gap = track_gap_m(a, b)
    if gap is not None:
        if gap <= MAX_TRACK_GAP_M:
            return Decision(True, f"overlap {overlap:.0%}, tracks {gap:.0f} m apart", overlap, gap)
        return Decision(
            False, f"overlap {overlap:.0%} but tracks {gap:.0f} m apart (different routes)",
            overlap, gap,
        )  # fmt: skip
    if _distance_agrees(a.distance_m, b.distance_m, MAX_DISTANCE_FRACTION):
        return Decision(True, f"overlap {overlap:.0%}, distances agree", overlap)
    return Decision(False, f"overlap {overlap:.0%} but distances differ > 10 %", overlap)
