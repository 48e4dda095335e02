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


def _source_texts(path: tuple[str, ...]) -> list[str]:
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return [cmd.help or "", *(getattr(p, "help", None) or "" for p in cmd.params)]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "deliberun")
def test_angle_bracket_words_survive_rich_markup(path: tuple[str, ...]) -> None:
    """Rich drops ``<out>``-like words from help ("default: <user data dir>/demo" printed
    as "default: /demo"): whatever a help text writes in angle brackets must show."""
    import re

    res = runner.invoke(app, [*path, "--help"], terminal_width=200)
    shown = " ".join(res.output.split())
    for text in _source_texts(path):
        for word in re.findall(r"<[A-Za-z][^<>]*>", text):
            assert word in shown, f"{word!r} of {' '.join(path)}'s help is not shown"
