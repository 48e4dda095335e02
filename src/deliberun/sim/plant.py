"""Plant what a coach should notice into a simulated runner's folder (after ``write_simulation``).

Each function edits the folder ``sim.output.write_simulation`` wrote and returns what it
planted, so a test or the group demo can check the group view finds exactly that:

- :func:`drop_sessions`: runs that never reached the database (their files and their
  rows of ``activities.csv`` removed): missed key sessions, or a runner who stopped
  syncing;
- :func:`rate_against_the_data`: journal ratings far from what heart rate and pace say
  (an easy run rated 9 or 10 of 10).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

#: The CSV column naming each run's file (the Strava export's ``Filename``).
FILE_COLUMN = 12


def sessions(folder: Path) -> list[dict[str, Any]]:
    """The simulated sessions of ``truth.json`` (date, workout_type, text, file, rpe...)."""
    truth: list[dict[str, Any]] = json.loads((folder / "truth.json").read_text())["sessions"]
    return truth


def drop_sessions(folder: Path, drop: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """Remove the runs ``drop`` picks (their files and CSV rows); return their truth records.

    The journal and the plan keep them: the runner planned the session and it never came
    in, as when a run was skipped or the watch never synced.
    """
    gone = [s for s in sessions(folder) if drop(s)]
    names = {s["file"] for s in gone}
    for name in names:
        (folder / name).unlink(missing_ok=True)
    path = folder / "activities.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    kept = [rows[0], *(r for r in rows[1:] if r[FILE_COLUMN] not in names)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(kept)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return gone


def rate_against_the_data(
    folder: Path, since: date, *, rpe: int = 10, workout_types: tuple[str, ...] = ("easy",)
) -> list[dict[str, Any]]:
    """Rate every run of ``workout_types`` from ``since`` on at ``rpe`` in the journal;
    return the truth records of the runs re-rated."""
    chosen = [
        s for s in sessions(folder)
        if s["workout_type"] in workout_types and date.fromisoformat(s["date"]) >= since
    ]  # fmt: skip
    starts = {datetime.fromisoformat(s["start_time"]) for s in chosen}
    path = folder / "deliberun-journal.yaml"
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    doc = yaml.safe_load(text)

    def same(entry: dict[str, Any]) -> bool:
        start = entry.get("activity_start")
        return bool(start) and datetime.fromisoformat(str(start)) in starts

    for entry in doc.get("journal") or []:
        if same(entry):
            entry["rpe"] = rpe
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return chosen
