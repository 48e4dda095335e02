"""GPX 1.1 writer in the style of a Garmin Connect export (``gpxtpx`` extensions)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from deliberun.sim.writers._xml import cadence_for_file, fmt, iso_times
from deliberun.sim.writers.track import Track


def write_gpx(track: Track) -> bytes:
    """Encode ``track`` as GPX 1.1 with heart rate, cadence and temperature extensions.

    GPX holds no distance or laps: readers compute distance from the positions.
    Cadence is written in strides per minute, as Garmin Connect exports it.
    """
    times = iso_times(track)
    lat = fmt(track.latitude, 7)
    lon = fmt(track.longitude, 7)
    ele = fmt(track.altitude, 1)
    hr = fmt(track.heart_rate, 0)
    cad = fmt(cadence_for_file(track), 0)
    tmp = fmt(track.temperature, 0)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="deliberun simulate" version="1.1" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f" <metadata><time>{times[0]}</time></metadata>\n"
        f" <trk><name>{escape(track.name)}</name><type>running</type><trkseg>\n"
    ]
    for i, t in enumerate(times):
        if lat[i] is None:
            continue
        ext = ""
        if tmp[i] is not None:
            ext += f"<gpxtpx:atemp>{tmp[i]}</gpxtpx:atemp>"
        if hr[i] is not None:
            ext += f"<gpxtpx:hr>{hr[i]}</gpxtpx:hr>"
        if cad[i] is not None:
            ext += f"<gpxtpx:cad>{cad[i]}</gpxtpx:cad>"
        e = f"<ele>{ele[i]}</ele>" if ele[i] is not None else ""
        out.append(
            f'  <trkpt lat="{lat[i]}" lon="{lon[i]}">{e}<time>{t}</time>'
            f"<extensions><gpxtpx:TrackPointExtension>{ext}"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        )
    out.append(" </trkseg></trk>\n</gpx>\n")
    return "".join(out).encode("utf-8")
