"""A light FIT message scanner for the few non-record messages an activity needs.

The fast FIT path decodes ``record`` messages with ``fitfast`` (Rust, straight into
numpy). A second ``fitfast`` call for sessions, laps and events would cost a full
decode again, so this module walks the already-validated bytes once in Python,
skips every record by its defined size, and decodes only the handful of summary
messages (file_id, session, lap, event, activity, sport, timestamp_correlation)
with the field profile of ``fitdecode`` (scale, offset, enum names).

It also reports the two FIT features ``fitfast`` 0.1 mis-decodes, so the caller
can fall back to ``fitdecode``: compressed-timestamp record headers and the
``compressed_speed_distance`` record field (neither is expanded by fitfast).

References
----------
.. [1] Garmin, "FIT Protocol", FIT SDK documentation, section 3.3 (file structure,
   record headers, definition messages). https://developer.garmin.com/fit/protocol/
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from fitdecode import profile as _profile

#: Global message numbers the builder needs besides ``record`` (FIT profile).
MESG_FILE_ID = 0
MESG_SPORT = 12
MESG_SESSION = 18
MESG_LAP = 19
MESG_RECORD = 20
MESG_EVENT = 21
MESG_ACTIVITY = 34
MESG_TIMESTAMP_CORRELATION = 162
SUMMARY_MESSAGES: dict[int, str] = {
    MESG_FILE_ID: "file_id",
    MESG_SPORT: "sport",
    MESG_SESSION: "session",
    MESG_LAP: "lap",
    MESG_EVENT: "event",
    MESG_ACTIVITY: "activity",
    MESG_TIMESTAMP_CORRELATION: "timestamp_correlation",
}
#: record field 8, expanded into speed and distance by fitdecode only.
RECORD_FIELD_COMPRESSED_SPEED_DISTANCE = 8

#: FIT base type number (low 5 bits) -> (struct code, invalid value). FIT SDK, Table 7.
_BASE_TYPES: dict[int, tuple[str, Any]] = {
    0x00: ("B", 0xFF),  # enum
    0x01: ("b", 0x7F),  # sint8
    0x02: ("B", 0xFF),  # uint8
    0x03: ("h", 0x7FFF),  # sint16
    0x04: ("H", 0xFFFF),  # uint16
    0x05: ("i", 0x7FFFFFFF),  # sint32
    0x06: ("I", 0xFFFFFFFF),  # uint32
    0x08: ("f", None),  # float32 (invalid = all bits set -> NaN)
    0x09: ("d", None),  # float64
    0x0A: ("B", 0x00),  # uint8z
    0x0B: ("H", 0x0000),  # uint16z
    0x0C: ("I", 0x00000000),  # uint32z
    0x0D: ("B", 0xFF),  # byte
    0x0E: ("q", 0x7FFFFFFFFFFFFFFF),  # sint64
    0x0F: ("Q", 0xFFFFFFFFFFFFFFFF),  # uint64
    0x10: ("Q", 0x0000000000000000),  # uint64z
}
_STRING = 0x07
#: Messages compared per strided slice when skipping runs of records.
_RUN = 32


def _field_profile(mesg_num: int) -> dict[int, tuple[str, float, float, dict[int, str] | None]]:
    mt = _profile.MESSAGE_TYPES[mesg_num]
    out: dict[int, tuple[str, float, float, dict[int, str] | None]] = {}
    for num, f in mt.fields.items():
        scale = f.scale if isinstance(f.scale, (int, float)) and f.scale else 1.0
        offset = f.offset if isinstance(f.offset, (int, float)) else 0.0
        enum = getattr(f.type, "enum", None)
        out[num] = (f.name, float(scale), float(offset), enum)
    return out


_PROFILES = {g: _field_profile(g) for g in SUMMARY_MESSAGES}


@dataclass
class ScanResult:
    """Summary messages of a FIT file, decoded to plain dicts (profile names)."""

    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    compressed_timestamps: bool = False
    compressed_speed_distance: bool = False

    @property
    def fitfast_safe(self) -> bool:
        """True when fitfast's record columns can be trusted for this file."""
        return not (self.compressed_timestamps or self.compressed_speed_distance)


#: A compiled field decoder: (name, offset, size, unpack or None for strings, invalid,
#: scale, value offset, enum names).
_FieldPlan = tuple[str, int, int, Any, Any, float, float, "dict[int, str] | None"]


def _plan(g: int, fields: list[tuple[int, int, int, int]], big: bool) -> list[_FieldPlan]:
    """Compile a definition's known fields once, so each message decodes quickly."""
    prof = _PROFILES[g]
    endian = ">" if big else "<"
    plan: list[_FieldPlan] = []
    for num, off, size, bt in fields:
        fp = prof.get(num)
        if fp is None:
            continue
        name, scale, offset, enum = fp
        base = bt & 0x1F
        if base == _STRING:
            plan.append((name, off, size, None, None, 1.0, 0.0, None))
            continue
        spec = _BASE_TYPES.get(base)
        if spec is None or struct.calcsize(spec[0]) != size:
            continue  # arrays and misaligned sizes: not needed for summaries
        unpack = struct.Struct(endian + spec[0]).unpack_from
        plan.append((name, off, size, unpack, spec[1], scale, offset, enum))
    return plan


def _decode(data: bytes, p: int, plan: list[_FieldPlan]) -> dict[str, Any]:
    msg: dict[str, Any] = {}
    for name, off, size, unpack, invalid, scale, offset, enum in plan:
        if unpack is None:
            raw = data[p + off : p + off + size].split(b"\0", 1)[0]
            if raw:
                msg[name] = raw.decode("utf-8", "replace")
            continue
        value = unpack(data, p + off)[0]
        if invalid is None:
            if value != value:  # NaN
                continue
        elif value == invalid:
            continue
        if enum is not None:
            msg[name] = enum.get(value, value)
        elif scale != 1.0 or offset != 0.0:
            msg[name] = value / scale - offset
        else:
            msg[name] = value
    return msg


def scan_fit(data: bytes) -> ScanResult:
    """Walk a (CRC-checked) FIT byte string and decode its summary messages.

    Parameters
    ----------
    data : bytes
        A whole FIT file, possibly several chained FIT files.

    Returns
    -------
    ScanResult
        Summary messages by name, and flags for features the fast path lacks.

    Raises
    ------
    ValueError
        When the structure is inconsistent (the caller then uses fitdecode).
    """
    res = ScanResult(messages={name: [] for name in SUMMARY_MESSAGES.values()})
    wanted = _PROFILES
    n = len(data)
    pos = 0
    unpack = struct.unpack_from
    while pos < n:
        if n - pos < 12 or data[pos + 8 : pos + 12] != b".FIT":
            raise ValueError(f"no FIT header at byte {pos}")
        header_size = data[pos]
        data_size = unpack("<I", data, pos + 4)[0]
        p = pos + header_size
        end = p + data_size
        if end > n:
            raise ValueError("truncated")
        sizes = [-1] * 16  # per local message type: data size, -1 = undefined
        plans: list[list[_FieldPlan] | None] = [None] * 16
        kinds: list[list[dict[str, Any]] | None] = [None] * 16
        while p < end:
            h = data[p]
            p += 1
            if h & 0x40 and not h & 0x80:  # definition message
                local = h & 0x0F
                big = data[p + 1] == 1
                g = unpack(">H" if big else "<H", data, p + 2)[0]
                nf = data[p + 4]
                p += 5
                fields: list[tuple[int, int, int, int]] = []
                size = 0
                for _ in range(nf):
                    num, sz, bt = data[p], data[p + 1], data[p + 2]
                    p += 3
                    fields.append((num, size, sz, bt))
                    size += sz
                    if g == MESG_RECORD and num == RECORD_FIELD_COMPRESSED_SPEED_DISTANCE:
                        res.compressed_speed_distance = True
                if h & 0x20:  # developer fields
                    nd = data[p]
                    p += 1
                    for _ in range(nd):
                        size += data[p + 1]
                        p += 3
                sizes[local] = size
                if g in wanted:
                    plans[local] = _plan(g, fields, big)
                    kinds[local] = res.messages[SUMMARY_MESSAGES[g]]
                else:
                    plans[local] = kinds[local] = None
                continue
            if h & 0x80:  # compressed timestamp header: data message
                res.compressed_timestamps = True
                local = (h >> 5) & 0x03
            else:
                local = h & 0x0F
            size = sizes[local]
            if size < 0:
                raise ValueError(f"data message without definition at byte {p - 1}")
            plan = plans[local]
            if plan is not None:
                kinds[local].append(_decode(data, p, plan))  # type: ignore[union-attr]
                p += size
                continue
            # Runs of identical messages (records): the next header sits at +size+1;
            # compare 32 headers at a time with one strided slice (C speed).
            step = size + 1
            q = p + size
            run = _RUN
            pattern = data[p - 1 : p] * run
            while q + run * step <= end and data[q : q + run * step : step] == pattern:
                q += run * step
            p = q
        pos = end + 2
    return res
