"""A course drawn as a GPX route or track (no times): its points and heights.

Race organisers and route planners publish courses as ``<rte>``/``<rtept>`` or as
``<trk>`` without times, which ``read_gpx`` refuses (nothing was run). This reader
keeps the first route or track's points (lat, lon, ele) in order, through the same
hardened expat parser (:mod:`deliberun.io.xmlsafe`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from deliberun.io.errors import NotAnActivityError
from deliberun.io.xmlsafe import feed, local, make_parser, to_float

_POINTS = ("trkpt", "rtept")


def parse_gpx_course(data: bytes, name: str = "<gpx>") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(latitude, longitude, elevation)`` [deg, deg, m] of the course's points (NaN
    elevation where absent). Tracks are preferred to routes when a file has both.

    Raises
    ------
    NotAnActivityError
        The file holds fewer than two points.
    UnsafeInputError, CorruptFileError
        Entity tricks; malformed XML.
    """
    found: dict[str, list[list[float]]] = {"trkpt": [], "rtept": []}
    current: list[float] | None = None
    kind = ""
    in_ele = False
    buf: list[str] = []

    def on_start(raw: str, attrs: dict[str, str]) -> None:
        nonlocal current, kind, in_ele
        tag = local(raw)
        if tag in _POINTS:
            kind = tag
            current = [to_float(attrs.get("lat")), to_float(attrs.get("lon")), float("nan")]
        elif tag == "ele" and current is not None:
            in_ele = True
            buf.clear()

    def on_end(raw: str) -> None:
        nonlocal current, in_ele
        tag = local(raw)
        if tag == "ele" and in_ele:
            current[2] = to_float("".join(buf).strip())  # type: ignore[index]
            in_ele = False
        elif tag in _POINTS and current is not None:
            found[kind].append(current)
            current = None

    def on_text(text: str) -> None:
        if in_ele:
            buf.append(text)

    parser = make_parser()
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    feed(parser, data, name)
    pts = found["trkpt"] if len(found["trkpt"]) >= 2 else found["rtept"]
    if len(pts) < 2:
        raise NotAnActivityError(name, "no route or track with two points or more")
    arr = np.asarray(pts, dtype=float)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def read_gpx_course(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`parse_gpx_course` of a file."""
    p = Path(path)
    return parse_gpx_course(p.read_bytes(), str(p))
