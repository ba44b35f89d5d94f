"""Fixtures the `codex exec` tests share: a CODEX_HOME pointed at the mock model server, and a git
repository to run in (modules may override `home`, as test_cli.py does for runs without a mock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exec.harness import write_config
from tests.support.mock_model_server import MockModelServer


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    path = tmp_path / "codex-home"
    write_config(path, mock_model_server.base_url)
    return path


@pytest.fixture
def repo(git_repo: Path) -> Path:
    return git_repo
