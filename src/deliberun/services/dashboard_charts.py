"""Chart and route payloads: Python computes the series, templates only draw them.

Each ``*_figure`` function returns a plotly figure as a plain dict
(``{"data": [...], "layout": {...}}``) that the page hands to ``Plotly.newPlot``
unchanged, and that the JSON twin returns as is. Series are downsampled to at
most ``MAX_POINTS`` points so a page stays light whatever the recording rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from deliberun.jsonable import finite_rounded
from deliberun.units import METRES_PER_UNIT, UNIT_LABEL, clock

MAX_POINTS = 800
#: Paces slower than this (s/km) are drawn as gaps: standing, walking breaks.
SLOWEST_PACE_S_PER_KM = 900.0
SMOOTH_S = 15.0

#: The title sits at the top of the figure and the legend on its own row(s) below it,
#: left-aligned above the plot: on a phone a legend that wraps grows downwards into the
#: top margin instead of over the title.
_LAYOUT: dict[str, Any] = {
    "margin": {"l": 55, "r": 15, "t": 78, "b": 40},
    "height": 290,
    "hovermode": "x unified",
    "showlegend": True,
    "legend": {"orientation": "h", "y": 1.0, "x": 0, "xanchor": "left", "yanchor": "bottom"},
    "title": {"x": 0.0, "xanchor": "left", "y": 0.99, "yanchor": "top", "yref": "container"},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}


def _title(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0.0, "xanchor": "left", "y": 0.99, "yanchor": "top",
            "yref": "container"}  # fmt: skip


def downsample_index(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Evenly spaced indices (first and last kept) picking at most ``max_points`` of ``n``."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def _smooth(time_s: np.ndarray, values: np.ndarray, window_s: float = SMOOTH_S) -> np.ndarray:
    """Centred moving average over ``window_s`` seconds (NaN-aware, time-based)."""
    if len(values) < 3:
        return values.astype(float)
    ok = np.isfinite(values)
    filled = np.where(ok, values, 0.0)
    csum = np.concatenate([[0.0], np.cumsum(filled)])
    ccount = np.concatenate([[0], np.cumsum(ok)])
    lo = np.searchsorted(time_s, time_s - window_s / 2, side="left")
    hi = np.searchsorted(time_s, time_s + window_s / 2, side="right")
    count = ccount[hi] - ccount[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (csum[hi] - csum[lo]) / count
    out[count == 0] = np.nan
    return out


#: Steps of a pace axis [s]: each lands on round paces (4:00, 4:15, 4:30...).
PACE_STEPS_S = (5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)


def pace_ticks(lo_s: float, hi_s: float, n: int = 5) -> tuple[list[float], list[str]]:
    """Tick values (s per unit) and ``m:ss`` labels for a pace axis: at most about ``n``
    ticks, on steps of 5, 10, 15, 30 or 60 s (more for very wide ranges), at multiples
    of the step so they land on round paces."""
    if not (math.isfinite(lo_s) and math.isfinite(hi_s)) or hi_s <= lo_s:
        return [], []
    want = (hi_s - lo_s) / n
    step = next((s for s in PACE_STEPS_S if s >= want), PACE_STEPS_S[-1])
    start = math.ceil(lo_s / step) * step
    vals = list(np.arange(start, hi_s + 1e-9, step))
    return [float(v) for v in vals], [clock(v) for v in vals]


def activity_figures(
    streams: dict[str, np.ndarray],
    units: str,
    *,
    x_axis: str = "distance",
    gap_speed: np.ndarray | None = None,
) -> dict[str, dict[str, Any]]:
    """Pace (and GAP), heart rate, elevation and cadence figures for one activity.

    Parameters
    ----------
    streams : dict of numpy arrays
        The activity's streams (``time`` [s], ``distance`` [m], ``speed`` [m/s],
        ``heart_rate`` [bpm], ``altitude`` [m], ``cadence`` [spm]).
    units : {"metric", "imperial"}
        Display units for distance and pace.
    x_axis : {"distance", "time"}
        Horizontal axis: distance in km/mi, or elapsed time in minutes.
    gap_speed : numpy array, optional
        Grade-adjusted speed [m/s] per sample, from the metrics area, when known.

    Returns
    -------
    dict
        ``{"pace": fig, "heart_rate": fig, "elevation": fig, "cadence": fig}``;
        a figure is left out when its stream is absent.
    """
    if x_axis not in ("distance", "time"):
        raise ValueError(f"unknown x axis {x_axis!r}: use 'distance' or 'time'")
    time_s = np.asarray(streams.get("time", np.array([])), dtype=float)
    n = len(time_s)
    if n == 0:
        return {}
    unit_m = METRES_PER_UNIT[units]
    dist = streams.get("distance")
    use_distance = x_axis == "distance" and dist is not None and np.isfinite(np.asarray(dist)).any()
    idx = downsample_index(n)
    if use_distance:
        x = np.asarray(dist, dtype=float)[idx] / unit_m
        x_title = f"distance ({UNIT_LABEL[units]})"
    else:
        x = time_s[idx] / 60.0
        x_title = "time (min)"
    x_list = finite_rounded(x, 3)
    figures: dict[str, dict[str, Any]] = {}

    def has(name: str) -> bool:
        arr = streams.get(name)
        return arr is not None and bool(np.isfinite(np.asarray(arr, dtype=float)).any())

    speed = np.asarray(streams["speed"], dtype=float) if has("speed") else None
    if speed is None and use_distance:
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = np.gradient(np.asarray(dist, dtype=float), time_s) if n > 2 else None
    if speed is not None:
        traces = []
        paces = []
        for label, sp, colour in (("pace", speed, "#1f77b4"), ("GAP", gap_speed, "#ff7f0e")):
            if sp is None:
                continue
            sm = _smooth(time_s, np.asarray(sp, dtype=float))
            with np.errstate(invalid="ignore", divide="ignore"):
                p = unit_m / sm
            p[~np.isfinite(p) | (p > SLOWEST_PACE_S_PER_KM * unit_m / 1000.0)] = np.nan
            p = p[idx]
            paces.append(p)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "x": x_list,
                    "y": finite_rounded(p, 1),
                    "line": {"color": colour, "width": 1.5},
                    "hovertemplate": "%{text}",
                    "text": [f"{label} {clock(v)}" if math.isfinite(v) else "" for v in p],
                }
            )
        allp = np.concatenate(paces) if paces else np.array([])
        allp = allp[np.isfinite(allp)]
        layout = dict(_LAYOUT, title=_title(f"pace (min/{UNIT_LABEL[units]})"))
        yaxis: dict[str, Any] = {"autorange": "reversed"}
        if len(allp):
            lo, hi = float(np.percentile(allp, 1)), float(np.percentile(allp, 99))
            tv, tt = pace_ticks(lo, hi)
            yaxis = {"range": [hi + 5, lo - 5], "tickvals": tv, "ticktext": tt}
        layout["yaxis"] = yaxis
        layout["xaxis"] = {"title": {"text": x_title}}
        figures["pace"] = {"data": traces, "layout": layout}

    for key, stream, title, colour in (
        ("heart_rate", "heart_rate", "heart rate (bpm)", "#d62728"),
        ("elevation", "altitude", "elevation", "#2ca02c"),
        ("cadence", "cadence", "cadence (spm)", "#9467bd"),
    ):
        if not has(stream):
            continue
        y = np.asarray(streams[stream], dtype=float)
        if key == "elevation" and units == "imperial":
            y = y / 0.3048
            title = "elevation (ft)"
        elif key == "elevation":
            title = "elevation (m)"
        if key == "cadence":
            y = _smooth(time_s, np.where(y > 0, y, np.nan))
        layout = dict(_LAYOUT, title=_title(title), showlegend=False, height=260)
        layout["margin"] = dict(_LAYOUT["margin"], t=45)  # no legend row above the plot
        layout["xaxis"] = {"title": {"text": x_title}}
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "lines",
            "name": title,
            "x": x_list,
            "y": finite_rounded(y[idx], 1),
            "line": {"color": colour, "width": 1.5},
        }
        if key == "elevation":
            trace["fill"] = "tozeroy"
            finite = y[np.isfinite(y)]
            lo, hi = float(finite.min()), float(finite.max())
            pad = max(5.0, (hi - lo) * 0.15)  # a flat run stays flat, not a wall
            layout["yaxis"] = {"range": [lo - pad, hi + pad]}
        figures[key] = {"data": [trace], "layout": layout}
    return figures


def route_svg(
    latitude: Sequence[float] | np.ndarray,
    longitude: Sequence[float] | np.ndarray,
    *,
    size: float = 300.0,
    max_points: int = 600,
) -> dict[str, Any] | None:
    """The route as an SVG path in a ``size``×``size`` box (no map tiles).

    An equirectangular projection about the route's mean latitude (longitude
    scaled by cos(latitude)), which is accurate to well under 1 % over the few
    kilometres of a run. Returns ``{"path", "width", "height", "start", "end"}``
    or ``None`` when the activity has fewer than two GPS points.
    """
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon) & ~((lat == 0) & (lon == 0))
    lat, lon = lat[ok], lon[ok]
    if len(lat) < 2:
        return None
    idx = downsample_index(len(lat), max_points)
    lat, lon = lat[idx], lon[idx]
    x = lon * math.cos(math.radians(float(np.mean(lat))))
    y = -lat
    span = max(float(np.ptp(x)), float(np.ptp(y)), 1e-9)
    pad = 10.0
    scale = (size - 2 * pad) / span
    px = (x - x.min()) * scale + pad
    py = (y - y.min()) * scale + pad
    width = float(px.max() + pad)
    height = float(py.max() + pad)
    d = "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
    return {
        "path": d,
        "width": round(width, 1),
        "height": round(height, 1),
        "start": [round(float(px[0]), 1), round(float(py[0]), 1)],
        "end": [round(float(px[-1]), 1), round(float(py[-1]), 1)],
    }


def fitness_figure(days: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Load bars and fitness, fatigue, form lines from daily rows.

    ``days`` are dicts with ``date`` and any of ``load``, ``fitness``,
    ``fatigue``, ``form`` (the athlete service's daily series).
    """
    if not days:
        return None
    x = [str(d.get("date")) for d in days]
    traces: list[dict[str, Any]] = []
    if any(d.get("load") is not None for d in days):
        traces.append(
            {
                "type": "bar",
                "name": "load",
                "x": x,
                "y": [d.get("load") for d in days],
                "marker": {"color": "rgba(120,120,120,0.35)"},
                "yaxis": "y2",
            }
        )
    for key, colour in (("fitness", "#1f77b4"), ("fatigue", "#d62728"), ("form", "#2ca02c")):
        if any(d.get(key) is not None for d in days):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": key,
                    "x": x,
                    "y": [d.get(key) for d in days],
                    "line": {"color": colour, "width": 2},
                }
            )
    layout = dict(_LAYOUT, height=360, title=_title("load, fitness, fatigue, form"))
    # room on the right for the load axis's ticks (up to 4 digits) and its title
    layout["margin"] = dict(_LAYOUT["margin"], r=60)
    layout["yaxis"] = {"title": {"text": "fitness, fatigue, form"}}
    layout["yaxis2"] = {
        "overlaying": "y",
        "side": "right",
        "showgrid": False,
        "title": {"text": "load per day"},
        "automargin": True,
    }
    loads = [float(d["load"]) for d in days if isinstance(d.get("load"), int | float)]
    top = max(loads, default=0.0)
    if top > 0:  # round ticks from 0 (plotly's own ticks on an overlaid axis drift)
        step = nice_step(top / 5)
        layout["yaxis2"]["range"] = [0, top * 1.05]
        layout["yaxis2"]["tickvals"] = [step * i for i in range(int(top // step) + 1)]
    return {"data": traces, "layout": layout}


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``raw`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)


def line_figure(
    title: str,
    x: Sequence[Any],
    series: dict[str, Sequence[float | None]],
    *,
    mode: str = "lines+markers",
) -> dict[str, Any]:
    """A simple multi-line figure (targets' trends, projected form...)."""
    traces = [
        {"type": "scatter", "mode": mode, "name": name, "x": list(x), "y": list(y)}
        for name, y in series.items()
    ]
    return {"data": traces, "layout": dict(_LAYOUT, title=_title(title))}


def target_figure(
    name: str,
    unit: str,
    values: Sequence[Sequence[Any]],
    goal: float | None,
    units: str,
) -> dict[str, Any]:
    """A target's values over the cycle with its goal line.

    ``values`` are ``[iso date, value]`` pairs in the target's own unit. Paces
    (``s/km``) are drawn in the athlete's pace unit on a reversed axis (faster
    on top) with ``m:ss`` ticks; shares as percentages.
    """
    x = [v[0] for v in values]
    y = [v[1] for v in values]
    label = unit
    factor = 1.0
    if unit == "s/km":
        factor = METRES_PER_UNIT[units] / 1000.0
        label = f"min/{UNIT_LABEL[units]}"
    elif unit == "share":
        factor, label = 100.0, "%"
    ys = [None if v is None else round(float(v) * factor, 3) for v in y]
    g = None if goal is None else float(goal) * factor
    fig = line_figure(
        f"{name.replace('_', ' ')} ({label})" if label else name.replace("_", " "),
        x,
        {"value": ys, "goal": [g] * len(x)},
    )
    if unit == "s/km":
        finite = [v for v in ys + [g] if v is not None]
        if finite:
            lo, hi = min(finite), max(finite)
            tv, tt = pace_ticks(lo - 5, hi + 5)
            fig["layout"]["yaxis"] = {"range": [hi + 5, lo - 5], "tickvals": tv, "ticktext": tt}
    return fig
