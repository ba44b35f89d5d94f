"""The app-server's service tier, driven over a real `codex app-server` subprocess by the very
scenario tests/exec/capture_service_tier.py ran against the official 0.169 binary, and compared
with its facts (tests/fixtures/service_tier_official.json): the `serviceTier` thread/start and
thread/resume report for each value ("fast" is "priority", null is "default", an unadvertised
tier is null), the `service_tier` each turn's request carries after thread/start or turn/start
set it (turn/start's sticks for later turns; `serviceTierForTurn` changes nothing), model/list's
tiers, and modelProvider/capabilities/read (which names no tier)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.app_server.rpc_client import ours_argv
from tests.exec.capture_service_tier import FIXTURE, app_server_facts

OFFICIAL: dict[str, Any] = json.loads(FIXTURE.read_text())["app_server"]


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return app_server_facts(ours_argv())


@pytest.mark.parametrize("key", sorted(OFFICIAL))
def test_matches_0169(ours: dict[str, Any], key: str) -> None:
    assert ours[key] == OFFICIAL[key]
