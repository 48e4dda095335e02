"""The device's own session totals, preferred over ours where the device wrote them.

A FIT file carries the session summary the watch computed (``Activity.sessions``:
total distance, timer and elapsed time, ascent, descent). That is what the watch
and Garmin Connect show the runner; our figures from the records
(:func:`deliberun.metrics.summary.summarize`) differ from it by up to a few
seconds (the device's timer counts milliseconds, records and events carry whole
seconds) and a few metres. So the stored totals of an activity are the device's
where it wrote them, and our own computation stays beside them (the activity's
metrics keep ``summary`` as computed; ``totals`` names the source of each field).

Only FIT sessions are used: TCX lap totals are written by converters as often as
by devices. A total of zero distance (Connect IQ swim apps write 0) or a missing
value is not a device figure; a multisport file's sessions are added up, as the
device does for the activity.
"""

from __future__ import annotations

import math
from typing import Any

from deliberun.io.activity import Activity

#: Summary field -> DeviceSummary attribute taken from the device.
DEVICE_FIELDS: dict[str, str] = {
    "distance_m": "distance_m",
    "timer_time_s": "timer_time_s",
    "elapsed_time_s": "elapsed_time_s",
    "ascent_m": "ascent_m",
    "descent_m": "descent_m",
}


def device_totals(activity: Activity) -> dict[str, float]:
    """The totals the device wrote (sum over its sessions); {} when it wrote none.

    Parameters
    ----------
    activity : Activity
        A parsed file; only FIT sessions count.

    Returns
    -------
    dict
        Some of ``distance_m, timer_time_s, elapsed_time_s, ascent_m, descent_m``:
        a field is present only when every session gave a finite value for it
        (distance also > 0).
    """
    if activity.source_format != "fit" or not activity.sessions:
        return {}
    out: dict[str, float] = {}
    for field, attr in DEVICE_FIELDS.items():
        values = [getattr(s, attr) for s in activity.sessions]
        if any(v is None or not math.isfinite(float(v)) for v in values):
            continue
        total = float(sum(float(v) for v in values))
        if field == "distance_m" and total <= 0:
            continue
        out[field] = total
    return out


def prefer_device(
    activity: Activity, computed: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Totals to store: the device's where it wrote them, else ours.

    Returns
    -------
    (summary, totals)
        ``summary`` is ``computed`` with the device's fields put in;
        ``totals = {"source": {field: "device" | "computed"}, "device": {...},
        "computed": {...}}`` for display and audit (both sets of figures).
    """
    dev = device_totals(activity)
    summary = dict(computed)
    summary.update(dev)
    totals = {
        "source": {f: ("device" if f in dev else "computed") for f in DEVICE_FIELDS},
        "device": dict(dev),
        "computed": {f: computed.get(f) for f in DEVICE_FIELDS},
    }
    return summary, totals
