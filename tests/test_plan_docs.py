"""docs/plans.md documents every command, every workout type, and its examples parse."""

from __future__ import annotations

import re
from pathlib import Path

from deliberun.cli.cmd_plan import plan_app, workout_app
from deliberun.plan.library import LIBRARY
from deliberun.plan.text import canonical

DOC = (Path(__file__).resolve().parents[1] / "docs" / "plans.md").read_text()


def _names(app) -> list[str]:
    return [c.name or c.callback.__name__ for c in app.registered_commands]


def test_every_command_is_documented() -> None:
    for group, app in (("workout", workout_app), ("plan", plan_app)):
        for name in _names(app):
            assert f"deliberun {group} {name}" in DOC, (
                f"deliberun {group} {name} is not in docs/plans.md"
            )


def test_every_workout_type_is_documented() -> None:
    for wt in LIBRARY:
        assert f"`{wt}`" in DOC


def test_documented_examples_are_canonical() -> None:
    blocks = re.findall(r"```workouts\n(.*?)```", DOC, flags=re.S)
    lines = [ln for b in blocks for ln in b.splitlines() if ln.strip()]
    assert len(lines) >= 10
    for ln in lines:
        assert canonical(ln) == ln
