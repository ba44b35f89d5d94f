"""A CODEX_HOME pointed at the mock model server, and a git repository to run the batch in
(`plain_dir`, a directory outside any repository, comes from tests/support/fixtures.py)."""

from __future__ import annotations

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
