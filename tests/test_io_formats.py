"""GPX and TCX readers against their own contents and the same run as FIT."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from deliberun.io import read_bytes
from deliberun.io.gpx import parse_gpx
from deliberun.io.tcx import parse_tcx
from deliberun.metrics.summary import summarize

REAL = Path(__file__).parent / "data" / "real"

#: GPX/TCX files the manifest lists that are not a timed activity (reason).
NOT_ACTIVITIES = {"tcx/runalyze__Route-only.tcx": "course only"}
#: TCX files whose lap totals do not describe the points in the file (reason).
LAP_EXCLUSIONS = {
    "tcx/gpsbabel__kona2013.tcx": "5-point fixture cut from a long ride; laps are the whole ride",
    "tcx/runalyze__First-point-empty.tcx": "fixture cut from a longer ride; laps are the whole ride",
    "tcx/runalyze__negative-pause.tcx": "fixture cut from a longer ride; laps are the whole ride",
    "tcx/runalyze__watt-extension-without-namespace.tcx": "fixture cut from a longer ride",
    "tcx/runalyze__Polar-one-lap-indoor-with-distance.tcx": "indoor: lap distance, no point distances",
    "tcx/runalyze__Swim-without-time_by-Timekiller.tcx": "swim: no point distances",
    "tcx/runalyze__Indoor-Training.tcx": "indoor: distance 0 in points, none in laps",
    "tcx/sportslib__unknown_example.tcx": "no point distances; lap totals from the device's own odometer",
    "tcx/runalyze__missing-distances.tcx": "most points lack a distance; haversine used instead",
    "tcx/runalyze__Dakota.tcx": "no point distances; laps 0.1% off the haversine sum",
}


def _corpus(real_dir: Path, sub: str) -> list[Path]:
    return sorted((real_dir / sub).iterdir())


def test_gpx_heartandsole_matches_fit() -> None:
    gpx = parse_gpx((REAL / "heartandsole__testdata.gpx").read_bytes(), "t.gpx")
    fit = read_bytes((REAL / "heartandsole__testdata.fit").read_bytes(), "t.fit")
    assert gpx.sport == "running" and gpx.name == "Boulder Running"
    assert gpx.start_time == fit.start_time
    assert np.nanmax(gpx.streams["heart_rate"]) == np.nanmax(fit.streams["heart_rate"])
    # same device cadence convention: strides/min in the file, steps/min here
    assert np.nanmax(gpx.streams["cadence"]) == pytest.approx(
        np.nanmax(np.floor(fit.streams["cadence"] / 2) * 2), abs=2
    )


def test_tcx_laps_and_cadence() -> None:
    tcx = parse_tcx((REAL / "heartandsole__testdata.tcx").read_bytes(), "t.tcx")
    assert tcx.sport == "running"
    assert len(tcx.laps) == 4
    assert tcx.laps[0].distance_m == pytest.approx(52.8)
    assert tcx.laps[0].max_hr_bpm == 92
    s = summarize(tcx)
    assert s["distance_m"] == pytest.approx(sum(lap.distance_m or 0 for lap in tcx.laps), rel=0.01)


def test_gpx_distance_is_the_great_circle_length() -> None:
    """A track along the equator, 0.001 deg of longitude a step: 111.195 m each
    (mean Earth radius 6,371,008.8 m), by a value computed here, not by the reader's
    own function."""
    pts = "".join(
        f'<trkpt lat="0" lon="{i / 1000:.3f}"><time>2026-03-01T08:00:{i:02d}Z</time></trkpt>'
        for i in range(11)
    )
    gpx = (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>'
    ).encode()
    a = read_bytes(gpx, "equator.gpx")
    step = 6_371_008.8 * math.radians(0.001)
    assert a.extra["raw_gps_distance_m"] == pytest.approx(10 * step, rel=1e-9)
    # the jitter smoother leaves a straight, evenly sampled line as it is (local plane: 1e-6)
    assert summarize(a)["distance_m"] == pytest.approx(10 * step, rel=1e-6)
    assert np.diff(a.streams["distance"]) == pytest.approx(np.full(10, step), rel=1e-5)


def test_every_real_gpx_reads_with_a_growing_distance(real_dir: Path) -> None:
    n = 0
    for path in _corpus(real_dir, "gpx"):
        a = read_bytes(path.read_bytes(), str(path))
        d = a.streams["distance"]
        assert np.all(np.diff(d[np.isfinite(d)]) >= 0) and summarize(a)["distance_m"] > 0
        n += 1
    assert n >= 20


def test_tcx_distance_vs_laps(real_dir: Path) -> None:
    """TCX: distance within 1 % of the lap totals (files whose laps hold no distance, or
    whose device odometer differs from GPS, are excluded with their reason)."""
    checked = 0
    for path in _corpus(real_dir, "tcx"):
        rel = f"tcx/{path.name}"
        if rel in NOT_ACTIVITIES:
            continue
        a = read_bytes(path.read_bytes(), str(path))
        s = summarize(a)
        if rel in LAP_EXCLUSIONS:
            continue
        lap_total = sum(lap.distance_m or 0 for lap in a.laps)
        assert s["distance_m"] == pytest.approx(lap_total, rel=0.01), rel
        checked += 1
    assert checked >= 15


def test_gpx_segments_make_pauses(real_dir: Path) -> None:
    a = read_bytes((real_dir / "gpx/runalyze__break-between-trkseg.gpx").read_bytes(), "b.gpx")
    assert len(a.pauses) == 2
    assert all(b > e for e, b in [(p[0], p[1]) for p in a.pauses])
    assert summarize(a)["timer_time_s"] < summarize(a)["elapsed_time_s"]


def test_gpx_backwards_time_dropped(real_dir: Path) -> None:
    a = read_bytes(
        (real_dir / "gpx/runalyze__runkeeper-negative-time-step-at-start.gpx").read_bytes(), "r.gpx"
    )
    assert np.all(np.diff(a.streams["time"]) >= 0)


def test_tcx_multisport_is_one_activity(real_dir: Path) -> None:
    a = read_bytes((real_dir / "tcx/runalyze__Multisport.tcx").read_bytes(), "m.tcx")
    assert a.sport == "multisport"
    assert a.extra["session_sports"] == ["cycling", "running", "cycling"]
    laps = sum(lap.distance_m or 0 for lap in a.laps)
    assert summarize(a)["distance_m"] == pytest.approx(laps, rel=0.01)


def test_tcx_several_activities_reads_first(real_dir: Path) -> None:
    a = read_bytes((real_dir / "tcx/runalyze__Multiple-Trainings.tcx").read_bytes(), "m.tcx")
    assert a.extra["skipped_activities"] == 2


def test_gpx_1_0(real_dir: Path) -> None:
    """GPX 1.0 (GPSBabel, namespace .../GPX/1/0) reads like 1.1."""
    data = (real_dir / "gpx/gpxpy__Mojstrovka.gpx").read_bytes()
    assert b"http://www.topografix.com/GPX/1/0" in data[:600]
    a = read_bytes(data, "m.gpx")
    assert a.n_samples == 183
    assert "altitude" in a.streams and a.device is not None and "GPSBabel" in a.device


def test_tcx_extensions_speed_and_runcadence() -> None:
    tcx = parse_tcx((REAL / "heartandsole__testdata.tcx").read_bytes(), "t.tcx")
    fit = read_bytes((REAL / "heartandsole__testdata.fit").read_bytes(), "t.fit")
    assert np.isfinite(tcx.streams["speed"]).sum() > 10  # ns3:TPX/ns3:Speed
    # ns3:RunCadence is strides/min like FIT (without the fractional part): x2 here
    fit_cad = np.interp(tcx.streams["time"], fit.streams["time"], fit.streams["cadence"])
    ok = np.isfinite(tcx.streams["cadence"])
    assert np.nanmax(np.abs(tcx.streams["cadence"][ok] - fit_cad[ok])) <= 2.0


# --- the streaming expat parser (wave 2, W9): same values as an element tree ---

_GPX_HEAD = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<gpx version="1.1" creator="me" xmlns="http://www.topografix.com/GPX/1/1"'
    ' xmlns:x="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
)


def _gpx_doc(points: str, name: str = "Run &amp; fun", enc: str = "UTF-8") -> str:
    return (
        _GPX_HEAD.format(enc=enc)
        + f"<trk><name>{name}</name><type>running</type><trkseg>{points}</trkseg></trk></gpx>"
    )


def _pt(i: int, extra: str = "") -> str:
    return (
        f'<trkpt lat="46.{i:04d}" lon="6.{i:04d}"><ele> 30{i % 10}.5 </ele>'
        f"<time>2026-05-19T04:36:{i:02d}Z</time>{extra}</trkpt>\n"
    )


def _gpx_reference(data: bytes) -> dict[str, list[float]]:
    """Per-point values read with the stdlib element tree (an independent reader)."""
    import xml.etree.ElementTree as ET

    from deliberun.io.xmlsafe import parse_time

    out: dict[str, list[float]] = {"time": [], "latitude": [], "heart_rate": []}
    for el in ET.fromstring(data).iter():
        if el.tag.rsplit("}", 1)[-1] != "trkpt":
            continue
        vals = {c.tag.rsplit("}", 1)[-1].lower(): c.text for c in el.iter()}
        t = parse_time(vals.get("time"))
        if t is None:
            continue
        out["time"].append(t)
        out["latitude"].append(float(el.get("lat") or "nan"))
        hr = vals.get("hr") or vals.get("heartrate")
        out["heart_rate"].append(float(hr) if hr and hr.strip() else float("nan"))
    return out


def test_gpx_streamed_values_match_element_tree(real_dir: Path) -> None:
    """Every real GPX whose times only go forward: the same points as ElementTree reads."""
    checked = 0
    for path in _corpus(real_dir, "gpx"):
        data = path.read_bytes()
        ref = _gpx_reference(data)
        if not ref["time"] or np.any(np.diff(ref["time"]) < 0):
            continue
        act = parse_gpx(data, path.name)
        t0 = ref["time"][0]
        assert np.array_equal(act.streams["time"], np.asarray(ref["time"]) - t0), path.name
        lat = act.streams["latitude"]
        assert np.array_equal(lat, ref["latitude"], equal_nan=True), path.name
        hr = np.asarray(ref["heart_rate"])
        hr = np.where(hr > 0, hr, np.nan)
        if np.isfinite(hr).any():
            assert np.array_equal(act.streams["heart_rate"], hr, equal_nan=True), path.name
        checked += 1
    assert checked >= 15


def test_gpx_text_cdata_entities_comments_and_mixed_content() -> None:
    points = (
        _pt(1, "<extensions><x:TrackPointExtension><x:hr><![CDATA[14]]>0</x:hr>"
            "</x:TrackPointExtension></extensions>")
        + _pt(2, "<extensions><!-- c --><x:TrackPointExtension><x:hr>1&#52;2</x:hr>"
              "<x:cad> </x:cad></x:TrackPointExtension></extensions>")
        + _pt(3, "<extensions><x:TrackPointExtension><x:hr>150<x:b/>9</x:hr>"
              "</x:TrackPointExtension></extensions>")
    )  # fmt: skip
    act = parse_gpx(_gpx_doc(points).encode(), "t.gpx")
    assert act.name == "Run & fun" and act.device == "me" and act.sport == "running"
    # CDATA + text join; a character reference; text before the first child only
    assert act.streams["heart_rate"].tolist() == [140.0, 142.0, 150.0]
    assert "cadence" not in act.streams  # a blank value is no value
    assert act.streams["altitude"].tolist() == [301.5, 302.5, 303.5]


def test_gpx_values_split_across_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cut by a feed boundary (7-byte feeds) reads the same as in one feed."""
    import deliberun.io.xmlsafe as xmlsafe

    data = _gpx_doc("".join(_pt(i) for i in range(40))).encode()
    whole = parse_gpx(data, "t.gpx")
    monkeypatch.setattr(xmlsafe, "XML_FEED_BYTES", 7)
    cut = parse_gpx(data, "t.gpx")
    for key, arr in whole.streams.items():
        assert np.array_equal(cut.streams[key], arr), key
    assert cut.name == whole.name == "Run & fun"


def test_gpx_utf16_and_latin1() -> None:
    doc = _gpx_doc(_pt(1) + _pt(2), name="Lac Léman", enc="UTF-16")
    act = parse_gpx(doc.encode("utf-16"), "t.gpx")
    assert act.name == "Lac Léman" and len(act.streams["time"]) == 2
    doc = _gpx_doc(_pt(1) + _pt(2), name="Lac Léman", enc="ISO-8859-1")
    assert parse_gpx(doc.encode("latin-1"), "t.gpx").name == "Lac Léman"


def test_xml_dtd_without_entities_is_read_but_entities_are_refused() -> None:
    from deliberun.io.errors import CorruptFileError, UnsafeInputError

    body = _gpx_doc(_pt(1) + _pt(2)).split("\n", 1)[1]
    plain = '<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ELEMENT gpx ANY>]>\n' + body
    assert len(parse_gpx(plain.encode(), "t.gpx").streams["time"]) == 2
    for decl in ('<!ENTITY e "x">', '<!ENTITY e SYSTEM "file:///etc/passwd">',
                 '<!ENTITY % p SYSTEM "http://example.com/p.dtd">'):  # fmt: skip
        evil = f'<?xml version="1.0"?>\n<!DOCTYPE gpx [{decl}]>\n' + body
        with pytest.raises(UnsafeInputError, match="entity"):
            parse_gpx(evil.encode(), "t.gpx")
    with pytest.raises(CorruptFileError, match="malformed XML"):
        parse_gpx(body.replace("Run &amp; fun", "Run &nope; fun").encode(), "t.gpx")
    tcx = (
        '<?xml version="1.0"?><!DOCTYPE T [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        '<TrainingCenterDatabase><Activities><Activity Sport="Running"><Lap StartTime='
        '"2026-01-01T00:00:00Z"><Track><Trackpoint><Time>&b;</Time></Trackpoint></Track>'
        "</Lap></Activity></Activities></TrainingCenterDatabase>"
    )
    with pytest.raises(UnsafeInputError):
        parse_tcx(tcx.encode(), "t.tcx")


def test_tcx_lap_hr_value_and_nested_point_values() -> None:
    tcx = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2" xmlns:n="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        '<Activities><Activity Sport="Running"><Lap StartTime="2026-01-01T00:00:00Z">'
        "<TotalTimeSeconds> 2.0 </TotalTimeSeconds><DistanceMeters>5</DistanceMeters>"
        "<AverageHeartRateBpm><Value>120</Value><Value>99</Value></AverageHeartRateBpm>"
        "<MaximumHeartRateBpm><Value/></MaximumHeartRateBpm><Track>"
        + "".join(
            f"<Trackpoint><Time>2026-01-01T00:00:0{i}Z</Time><DistanceMeters>{2.5 * i}"
            f"</DistanceMeters><HeartRateBpm><Value>{130 + i}</Value></HeartRateBpm>"
            f"<Extensions><n:TPX><n:Speed>2.5</n:Speed><n:RunCadence>85</n:RunCadence>"
            f"</n:TPX></Extensions></Trackpoint>"
            for i in range(3)
        )
        + "</Track></Lap><Creator><Name>Watch</Name></Creator></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )
    act = parse_tcx(tcx.encode(), "t.tcx")
    lap = act.laps[0]
    assert lap.avg_hr_bpm == 120.0 and lap.max_hr_bpm is None
    assert lap.timer_time_s == 2.0 and lap.distance_m == 5.0
    assert act.device == "Watch"
    assert act.streams["heart_rate"].tolist() == [130.0, 131.0, 132.0]
    assert act.streams["distance"].tolist() == [0.0, 2.5, 5.0]
    assert act.streams["cadence"].tolist() == [170.0] * 3
    assert act.streams["speed"].tolist() == [2.5] * 3
