"""A few recurring routes: closed loops with positions and a real-looking elevation profile."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Metres per degree of latitude (spherical Earth, R = 6371 km).
M_PER_DEG = 6371000.0 * math.pi / 180.0


@dataclass
class Route:
    """A closed loop sampled every metre of arc length.

    ``x``/``y`` are metres east/north of the home point, ``altitude`` metres,
    all indexed by distance along the loop (``length`` metres, wraps around).
    """

    name: str
    length: float  # m
    x: np.ndarray
    y: np.ndarray
    altitude: np.ndarray

    def at(self, distance: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """East, north [m] and altitude [m] at ``distance`` [m] along the (repeated) loop."""
        s = np.mod(distance, self.length)
        grid = np.arange(len(self.x), dtype=float)
        return (
            np.interp(s, grid, self.x),
            np.interp(s, grid, self.y),
            np.interp(s, grid, self.altitude),
        )

    def grade(self, distance: np.ndarray) -> np.ndarray:
        """Gradient [m/m] at ``distance`` along the loop (central difference over 10 m)."""
        grid = np.arange(len(self.altitude), dtype=float)
        a1 = np.interp(np.mod(distance + 5.0, self.length), grid, self.altitude)
        a0 = np.interp(np.mod(distance - 5.0, self.length), grid, self.altitude)
        return (a1 - a0) / 10.0


def make_route(name: str, length: float, relief: float, rng: np.random.Generator) -> Route:
    """A smooth closed loop of ``length`` [m] whose altitude varies by about ``relief`` [m].

    The outline is a wobbly circle; the altitude a sum of a few sines whose periods
    divide the loop, so the loop closes in position and in height.
    """
    theta = np.linspace(0.0, 2.0 * math.pi, 4000, endpoint=False)
    phases = rng.uniform(0, 2 * math.pi, 4)
    r = 1.0 + 0.22 * np.sin(2 * theta + phases[0]) + 0.12 * np.sin(3 * theta + phases[1])
    x, y = r * np.cos(theta), r * np.sin(theta)
    seg = np.hypot(np.diff(x, append=x[0]), np.diff(y, append=y[0]))
    scale = length / seg.sum()
    s = np.concatenate([[0.0], np.cumsum(seg * scale)])[:-1]
    grid = np.arange(int(length) + 1, dtype=float)
    x_m = np.interp(grid, s, x * scale, period=length)
    y_m = np.interp(grid, s, y * scale, period=length)
    centre = rng.uniform(-3000, 3000, 2)
    x_m += centre[0] - x_m[0]
    y_m += centre[1] - y_m[0]
    u = grid / length * 2 * math.pi
    alt = np.zeros_like(grid)
    for k, amp in zip((1, 2, 3, 5), (1.0, 0.5, 0.3, 0.15), strict=True):
        alt += amp * np.sin(k * u + rng.uniform(0, 2 * math.pi))
    span = float(alt.max() - alt.min()) or 1.0
    alt = 300.0 + relief * (alt - alt[0]) / span
    return Route(name, float(length), x_m, y_m, alt)


def make_track() -> Route:
    """A flat 400 m running track (two straights and two bends)."""
    straight, radius = 84.39, 36.5
    s = np.arange(401, dtype=float)
    x = np.empty_like(s)
    y = np.empty_like(s)
    bend = math.pi * radius
    for i, d in enumerate(s % 400.0):
        if d < straight:
            x[i], y[i] = d, 0.0
        elif d < straight + bend:
            a = (d - straight) / radius
            x[i], y[i] = straight + radius * math.sin(a), radius - radius * math.cos(a)
        elif d < 2 * straight + bend:
            x[i], y[i] = straight - (d - straight - bend), 2 * radius
        else:
            a = (d - 2 * straight - bend) / radius
            x[i], y[i] = -radius * math.sin(a), radius + radius * math.cos(a)
    return Route("track", 400.0, x + 800.0, y - 600.0, np.full_like(s, 295.0))


def default_routes(rng: np.random.Generator) -> dict[str, Route]:
    """The runner's usual routes: river loop (flat), park loop, hill loop, long loop, track."""
    return {
        "river": make_route("river", 5000.0, 6.0, rng),
        "park": make_route("park", 8000.0, 25.0, rng),
        "hill": make_route("hill", 3000.0, 60.0, rng),
        "long": make_route("long", 16000.0, 70.0, rng),
        "track": make_track(),
    }


def to_lat_lon(
    x: np.ndarray, y: np.ndarray, home: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Local metres east/north of ``home`` (lat, lon in degrees) to latitude, longitude [deg]."""
    lat0, lon0 = home
    lat = lat0 + y / M_PER_DEG
    lon = lon0 + x / (M_PER_DEG * math.cos(math.radians(lat0)))
    return lat, lon
