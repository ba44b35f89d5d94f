"""Where a thread's `collaborationMode` is reported, as 0.169 reports it
(tests/fixtures/start_fork_mode_official.json, captured by
tests/app_server/capture_start_fork_mode.py): never in thread/start or thread/fork results
(with or without `experimentalApi`, a fork of a Plan-mode thread included), always in
thread/resume's (no experimental API needed): Plan after a Plan turn, Default for a fork of
that thread (a fork starts over in Default). Real `codex app-server` subprocesses against the
loopback mock model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_start_fork_mode import FIXTURE, start_fork_mode_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return start_fork_mode_facts(ours_argv())


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_collaboration_mode_is_reported_where_0169_reports_it(
    facts: dict[str, Any], name: str
) -> None:
    assert facts[name] == OFFICIAL[name]


def test_the_fixture_holds_both_answers() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    assert OFFICIAL["experimental: thread/start"] == OFFICIAL["experimental: thread/fork"]
    assert OFFICIAL["experimental: thread/fork"] == "<absent>"
    assert OFFICIAL["not experimental: thread/resume"]["mode"] == "default"
    assert OFFICIAL["experimental: thread/resume after a Plan turn"]["mode"] == "plan"
