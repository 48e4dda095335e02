"""docs/simulation.md names every scenario, command option, effect kind and truth.json key."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from deliberun.cli.main import app
from deliberun.sim.scenarios import EFFECT_KINDS, SCENARIOS
from deliberun.sim.simulation import Simulation

DOC = (Path(__file__).resolve().parents[1] / "docs" / "simulation.md").read_text()


def _options(name: str) -> list[str]:
    sub = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return [opt for p in sub.params for opt in p.opts if opt.startswith("--")]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_documented(name: str) -> None:
    assert f"`{name}`" in DOC


@pytest.mark.parametrize("command", ["simulate", "demo"])
def test_options_documented(command: str) -> None:
    missing = [o for o in _options(command) if o not in DOC]
    assert not missing, f"document {missing} of `deliberun {command}` in docs/simulation.md"


def test_truth_keys_and_kinds_documented() -> None:
    sim = Simulation("marathon", 1, years=0.1)
    sessions = list(sim.sessions())
    truth = sim.truth()
    keys = set(truth) | set(truth["effects"][0]) | set(sessions[0].truth)
    keys.discard("file")  # added by the writer, documented in the example
    missing = sorted(k for k in keys if f'"{k}"' not in DOC)
    assert not missing, f"document truth.json keys {missing} in docs/simulation.md"
    assert all(kind in DOC for kind in EFFECT_KINDS)
