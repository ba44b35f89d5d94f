"""thread/turns/list pages as 0.169's does (tests/fixtures/turns_list_official.json, captured by
tests/app_server/capture_turns_list.py): both directions, `nextCursor` and `backwardsCursor`,
cursors bound to their thread, the three item views, the errors, forks and a running turn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_turns_list import FIXTURE, turns_list_facts
from tests.app_server.rpc_client import ours_argv


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return turns_list_facts(ours_argv())


def _official() -> dict[str, Any]:
    return dict(json.loads(Path(FIXTURE).read_text()))


OFFICIAL = _official()


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_turns_list_matches_the_official_facts(facts: dict[str, Any], name: str) -> None:
    assert facts[name] == OFFICIAL[name]


def test_a_fork_lists_its_own_turns_newest_first(facts: dict[str, Any]) -> None:
    assert facts["fork"]["turns"][0] == OFFICIAL["fork"]["turns"][0] == "f0"
    assert facts["fork"]["backwards"] == OFFICIAL["fork"]["backwards"]


def test_the_fixture_holds_both_cursors_and_errors() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    assert OFFICIAL["desc_limit_2"]["next"] == {"turn": "t3", "includeAnchor": False}
    assert OFFICIAL["desc_limit_2"]["backwards"] == {"turn": "t4", "includeAnchor": True}
    assert OFFICIAL["errors"]["garbage_cursor"]["error"]["message"] == "invalid cursor: garbage"
