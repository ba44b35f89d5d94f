"""thread/archive, thread/unarchive and thread/delete given ids as 0.169 answers them
(tests/fixtures/archive_ids_official.json, captured by tests/app_server/capture_archive_ids.py):
an id that names no thread is "no rollout found for thread id <id>" ("no archived rollout" for
unarchive), named in its lower-case hyphenated form whichever spelling the uuid crate took; an
id it cannot read is "invalid session id: <the crate's fault>" ("invalid thread id" for
delete); a loaded thread that never ran a turn is archived (its rollout written first),
unarchived and deleted; a loaded thread is not unarchived ("already has an active writer").
Our server runs the same scenario as a real `codex app-server` subprocess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_archive_ids import FIXTURE, archive_ids_facts
from tests.app_server.rpc_client import ours_argv

from codex.app_server.thread_ids import canonical

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return archive_ids_facts(ours_argv())


@pytest.mark.parametrize("method", sorted(OFFICIAL["ids"]))
def test_ids_are_read_and_refused_alike(facts: dict[str, Any], method: str) -> None:
    assert facts["ids"][method] == OFFICIAL["ids"][method]


@pytest.mark.parametrize("method", sorted(OFFICIAL["other_methods"]))
def test_other_methods_read_ids_alike(facts: dict[str, Any], method: str) -> None:
    """Every method that takes a thread id reads it as the uuid crate does: another spelling
    names the thread in its lower-case hyphenated form, a non-uuid is refused in its words."""
    assert facts["other_methods"][method] == OFFICIAL["other_methods"][method]


def test_a_connection_not_initialized_is_refused_first(facts: dict[str, Any]) -> None:
    """The params decode, so "Not initialized" comes before the method reads its id."""
    refused = {"code": -32600, "message": "Not initialized"}
    assert all(answer == refused for answer in OFFICIAL["before_initialize"].values())
    assert facts["before_initialize"] == OFFICIAL["before_initialize"]


def test_each_state_answers_alike(facts: dict[str, Any]) -> None:
    """Every step of the threads' lives: the answer and the rollout files it leaves."""
    assert facts["states"] == OFFICIAL["states"]


def test_the_server_survives(facts: dict[str, Any]) -> None:
    assert facts["exit_code"] == OFFICIAL["exit_code"] == 0


def test_spellings_name_one_thread() -> None:
    """Each spelling the crate takes names the same thread (the fixture shows 0.169 naming
    them so); braces around the hyphen-less form are not one of them."""
    want = "0195a6c4-0000-7000-8000-00000000000a"
    for text in (want.upper(), want.replace("-", ""), "{" + want + "}", "urn:uuid:" + want):
        assert canonical(text) == want
    assert canonical("{" + want.replace("-", "") + "}") is None
