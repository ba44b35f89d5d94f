"""config/mcpServer/reload as 0.169 answers it (tests/fixtures/mcp_reload_official.json,
captured by tests/app_server/capture_mcp_reload.py): a loaded thread's servers follow the
re-read config.toml (kept, restarted, retried, added, removed) with the same
mcpServer/startupStatus/updated statuses, and the same replies and errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.app_server.capture_mcp_reload import FIXTURE, reload_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return reload_facts(ours_argv())


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_reload_matches_the_official_facts(facts: dict[str, Any], name: str) -> None:
    assert facts[name] == OFFICIAL[name]


def test_the_fixture_holds_a_restart_and_a_removal() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    assert OFFICIAL["peer_changed_to_crash"]["statuses"]["peer"] == ["starting", "failed"]
    assert OFFICIAL["calls_after_rename"]["peer"]["message"] == "unknown MCP server 'peer'"
