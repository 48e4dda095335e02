"""Write a simulation as real files: a Strava bulk-export layout plus the runner's own files.

``DIR/activities.csv`` + ``DIR/activities/<id>.fit.gz|.gpx|.tcx`` (Strava layout),
``DIR/deliberun-journal.yaml`` (journal, cycles, experiments), ``DIR/plan.yaml``
(the plan followed) and ``DIR/truth.json`` (what was planted).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from deliberun.sim.simulation import SimSession, Simulation
from deliberun.sim.writers import write_fit, write_gpx, write_tcx

#: The columns of a Strava bulk export's activities.csv (English, 2024), duplicates included.
STRAVA_COLUMNS: tuple[str, ...] = (
    "Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
    "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute",
    "Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight",
    "Elapsed Time", "Moving Time", "Distance", "Max Speed", "Average Speed", "Elevation Gain",
    "Elevation Loss", "Elevation Low", "Elevation High", "Max Grade", "Average Grade",
    "Average Positive Grade", "Average Negative Grade", "Max Cadence", "Average Cadence",
    "Max Heart Rate", "Average Heart Rate", "Max Watts", "Average Watts", "Calories",
    "Max Temperature", "Average Temperature", "Relative Effort", "Total Work", "Number of Runs",
    "Uphill Time", "Downhill Time", "Other Time", "Perceived Exertion", "Type", "Start Time",
    "Weighted Average Power", "Power Count", "Prefer Perceived Exertion",
    "Perceived Relative Effort", "Commute", "Total Weight Lifted", "From Upload",
    "Grade Adjusted Distance",
)  # fmt: skip

#: First Strava activity id of a simulated export (ids count up from here).
FIRST_ID = 12_000_000_000
_EXT = {"fit": ".fit.gz", "gpx": ".gpx", "tcx": ".tcx"}


def encode(session: SimSession) -> tuple[str, bytes]:
    """File name suffix and bytes of one session in its format (FIT gzipped, like Strava)."""
    if session.file_format == "fit":
        return _EXT["fit"], gzip.compress(write_fit(session.track), compresslevel=6, mtime=0)
    if session.file_format == "gpx":
        return _EXT["gpx"], write_gpx(session.track)
    return _EXT["tcx"], write_tcx(session.track)


def _strava_date(session: SimSession) -> str:
    t = session.track.start_time
    h12 = t.hour % 12 or 12
    return f"{t:%b} {t.day}, {t.year}, {h12}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'}"


def _csv_row(session: SimSession, activity_id: int, filename: str) -> list[Any]:
    t = session.track
    elapsed = float(t.time[-1])
    moving = min(float(np.sum(t.speed[1:] > 0.5)), elapsed)
    alt = t.altitude
    d_alt = np.diff(alt)
    row: dict[int, Any] = {
        0: activity_id, 1: _strava_date(session), 2: t.name, 3: "Run", 4: session.text,
        5: int(round(elapsed)), 6: f"{t.distance[-1] / 1000:.2f}", 7: f"{np.nanmax(t.heart_rate):.1f}",
        9: "false", 11: "Shoes", 12: filename, 15: f"{elapsed:.1f}", 16: f"{moving:.1f}",
        17: f"{t.distance[-1]:.1f}", 18: f"{t.speed.max():.3f}",
        19: f"{t.distance[-1] / moving:.3f}" if moving else "",
        20: f"{d_alt[d_alt > 0].sum():.1f}", 21: f"{-d_alt[d_alt < 0].sum():.1f}",
        22: f"{alt.min():.1f}", 23: f"{alt.max():.1f}", 29: f"{np.mean(t.cadence[t.cadence > 0]) / 2:.1f}",
        30: f"{np.nanmax(t.heart_rate):.1f}", 31: f"{np.nanmean(t.heart_rate):.1f}",
        43: session.rpe, 50: "false", 52: "1.0",
    }  # fmt: skip
    return [row.get(i, "") for i in range(len(STRAVA_COLUMNS))]


def _prepare(out: Path) -> None:
    if out.exists() and any(out.iterdir()) and not (out / "truth.json").exists():
        raise ValueError(
            f"{out} is not empty and holds no earlier simulation; choose a new or empty folder"
        )
    if (out / "activities").exists():
        shutil.rmtree(out / "activities")
    (out / "activities").mkdir(parents=True, exist_ok=True)


def write_simulation(
    sim: Simulation,
    out: Path | str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run ``sim`` and write everything to ``out``; return counts (files, samples, bytes).

    ``progress(done_days, total_days)`` is called after each session.
    """
    out = Path(out)
    _prepare(out)
    rows: list[list[Any]] = []
    n_samples = n_bytes = 0
    formats: dict[str, int] = {}
    for session in sim.sessions():
        activity_id = FIRST_ID + session.index
        suffix, data = encode(session)
        filename = f"activities/{activity_id}{suffix}"
        (out / filename).write_bytes(data)
        session.truth["file"] = filename
        rows.append(_csv_row(session, activity_id, filename))
        n_samples += len(session.track.time)
        n_bytes += len(data)
        formats[session.file_format] = formats.get(session.file_format, 0) + 1
        if progress:
            progress((session.local_date - sim.start).days + 1, sim.n_days)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(STRAVA_COLUMNS)
    writer.writerows(rows)
    (out / "activities.csv").write_text(buf.getvalue(), encoding="utf-8")
    journal = {
        "version": 1,
        "athlete": sim.profile.athlete_settings(sim.end.year),
        "journal": sim.journal,
        "cycles": sim.cycles,
        "experiments": sim.experiments,
    }
    header = f"# Written by deliberun simulate (scenario {sim.scenario.name}, seed {sim.seed}).\n"
    (out / "deliberun-journal.yaml").write_text(
        header + yaml.safe_dump(journal, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (out / "plan.yaml").write_text(
        header + yaml.safe_dump(sim.plan, sort_keys=False), encoding="utf-8"
    )
    (out / "truth.json").write_text(json.dumps(sim.truth(), indent=1) + "\n", encoding="utf-8")
    if progress:
        progress(sim.n_days, sim.n_days)
    return {
        "out": str(out),
        "scenario": sim.scenario.name,
        "seed": sim.seed,
        "start": sim.start.isoformat(),
        "end": sim.end.isoformat(),
        "activities": len(rows),
        "formats": formats,
        "samples": n_samples,
        "bytes": n_bytes,
    }
