"""Pytest fixtures for the mock model server (re-exported by tests/conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer


@pytest.fixture
def mock_model_server() -> Iterator[MockModelServer]:
    """A fresh MockModelServer on 127.0.0.1:<free port>, closed after the test."""
    with MockModelServer() as server:
        yield server


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository (`codex exec` refuses to run outside one by default)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (needed to make a repository for codex exec)")
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path
