"""The planted nemesis seen through the real pipeline: file bytes -> reader -> interval metrics."""

from __future__ import annotations

import numpy as np
import pytest

from deliberun.sim.output import encode
from deliberun.sim.simulation import Simulation


def test_interval_detector_sees_the_planted_fade() -> None:
    import deliberun.io as io
    import deliberun.metrics as metrics
    from deliberun.athlete import AthleteSettings

    settings = AthleteSettings(sex="female", hr_max_bpm=186, hr_rest_bpm=48)
    sim = Simulation("nemesis_fatigue", 8)
    fades: dict[bool, list[float]] = {True: [], False: []}
    for s in sim.sessions():
        if s.workout_type != "intervals":
            continue
        suffix, data = encode(s)
        act = io.read_bytes(data, f"{s.index}{suffix}")
        reps = metrics.compute_all(act, settings)["intervals"]["reps"]
        assert len(reps) == s.truth["n_reps"]  # every rep found, the last included
        v = [r["speed_m_per_s"] for r in reps]
        fades[s.truth["hard_before"]].append(100 * (1 - v[-1] / np.mean(v[: len(v) // 2])))
    size = sim.truth()["effects"][0]["size"]
    diff = np.mean(fades[True]) - np.mean(fades[False])
    assert diff == pytest.approx(size, abs=2.0)
    se = np.sqrt(sum(np.var(f) / len(f) for f in fades.values()))
    assert diff / se > 3
