"""Input sent with `turn/steer` is a user message item of the running turn, as 0.169 makes it
(tests/fixtures/steer_items_official.json, captured by tests/app_server/capture_steer_items.py):
item/started and item/completed for it as soon as the steer is accepted (before the model's
held reply is let go), its content echoing what was sent, skill entries included, and
thread/read afterwards shows it in that turn. Real `codex app-server` subprocesses against the
loopback mock model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_steer_items import FIXTURE, steer_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    argv = ours_argv()
    return steer_facts(argv[:-1] if argv[-1] == "app-server" else argv)


def _user_steps(steps: list[Any]) -> list[Any]:
    return [s for s in steps if isinstance(s, dict) and s["type"] == "userMessage"]


def _user_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["type"] == "userMessage"]


def test_the_steered_input_is_a_user_message_item_of_the_turn(facts: dict[str, Any]) -> None:
    assert _user_steps(facts["after_steer"]) == _user_steps(OFFICIAL["after_steer"])


def test_its_item_comes_when_the_steer_is_accepted(facts: dict[str, Any]) -> None:
    """Both user items (the turn's and the steered one) are out before the model's held reply
    is released: the steered one does not wait for the next request."""
    assert _user_steps(facts["before_release"]) == _user_steps(OFFICIAL["before_release"])
    assert facts["steer_reply"] == OFFICIAL["steer_reply"]


def test_thread_read_shows_it_in_the_turn(facts: dict[str, Any]) -> None:
    assert facts["read_turn_count"] == OFFICIAL["read_turn_count"] == 1
    assert _user_items(facts["read_last_turn_items"]) == _user_items(
        OFFICIAL["read_last_turn_items"]
    )


def test_the_fixture_holds_the_steered_item() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    steered = _user_steps(OFFICIAL["after_steer"])[-1]
    assert steered["content"][0]["text"] == "also this"
    assert steered["content"][1]["type"] == "skill"
    assert steered["same_turn"] is True
