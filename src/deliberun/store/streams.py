"""Encode activity streams as compact, portable blobs and back.

Each stream is stored as a little-endian array compressed with zlib: float32
when every value survives the round trip (heart rate, cadence, power and most
speeds), float64 otherwise (time, distance, coordinates). NaN is kept as NaN.
Lossless by construction: ``decode_stream(*encode_stream(a)) == a`` bit for bit
(NaN payloads aside).
"""

from __future__ import annotations

import zlib

import numpy as np

#: zlib level: 1 is ~4x faster to write than 6 for <5 % larger blobs (bench/store_bench.py).
ZLIB_LEVEL = 1


def encode_stream(values: np.ndarray) -> tuple[str, bytes]:
    """``(dtype, blob)`` for one stream; float32 when lossless, else float64."""
    arr = np.asarray(values, dtype="<f8")
    small = arr.astype("<f4")
    same = np.array_equal(small.astype("<f8"), arr, equal_nan=True)
    out = small if same else arr
    return out.dtype.str, zlib.compress(out.tobytes(), ZLIB_LEVEL)


def decode_stream(dtype: str, blob: bytes, n: int) -> np.ndarray:
    """The float64 array stored by :func:`encode_stream` (``n`` samples)."""
    if dtype not in ("<f4", "<f8"):
        raise ValueError(f"unknown stream dtype {dtype!r} in the database; re-import the file")
    arr = np.frombuffer(zlib.decompress(blob), dtype=dtype)
    if arr.size != n:
        raise ValueError(f"stored stream has {arr.size} samples, expected {n}; re-import")
    return arr.astype(np.float64)
