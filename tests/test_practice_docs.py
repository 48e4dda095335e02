"""docs/practice.md documents every practice command, target kind, outcome metric and cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberun.cli import cmd_experiment, cmd_practice
from deliberun.practice.nemesis import CAUSES
from deliberun.practice.session import OUTCOME_METRICS
from deliberun.practice.targets import TARGET_KINDS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "practice.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    out = ["deliberun log", "deliberun nemesis", "deliberun review", "deliberun today"]
    for group, sub in (
        ("cycle", cmd_practice.cycle_app),
        ("target", cmd_practice.target_app),
        ("experiment", cmd_experiment.experiment_app),
    ):
        out += [f"{group} {c.name}" for c in sub.registered_commands]
    return out


@pytest.mark.parametrize(
    "word",
    _commands()
    + [f"`{k}`" for k in TARGET_KINDS]
    + [f"`{m}`" for m in OUTCOME_METRICS]
    + [f"`{c}`" for c in CAUSES],
)
def test_documented(word: str) -> None:
    assert word in DOC, f"{word} is not documented in docs/practice.md"
