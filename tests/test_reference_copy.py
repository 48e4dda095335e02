"""The repo's copy of the published values is the shared collection, not a drifted fork."""

from __future__ import annotations

import json

import pytest

from conftest import REFERENCE, SHARED_REFERENCE


def test_every_reference_file_is_in_the_repo() -> None:
    names = {p.name for p in REFERENCE.glob("*.json")}
    assert {"vdot.json", "grade.json", "load.json", "misc.json"} <= names
    for path in REFERENCE.glob("*.json"):
        doc = json.loads(path.read_text())
        assert doc, f"{path.name} is empty"


def test_repo_copy_matches_the_shared_collection() -> None:
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"shared reference not found at {SHARED_REFERENCE}: nothing to compare")
    for shared in SHARED_REFERENCE.glob("*.json"):
        ours = REFERENCE / shared.name
        assert ours.exists(), f"{shared.name} is not copied into tests/data/reference"
        assert json.loads(ours.read_text()) == json.loads(shared.read_text()), shared.name
