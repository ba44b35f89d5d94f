"""A fork in thread/list as 0.169 lists it (tests/fixtures/fork_preview_official.json,
captured by tests/app_server/capture_fork_preview.py): previewed by its lineage's first
message (the parent's), with or without a turn of its own, by the server that made it and by
a restarted one reading the files; a `searchTerm` matches a fork's own first message where it
has one (and previews that), the lineage's where it has none. Real `codex app-server`
subprocesses against the loopback mock model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_fork_preview import FIXTURE, fork_preview_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return fork_preview_facts(ours_argv())


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_fork_previews_match_the_official_facts(facts: dict[str, Any], name: str) -> None:
    assert facts[name] == OFFICIAL[name]


def test_the_fixture_holds_the_lineage_preview() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    assert ["<fork with a turn>", "p0"] in OFFICIAL["list_from_disk"]
    assert ["<fork without a turn>", "p0"] in OFFICIAL["list_after_fork"]
    assert OFFICIAL["search_fork_message"] == [["<fork with a turn>", "g0"]]
