"""Pytest fixtures for the mock model server (re-exported by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.support.mock_model_server import MockModelServer


@pytest.fixture
def mock_model_server() -> Iterator[MockModelServer]:
    """A fresh MockModelServer on 127.0.0.1:<free port>, closed after the test."""
    with MockModelServer() as server:
        yield server
