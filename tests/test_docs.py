"""Every command, subcommand and athlete setting is documented (sqlite-utils' test_docs habit)."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
import typer.main

from deliberun.athlete import AthleteSettings
from deliberun.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _commands() -> list[str]:
    root = typer.main.get_command(app)
    out: list[str] = []

    def walk(cmd, prefix: str) -> None:  # typer's click-like groups have .commands
        if getattr(cmd, "commands", None):
            for name, sub in cmd.commands.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            out.append(prefix)

    walk(root, "")
    return sorted(out)


COMMANDS = _commands()


def test_the_app_has_the_architecture_commands():
    top = {c.split()[0] for c in COMMANDS}
    for name in (
        "import",
        "activities",
        "show",
        "fitness",
        "paces",
        "cycle",
        "target",
        "plan",
        "log",
        "experiment",
        "review",
        "serve",
        "demo",
    ):
        assert name in top


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str):
    pattern = r"deliberun(?:\s+--db\s+\S+)?\s+" + r"\s+".join(map(re.escape, command.split()))
    assert re.search(pattern, DOCS), f"`deliberun {command}` is not documented in README/docs"


@pytest.mark.parametrize("setting", [f.name for f in fields(AthleteSettings)])
def test_setting_is_documented(setting: str):
    assert f"`{setting}`" in DOCS, f"athlete setting `{setting}` is not documented"
