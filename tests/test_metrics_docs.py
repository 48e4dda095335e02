"""docs/metrics.md documents every key compute_all returns and every model name."""

from __future__ import annotations

import re
from pathlib import Path

from deliberun.metrics import compute_all
from deliberun.metrics.grade import GAP_MODELS
from deliberun.metrics.heart import HR_ZONE_MODELS
from deliberun.metrics.load import LOAD_MODELS
from deliberun.metrics.synthetic import synthetic_run, workout_segments

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_every_output_key_is_documented():
    text = DOC.read_text()
    result = compute_all(synthetic_run(workout_segments(5, 400, 5.0), seed=1))
    missing = [k for k in result if f"`{k}`" not in text]
    missing += [f"load.{k}" for k in result["load"] if f"`{k}`" not in text]
    # the intervals keys are listed in the `intervals = {...}` line of the doc
    line = text[text.index("`intervals = {") : text.index("}`", text.index("`intervals = {"))]
    missing += [
        f"intervals.{k}"
        for k in result["intervals"]
        if not re.search(rf"[{{\s,]{k}(?=[:,}}\s]|$)", line)
    ]
    assert not missing, f"document these in docs/metrics.md: {missing}"


def test_every_model_name_is_documented():
    text = DOC.read_text()
    names = [*GAP_MODELS, *HR_ZONE_MODELS, *LOAD_MODELS]
    assert [n for n in names if f"`{n}`" not in text and f"{n}(" not in text] == []
    assert "METRICS_VERSION" in text and "Bump rule" in text
