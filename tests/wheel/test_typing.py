"""Issue 18 item 4: mypy is strict on `protocol/`, `config/` and the public API, with no module
of them excused from a strict error code. Runs mypy as scripts/test does ([tool.mypy])."""

from __future__ import annotations

import fnmatch
import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRICT = ["codex", "codex.protocol", "codex.config", "codex.api", "codex.sdk"]


def _mypy_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def _covers(pattern: str, package: str) -> bool:
    return pattern == package or (pattern != "codex" and fnmatch.fnmatch(pattern, f"{package}.*"))


def test_no_strict_module_is_excused_from_an_error_code():
    excused = {}
    for override in _mypy_config().get("overrides", []):
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        codes = override.get("disable_error_code", [])
        for module in modules:
            if codes and any(_covers(module, package) for package in STRICT):
                excused[module] = codes
    assert excused == {}


def test_the_strict_flags_cover_the_typed_front_door():
    [strict] = [o for o in _mypy_config()["overrides"] if o.get("disallow_untyped_defs")]
    for package in STRICT:
        assert package in strict["module"]
        if package != "codex":
            assert f"{package}.*" in strict["module"]
    for flag in ("disallow_any_generics", "warn_return_any", "no_implicit_reexport"):
        assert strict[flag] is True


def test_mypy_is_clean():
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (the test extra has it)")
    out = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-4000:]
    assert out.stdout.startswith("Success: no issues found")
