"""TCX (Training Center Database v2) writer with laps and the ``ns3:TPX`` extension."""

from __future__ import annotations

import numpy as np

from deliberun.sim.writers._xml import cadence_for_file, fmt, iso_times
from deliberun.sim.writers.track import Track

_INTENSITY = {"active": "Active", "rest": "Resting", "warmup": "Active", "cooldown": "Active"}
_TRIGGER = {"manual": "Manual", "distance": "Distance", "time": "Time", "session_end": "Manual"}


def write_tcx(track: Track) -> bytes:
    """Encode ``track`` as TCX: one Lap per track lap, cumulative distance per point.

    Cadence goes in ``ns3:RunCadence`` in strides per minute (Garmin convention).
    """
    times = iso_times(track)
    lat = fmt(track.latitude, 7)
    lon = fmt(track.longitude, 7)
    ele = fmt(track.altitude, 1)
    dist = fmt(track.distance, 2)
    hr = fmt(track.heart_rate, 0)
    spd = fmt(track.speed, 3)
    cad = fmt(cadence_for_file(track), 0)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">\n'
        f' <Activities><Activity Sport="Running"><Id>{times[0]}</Id>\n'
    ]
    for lap in track.laps:
        a, b = lap.start, lap.end
        d0 = float(track.distance[a - 1]) if a > 0 else 0.0
        t0 = float(track.time[a - 1]) if a > 0 else float(track.time[0])
        h = track.heart_rate[a:b]
        h = h[np.isfinite(h)]
        hr_txt = ""
        if len(h):
            hr_txt = (
                f"<AverageHeartRateBpm><Value>{int(round(h.mean()))}</Value></AverageHeartRateBpm>"
                f"<MaximumHeartRateBpm><Value>{int(round(h.max()))}</Value></MaximumHeartRateBpm>"
            )
        out.append(
            f'  <Lap StartTime="{times[a]}"><TotalTimeSeconds>{float(track.time[b - 1]) - t0:.1f}'
            f"</TotalTimeSeconds><DistanceMeters>{float(track.distance[b - 1]) - d0:.2f}"
            f"</DistanceMeters><Calories>0</Calories>{hr_txt}"
            f"<Intensity>{_INTENSITY[lap.intensity]}</Intensity>"
            f"<TriggerMethod>{_TRIGGER[lap.trigger]}</TriggerMethod><Track>\n"
        )
        for i in range(a, b):
            pos = ""
            if lat[i] is not None:
                pos = (
                    f"<Position><LatitudeDegrees>{lat[i]}</LatitudeDegrees>"
                    f"<LongitudeDegrees>{lon[i]}</LongitudeDegrees></Position>"
                )
            e = f"<AltitudeMeters>{ele[i]}</AltitudeMeters>" if ele[i] is not None else ""
            hb = f"<HeartRateBpm><Value>{hr[i]}</Value></HeartRateBpm>" if hr[i] is not None else ""
            c = f"<ns3:RunCadence>{cad[i]}</ns3:RunCadence>" if cad[i] is not None else ""
            out.append(
                f"   <Trackpoint><Time>{times[i]}</Time>{pos}{e}"
                f"<DistanceMeters>{dist[i]}</DistanceMeters>{hb}"
                f"<Extensions><ns3:TPX><ns3:Speed>{spd[i]}</ns3:Speed>{c}</ns3:TPX></Extensions>"
                "</Trackpoint>\n"
            )
        out.append("  </Track></Lap>\n")
    out.append(" </Activity></Activities>\n</TrainingCenterDatabase>\n")
    return "".join(out).encode("utf-8")
