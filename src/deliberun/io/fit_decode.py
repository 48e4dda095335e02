"""FIT decoding into numpy columns: fitfast fast path, fitdecode fallback.

Both paths return the same :class:`FitData`: record columns (``float64``, NaN where
missing; ``timestamp`` in Unix seconds, positions in degrees) and the summary
messages as small dicts keyed by FIT profile field names (timestamps in Unix
seconds, enums as profile names).

Decoder choice, by measurement (``bench/import_bench.py``, ``docs/benchmarks.md``):

* ``fitfast.records`` (Rust) decodes records ~25-60x faster than fitdecode, and
  checks header and file CRCs. The summary messages come from
  :func:`deliberun.io.fit_scan.scan_fit` (one Python pass that skips records).
* ``fitdecode`` is used for every file fitfast rejects (14-byte header whose CRC
  field is 0x0000 -- valid per the FIT spec, refused by fitfast 0.1; a Rust panic
  on the Lezyne file; real corruption) and for files with compressed timestamp
  headers or ``compressed_speed_distance`` (fitfast returns 1990 dates / no
  speed and distance for those). fitdecode runs with ``check_crc=RAISE``, so a
  wrong CRC, a truncated file or an undefined local message is a
  :class:`~deliberun.io.errors.CorruptFileError`.
"""

from __future__ import annotations

import warnings
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from struct import error as struct_error
from typing import Any

import fitdecode
import numpy as np

from deliberun.io.errors import CorruptFileError
from deliberun.io.fit_scan import SUMMARY_MESSAGES, scan_fit

try:  # optional native fast path
    import fitfast as _fitfast
except ImportError:  # pragma: no cover - fitfast is a declared dependency
    _fitfast = None  # type: ignore[assignment]

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z). FIT SDK.
FIT_EPOCH_UNIX = 631065600
#: FIT date_time values below this are device-relative seconds, not dates (FIT SDK).
FIT_RELATIVE_LIMIT = 0x10000000
#: The same limit in Unix seconds (1998-07-04 ...): earlier "dates" are relative.
UNIX_RELATIVE_LIMIT = FIT_EPOCH_UNIX + FIT_RELATIVE_LIMIT

#: record fields kept as columns (FIT profile names).
RECORD_FIELDS: tuple[str, ...] = (
    "timestamp",
    "position_lat",
    "position_long",
    "distance",
    "speed",
    "enhanced_speed",
    "altitude",
    "enhanced_altitude",
    "heart_rate",
    "cadence",
    "fractional_cadence",
    "power",
    "temperature",
)
#: Developer fields holding running power when the record has no ``power``:
#: Stryd's Connect IQ field and Garmin's "Running Power" app.
DEV_POWER_FIELDS: tuple[str, ...] = ("Power", "RP_Power")
_ALL_FIELDS = RECORD_FIELDS + DEV_POWER_FIELDS
_SEMICIRCLE_TO_DEG = 180.0 / 2**31
_DATE_FIELDS = frozenset(
    {"timestamp", "start_time", "time_created", "local_timestamp", "system_timestamp"}
)


@dataclass
class FitData:
    """Decoded FIT content: record columns and summary messages."""

    records: dict[str, np.ndarray]
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    decoder: str = "fitdecode"

    @property
    def n_records(self) -> int:
        ts = self.records.get("timestamp")
        return 0 if ts is None else int(len(ts))


def _dates_to_unix(msg: dict[str, Any]) -> dict[str, Any]:
    for key in _DATE_FIELDS.intersection(msg):
        value = msg[key]
        if isinstance(value, (int, float)):
            msg[key] = float(value) + FIT_EPOCH_UNIX
    return msg


@contextmanager
def captured_stderr(into: list[str]) -> Iterator[None]:
    """Send file descriptor 2 to a temporary file for the block; its text goes ``into``.

    fitfast is Rust: on a panic its hook writes "thread ... panicked at ..." to the
    process's stderr directly, past Python's ``sys.stderr``. Captured here, the text
    becomes part of the file's error instead of reaching the terminal.
    """
    import os
    import sys
    import tempfile

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no fd 2 (embedded): nothing to capture
        yield
        return
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read(4096).decode("utf-8", "replace").strip()
            if text:
                into.append(" ".join(text.split())[:300])


def decode_fast(data: bytes, notes: list[str] | None = None) -> FitData | None:
    """Decode with fitfast + the summary scanner; ``None`` when fitdecode must do it.

    Parameters
    ----------
    data : bytes
        The FIT file (already gunzipped).

    Returns
    -------
    FitData or None
        ``None`` when fitfast is missing, rejects the file, or the file uses
        compressed timestamps / compressed speed-distance (mis-decoded by fitfast).
    """
    if _fitfast is None:
        return None
    panic: list[str] = []
    try:
        with captured_stderr(panic):
            cols = _fitfast.records(data)
    except BaseException as exc:  # fitfast raises FitDecodeError, or a Rust panic
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        if notes is not None:
            notes.append(panic[0] if panic else f"{type(exc).__name__}: {exc}"[:300])
        return None
    try:
        scan = scan_fit(data)
    except (ValueError, IndexError, KeyError, struct_error):
        return None
    if not scan.fitfast_safe:
        return None
    n = len(cols["timestamp"]) if "timestamp" in cols else 0
    records = {k: cols[k] for k in _ALL_FIELDS if k in cols}
    if n == 0:
        records = {}
    messages = {k: [_dates_to_unix(m) for m in v] for k, v in scan.messages.items()}
    return FitData(records=records, messages=messages, decoder="fitfast")


def decode_fitdecode(data: bytes, name: str) -> FitData:
    """Decode with fitdecode (pure Python), streaming records into arrays.

    Parameters
    ----------
    data : bytes
        The FIT file (already gunzipped).
    name : str
        Display name for error messages.

    Returns
    -------
    FitData

    Raises
    ------
    CorruptFileError
        Bad header or file CRC, truncation, undefined local message, bad header.
    """
    idx = {f: i for i, f in enumerate(_ALL_FIELDS)}
    nfields = len(_ALL_FIELDS)
    cols = [array("d") for _ in _ALL_FIELDS]
    nan = float("nan")
    messages: dict[str, list[dict[str, Any]]] = {k: [] for k in SUMMARY_MESSAGES.values()}
    names = {
        g: {n: f.name for n, f in fitdecode.profile.MESSAGE_TYPES[g].fields.items()}
        for g in SUMMARY_MESSAGES
    }
    data_frame = fitdecode.FIT_FRAME_DATA
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = fitdecode.FitReader(
                data,
                processor=fitdecode.DataProcessorBase(),
                check_crc=fitdecode.CrcCheck.RAISE,
            )
            for frame in reader:
                if frame.frame_type != data_frame:
                    continue
                g = frame.global_mesg_num
                if g == 20:
                    row = [nan] * nfields
                    for fd in frame.fields:
                        j = idx.get(fd.name)
                        if j is not None:
                            v = fd.value
                            if isinstance(v, (int, float)):
                                row[j] = v
                    for j in range(nfields):
                        cols[j].append(row[j])
                elif g in names:
                    gnames = names[g]
                    msg: dict[str, Any] = {}
                    for fd in frame.fields:
                        if fd.value is None:
                            continue
                        key = gnames.get(fd.def_num, fd.name)
                        if key not in msg:
                            msg[key] = fd.value
                    messages[SUMMARY_MESSAGES[g]].append(_dates_to_unix(msg))
    except fitdecode.FitCRCError as exc:
        raise CorruptFileError(
            name,
            "FIT checksum (CRC) does not match; the file is damaged",
            offset=getattr(exc, "offset", None),
        ) from None
    except fitdecode.FitEOFError:
        raise CorruptFileError(
            name,
            "FIT file is truncated (ends before its declared size); re-export it from the device",
        ) from None
    except fitdecode.FitHeaderError as exc:
        raise CorruptFileError(name, f"bad FIT header ({_short(exc)})") from None
    except (
        fitdecode.FitError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        struct_error,
        AssertionError,  # fitdecode asserts on some malformed definitions (fuzzing)
        OverflowError,
    ) as exc:
        raise CorruptFileError(name, f"cannot decode FIT data ({_short(exc)})") from None
    records: dict[str, np.ndarray] = {}
    if len(cols[0]):
        for f, col in zip(_ALL_FIELDS, cols, strict=True):
            arr = np.frombuffer(col, dtype=np.float64)
            if not np.isnan(arr).all():
                records[f] = arr
        ts = records.get("timestamp")
        if ts is not None:
            records["timestamp"] = ts + FIT_EPOCH_UNIX
        for key in ("position_lat", "position_long"):
            if key in records:
                records[key] = records[key] * _SEMICIRCLE_TO_DEG
    return FitData(records=records, messages=messages, decoder="fitdecode")


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


def decode_fit(data: bytes, name: str, *, fast: bool = True) -> FitData:
    """Decode a FIT file: fitfast first (when ``fast``), fitdecode otherwise.

    Parameters
    ----------
    data : bytes
        The FIT file (already gunzipped).
    name : str
        Display name for error messages.
    fast : bool
        Try the fitfast path first (default). ``False`` forces fitdecode.

    Returns
    -------
    FitData
    """
    notes: list[str] = []
    if fast:
        out = decode_fast(data, notes)
        if out is not None:
            return out
    try:
        return decode_fitdecode(data, name)
    except CorruptFileError as exc:
        if notes:  # both decoders refused it: say what the fast one said too
            raise CorruptFileError(name, f"{exc.reason}; fast decoder: {notes[0]}") from None
        raise
