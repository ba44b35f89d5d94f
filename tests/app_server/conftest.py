"""Fixtures for the app-server tests: a mock model server, a scratch CODEX_HOME pointing at it,
and a running `codex app-server` (ours) driven by a raw JSON-RPC client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer


@pytest.fixture
def mock() -> Iterator[MockModelServer]:
    with MockModelServer() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, mock: MockModelServer) -> Path:
    return write_mock_config(tmp_path / "home", mock.base_url)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    return path


@pytest.fixture
def server(home: Path, repo: Path) -> Iterator[RpcClient]:
    client = RpcClient(ours_argv(), scratch_env(home), repo)
    yield client
    if client.proc.poll() is None:
        client.close()


@pytest.fixture
def ready(server: RpcClient) -> RpcClient:
    server.initialize()
    return server
