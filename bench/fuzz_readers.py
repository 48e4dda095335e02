"""Fuzz the readers with mutated real files and hostile archives (issue 5).

Every case must end in an ``Activity`` (then ``compute_all`` and ``summarize`` must not
crash on it) or a :class:`deliberun.io.errors.ReadError` subclass. Anything else is a
**crash**; a case over :data:`CASE_LIMIT_S` is a **hang**; a worker that dies or does not
answer is a hang too. Workers run under an address-space limit (:data:`MEMORY_LIMIT`), so
a mutated length field that makes us allocate gigabytes shows up as ``MemoryError``.

Formats: ``fit``, ``gpx``, ``tcx`` (mutated real files through
:func:`deliberun.io.read_bytes`) and ``archive`` (zip/gz built from real files, mutated,
plus structured hostile archives, through :func:`deliberun.io.sources.iter_sources`).
The import check (:func:`import_check`) imports folders of mutated files into a real
SQLite database and checks that a failed file wrote nothing. The whole-import check
(:func:`whole_import_check`, issue 19) runs the ``deliberun import --json`` command on
mutated exports (mutated files, odd names, a mutated Strava CSV in UTF-8 or Latin-1,
mutated or alias-bomb journal and plan files, a FIFO and a ``/dev/zero`` link), twice
each, and counts crashes, hangs and partial writes.

Usage::

    .venv/bin/python bench/fuzz_readers.py --cases 10000 --workers 2
    .venv/bin/python bench/fuzz_readers.py --cases 300 --formats fit --seed 7
    .venv/bin/python bench/fuzz_readers.py --cases 0 --import-folders 0 --whole-folders 20

The mutators are plain functions of a ``random.Random``; ``tests/test_io_fuzz.py``
imports them from this file (fixed seed, a few hundred cases).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing as mp
import os
import random
import re
import resource
import signal
import stat
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = [ROOT / "tests" / "data" / "real", ROOT.parent / "shared" / "data" / "real"]
FORMATS = ("fit", "gpx", "tcx", "archive")
#: Per-case time limit (seconds) before a case counts as a hang.
CASE_LIMIT_S = 20.0
#: Address-space limit of a fuzz worker (bytes): a gigabyte allocation becomes MemoryError.
MEMORY_LIMIT = 3 << 30
#: Seeds larger than this are skipped in the bench (speed: ~10k cases per format).
MAX_SEED_BYTES = 150_000


# ----------------------------------------------------------------------------- seeds


def load_seeds(
    dirs: list[Path] | None = None, max_bytes: int = MAX_SEED_BYTES
) -> dict[str, list[tuple[str, bytes]]]:
    """Real files by format: ``{"fit": [(name, bytes), ...], "gpx": ..., "tcx": ...}``."""
    out: dict[str, list[tuple[str, bytes]]] = {"fit": [], "gpx": [], "tcx": []}
    seen: set[bytes] = set()
    for d in dirs if dirs is not None else SEED_DIRS:
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*")):
            low = p.name.lower()
            ext = low.rsplit(".", 1)[-1]
            if ext not in out or not p.is_file():
                continue
            data = p.read_bytes()
            if len(data) > max_bytes or data in seen:
                continue
            seen.add(data)
            out[ext].append((p.name, data))
    return out


# ----------------------------------------------------------------------------- FIT helpers


def fit_crc(data: bytes) -> int:
    """FIT CRC-16 (FIT SDK, section 3.3.5) via fitdecode."""
    from fitdecode.utils import compute_crc

    return int(compute_crc(data))


def fit_parts(data: bytes) -> tuple[int, bytes] | None:
    """(header size, record bytes) of the first FIT file in ``data``, or None if no header."""
    if len(data) < 12 or data[8:12] != b".FIT":
        return None
    hsize = data[0] if data[0] in (12, 14) else 14
    size = struct.unpack_from("<I", data, 4)[0]
    return hsize, data[hsize : hsize + size]


def fit_rebuild(header: bytes, records: bytes, *, fix_size: bool = True) -> bytes:
    """A FIT file around ``records`` with correct data size, header CRC and file CRC."""
    h = bytearray(header)
    if fix_size:
        struct.pack_into("<I", h, 4, len(records))
    if len(h) >= 14:
        struct.pack_into("<H", h, 12, fit_crc(bytes(h[:12])))
    body = bytes(h) + records
    return body + struct.pack("<H", fit_crc(body))


def fit_definitions(records: bytes, limit: int = 64) -> list[tuple[int, int]]:
    """(offset of a definition message in ``records``, number of fields) for the first few.

    Walks the messages with the defined sizes (FIT SDK 3.3); stops at anything odd.
    """
    sizes: dict[int, int] = {}
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(records) and len(out) < limit:
        h = records[i]
        if h & 0x80:  # compressed timestamp header: data message of local type (h>>5)&3
            n = sizes.get((h >> 5) & 3)
            if n is None:
                break
            i += 1 + n
            continue
        local = h & 0x0F
        if h & 0x40:
            if i + 6 > len(records):
                break
            nf = records[i + 5]
            j = i + 6
            size = 0
            for _ in range(nf):
                if j + 3 > len(records):
                    return out
                size += records[j + 1]
                j += 3
            if h & 0x20:
                if j >= len(records):
                    return out
                nd = records[j]
                j += 1
                for _ in range(nd):
                    if j + 3 > len(records):
                        return out
                    size += records[j + 1]
                    j += 3
            sizes[local] = size
            out.append((i, nf))
            i = j
        else:
            n = sizes.get(local)
            if n is None:
                break
            i += 1 + n
    return out


# ----------------------------------------------------------------------------- generic mutators


def _rand_bytes(rng: random.Random, n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


_INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x40, 0x20, 0x0E, 0x0C, 0x10]


def mutate_bytes(data: bytes, rng: random.Random, start: int = 0) -> tuple[bytes, str]:
    """One or a few generic byte mutations at or after ``start``."""
    b = bytearray(data)
    what = []
    for _ in range(rng.choice((1, 1, 1, 2, 3, 8))):
        n = len(b)
        if n <= start + 1:
            b += _rand_bytes(rng, 4)
            what.append("grow")
            continue
        op = rng.randrange(9)
        i = rng.randrange(start, n)
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
            what.append("bitflip")
        elif op == 1:
            b[i] = rng.choice(_INTERESTING) if rng.random() < 0.5 else rng.getrandbits(8)
            what.append("byte")
        elif op == 2:
            del b[rng.randrange(max(start, n // 8), n) :]
            what.append("truncate")
        elif op == 3:
            b[i:i] = _rand_bytes(rng, rng.choice((1, 2, 4, 16, 255)))
            what.append("insert")
        elif op == 4:
            del b[i : i + rng.choice((1, 2, 4, 16, 300))]
            what.append("delete")
        elif op == 5:
            j = rng.randrange(i, min(n, i + 2000) + 1)
            chunk = b[i:j]
            k = rng.randrange(start, n + 1)
            b[k:k] = chunk * rng.choice((1, 2, 10))
            what.append("dupchunk")
        elif op == 6:
            j = min(n, i + rng.choice((2, 4, 8)))
            b[i:j] = b"\xff" * (j - i) if rng.random() < 0.5 else b"\x00" * (j - i)
            what.append("fill")
        elif op == 7:  # swap two chunks
            j = rng.randrange(start, n)
            a, c = sorted((i, j))
            ln = min(rng.choice((4, 16, 64)), n - c)
            b[a : a + ln], b[c : c + ln] = b[c : c + ln], b[a : a + ln]
            what.append("swap")
        else:
            k = min(n, i + 4)
            b[i:k] = struct.pack("<I", rng.choice((0xFFFFFFFF, 0x7FFFFFFF, 0x10000000, 1 << 30)))[
                : k - i
            ]
            what.append("bigint")
    return bytes(b), "+".join(what)


def mutate_fit(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Mutate a FIT file: raw mutations, or mutations inside with CRCs recomputed, or header tampering."""
    parts = fit_parts(data)
    r = rng.random()
    if parts is None or r < 0.25:
        return mutate_bytes(data, rng)
    hsize, records = parts
    header = data[:hsize]
    if r < 0.35:  # header field tampering, CRCs fixed or not
        h = bytearray(header)
        op = rng.randrange(4)
        if op == 0:
            h[0] = rng.choice((0, 1, 11, 13, 15, 255, 12 if hsize == 14 else 14))
            desc = "hdr-size"
        elif op == 1:
            struct.pack_into(
                "<I",
                h,
                4,
                rng.choice((0, 1, len(records) + 1, 0x7FFFFFFF, 0xFFFFFFFF, len(records) // 2)),
            )
            desc = "hdr-datasize"
        elif op == 2:
            h[1] = rng.getrandbits(8)
            desc = "hdr-protocol"
        else:
            h[8:12] = rng.choice((b".FIT", b".fit", b"FIT."))
            desc = "hdr-sig"
        fixed = fit_rebuild(bytes(h), records, fix_size=False)
        if rng.random() < 0.5:
            return fixed, desc + "+crcfix"
        return bytes(h) + data[hsize:], desc
    if r < 0.55:  # definition message tampering (field sizes, counts, base types), CRC fixed
        defs = fit_definitions(records)
        if defs:
            off, nf = rng.choice(defs)
            rec = bytearray(records)
            op = rng.randrange(5)
            if op == 0 and nf:
                k = off + 6 + 3 * rng.randrange(nf) + 1
                rec[k] = rng.choice((0, 1, 3, 7, 200, 255))
                desc = "def-fieldsize"
            elif op == 1:
                rec[off + 5] = rng.choice((0, 1, 255, nf + 1))
                desc = "def-nfields"
            elif op == 2 and nf:
                k = off + 6 + 3 * rng.randrange(nf) + 2
                rec[k] = rng.choice((0x07, 0x88, 0x8C, 0x0D, 0x1F, 0xFF))
                desc = "def-basetype"
            elif op == 3:
                rec[off + 3 : off + 5] = struct.pack("<H", rng.choice((18, 19, 20, 21, 0, 0xFFFF)))
                desc = "def-globalnum"
            else:
                rec[off + 2] = rng.choice((0, 1, 2))
                desc = "def-arch"
            return fit_rebuild(header, bytes(rec)), desc + "+crcfix"
    mutated, desc = mutate_bytes(records, rng)
    return fit_rebuild(header, mutated), desc + "+crcfix"


_XML_NUM = re.compile(rb">(-?\d+(?:\.\d+)?)<")
_XML_TAG = re.compile(rb"<[^>]{1,200}>")


def mutate_xml(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Mutate GPX/TCX text: byte mutations, structure cuts, hostile values, deep nesting."""
    r = rng.random()
    if r < 0.3:
        return mutate_bytes(data, rng)
    tags = [m.span() for m in _XML_TAG.finditer(data[:200_000])]
    if r < 0.45 and tags:  # cut structure: drop a tag, or cut at a tag
        a, b = rng.choice(tags)
        if rng.random() < 0.5:
            return data[:a] + data[b:], "xml-droptag"
        return data[:a], "xml-cut"
    if r < 0.6:  # replace numbers with hostile values
        nums = list(_XML_NUM.finditer(data[:400_000]))
        if nums:
            b = bytearray(data)
            for m in sorted(
                rng.sample(nums, min(len(nums), rng.choice((1, 5, 50)))), key=lambda m: -m.start(1)
            ):
                v = rng.choice(
                    (
                        b"nan",
                        b"inf",
                        b"-inf",
                        b"1e308",
                        b"-1e308",
                        b"1e999",
                        b"",
                        b"-0",
                        b"99999999999999999999",
                        b"0x10",
                        b"1,5",
                        b"\xff\xfe",
                        b"-90.0000001",
                        b"181",
                    )
                )
                b[m.start(1) : m.end(1)] = v
            return bytes(b), "xml-numbers"
    if r < 0.7:  # times: hostile timestamps
        times = list(re.finditer(rb"\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)?", data[:400_000]))
        if times:
            b = bytearray(data)
            for m in sorted(
                rng.sample(times, min(len(times), rng.choice((1, 3, 30)))), key=lambda m: -m.start()
            ):
                v = rng.choice(
                    (
                        b"0000-00-00T00:00:00Z",
                        b"9999-12-31T23:59:59Z",
                        b"1970-01-01T00:00:00Z",
                        b"garbage",
                        b"2020-02-30T25:61:61Z",
                        b"2020-01-01T00:00:00+99:00",
                        b"2020-01-01",
                        b"0001-01-01T00:00:00Z",
                        b"2020-01-01T00:00:00.9999999999999Z",
                    )
                )
                b[m.start() : m.end()] = v
            return bytes(b), "xml-times"
    if r < 0.8 and tags:  # huge attribute value or huge text
        a, b = rng.choice(tags)
        if data[a + 1 : a + 2] not in (b"/", b"?", b"!") and data[b - 2 : b - 1] != b"/":
            big = rng.choice((1 << 16, 1 << 20, 8 << 20))
            ins = b' x="' + b"A" * big + b'"'
            return data[: b - 1] + ins + data[b - 1 :], "xml-hugeattr"
        return data[:b] + b"9" * (1 << 20) + data[b:], "xml-hugetext"
    if r < 0.9 and tags:  # deep nesting
        a, b = rng.choice(tags)
        depth = rng.choice((1000, 100_000))
        return data[:b] + b"<a>" * depth + b"</a>" * depth + data[b:], "xml-deepnest"
    if tags:  # duplicate a structural chunk (e.g. points going back in time)
        a, _ = rng.choice(tags)
        c, d = rng.choice(tags)
        lo, hi = sorted((a, d))
        chunk = data[lo:hi][:200_000]
        k = rng.choice(tags)[0]
        return data[:k] + chunk * rng.choice((1, 3)) + data[k:], "xml-dupchunk"
    return mutate_bytes(data, rng)


# ----------------------------------------------------------------------------- archives


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _symlink_zip(target: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.fit")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        info.create_system = 3
        zf.writestr(info, target)
    return buf.getvalue()


def _bomb_zip() -> bytes:
    """One member of 1.1 GiB of zeros, deflated (~1 MiB) — built once per process."""
    global _BOMB
    if _BOMB is None:
        buf = io.BytesIO()
        with (
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
            zf.open("bomb.fit", "w", force_zip64=True) as fh,
        ):
            block = b"\0" * (1 << 24)
            for _ in range(70):
                fh.write(block)
        _BOMB = buf.getvalue()
    return _BOMB


_BOMB: bytes | None = None


def _lying_zip(data: bytes) -> bytes:
    """A zip whose header says the member is tiny but whose stream expands further."""
    z = bytearray(_zip([("a.fit", data + b"\0" * 100_000)]))
    # patch the uncompressed size in the central directory and the local header to 10
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = z.find(sig)
        if i >= 0:
            struct.pack_into("<I", z, i + off, 10)
    return bytes(z)


def hostile_archive(
    kind: str, seeds: dict[str, list[tuple[str, bytes]]], rng: random.Random
) -> tuple[str, bytes]:
    """Structured hostile inputs: (file name, bytes)."""
    fit = rng.choice(seeds["fit"])[1]
    if kind == "traversal":
        return "t.zip", _zip([("../../evil.fit", fit), ("a/../../b.gpx", b"<gpx/>")])
    if kind == "absolute":
        return "a.zip", _zip([("/etc/evil.fit", fit), ("C:/x.fit", fit), ("\\\\srv\\x.fit", fit)])
    if kind == "symlink":
        return "s.zip", _symlink_zip(rng.choice(("/etc/passwd", "../../secret.fit", "/dev/zero")))
    if kind == "nested":
        depth = rng.choice((3, 4, 8, 30))
        z = _zip([("x.fit", fit)])
        for i in range(depth):
            z = _zip([(f"level{i}.zip", z)], zipfile.ZIP_STORED)
        return "n.zip", z
    if kind == "many":
        return "m.zip", _zip(
            [(f"f{i}.fit", b"\x0e\x10" + bytes([i & 0xFF])) for i in range(10_000)]
        )
    if kind == "bomb":
        return "b.zip", _bomb_zip()
    if kind == "lying":
        return "l.zip", _lying_zip(fit)
    if kind == "gzbomb":
        return "g.fit.gz", _gzbomb()
    if kind == "gzgz":
        return "gg.fit.gz", gzip.compress(gzip.compress(fit))
    if kind == "encrypted":  # flag bit 0 set: zipfile refuses without a password
        z = bytearray(_zip([("e.fit", fit)]))
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = z.find(sig)
            struct.pack_into("<H", z, i + off, 1)
        return "e.zip", bytes(z)
    if kind == "method":  # unsupported compression method
        z = bytearray(_zip([("e.fit", fit)]))
        for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
            i = z.find(sig)
            struct.pack_into("<H", z, i + off, rng.choice((1, 6, 97, 99, 0xFFFF)))
        return "u.zip", bytes(z)
    raise ValueError(f"unknown hostile kind {kind!r}")


_GZBOMB: bytes | None = None


def _gzbomb() -> bytes:
    global _GZBOMB
    if _GZBOMB is None:
        c = __import__("zlib").compressobj(1, 8, 31)
        block = b"\0" * (1 << 24)
        _GZBOMB = b"".join(c.compress(block) for _ in range(70)) + c.flush()
    return _GZBOMB


HOSTILE = (
    "traversal",
    "absolute",
    "symlink",
    "nested",
    "many",
    "bomb",
    "lying",
    "gzbomb",
    "gzgz",
    "encrypted",
    "method",
)


def mutate_archive(
    seeds: dict[str, list[tuple[str, bytes]]], rng: random.Random
) -> tuple[str, bytes, str]:
    """(file name, bytes, description) of a mutated zip/gz built from real files."""
    r = rng.random()
    if r < 0.03:
        kind = rng.choice(HOSTILE)
        name, data = hostile_archive(kind, seeds, rng)
        return name, data, "hostile-" + kind
    fmt = rng.choice(("fit", "gpx", "tcx"))
    name, data = rng.choice(seeds[fmt])
    if r < 0.3:  # gz: of a mutated file, or a mutated gz
        if rng.random() < 0.5:
            inner, desc = mutate_fit(data, rng) if fmt == "fit" else mutate_xml(data, rng)
            return name + ".gz", gzip.compress(inner, 1), "gz-of-" + desc
        out, desc = mutate_bytes(gzip.compress(data, 1), rng)
        return name + ".gz", out, "gz-" + desc
    members = [(f"activities/{name}", data)]
    for _ in range(rng.randrange(3)):
        f2 = rng.choice(("fit", "gpx", "tcx"))
        n2, d2 = rng.choice(seeds[f2])
        members.append(
            (
                f"activities/{rng.randrange(1000)}{n2}",
                d2 if rng.random() < 0.5 else gzip.compress(d2, 1),
            )
        )
    if rng.random() < 0.3:
        members.append(
            (
                "activities.csv",
                b"Activity ID,Activity Date,Activity Name\n1,x,y\n" + _rand_bytes(rng, 40),
            )
        )
    if r < 0.55:  # a zip of mutated members
        members = [
            (
                n,
                (mutate_fit(d, rng)[0] if n.endswith(".fit") else mutate_xml(d, rng)[0])
                if rng.random() < 0.7
                else d,
            )
            for n, d in members
        ]
        return (
            "export.zip",
            _zip(members, rng.choice((zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED))),
            "zip-of-mutated",
        )
    if r < 0.65:  # a zip inside a zip, then mutated
        inner = _zip(members)
        out, desc = mutate_bytes(_zip([("UploadedFiles_0.zip", inner)], zipfile.ZIP_STORED), rng)
        return "export.zip", out, "nested-" + desc
    z = _zip(members, rng.choice((zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)))
    out, desc = mutate_bytes(z, rng)
    return "export.zip", out, "zip-" + desc


# ----------------------------------------------------------------------------- one case


class CaseTimeout(BaseException):
    """Raised by SIGALRM in a worker when a case runs over the limit."""


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout()


def _activity_checks(act: Any) -> None:
    """What import runs on a read activity: metrics and summary must not crash."""
    from deliberun.athlete import AthleteSettings
    from deliberun.metrics import compute_all
    from deliberun.metrics.summary import summarize

    summarize(act)
    json.dumps(compute_all(act, AthleteSettings()), allow_nan=True)


def check_bytes(data: bytes, name: str) -> str:
    """``"ok"``, ``"error:<ReadError subclass>"``; raises anything else (a crash)."""
    from deliberun.io import read_bytes
    from deliberun.io.errors import ReadError

    try:
        act = read_bytes(data, name)
    except ReadError as exc:
        return "error:" + type(exc).__name__
    _activity_checks(act)
    return "ok"


def check_archive(data: bytes, name: str, workdir: Path) -> str:
    """Write ``data`` as ``name`` in ``workdir`` and read everything iter_sources yields."""
    from deliberun.io import read_bytes
    from deliberun.io.errors import ReadError
    from deliberun.io.sources import iter_sources

    path = workdir / name
    path.write_bytes(data)
    outcomes: Counter[str] = Counter()
    try:
        for src in iter_sources([path]):
            if src.error is not None:
                if not isinstance(src.error, ReadError):
                    raise TypeError(f"Source.error is {type(src.error).__name__}, not a ReadError")
                outcomes["error:" + type(src.error).__name__] += 1
                continue
            try:
                act = read_bytes(src.read_bytes(), src.display_path)
            except ReadError as exc:
                outcomes["error:" + type(exc).__name__] += 1
                continue
            _activity_checks(act)
            outcomes["ok"] += 1
    finally:
        path.unlink()
    if not outcomes:
        return "empty"
    return ",".join(sorted(outcomes))


def make_case(
    fmt: str, seeds: dict[str, list[tuple[str, bytes]]], rng: random.Random
) -> tuple[str, bytes, str]:
    """(name, bytes, description) of one mutated input of format ``fmt``."""
    if fmt == "archive":
        return mutate_archive(seeds, rng)
    name, data = rng.choice(seeds[fmt])
    out, desc = mutate_fit(data, rng) if fmt == "fit" else mutate_xml(data, rng)
    return name, out, desc


def run_case(fmt: str, name: str, data: bytes, workdir: Path) -> str:
    """Run one case; returns its outcome, raises on a crash."""
    if fmt == "archive":
        return check_archive(data, name, workdir)
    return check_bytes(data, name)


# ----------------------------------------------------------------------------- workers

_W: dict[str, Any] = {}


def _init_worker(seed_dirs: list[str]) -> None:
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, hard))
    except (ValueError, OSError):
        pass
    signal.signal(signal.SIGALRM, _alarm)
    _W["seeds"] = load_seeds([Path(d) for d in seed_dirs])
    _W["dir"] = Path(tempfile.mkdtemp(prefix="fuzz-"))
    import deliberun.io  # noqa: F401  (warm imports outside the timed part)
    import deliberun.metrics  # noqa: F401


def _worker(task: tuple[str, int, int]) -> dict[str, Any]:
    fmt, seed, index = task
    rng = random.Random(f"{seed}:{fmt}:{index}")
    name, data, desc = make_case(fmt, _W["seeds"], rng)
    t0 = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, CASE_LIMIT_S)
    try:
        outcome = run_case(fmt, name, data, _W["dir"])
        status = "ok"
        detail = ""
    except CaseTimeout:
        status, outcome, detail = "hang", "", f"over {CASE_LIMIT_S} s"
    except BaseException as exc:  # noqa: BLE001 - a crash is what we look for
        status = "crash"
        outcome = type(exc).__name__
        tb = traceback.extract_tb(exc.__traceback__)
        where = next(
            (
                f"{Path(f.filename).name}:{f.lineno}"
                for f in reversed(tb)
                if "deliberun" in f.filename
            ),
            "",
        )
        detail = f"{type(exc).__name__}: {str(exc)[:200]} @ {where}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    dt = time.perf_counter() - t0
    return {
        "fmt": fmt,
        "index": index,
        "desc": desc,
        "name": name,
        "status": status,
        "outcome": outcome,
        "detail": detail,
        "seconds": dt,
        "size": len(data),
    }


def fuzz(
    formats: list[str],
    cases: int,
    seed: int,
    workers: int,
    seed_dirs: list[Path],
    deadline: float = 0.0,
    start: int = 0,
) -> list[dict[str, Any]]:
    """Run ``cases`` cases per format on ``workers`` processes; one result dict per case."""
    tasks = [(fmt, seed, i) for i in range(start, start + cases) for fmt in formats]
    results: list[dict[str, Any]] = []
    ctx = mp.get_context("forkserver")
    with ctx.Pool(
        workers, _init_worker, ([str(d) for d in seed_dirs],), maxtasksperchild=5000
    ) as pool:
        it = pool.imap_unordered(_worker, tasks)
        t0 = time.time()
        while True:
            try:
                r = it.next(timeout=CASE_LIMIT_S * 8 + 60)
            except StopIteration:
                break
            except mp.TimeoutError:
                results.append(
                    {
                        "fmt": "?",
                        "index": -1,
                        "desc": "worker stuck",
                        "status": "hang",
                        "outcome": "",
                        "detail": "no answer",
                        "seconds": float("inf"),
                        "size": 0,
                    }
                )
                pool.terminate()
                break
            results.append(r)
            if deadline and time.time() > deadline:
                print(f"  deadline reached after {len(results)} cases; stopping", flush=True)
                pool.terminate()
                break
            if r["status"] != "ok":
                print(
                    f"  {r['status']}: {r['fmt']} #{r['index']} {r['desc']} {r['name']}: {r['detail']}",
                    flush=True,
                )
            if len(results) % 1000 == 0:
                print(f"  {len(results)}/{len(tasks)} cases, {time.time() - t0:.0f} s", flush=True)
    return results


def report(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per format: cases, outcomes, crashes, hangs, per-case time p50/p99/max (s)."""
    import numpy as np

    out: dict[str, Any] = {}
    for fmt in sorted({r["fmt"] for r in results}):
        rs = [r for r in results if r["fmt"] == fmt]
        t = np.array([r["seconds"] for r in rs])
        out[fmt] = {
            "cases": len(rs),
            "crashes": sum(r["status"] == "crash" for r in rs),
            "hangs": sum(r["status"] == "hang" for r in rs),
            "read_ok": sum("ok" in r["outcome"].split(",") for r in rs),
            "outcomes": dict(Counter(r["outcome"] for r in rs).most_common(8)),
            "p50_s": round(float(np.percentile(t, 50)), 4),
            "p99_s": round(float(np.percentile(t, 99)), 3),
            "max_s": round(float(t.max()), 3),
            "crash_kinds": dict(
                Counter(
                    r["detail"].split(":")[0] + " @ " + r["detail"].rsplit("@", 1)[-1].strip()
                    for r in rs
                    if r["status"] != "ok"
                )
            ),
        }
    return out


# ----------------------------------------------------------------------------- import check


def import_check(
    seed: int, folders: int, per_folder: int, seed_dirs: list[Path] | None = None
) -> dict[str, Any]:
    """Import folders of mutated files into a fresh SQLite db; check failures wrote nothing.

    Returns counts and a list of ``problems`` (empty when every failed file left no
    activity, original or stream row behind, and every row belongs to an imported file).
    """
    from sqlalchemy import func, select

    from deliberun.services.importer import import_paths
    from deliberun.store.db import Database
    from deliberun.store.tables_core import ActivityRow, ActivitySourceRow, OriginalRow, StreamRow

    seeds = load_seeds(seed_dirs)
    problems: list[str] = []
    totals: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-import-") as tmp:
        for f in range(folders):
            rng = random.Random(f"import:{seed}:{f}")
            folder = Path(tmp) / f"batch{f}"
            folder.mkdir()
            for i in range(per_folder):
                fmt = rng.choice(("fit", "fit", "gpx", "tcx", "archive"))
                name, data, _ = make_case(fmt, seeds, rng)
                (folder / f"{i:04d}_{name}").write_bytes(data)
            db = Database(Path(tmp) / f"batch{f}.db")
            rep = import_paths(db, [folder], workers=1, runner_files=False)
            with db.session() as s:
                n_act = s.scalar(select(func.count()).select_from(ActivityRow)) or 0
                n_src = s.scalar(select(func.count()).select_from(ActivitySourceRow)) or 0
                n_orig = s.scalar(select(func.count()).select_from(OriginalRow)) or 0
                stream_ids = set(s.scalars(select(StreamRow.activity_id)))
                act_ids = set(s.scalars(select(ActivityRow.id)))
                src_paths = set(s.scalars(select(ActivitySourceRow.source_path)))
            failed = [x["path"] for x in rep.failed] + [x["path"] for x in rep.skipped]
            for p in failed:
                if p in src_paths:
                    problems.append(f"{p}: failed but has an activity source row")
            if n_act != len(rep.imported):
                problems.append(f"batch{f}: {n_act} activity rows for {len(rep.imported)} imported")
            n_same = sum(1 for d in rep.duplicates if d.get("reason") == "same run")
            if n_orig != len(rep.imported) + n_same or n_src != n_orig:
                problems.append(
                    f"batch{f}: {n_orig} originals, {n_src} sources for "
                    f"{len(rep.imported)} imported + {n_same} merged"
                )
            if not stream_ids <= act_ids:
                problems.append(f"batch{f}: stream rows of unknown activities")
            internal = [x for x in rep.failed if "internal error" in str(x.get("error"))]
            problems += [f"{x['path']}: {x['error']}" for x in internal]
            totals["files"] += per_folder
            totals["imported"] += len(rep.imported)
            totals["failed"] += len(rep.failed)
            totals["skipped"] += len(rep.skipped)
            totals["duplicates"] += len(rep.duplicates)
            db.dispose()
    return {"totals": dict(totals), "problems": problems}


# ----------------------------------------------------------------------------- whole import

#: Seconds one ``deliberun import`` of a mutated folder may take before it is a hang.
WHOLE_IMPORT_LIMIT_S = 180.0
#: Odd names for the mutated folders (markup, escapes, non-UTF-8 bytes, spaces).
ODD_NAMES = (b"[b] bold [i].gpx", b"\x1b[31mred.tcx", b"caf\xe9.fit", b"run [red] 2.gpx")
JOURNAL = (
    "version: 1\nathlete: {hr_max_bpm: 186}\njournal:\n"
    "  - {date: 2025-03-02, rpe: 6, notes: 'easy [/i] run'}\n"
)
PLAN = "name: base\ndays:\n  - {date: 2025-03-03, workout: '8 km easy'}\n"


def _mutate_text(text: str, rng: random.Random) -> bytes:
    """A runner file or CSV mutated: bytes, an alias bomb, or left alone."""
    r = rng.random()
    if r < 0.4:
        return mutate_bytes(text.encode(), rng)[0]
    if r < 0.5:
        bomb = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
        bomb += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
        return "\n".join(bomb).encode()
    return text.encode()


def _strava_csv(names: list[str], rng: random.Random) -> bytes:
    head = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
        "Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance\n"
    )
    rows = [
        f'{i},"Apr 1, 2025",Run [/i] {i} ü,Run,"{"x" * rng.choice((1, 200_000))}",60,1,,,'
        f"false,,Shoes,activities/{n},,,60,55,1000\n"
        for i, n in enumerate(names)
    ]
    text = head + "".join(rows)
    return text.encode(rng.choice(("utf-8", "latin-1")))


def _whole_folder(folder: Path, seeds: dict[str, list[tuple[str, bytes]]], rng: random.Random,
                  n: int) -> None:  # fmt: skip
    """A mutated export: activity files (some with odd names) under activities/, a Strava
    CSV, the runner's journal and plan (mutated), a FIFO and a /dev/zero link."""
    acts = folder / "activities"
    acts.mkdir(parents=True)
    names = []
    for i in range(n):
        fmt = rng.choice(("fit", "fit", "gpx", "tcx", "archive"))
        name, data, _ = make_case(fmt, seeds, rng)
        fname = f"{i:04d}_{name}"
        names.append(fname)
        (acts / fname).write_bytes(data)
    for odd in rng.sample(ODD_NAMES, 2):
        _, data = rng.choice(seeds["gpx"] or seeds["fit"])
        with open(os.fsencode(acts) + b"/" + odd, "wb") as fh:
            fh.write(data)
    (folder / "activities.csv").write_bytes(_strava_csv(names, rng))
    (folder / "deliberun-journal.yaml").write_bytes(_mutate_text(JOURNAL, rng))
    (folder / "plan.yaml").write_bytes(_mutate_text(PLAN, rng))
    if hasattr(os, "mkfifo"):
        os.mkfifo(acts / "pipe.fit")
    (acts / "zero.fit").symlink_to("/dev/zero")


def _db_problems(db: Path, out: dict[str, Any]) -> list[str]:
    """Partial writes: rows that belong to no imported file, or a failed file's rows."""
    import sqlite3

    problems = []
    with sqlite3.connect(db) as c:
        n_act = c.execute("select count(*) from activities").fetchone()[0]
        n_src = c.execute("select count(*) from activity_sources").fetchone()[0]
        n_orig = c.execute("select count(*) from originals").fetchone()[0]
        orphans = c.execute(
            "select count(*) from streams where activity_id not in (select id from activities)"
        ).fetchone()[0]
        paths = {r[0] for r in c.execute("select source_path from activity_sources")}
    n_same = sum(1 for d in out["duplicates"] if d.get("reason") == "same run")
    if n_act != len(out["imported"]):
        problems.append(f"{n_act} activity rows for {len(out['imported'])} imported")
    if n_orig != n_src or n_src != len(out["imported"]) + n_same:
        problems.append(f"{n_orig} originals, {n_src} sources, {len(out['imported'])} imported")
    if orphans:
        problems.append(f"{orphans} stream rows of no activity")
    problems += [f"failed file has a source row: {x['path']}" for x in out["failed"]
                 if x["path"] in paths]  # fmt: skip
    return problems


def whole_import_check(
    seed: int, folders: int, per_folder: int, seed_dirs: list[Path] | None = None
) -> dict[str, Any]:
    """``deliberun import FOLDER --json`` (a subprocess, the whole command) on mutated
    exports, each twice into a fresh SQLite file.

    A **crash** is an exit code other than 0/1, stdout that is not one JSON document,
    a traceback on stderr or an "internal error"; a **hang** is a run over
    ``WHOLE_IMPORT_LIMIT_S``; a **partial write** is a row left by a failed file, an
    orphan row, or a second run that adds anything.
    """
    import shutil
    import subprocess

    seeds = load_seeds(seed_dirs)
    result: dict[str, Any] = {"runs": 0, "crashes": [], "hangs": [], "partial_writes": []}
    totals: Counter[str] = Counter()
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-whole-"))
    try:
        for f in range(folders):
            rng = random.Random(f"whole:{seed}:{f}")
            folder = tmp / f"export{f}"
            _whole_folder(folder, seeds, rng, per_folder)
            db = tmp / f"export{f}.db"
            rows_before = None
            for attempt in (1, 2):
                cmd = [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), "import",
                       str(folder), "--json", "--workers", "1"]  # fmt: skip
                label = f"export{f} run {attempt}"
                result["runs"] += 1
                try:
                    r = subprocess.run(cmd, capture_output=True, timeout=WHOLE_IMPORT_LIMIT_S,
                                       cwd=ROOT)  # fmt: skip
                except subprocess.TimeoutExpired:
                    result["hangs"].append(label)
                    break
                err = r.stderr.decode("utf-8", "replace")
                try:
                    out = json.loads(r.stdout)
                except ValueError:
                    out = None
                if r.returncode not in (0, 1) or out is None or "Traceback" in err:
                    result["crashes"].append(f"{label}: exit {r.returncode}: {err[-300:]}")
                    break
                internal = [x for x in out.get("failed", []) if "internal error" in x["error"]]
                result["crashes"] += [f"{label}: {x['path']}: {x['error']}" for x in internal]
                if "error" in out:  # a whole-command error (storage): one line, nothing else
                    result["crashes"].append(f"{label}: {out['error']}")
                    break
                rows = _db_problems_rows(db)
                if attempt == 1:
                    result["partial_writes"] += [f"{label}: {p}" for p in _db_problems(db, out)]
                    rows_before = rows
                    totals["files"] += per_folder + 4
                    totals["imported"] += len(out["imported"])
                    totals["failed"] += len(out["failed"])
                    totals["skipped"] += len(out["skipped"])
                    totals["duplicates"] += len(out["duplicates"])
                elif out["imported"] or rows != rows_before:
                    result["partial_writes"].append(
                        f"{label}: the re-run changed {rows_before} -> {rows}"
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["totals"] = dict(totals)
    return result


def _db_problems_rows(db: Path) -> tuple[int, ...]:
    import sqlite3

    with sqlite3.connect(db) as c:
        return tuple(
            c.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608 - fixed names
            for t in ("activities", "activity_sources", "originals", "streams")
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000, help="cases per format")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--max-seconds", type=float, default=0, help="stop cases after this (0: no limit)"
    )
    ap.add_argument("--start", type=int, default=0, help="first case index (to resume a run)")
    ap.add_argument("--import-folders", type=int, default=10)
    ap.add_argument("--import-per-folder", type=int, default=50)
    ap.add_argument(
        "--whole-folders", type=int, default=10, help="mutated exports run through the CLI"
    )
    ap.add_argument("--whole-per-folder", type=int, default=30)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "results" / "fuzz_readers.json"))
    args = ap.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    seeds = load_seeds()
    print("seeds:", {k: len(v) for k, v in seeds.items()}, flush=True)
    t0 = time.time()
    deadline = t0 + args.max_seconds if args.max_seconds else 0.0
    results = fuzz(formats, args.cases, args.seed, args.workers, SEED_DIRS, deadline, args.start)
    wall = time.time() - t0
    summary: dict[str, Any] = {
        "seed": args.seed,
        "workers": args.workers,
        "wall_s": round(wall, 1),
        "seeds": {k: len(v) for k, v in seeds.items()},
        "formats": report(results),
    }
    if args.import_folders:
        t1 = time.time()
        summary["import"] = import_check(args.seed, args.import_folders, args.import_per_folder)
        summary["import"]["wall_s"] = round(time.time() - t1, 1)
    if args.whole_folders:
        t2 = time.time()
        whole = whole_import_check(args.seed, args.whole_folders, args.whole_per_folder)
        whole["wall_s"] = round(time.time() - t2, 1)
        summary["whole_import"] = whole
    bad = [r for r in results if r["status"] != "ok"]
    summary["failures"] = bad[:200]
    summary["slowest"] = sorted(results, key=lambda r: -r["seconds"])[:30]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=1, default=str))
    print(json.dumps({k: v for k, v in summary.items() if k != "failures"}, indent=1, default=str))
    problems = summary.get("import", {}).get("problems", [])
    whole = summary.get("whole_import", {})
    problems += whole.get("crashes", []) + whole.get("hangs", []) + whole.get("partial_writes", [])
    return 1 if bad or problems else 0


if __name__ == "__main__":
    sys.exit(main())
