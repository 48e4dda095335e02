"""A race goal time as a runner types it, read with the race's distance in mind."""

from __future__ import annotations

from deliberun.models.race_input import parse_duration
from deliberun.units import clock

#: Faster than any human has raced (s/km; the marathon record is ~2:53/km).
FASTEST_PACE_S_PER_KM = 150.0
#: Slower than a walk: no race goal (s/km).
SLOWEST_PACE_S_PER_KM = 900.0


def read_goal_time(text: str, distance_m: float) -> float:
    """A goal time [s] as typed for a race of ``distance_m`` [m].

    ``2:50`` is minutes:seconds, but for a race where that pace is faster than any
    human (a half or a marathon) it is read as hours:minutes. A goal no human could
    run, or a walk, is refused (``ValueError``) with the reason and the fix.
    """
    secs = float(parse_duration(text))
    km = distance_m / 1000.0
    hours = secs * 60.0 / km  # the pace if the text is h:mm
    if (
        text.count(":") == 1
        and secs / km < FASTEST_PACE_S_PER_KM
        and FASTEST_PACE_S_PER_KM <= hours <= SLOWEST_PACE_S_PER_KM
    ):
        secs *= 60.0
    pace = secs / km
    if not FASTEST_PACE_S_PER_KM <= pace <= SLOWEST_PACE_S_PER_KM:
        raise ValueError(
            f"--goal {text} for {km:g} km is a pace of {clock(pace)}/km, "
            f"{'faster than any human has raced' if pace < FASTEST_PACE_S_PER_KM else 'a walk'}: "
            "give the goal as H:MM:SS, e.g. 3:15:00"
        )
    return secs
