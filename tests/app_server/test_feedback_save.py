"""feedback/save writes the bundle 0.169 writes (tests/fixtures/feedback_save_official.json,
captured by tests/app_server/capture_feedback.py): the same reply, the same ZIP entries,
report, tags, manifest and thread index, the same refusals; nothing is sent anywhere."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.app_server.capture_feedback import FIXTURE, feedback_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return feedback_facts(ours_argv())


@pytest.mark.parametrize("name", sorted(set(OFFICIAL) - {"errors"}))
def test_feedback_save_matches_the_official_facts(facts: dict[str, Any], name: str) -> None:
    assert facts[name] == OFFICIAL[name]


@pytest.mark.parametrize("name", sorted(OFFICIAL["errors"]))
def test_feedback_save_refuses_as_the_official(facts: dict[str, Any], name: str) -> None:
    assert facts["errors"][name] == OFFICIAL["errors"][name]


def test_the_fixture_holds_a_bundle_with_a_rollout() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    bundle = OFFICIAL["ran_thread_with_logs"]
    assert "attachments/<n>/rollout-<stamp>-<thread>.jsonl" in bundle["entries"]
    assert bundle["promptHash"] == "<sha256 hex>"
    assert OFFICIAL["no_thread_bug"]["threadId"] == "no-active-thread-<uuid>"
