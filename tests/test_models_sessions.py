"""Session types (models/sessions.py) and what the VDOT may rest on (models/vdot_evidence.py)."""

from __future__ import annotations

from datetime import date

import pytest

from deliberun.models.predict import Effort
from deliberun.models.sessions import Rep, SessionFacts, classify_session, practice_type
from deliberun.models.vdot_evidence import (
    EVIDENCE_RULES,
    as_run,
    best,
    run_efforts,
    select,
    training_range,
)
from deliberun.units import clock

T_SPEED = 1000.0 / 250.0  # threshold 4:10/km


def _facts(**kw) -> SessionFacts:
    base = {"distance_m": 9000.0, "duration_s": 2900.0, "threshold_speed_m_per_s": T_SPEED,
            "split_speeds_m_per_s": [3.1] * 9}  # fmt: skip
    return SessionFacts(**{**base, **kw})


def test_six_by_800_with_walk_laps_has_six_reps() -> None:
    reps = []
    for _ in range(6):
        reps.append(Rep(170.0, 800 / 170.0, recovery_s=150.0, recovery_distance_m=210.0))
        reps.append(Rep(150.0, 210 / 150.0))  # the walk lap itself, detected as a "rep"
    st = classify_session(_facts(reps=reps))
    assert st.type == "intervals" and st.reps == 6
    assert practice_type(st) == "intervals"


def test_easy_run_with_traffic_light_surges_is_easy() -> None:
    # "reps" 15% faster than the stops around them, but far slower than threshold
    reps = [Rep(120.0, 3.4, recovery_s=40.0, recovery_distance_m=30.0) for _ in range(8)]
    st = classify_session(_facts(reps=reps, name="Evening Run"))
    assert st.type == "easy"


def test_planned_type_wins_and_names_only_break_ties() -> None:
    assert classify_session(_facts(planned_type="tempo")).type == "tempo"
    # called tempo, run easy: easy (the name is noted, not believed)
    st = classify_session(_facts(name="Tempo Tuesday"))
    assert st.type == "easy" and any("name suggests tempo" in e for e in st.evidence)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"reps": [Rep(20.0, 6.0, recovery_s=60, recovery_distance_m=80)] * 6}, "strides"),
        ({"reps": [Rep(600.0, 4.1, recovery_s=90, recovery_distance_m=200)] * 3}, "tempo"),
        (
            {
                "reps": [
                    Rep(90.0, 3.8, gap_speed_m_per_s=4.6, recovery_s=120, recovery_distance_m=250)
                ]
                * 8
            },
            "hills",
        ),  # fmt: skip
        (
            {"split_speeds_m_per_s": [2.9, 2.95, 3.0, 3.1, 3.2, 3.3, 3.45, 3.6, 3.7]},
            "progression",
        ),  # fmt: skip
        ({"distance_m": 24000.0, "duration_s": 8000.0}, "long"),
        ({"split_speeds_m_per_s": [3.0, 3.8, 3.85, 3.9, 3.85, 3.9, 3.0]}, "tempo"),
        ({"distance_m": None}, "other"),
        ({"is_race": True}, "race"),
    ],
)
def test_session_types(kw, expected) -> None:
    assert classify_session(_facts(**kw)).type == expected


def test_a_training_rep_cannot_set_the_vdot() -> None:
    d = date(2024, 10, 8)
    # a structured session offers nothing; an unstructured run only its >= 6 min bests
    assert run_efforts(1, d, 6000.0, 1600.0, {1000.0: 196.0}, race=False, structured=True) == []
    offered = run_efforts(1, d, 8000.0, 2400.0, {1000.0: 200.0, 5000.0: 1400.0},
                          race=False, structured=False)  # fmt: skip
    assert [e.distance_m for e in offered] == [5000.0]
    # a training effort counts divided by the calibrated ratio (it reads ~92.5 % of races)
    assert offered[0].discount == pytest.approx(1 / EVIDENCE_RULES["training_ratio"])


def test_riegel_reads_a_training_effort_as_the_vdot_does() -> None:
    from deliberun.models import vdot as vd
    from deliberun.models.predict import predict_races

    d = date(2025, 9, 21)
    (e,) = run_efforts(1, d, 5000.0, 1516.0, {5000.0: 1516.0}, race=False, structured=False)
    # as a race it stands for the Daniels time at its calibrated VDOT: faster than run
    assert e.race_equivalent_s == pytest.approx(vd.race_time(e.vdot, 5000.0))
    assert e.race_equivalent_s < 1516.0
    preds = {p.model: p for p in predict_races([e])["5k"]}
    assert preds["riegel"].time_s == pytest.approx(preds["vdot"].time_s, rel=1e-6)
    words = preds["riegel"].rests_on
    assert f"training effort; as a race {clock(e.race_equivalent_s)}" in words
    assert "your 5k in 25:16 on 2025-09-21" in words
    race = Effort(5000.0, 1222.0, d, 2, True)
    assert race.race_equivalent_s == 1222.0  # a race is its own time


def test_training_range_widens_up_to_the_last_race() -> None:
    d = date(2025, 9, 21)
    (e,) = run_efforts(1, d, 5000.0, 1500.0, {5000.0: 1500.0}, race=False, structured=False)
    low, high = training_range(e)
    assert low < e.vdot < high  # the calibration's spread around the value
    assert as_run(e) < low  # as run, a training effort understates race fitness
    race = Effort(5000.0, 1222.0, date(2024, 12, 31), 9, True)
    assert race.vdot > high
    assert training_range(e, race) == (low, pytest.approx(race.vdot))
    assert training_range(race) == (race.vdot, race.vdot)
    # a race in the window: neither end more than training_max_rise above it (as the VDOT)
    in_window = as_run(e) / 0.94  # a race the training effort reads 94 % of
    low, high = training_range(e, None, in_window)
    assert high == pytest.approx(in_window + EVIDENCE_RULES["training_max_rise"])
    assert low <= high and training_range(e)[1] > high


def test_race_snaps_to_the_standard_distance_and_its_clock() -> None:
    (e,) = run_efforts(1, date(2024, 9, 23), 5040.0, 1220.0, {}, race=True, structured=False,
                       elapsed_s=1225.0)  # fmt: skip
    assert (e.distance_m, e.duration_s, e.is_race) == (5000.0, 1225.0, True)


def test_training_counts_only_after_the_last_race_and_within_its_evidence() -> None:
    race = Effort(5000.0, 1225.0, date(2024, 9, 23), 1, True)
    before = Effort(5000.0, 1150.0, date(2024, 9, 1), 2, False, 1 / 0.925)
    after = Effort(5000.0, 1100.0, date(2024, 10, 1), 3, False, 1 / 0.925)  # much faster
    chosen = select([race, before, after])
    assert before not in chosen
    top = best([race, before, after])
    assert top is not None and top.vdot <= race.vdot + 1.0 + 1e-9
    assert best([before]) is not None  # without races, training is the evidence
