"""FIT workout files (file type 5): write with fit-tool, read back with fitdecode.

A workout is written as ``file_id`` (type workout), one ``workout`` message and
``workout_step`` messages in order. Repeats become a ``repeat_until_steps_cmplt``
step placed after the steps it repeats (``duration_step`` = index of the first
step, ``target_repeat_steps`` = the number of repeats); pace targets become speed
ranges (``custom_target_speed_low/high`` [m/s]); heart-rate ranges use the FIT
convention of bpm + 100. Each step's name is its compact text, so the reader can
recover the zone letters the speed range came from.

References
----------
.. [1] Garmin FIT SDK, Profile.xlsx: ``workout``, ``workout_step``,
   ``wkt_step_duration``, ``wkt_step_target`` (https://developer.garmin.com/fit/).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from deliberun.io.errors import CorruptFileError, NotAnActivityError
from deliberun.plan.text import format_step, parse_workout
from deliberun.plan.workout import Step, Target, Workout

_INTENSITY = {
    "warmup": "WARMUP",
    "work": "ACTIVE",
    "recovery": "RECOVERY",
    "rest": "REST",
    "cooldown": "COOLDOWN",
}
_KIND = {
    "warmup": "warmup",
    "active": "work",
    "interval": "work",
    "recovery": "recovery",
    "rest": "recovery",
    "cooldown": "cooldown",
}


def write_fit_workout(
    workout: Workout,
    paces: Mapping[str, tuple[float, float]],
    *,
    name: str | None = None,
    created: datetime | None = None,
    serial: int = 0x0DE11BE2,
    notes: Sequence[str] | None = None,
) -> bytes:
    """The bytes of a FIT workout file for ``workout`` (zones resolved with ``paces``).

    Parameters
    ----------
    workout : Workout
        The structured workout.
    paces : mapping
        ``{zone: (fast, slow)}`` [s/km], e.g. ``zone_paces(vdot)``.
    name : str, optional
        Workout name shown on the watch (default: the workout's name or type).
    created : datetime, optional
        ``time_created`` of the file (default: 2000-01-01, keeping the output reproducible;
        an export passes the current time).
    serial : int
        ``serial_number`` of the file (1 to 2**32-1). A device or Garmin Connect takes
        files with the same (manufacturer, product, serial number, time created) for one
        file: give each workout of a plan its own (``plan export`` uses the workout's id).
    notes : sequence of str, optional
        A note per written step, in message order (a repeat is a step too), shown by
        watches that show step notes; e.g. a race plan's split and cumulative times.

    A ``rest`` step (standing still) is written with intensity ``rest``, other
    recoveries (``jog``, ``walk``) with ``recovery``.
    """
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
    from fit_tool.profile.profile_type import (
        FileType,
        Intensity,
        Manufacturer,
        Sport,
        WorkoutStepDuration,
        WorkoutStepTarget,
    )

    steps: list[WorkoutStepMessage] = []

    def add(step: Step) -> None:
        if step.kind == "repeat":
            first = len(steps)
            for s in step.steps:
                add(s)
            m = WorkoutStepMessage()
            m.message_index = len(steps)
            m.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
            m.duration_step = first
            m.target_type = WorkoutStepTarget.OPEN
            m.target_repeat_steps = step.reps
            steps.append(m)
            return
        m = WorkoutStepMessage()
        m.message_index = len(steps)
        m.workout_step_name = format_step(step)[:50]
        if notes is not None and len(steps) < len(notes) and notes[len(steps)]:
            m.notes = notes[len(steps)][:50]
        kind = "rest" if step.kind == "recovery" and step.label == "rest" else step.kind
        m.intensity = getattr(Intensity, _INTENSITY[kind])
        if step.distance_m is not None:
            m.duration_type = WorkoutStepDuration.DISTANCE
            m.duration_distance = float(step.distance_m)
        elif step.duration_s is not None:
            m.duration_type = WorkoutStepDuration.TIME
            m.duration_time = float(step.duration_s)
        else:
            m.duration_type = WorkoutStepDuration.OPEN
        t = step.target
        band = t.resolve(paces) if t else None
        if band is not None:
            m.target_type = WorkoutStepTarget.SPEED
            m.target_value = 0
            m.custom_target_speed_low = 1000.0 / band[1]
            m.custom_target_speed_high = 1000.0 / band[0]
        elif t is not None and t.kind == "hr" and t.hr_bpm:
            m.target_type = WorkoutStepTarget.HEART_RATE
            m.target_value = 0
            m.custom_target_heart_rate_low = int(round(t.hr_bpm[0])) + 100
            m.custom_target_heart_rate_high = int(round(t.hr_bpm[1])) + 100
        else:
            m.target_type = WorkoutStepTarget.OPEN
            m.target_value = 0
        steps.append(m)

    for s in workout.steps:
        add(s)
    fid = FileIdMessage()
    fid.type = FileType.WORKOUT
    fid.manufacturer = Manufacturer.DEVELOPMENT.value
    fid.product = 0
    if not 0 < serial < 2**32:
        raise ValueError(f"serial number {serial} is out of range 1..2**32-1")
    fid.serial_number = serial
    when = created or datetime(2000, 1, 1)
    fid.time_created = round(when.timestamp() * 1000)
    wm = WorkoutMessage()
    wm.workout_name = (name or workout.name or workout.workout_type or "workout")[:40]
    wm.sport = Sport.RUNNING
    wm.num_valid_steps = len(steps)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    builder.add(fid)
    builder.add(wm)
    builder.add_all(steps)
    return builder.build().to_bytes()


def parse_fit_workout(data: bytes, name: str = "workout.fit") -> Workout:
    """Read a FIT workout file back into a ``Workout`` (with fitdecode).

    Targets come back as pace ranges [s/km]; when a step's name is compact
    workout text (as ``write_fit_workout`` writes it) its zone, label and
    exact pace are taken from the name.

    Raises
    ------
    CorruptFileError
        The FIT data is broken.
    NotAnActivityError
        A valid FIT file that is not a workout.
    """
    import fitdecode

    raw: list[dict[str, Any]] = []
    wname: str | None = None
    ftype = None
    try:
        with fitdecode.FitReader(io.BytesIO(data)) as fit:
            for frame in fit:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id":
                    ftype = frame.get_value("type", fallback=None)
                elif frame.name == "workout":
                    wname = frame.get_value("wkt_name", fallback=None)
                elif frame.name == "workout_step":
                    raw.append({f.name: f.value for f in frame.fields})
    except fitdecode.FitError as exc:
        raise CorruptFileError(name, f"not a readable FIT file ({exc})") from None
    if ftype not in ("workout", 5):
        raise NotAnActivityError(name, f"FIT file type is {ftype!r}, not a workout")
    flat: list[Step | tuple[int, int]] = []
    for r in raw:
        dtype = r.get("duration_type")
        if dtype == "repeat_until_steps_cmplt":
            first = int(r.get("duration_step") or r.get("duration_value") or 0)
            reps = int(
                r.get("repeat_steps") or r.get("target_repeat_steps") or r.get("target_value") or 1
            )
            flat.append((first, reps))
            continue
        flat.append(_step_from_record(r))
    return Workout(steps=tuple(_nest(flat, 0, len(flat))), name=str(wname) if wname else None)


def _step_from_record(r: Mapping[str, Any]) -> Step:
    label_step: Step | None = None
    step_name = r.get("wkt_step_name")
    if isinstance(step_name, str) and step_name:
        try:
            parsed = parse_workout(step_name).steps
            if len(parsed) == 1 and parsed[0].kind != "repeat":
                label_step = parsed[0]
        except ValueError:
            label_step = None
    kind = _KIND.get(str(r.get("intensity") or "active"), "work")
    dist = dur = None
    if r.get("duration_type") == "distance":
        dist = float(r.get("duration_distance") or r.get("duration_value") or 0)
        if r.get("duration_distance") is None:
            dist /= 100.0
    elif r.get("duration_type") == "time":
        dur = float(r.get("duration_time") or r.get("duration_value") or 0)
        if r.get("duration_time") is None:
            dur /= 1000.0
    target: Target | None = None
    if r.get("target_type") == "speed":
        lo = r.get("custom_target_speed_low") or r.get("custom_target_value_low")
        hi = r.get("custom_target_speed_high") or r.get("custom_target_value_high")
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > 0 and hi > 0:
            target = Target(kind="pace", pace_s_per_km=(1000.0 / float(hi), 1000.0 / float(lo)))
    elif r.get("target_type") == "heart_rate":
        lo = r.get("custom_target_heart_rate_low")
        hi = r.get("custom_target_heart_rate_high")
        if isinstance(lo, int | float) and isinstance(hi, int | float):
            target = Target(kind="hr", hr_bpm=(float(lo) - 100, float(hi) - 100))
    if label_step is not None:
        target = label_step.target or target
        label = label_step.label
        # FIT keeps centimetres and milliseconds: the name has the exact amount
        if (
            dist is not None
            and label_step.distance_m is not None
            and abs(dist - label_step.distance_m) < 0.05
        ):
            dist = label_step.distance_m
        if (
            dur is not None
            and label_step.duration_s is not None
            and abs(dur - label_step.duration_s) < 0.05
        ):
            dur = label_step.duration_s
    else:
        label = None
    return Step(kind=kind, distance_m=dist, duration_s=dur, target=target, label=label)


def _nest(flat: list[Step | tuple[int, int]], lo: int, hi: int) -> list[Step]:
    """Rebuild the tree: a (first, reps) marker at i repeats flat[first:i]."""
    out: list[Step] = []
    i = lo
    while i < hi:
        # the outermost repeat that starts here
        end = None
        for j in range(hi - 1, i - 1, -1):
            m = flat[j]
            if isinstance(m, tuple) and m[0] == i:
                end = j
                break
        if end is not None:
            marker = flat[end]
            assert isinstance(marker, tuple)
            out.append(Step(kind="repeat", reps=marker[1], steps=tuple(_nest(flat, i, end))))
            i = end + 1
            continue
        item = flat[i]
        if isinstance(item, Step):
            out.append(item)
        i += 1
    return out
