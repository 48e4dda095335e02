"""``bench/web_bench.py``'s p95: ``--repeat 1`` crashed in ``statistics.quantiles``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _web_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("web_bench", ROOT / "bench" / "web_bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_p95_of_one_request_is_that_request() -> None:
    assert _web_bench().p95([123.0]) == 123.0


def test_the_p95_of_many_is_the_inclusive_percentile() -> None:
    p95 = _web_bench().p95
    assert p95([float(v) for v in range(1, 21)]) == pytest.approx(19.05)
    assert p95([10.0, 20.0]) == pytest.approx(19.5)
