"""Pytest fixtures every area shares (re-exported by tests/conftest.py): the mock model server,
a git repository, and a directory outside any repository."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
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


def _outside_git(path: Path) -> bool:
    return not any((d / ".git").exists() for d in (path, *path.parents))


@pytest.fixture
def plain_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory with no `.git` above it, for runs that must happen outside a repository:
    tmp_path, or a directory on /dev/shm when something made a `.git` above /tmp (a stray
    /tmp/.git once made such tests pass falsely)."""
    if _outside_git(tmp_path):
        path = tmp_path / "plain"
        path.mkdir()
        yield path
        return
    shm = Path("/dev/shm")
    if not shm.is_dir() or not _outside_git(shm):
        pytest.skip("no directory outside a git repository available")
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        yield Path(tmp)
