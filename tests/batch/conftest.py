"""A CODEX_HOME pointed at the mock model server, and a git repository to run the batch in."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    # No retries: a failing task fails on its first error instead of backing off.
    extra = "request_max_retries = 0\nstream_max_retries = 0\n"
    return write_mock_config(tmp_path / "codex-home", mock_model_server.base_url, extra)


@pytest.fixture
def repo(git_repo: Path) -> Path:
    return git_repo


def _outside_git(path: Path) -> bool:
    return not any((d / ".git").exists() for d in (path, *path.parents))


@pytest.fixture
def plain_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory with no `.git` above it (tmp_path, or /dev/shm when /tmp has a `.git`)."""
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
