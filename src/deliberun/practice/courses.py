"""Courses: the runner's recurring routes and loops, found from GPS tracks.

A course is a group of runs whose tracks match (:mod:`deliberun.practice.course_tracks`:
each track's points lie on the other's path, in either direction, from any start
point on a loop). Runs are grouped by *leader* clustering (longest first): a run joins
the course whose reference track (its first run) it matches best, else it starts a
new course. Comparing with one reference per course, not with every run, keeps a
course from drifting (A like B, B like C, but A unlike C) and keeps matching fast:
the grid index hands over only the few courses that share most of the run's cells.

A course's length is its shortest run (every run on it covers the whole path, so
the shortest is the path once); each run is timed over its first ``length`` metres.
For the usual course (the same route from the door) that is the whole run; for a
loop run 1.2 or 1.6 times round, it is one lap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from deliberun.practice.course_tracks import (
    MATCH_FRACTION,
    MIN_CELL_JACCARD,
    PathShape,
    TrackProfile,
    direction,
)

#: Courses tested point by point per run (the best by cell overlap).
MAX_CANDIDATES = 6
#: A run extends a course's reference when this much more of it is off the reference
#: than of the reference off it.
EXTEND_MARGIN = 0.02
#: A course is "recurring" (listed) from this many runs.
MIN_RUNS = 2


@dataclass
class Course:
    """A group of matching runs; ``reference`` is the first run's path."""

    key: int  # position in the index (or the store's id)
    reference_id: int
    reference: PathShape
    members: list[int] = field(default_factory=list)


class CourseIndex:
    """Courses with a grid index of their reference tracks (cell -> course positions)."""

    def __init__(self) -> None:
        self.courses: list[Course] = []
        self._postings: dict[int, list[int]] = {}
        self._n_cells: list[int] = []

    def __len__(self) -> int:
        return len(self.courses)

    def add_course(self, key: int, reference_id: int, shape: PathShape) -> Course:
        """A new course with ``shape`` as its reference; returns it."""
        pos = len(self.courses)
        course = Course(key, reference_id, shape, [])
        self.courses.append(course)
        self._n_cells.append(len(shape.cells))
        for c in shape.cells.tolist():
            self._postings.setdefault(c, []).append(pos)
        return course

    def candidates(self, shape: PathShape) -> list[tuple[int, float]]:
        """Course positions sharing enough grid cells with ``shape``, best overlap first."""
        keys = shape.cells.tolist()
        hits = np.fromiter(
            chain.from_iterable(self._postings.get(k, ()) for k in keys), dtype=np.int64
        )
        if hits.size == 0:
            return []
        counts = np.bincount(hits)
        pos = np.flatnonzero(counts)
        shared = counts[pos]
        n_cells = np.asarray(self._n_cells, dtype=float)[pos]
        jaccard = shared / (n_cells + len(keys) - shared)
        good = jaccard >= MIN_CELL_JACCARD
        order = np.argsort(-jaccard[good], kind="stable")
        return [
            (int(p), float(j)) for p, j in zip(pos[good][order], jaccard[good][order], strict=True)
        ]

    def match(self, shape: PathShape) -> tuple[Course | None, float]:
        """The course ``shape`` matches best (and the lower on-path share), or (None, 0)."""
        course, share, _ = self.match_shares(shape)
        return course, share

    def match_shares(self, shape: PathShape) -> tuple[Course | None, float, bool]:
        """As :meth:`match`, plus whether ``shape`` *extends* the course's reference (more
        of the run lies off the reference than of the reference off the run)."""
        course, share, extends, _ = self._match(shape)
        return course, share, extends

    def match_direction(self, shape: PathShape) -> tuple[Course | None, float, bool, str]:
        """As :meth:`match_shares`, plus the run's direction on the course (``same`` or
        ``reverse``, :func:`run_direction`; ``same`` without a course), from the same
        k-d tree query."""
        course, share, extends, nearest = self._match(shape)
        if course is None:
            return None, share, extends, "same"
        return course, share, extends, direction(course.reference, shape, nearest)

    def _match(self, shape: PathShape) -> tuple[Course | None, float, bool, np.ndarray | None]:
        best: Course | None = None
        best_share = 0.0
        extends = False
        best_nearest = None
        for pos, _ in self.candidates(shape)[:MAX_CANDIDATES]:
            course = self.courses[pos]
            run_on_ref, nearest = course.reference.nearest_of(shape)
            if run_on_ref < MATCH_FRACTION or run_on_ref <= best_share:
                continue  # the lower share cannot pass: the other side is not measured
            ref_on_run = shape.share_on_path(course.reference)
            share = min(run_on_ref, ref_on_run)
            if share >= MATCH_FRACTION and share > best_share:
                best, best_share, best_nearest = course, share, nearest
                extends = run_on_ref + EXTEND_MARGIN < ref_on_run
        return best, best_share, extends, best_nearest

    def replace_reference(self, course: Course, reference_id: int, shape: PathShape) -> None:
        """Make ``shape`` the course's reference (a run that covers more of the path)."""
        pos = self.courses.index(course)
        for c in course.reference.cells.tolist():
            self._postings[c].remove(pos)
        for c in shape.cells.tolist():
            self._postings.setdefault(c, []).append(pos)
        self._n_cells[pos] = len(shape.cells)
        course.reference, course.reference_id = shape, int(reference_id)

    def assign(self, activity_id: int, shape: PathShape, *, new_key: int | None = None) -> Course:
        """Put a run on the course it matches, else on a new course keyed ``new_key``.

        A run that matches and extends the reference becomes the new reference, so a
        course first seen on a run that cut a corner grows to the whole path.
        """
        course, _, extends = self.match_shares(shape)
        if course is None:
            course = self.add_course(
                len(self.courses) if new_key is None else new_key, activity_id, shape
            )
        elif extends:
            self.replace_reference(course, activity_id, shape)
        course.members.append(int(activity_id))
        return course


def build_courses(profiles: Iterable[TrackProfile]) -> CourseIndex:
    """Group runs into courses, longest run first (so a course's first reference is its
    most complete run)."""
    index = CourseIndex()
    for p in sorted(profiles, key=lambda p: -p.distance_m):
        index.assign(p.activity_id, PathShape(p.latitude, p.longitude))
    return index


def course_length(profiles: Iterable[TrackProfile]) -> float:
    """A course's length [m]: its shortest run (each run covers the whole path)."""
    return float(min(p.distance_m for p in profiles))


def run_on_course(profile: TrackProfile, length_m: float) -> dict[str, Any]:
    """Raw figures of one run over its first ``length_m`` metres.

    Returns ``time_s`` (moving time: stops at lights and gates are not running),
    ``elapsed_s``, ``gap_time_s`` (the moving time the same effort would take on the
    flat: time x length / GAP distance) and ``avg_hr_bpm`` (None without heart rate).
    """
    end = min(float(length_m), profile.distance_m)
    t = float(profile.at("time_s", end)[()])
    mv = float(profile.at("moving_s", end)[()])
    gap = float(profile.at("gap_m", end)[()])
    beats = float(profile.at("beats", end)[()])
    hr_s = float(profile.at("hr_s", end)[()])
    return {
        "time_s": mv,
        "elapsed_s": t,
        "gap_time_s": mv * end / gap if gap > 0 else None,
        "avg_hr_bpm": beats * 60.0 / hr_s if hr_s > 0.5 * t and hr_s > 0 else None,
    }


def run_direction(course: Course, shape: PathShape) -> str:
    """``same`` or ``reverse`` relative to the course's first run."""
    return direction(course.reference, shape)
