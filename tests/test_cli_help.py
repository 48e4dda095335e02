"""Every command's ``--help`` has an Example line and keeps its units visible."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()


def _commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    out: list[tuple[str, ...]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        out.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, (*path, name))

    walk(root, ())
    return out


COMMANDS = _commands()


def test_the_walk_finds_every_command() -> None:
    assert len(COMMANDS) > 40 and ("plan", "generate") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "deliberun")
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    res = runner.invoke(app, [*path, "--help"], terminal_width=100)
    assert res.exit_code == 0, res.output
    assert "Example: deliberun" in res.output or "Examples:" in res.output, res.output


def test_units_in_brackets_survive_rich_markup() -> None:
    res = runner.invoke(app, ["plan", "generate", "--help"], terminal_width=200)
    assert "[km]" in res.output or "(km)" in res.output
    assert " ." not in res.output.replace("...", "")
