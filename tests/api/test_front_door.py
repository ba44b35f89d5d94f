"""`codex.api`, the front door: every documented name resolves, importing it costs nothing until a
name is used, and the package ships its `py.typed` marker."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import codex
import codex.api

SERVICES = ["credentials", "local_models", "sandboxing", "saved_sessions"]


def test_every_exported_name_resolves():
    for name in codex.api.__all__:
        assert getattr(codex.api, name) is not None, name
    assert codex.api.open_session is importlib.import_module("codex.core.open").open_session


@pytest.mark.parametrize("service", SERVICES)
def test_services_are_modules_named_for_what_they_are(service):
    module = importlib.import_module(f"codex.api.{service}")
    assert module.__all__
    for name in module.__all__:
        assert callable(getattr(module, name)) or name == "DEFAULT_PORT", name


def test_importing_the_front_door_imports_nothing_else():
    code = (
        "import sys, codex.api, codex.api.credentials\n"
        "print(sorted(m for m in sys.modules if m.startswith('codex')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert eval(out) == ["codex", "codex._lazy", "codex.api", "codex.api.credentials"]


def test_the_package_is_marked_typed():
    assert (Path(codex.__file__).parent / "py.typed").is_file()
