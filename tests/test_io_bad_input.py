"""Bad input: every broken file gives one typed, one-line error naming the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from deliberun.io import read_bytes
from deliberun.io.errors import (
    CorruptFileError,
    NotAnActivityError,
    ReadError,
    UnknownFormatError,
    UnsafeInputError,
)

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
REAL = DATA / "real"


def _err(path: Path, data: bytes | None = None) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_bytes(path.read_bytes() if data is None else data, str(path))
    err = info.value
    text = str(err)
    assert "\n" not in text, text
    assert str(path) in text
    return err


@pytest.mark.parametrize(
    ("fname", "kind"),
    [
        ("billion_laughs.gpx", UnsafeInputError),
        ("external_entity.gpx", UnsafeInputError),
        ("external_entity.tcx", UnsafeInputError),
        ("login_page.gpx", UnknownFormatError),
        ("empty.fit", CorruptFileError),
        ("random.fit", CorruptFileError),
        ("truncated.gpx", CorruptFileError),
    ],
)
def test_invalid_files(fname: str, kind: type[ReadError]) -> None:
    err = _err(INVALID / fname)
    assert isinstance(err, kind), f"{fname}: {type(err).__name__}: {err}"


@pytest.mark.parametrize(
    ("fname", "kind", "words"),
    [
        ("fitparse__activity-filecrc.fit", CorruptFileError, "CRC"),
        ("fitparse__activity-unexpected-eof.fit", CorruptFileError, "truncated"),
        ("fitparse__Settings.fit", NotAnActivityError, "settings"),
        ("fitparse__WorkoutIndividualSteps.fit", NotAnActivityError, "workout"),
    ],
)
def test_broken_real_files(fname: str, kind: type[ReadError], words: str) -> None:
    err = _err(REAL / fname)
    assert isinstance(err, kind)
    assert words in str(err)


def test_bit_flip_is_a_crc_error() -> None:
    path = REAL / "fitparse__Activity.fit"
    data = bytearray(path.read_bytes())
    data[300] ^= 0x10
    err = _err(path, bytes(data))
    assert isinstance(err, CorruptFileError)


def test_truncated_fit_made_here() -> None:
    path = REAL / "heartandsole__testdata.fit"
    err = _err(path, path.read_bytes()[:-500])
    assert isinstance(err, CorruptFileError)


def test_random_bytes_unknown_name() -> None:
    err = _err(Path("mystery.bin"), bytes(range(256)) * 4)
    assert isinstance(err, UnknownFormatError)


def test_gzip_damaged_and_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    good = gzip.compress((REAL / "fitparse__Activity.fit").read_bytes())
    err = _err(Path("a.fit.gz"), good[:-8] + b"\0" * 8)
    assert isinstance(err, CorruptFileError)
    import importlib

    sniff_mod = importlib.import_module("deliberun.io.sniff")

    monkeypatch.setattr(sniff_mod, "MAX_GUNZIP_BYTES", 1000)
    bomb = gzip.compress(b"\0" * 100_000)
    err = _err(Path("bomb.fit.gz"), bomb)
    assert isinstance(err, UnsafeInputError)


def test_gzipped_fit_reads() -> None:
    raw = (REAL / "fitparse__Activity.fit").read_bytes()
    a = read_bytes(gzip.compress(raw), "x.fit.gz")
    assert a.source_format == "fit"
    assert a.n_samples == 14


def test_real_corrupt_corpus(real_dir: Path) -> None:
    """Every file the manifest marks 'corrupt on purpose' is refused with a typed error."""
    lines = (real_dir / "MANIFEST.tsv").read_text().splitlines()[1:]
    corrupt = [ln.split("\t")[0] for ln in lines if "corrupt on purpose" in ln or "0-byte" in ln]
    assert len(corrupt) >= 5
    for rel in corrupt:
        path = real_dir / rel
        err = _err(path)
        assert isinstance(err, (CorruptFileError, NotAnActivityError)), rel


def test_real_non_activity_files(real_dir: Path) -> None:
    """Monitoring, settings, workout and course FIT files are NotAnActivityError."""
    lines = (real_dir / "MANIFEST.tsv").read_text().splitlines()[1:]
    rels = [ln.split("\t")[0] for ln in lines if "non-activity FIT" in ln or "course file" in ln]
    assert len(rels) >= 4
    for rel in rels:
        err = _err(real_dir / rel)
        assert isinstance(err, NotAnActivityError), rel


def test_absurd_numbers_in_xml_read_as_missing() -> None:
    """A hand-edited or corrupt GPX/TCX with 1e308 values: no overflow, values missing."""
    import warnings

    import numpy as np

    pts = "".join(
        f'<trkpt lat="46.2" lon="{6.1 + i * 1e-4:.4f}"><ele>{"1e308" if i == 2 else 400}</ele>'
        f"<time>2026-03-01T08:00:0{i}Z</time><extensions><gpxtpx:TrackPointExtension>"
        f"<gpxtpx:hr>{'1e308' if i == 1 else 150}</gpxtpx:hr>"
        f"<gpxtpx:cad>{'9e307' if i == 3 else 85}</gpxtpx:cad>"
        "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for i in range(5)
    )
    gpx = (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>running</type><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        act = read_bytes(gpx, "edited.gpx")
    st = act.streams
    assert np.isnan(st["heart_rate"][1]) and st["heart_rate"][0] == 150
    assert np.isnan(st["altitude"][2]) and st["altitude"][0] == 400
    assert np.isnan(st["cadence"][3]) and st["cadence"][0] == 170  # strides -> steps
