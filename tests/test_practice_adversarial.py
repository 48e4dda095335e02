"""The smaller version of bench/adversarial_advice.py: no claim the data cannot carry."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import numpy as np


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "adversarial_advice.py"
    spec = importlib.util.spec_from_file_location("adversarial_advice", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_no_cause_nemesis_gets_no_suggestion_over_a_year_of_weekly_looks() -> None:
    b = _bench()
    res = [
        b.weekly_looks(b.interval_runner(np.random.default_rng(s), weeks=40), 8, 99, s)
        for s in range(6)
    ]
    assert sum(r["suggested"] for r in res) == 0
    assert sum(r["flagged"] for r in res) <= 2


def test_no_push_after_a_gap_and_no_back_off_after_one_test_run() -> None:
    b = _bench()
    for seed in range(15):
        ss, series, last, back = b.load_runner(np.random.default_rng(seed), 41, False)
        assert b.advice_on(ss, series, last + timedelta(days=41)) == "return"
        assert all(b.advice_on(ss, series, back + timedelta(days=k)) != "push" for k in range(22))
        ss, series, last, back = b.load_runner(np.random.default_rng(99 + seed), 49, True)
        assert b.advice_on(ss, series, back + timedelta(days=1)) == "return"


def test_wilson_interval() -> None:
    b = _bench()
    lo, hi = b.wilson(0, 200)
    assert lo < 1e-9 and 0.015 < hi < 0.02
    lo, hi = b.wilson(100, 200)
    assert lo < 0.5 < hi
