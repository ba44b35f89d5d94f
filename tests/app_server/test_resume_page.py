"""thread/resume's paging keys as 0.169 answers them (tests/fixtures/resume_page_official.json,
captured by tests/app_server/capture_resume_page.py): every resume result ends with
`initialTurnsPage` (null unless asked for), `turnsBackwardsCursor` (the newest turn, included)
and `itemsBackwardsCursor` (the newest item, included), `excludeTurns` or not; an
`initialTurnsPage {limit, sortDirection, itemsView}` request gets the thread/turns/list page
those options give, a fork's lineage included; the request field needs `experimentalApi` and
malformed options are refused first. Our server runs the same scenario as real
`codex app-server` subprocesses against the loopback mock model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_resume_page import FIXTURE, resume_page_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return resume_page_facts(ours_argv())


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_resume_paging_matches_the_official_facts(facts: dict[str, Any], name: str) -> None:
    assert facts[name] == OFFICIAL[name]


def test_the_fixture_holds_the_paging() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    loaded = OFFICIAL["loaded"]
    assert loaded["keys"][-3:] == [
        "initialTurnsPage",
        "turnsBackwardsCursor",
        "itemsBackwardsCursor",
    ]
    assert [t[0] for t in loaded["initialTurnsPage"]["data"]] == ["t2", "t1"]
    assert OFFICIAL["from disk, excludeTurns"]["turnsBackwardsCursor"] == {
        "turn": "t2",
        "includeAnchor": True,
    }
    assert OFFICIAL["fork from disk, page {}"]["following"]["turns desc"] == [
        "f0",
        "t2",
        "t1",
        "t0",
    ]
    assert "experimentalApi" in OFFICIAL["not experimental, page {}"]["error"]["message"]
