"""Helpers for the adversarial tests (issue 19): hand-made GPX files and CLI runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def gpx(start: datetime, name: str = "run", n: int = 120, lat0: float = 52.0) -> str:
    """A small GPX track of ``n`` points 5 s apart, ~11 m apart, from ``start``."""
    pts = []
    for i in range(n):
        t = start + timedelta(seconds=5 * i)
        stamp = f"{t.year:04d}-{t:%m-%dT%H:%M:%S}Z"
        pts.append(
            f'<trkpt lat="{lat0 + i * 0.0001:.6f}" lon="13.0"><ele>40</ele>'
            f"<time>{stamp}</time></trkpt>"
        )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>{name}</name><trkseg>'
        + "".join(pts)
        + "</trkseg></trk></gpx>"
    )


def write_runs(
    folder: Path, n: int, first: datetime | None = None, prefix: str = "run"
) -> list[Path]:
    """``n`` GPX runs on consecutive days."""
    folder.mkdir(parents=True, exist_ok=True)
    first = first or datetime(2025, 3, 1, 7, tzinfo=UTC)
    out = []
    for i in range(n):
        p = folder / f"{prefix}{i:03d}.gpx"
        p.write_text(gpx(first + timedelta(days=i), lat0=40.0 + i * 0.01))
        out.append(p)
    return out


def cli(
    *args: str | bytes, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``deliberun ARGS`` in a subprocess; stdout/stderr as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "deliberun.cli.main", *args],
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def cli_json(*args: str | bytes, timeout: float = 120) -> tuple[int, dict[str, Any]]:
    r = cli(*args, "--json", timeout=timeout)
    return r.returncode, json.loads(r.stdout)
