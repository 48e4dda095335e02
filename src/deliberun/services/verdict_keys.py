"""The keys of stored race verdicts and session types, and their stored form.

See ``services.stored_verdicts``: each stored value carries a SHA-1 of the inputs it was
judged on (except the run's metrics) and of the code that judged it.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from datetime import date
from typing import Any

from deliberun.models import races as rc
from deliberun.models import sessions as ses
from deliberun.source_digest import PACKAGE, source_digest

#: The files whose code decides a verdict or a session type.
CODE_FILES = (
    "models/races.py", "models/sessions.py", "models/vdot.py", "services/races.py",
    "services/session_types.py", "services/verdict_keys.py",
)  # fmt: skip
#: The digest of that code (read as files: importing the services would close a cycle).
CODE = source_digest(PACKAGE / rel for rel in CODE_FILES)


def _key(*parts: Any) -> str:
    return hashlib.sha1(repr((CODE, *parts)).encode()).hexdigest()


def race_key(
    f: rc.RaceFacts, season: int, hr_max_bpm: float | None, goals_m: tuple[float, ...]
) -> str:
    """The key of a race verdict's inputs other than the run's metrics; ``season`` is the
    fingerprint of the runs of its year (:func:`season_fingerprints`)."""
    return _key(
        "race", f.activity_id, f.day, f.distance_m, f.duration_s, f.avg_hr_bpm, f.name,
        f.description, f.rpe, f.warmup_before, f.elapsed_s, f.goal_race_day, f.planned,
        f.mark, season, hr_max_bpm, goals_m,
    )  # fmt: skip


def season_fingerprints(
    runs: list[tuple[int, date, float | None, float | None]], days: list[date]
) -> list[int]:
    """For each of ``days``, a fingerprint of the runs ``(id, day, distance, duration)`` of
    the 365 days up to it (what a verdict reads of other runs: their whole-run VDOT), as
    the classifier selects them (``models.races.similar_vdots_each``): a sum of the
    runs' BLAKE2 digests modulo 2**64 (not ``hash()``: None and NaN hash by address in
    Python 3.11), from prefix sums over the runs by day."""
    span = int(rc.RACE_RULES["season_days"])
    ordered = sorted(runs, key=lambda r: r[1])
    ords = [r[1].toordinal() for r in ordered]
    prefix = [0]
    for r in ordered:
        digest = hashlib.blake2b(repr((int(r[0]), r[1].toordinal(), r[2], r[3])).encode(),
                                 digest_size=8).digest()  # fmt: skip
        prefix.append((prefix[-1] + int.from_bytes(digest, "little")) % 2**64)
    out = []
    for d in days:
        lo = bisect_left(ords, d.toordinal() - span)
        hi = bisect_right(ords, d.toordinal())
        out.append((prefix[hi] - prefix[lo]) % 2**64)
    return out


def verdict_of(d: dict[str, Any]) -> rc.RaceVerdict:
    return rc.RaceVerdict(
        bool(d["is_race"]), float(d["score"]), float(d["confidence"]), list(d["evidence"]),
        str(d["source"]),
    )  # fmt: skip


def verdict_dict(v: rc.RaceVerdict) -> dict[str, Any]:
    return {"is_race": v.is_race, "score": v.score, "confidence": v.confidence,
            "evidence": list(v.evidence), "source": v.source}  # fmt: skip


def session_of(d: dict[str, Any]) -> ses.SessionType:
    return ses.SessionType(
        str(d["type"]), float(d["confidence"]), list(d["evidence"]), int(d["reps"]),
        None if d.get("rep_s") is None else float(d["rep_s"]),
    )  # fmt: skip


def session_dict(t: ses.SessionType) -> dict[str, Any]:
    return {"type": t.type, "confidence": t.confidence, "evidence": list(t.evidence),
            "reps": t.reps, "rep_s": t.rep_s}  # fmt: skip
