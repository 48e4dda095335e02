"""Fuzzing the readers with mutated real files and hostile archives (issue 5).

A few hundred deterministic cases (fixed seed) from ``tests/data/real``; the
mutators and checks live in ``bench/fuzz_readers.py`` (the bench runs >= 10,000
cases per format). Only ``ReadError`` subclasses may come out of the readers;
what they return must go through ``summarize`` and ``compute_all``; a failed
import writes nothing.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import random
import signal
import struct
import time
import zipfile
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from deliberun.io import read_bytes
from deliberun.io.errors import CorruptFileError, ReadError, UnsafeInputError
from deliberun.io.sniff import gunzip
from deliberun.io.sources import iter_sources

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261128
CASE_LIMIT_S = 10


def _load_fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fuzz_readers", ROOT / "bench" / "fuzz_readers.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


F = _load_fuzz()


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[tuple[str, bytes]]]:
    s = F.load_seeds([ROOT / "tests" / "data" / "real"])
    assert s["fit"] and s["gpx"] and s["tcx"]
    return s


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def _run(fmt: str, name: str, data: bytes, workdir: Path) -> tuple[str, float]:
    """Outcome and seconds of one case; a crash propagates, a hang fails the test."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_LIMIT_S)
    t0 = time.perf_counter()
    try:
        outcome = F.run_case(fmt, name, data, workdir)
    except _Timeout:
        pytest.fail(f"{fmt} case {name} ran over {CASE_LIMIT_S} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return outcome, time.perf_counter() - t0


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no overflow or invalid-value noise
@pytest.mark.parametrize(("fmt", "n"), [("fit", 160), ("gpx", 70), ("tcx", 50), ("archive", 70)])
def test_mutated_files_raise_only_read_errors(
    fmt: str, n: int, seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    """Each mutated file reads (and its metrics compute) or fails with a ReadError subclass."""
    outcomes: Counter[str] = Counter()
    crashes = []
    for i in range(n):
        rng = random.Random(f"{SEED}:{fmt}:{i}")
        name, data, desc = F.make_case(fmt, seeds, rng)
        try:
            outcome, _ = _run(fmt, name, data, tmp_path)
        except Exception as exc:  # a crash: collect them all, then fail
            crashes.append(f"#{i} {desc} {name}: {type(exc).__name__}: {str(exc)[:100]}")
            continue
        outcomes[outcome] += 1
    assert not crashes, "\n".join(crashes)
    # the mutations must exercise both sides: some files still read, some are refused
    assert sum(v for k, v in outcomes.items() if "ok" in k.split(",")) > 0, outcomes
    assert sum(v for k, v in outcomes.items() if "error:" in k) > 0, outcomes


def test_fit_definition_walker_finds_definitions(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    """The FIT tampering targets real definition messages (else it would fuzz blindly)."""
    name, data = next((n, d) for n, d in seeds["fit"] if n == "fitparse__Activity.fit")
    parts = F.fit_parts(data)
    assert parts is not None
    hsize, records = parts
    defs = F.fit_definitions(records)
    assert len(defs) >= 3
    assert all(records[off] & 0x40 for off, _ in defs)
    rebuilt = F.fit_rebuild(data[:hsize], records)
    assert rebuilt == data[: hsize + len(records) + 2]  # CRCs recomputed identically


# A FIT (fitparse__activity-unexpected-eof.fit, data size, 2 bytes and the end
# changed, CRCs fixed) on which fitdecode raised a bare AssertionError (found by fuzzing).
ASSERTION_FIT = bytes.fromhex(
    "".join(
        [
            "0c106400800100002e46495440000100000503048c040486010284020284000100007fffffff29e60712000f",
            "0001044000010031020002840101024000010031010002840000f0410001001505fd04860304860001000101",
            "00040102410001001505fd04860301000001000101000401020129e6071200000000420001001406fd048600",
            "04850104850504860202840602840229e607121d85612ecbfbb497000000020f3300000229e607131d85612e",
            "cbfbb498000000020f3300000229e607141d85612ecbfbb498000000020f3300000229e607151d856139cbfb",
            "b482000000150f3300000229e607161d856140cbfb00000000001c0f3300000229e607171d856146cbfbb472",
            "000000230f3300000229e607181d85614acbfbb46c000000290f3300000229e607191d856177cbfbb4140000",
            "00720f3300000229e6071a1d85618dcbfbb3b4000000b90f33005c0229e6071b1d8561aecbfbb33c00000113",
            "0f3300980229e6071c1d8561cccbfbb2d70000015f0f3300d10229e6071d1d8561aacbfbb279000001a60f33",
            "595c",
        ]
    )
)


def test_fitdecode_assertion_is_a_corrupt_file_error() -> None:
    with pytest.raises(CorruptFileError, match="x.fit: "):
        read_bytes(ASSERTION_FIT, "x.fit")


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _sources(tmp_path: Path, name: str, data: bytes) -> list[tuple[str, str]]:
    """(display path, outcome) per source: "ok" or the ReadError class name."""
    p = tmp_path / name
    p.write_bytes(data)
    out = []
    for src in iter_sources([p]):
        if src.error is not None:
            assert isinstance(src.error, ReadError)
            out.append((src.display_path, type(src.error).__name__))
            continue
        try:
            read_bytes(src.read_bytes(), src.display_path)
            out.append((src.display_path, "ok"))
        except ReadError as exc:
            out.append((src.display_path, type(exc).__name__))
    return out


@pytest.mark.parametrize(
    "kind", ["traversal", "absolute", "symlink", "nested", "lying", "gzgz", "encrypted", "method"]
)
def test_hostile_archives(
    kind: str, seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    """Structured hostile archives give typed errors; nothing outside the archive is read."""
    name, data = F.hostile_archive(kind, seeds, random.Random(kind))
    out = _sources(tmp_path, name, data)
    assert out, kind
    outcomes = {o for _, o in out}
    if kind in ("traversal", "absolute"):
        assert outcomes == {"UnsafeInputError"}, out
    elif kind == "nested":
        assert outcomes <= {"UnsafeInputError", "ok"}, out
    elif kind == "symlink":  # a symlink member is just bytes holding a path: never followed
        assert outcomes <= {"CorruptFileError"}, out
    elif kind == "lying":  # sizes in the headers lie: zipfile's own checks refuse it
        assert outcomes and outcomes <= {"UnsafeInputError", "CorruptFileError"}, out
    elif kind == "gzgz":
        assert outcomes == {"UnsafeInputError"}, out
    else:  # encrypted, unknown compression method
        assert outcomes == {"CorruptFileError"}, out
    assert not (tmp_path.parent / "evil.fit").exists()


def test_nested_zip_depth_limit(seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path) -> None:
    fit = seeds["fit"][0][1]
    z = _zip([("x.fit", fit)])
    for i in range(30):
        z = _zip([(f"level{i}.zip", z)], zipfile.ZIP_STORED)
    out = _sources(tmp_path, "deep.zip", z)
    assert [o for _, o in out] == ["UnsafeInputError"]
    assert "nested more than 3" in str(next(iter_sources([tmp_path / "deep.zip"])).error)


def test_zip_of_10000_tiny_files_is_fast(tmp_path: Path) -> None:
    z = _zip([(f"f{i}.fit", bytes([14, 16, i & 0xFF])) for i in range(10_000)])
    t0 = time.perf_counter()
    out = _sources(tmp_path, "many.zip", z)
    dt = time.perf_counter() - t0
    assert len(out) == 10_000
    assert {o for _, o in out} == {"CorruptFileError"}
    assert dt < 20, f"{dt:.1f} s for 10,000 tiny members"


def test_zip_bomb_refused_without_expanding(tmp_path: Path) -> None:
    """20 MiB of zeros deflate to ~20 kB (ratio ~1000 > 200): refused from the header."""
    z = _zip([("bomb.fit", b"\0" * (20 << 20))])
    assert len(z) < 200_000
    out = _sources(tmp_path, "bomb.zip", z)
    assert [o for _, o in out] == ["UnsafeInputError"]


def test_gzip_bomb_refused_early() -> None:
    """A gzip bomb is refused by its ratio after a few MiB, not after 1 GiB in memory."""
    bomb = gzip.compress(b"\0" * (64 << 20), 9)
    t0 = time.perf_counter()
    with pytest.raises(UnsafeInputError, match="ratio over 200"):
        read_bytes(bomb, "b.fit.gz")
    assert time.perf_counter() - t0 < 2
    # ordinary gzip of any size still round-trips through the chunked gunzip
    raw = random.Random(1).randbytes(9 << 20)
    assert gunzip(gzip.compress(raw, 1), "x") == raw
    with pytest.raises(CorruptFileError, match="truncated"):
        gunzip(gzip.compress(raw, 1)[:-100], "x")


def test_huge_attribute_is_linear(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    """An 8 MiB attribute: expat rescanned it on every 16 KiB feed (2.7 s); now well under 2 s."""
    data = dict(seeds["gpx"])["heartandsole__testdata.gpx"]
    i = data.index(b"<trkpt") + len(b"<trkpt")
    hostile = data[:i] + b' x="' + b"A" * (8 << 20) + b'"' + data[i:]
    t0 = time.perf_counter()
    act = read_bytes(hostile, "huge.gpx")
    assert time.perf_counter() - t0 < 2
    assert act.n_samples == read_bytes(data, "t.gpx").n_samples


def test_deep_nesting_gpx(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    data = dict(seeds["gpx"])["heartandsole__testdata.gpx"]
    i = data.index(b"<trkpt")
    hostile = data[:i] + b"<a>" * 100_000 + b"</a>" * 100_000 + data[i:]
    act = read_bytes(hostile, "deep.gpx")
    assert act.n_samples == read_bytes(data, "t.gpx").n_samples


def test_billion_laughs_refused() -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b"]><gpx><trk><name>&lol9;</name></trk></gpx>"
    )
    with pytest.raises(UnsafeInputError):
        read_bytes(lol, "lol.gpx")


def test_failed_import_writes_nothing(
    seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    """A folder of mutated files through the import service: failures leave no rows."""
    from sqlalchemy import func, select

    from deliberun.services.importer import import_paths
    from deliberun.store.db import Database
    from deliberun.store.tables_core import ActivityRow, ActivitySourceRow, OriginalRow, StreamRow

    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(f"{SEED}:import")
    for i in range(30):
        fmt = rng.choice(("fit", "fit", "gpx", "tcx", "archive"))
        name, data, _ = F.make_case(fmt, seeds, rng)
        (folder / f"{i:03d}_{name}").write_bytes(data)
    db = Database(tmp_path / "fuzz.db")
    rep = import_paths(db, [folder], workers=1, runner_files=False)
    assert rep.failed, "the mutations should break some files"
    assert not [f for f in rep.failed if "internal error" in str(f["error"])], rep.failed
    with db.session() as s:
        n_act = s.scalar(select(func.count()).select_from(ActivityRow))
        n_orig = s.scalar(select(func.count()).select_from(OriginalRow))
        src_paths = set(s.scalars(select(ActivitySourceRow.source_path)))
        stream_ids = set(s.scalars(select(StreamRow.activity_id)))
        act_ids = set(s.scalars(select(ActivityRow.id)))
    merged = sum(1 for d in rep.duplicates if d.get("reason") == "same run")
    assert n_act == len(rep.imported)
    assert n_orig == len(rep.imported) + merged
    assert not src_paths & {f["path"] for f in rep.failed}
    assert stream_ids <= act_ids
    db.dispose()


def test_zip_name_not_utf8_despite_flag(tmp_path: Path) -> None:
    """A zip whose member name is flagged UTF-8 but is not: one typed error (found by fuzzing)."""
    z = bytearray(_zip([("ab.fit", b"x")]))
    for sig, flag_off, name_off in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        i = z.find(sig)
        z[i + flag_off + 1] |= 0x08  # bit 11: name is UTF-8
        z[i + name_off] = 0xAB  # an invalid UTF-8 start byte
    assert _sources(tmp_path, "bad.zip", bytes(z)) == [
        (str(tmp_path / "bad.zip"), "CorruptFileError")
    ]


def test_nested_zip_with_unknown_method(
    seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    """A nested zip whose compression method zipfile cannot unpack (found by fuzzing)."""
    _, inner = F.hostile_archive("method", seeds, random.Random(3))
    outer = _zip([("UploadedFiles_0.zip", inner)], zipfile.ZIP_STORED)
    out = _sources(tmp_path, "outer.zip", outer)
    assert [o for _, o in out] == ["CorruptFileError"]
    # and a damaged member of the outer zip itself
    z = bytearray(_zip([("UploadedFiles_0.zip", _zip([("a.fit", b"\0" * 5000)]))]))
    i = z.find(b"PK\x03\x04")
    struct.pack_into("<H", z, i + 8, 99)  # local header: method 99 (AES), unknown
    j = z.find(b"PK\x01\x02")
    struct.pack_into("<H", z, j + 10, 99)
    out = _sources(tmp_path, "outer2.zip", bytes(z))
    assert [o for _, o in out] == ["CorruptFileError"]


def test_zip_member_with_empty_name(tmp_path: Path) -> None:
    """An empty member name (zipfile's is_dir() raises IndexError on it) is skipped (fuzzing)."""
    z = bytearray(_zip([("a.fit", b"x" * 10)]))
    for sig, len_off in ((b"PK\x03\x04", 26), (b"PK\x01\x02", 28)):
        i = z.find(sig)
        struct.pack_into("<H", z, i + len_off, 0)  # name length 0 ...
        name_at = i + (30 if sig == b"PK\x03\x04" else 46)
        del z[name_at : name_at + 5]  # ... and the name removed
    eocd = z.find(b"PK\x05\x06")
    cd = z.find(b"PK\x01\x02")
    struct.pack_into("<I", z, eocd + 12, eocd - cd)  # central directory size
    struct.pack_into("<I", z, eocd + 16, cd)  # and offset
    assert [i.filename for i in zipfile.ZipFile(io.BytesIO(bytes(z))).infolist()] == [""]
    assert _sources(tmp_path, "empty-name.zip", bytes(z)) == []
