"""A fork's lineage as 0.169 records and reads it (tests/fixtures/fork_lineage_official.json,
captured by tests/app_server/capture_fork_lineage.py): the fork's session_meta names its
parent (`forked_from_id`, `forked_from_ordinal_exclusive` right after `id`), and thread/fork,
thread/read, thread/resume and thread/turns/list give the parent's turns up to the fork before
the fork's own, loaded or read back from the files by a restarted server; thread/list says no
`forkedFromId` and previews a fork by its lineage's first message. Real `codex app-server`
subprocesses against the loopback mock model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_fork_lineage import FIXTURE, fork_lineage_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return fork_lineage_facts(ours_argv())


def _without_account_scope(meta: dict[str, Any]) -> dict[str, Any]:
    # 0.169's `account_scoped` (first key of every session_meta it writes) is not ours to
    # write; the lineage keys' place after `id` is the fact compared.
    keys = [k for k in meta["keys_before_timestamp"] if k != "account_scoped"]
    return {**meta, "keys_before_timestamp": keys}


# thread/list rows are [id, forkedFromId, preview]: no forkedFromId, and a fork previewed by
# its lineage's first message (p0), as 0.169 lists it.
@pytest.mark.parametrize("name", sorted(set(OFFICIAL) - {"session_meta"}))
def test_fork_lineage_matches_the_official_facts(facts: dict[str, Any], name: str) -> None:
    assert facts[name] == OFFICIAL[name]


def test_the_fork_session_meta_names_its_parent(facts: dict[str, Any]) -> None:
    assert _without_account_scope(facts["session_meta"]) == _without_account_scope(
        OFFICIAL["session_meta"]
    )


def test_the_fixture_holds_the_lineage() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    assert OFFICIAL["read_from_disk"]["turns"] == ["p0", "p1", "f0"]
    assert OFFICIAL["turns_list_fork_of_fork"]["desc"] == ["g0", "f0", "p1", "p0"]
    assert OFFICIAL["session_meta"]["forked_from_id"] == "<parent>"
    assert all(row[1] is None for row in OFFICIAL["list_from_disk"])
