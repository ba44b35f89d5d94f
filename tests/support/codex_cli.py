"""Fixtures running the real `codex` CLI (`python -m codex`) in a scratch HOME, never ~/.codex.

Shared by tests/config and tests/cli through their conftest files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunCodex = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def scratch_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    env["HOME"] = str(home)
    return env


@pytest.fixture
def run_codex(scratch_env: dict[str, str], tmp_path: Path) -> RunCodex:
    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "codex", *args],
            cwd=cwd or tmp_path,
            env={**scratch_env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run
