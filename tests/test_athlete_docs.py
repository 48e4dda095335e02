"""docs/models.md documents every athlete setting, command and model module."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberun.services import athlete as svc

DOC = Path(__file__).resolve().parents[1] / "docs" / "models.md"


@pytest.fixture(scope="module")
def models_doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_setting_is_documented(models_doc):
    missing = [k for k in svc.settable_keys() if f"`{k}`" not in models_doc]
    assert missing == []


@pytest.mark.parametrize("command", ["fitness", "paces", "predict", "athlete", "athlete set"])
def test_every_command_is_documented(models_doc, command):
    assert f"deliberun {command}" in models_doc


@pytest.mark.parametrize(
    "module", ["load.py", "load_ratios.py", "vdot.py", "predict.py", "thresholds.py", "banister.py"]
)
def test_every_model_module_is_documented(models_doc, module):
    assert f"models/{module}" in models_doc
