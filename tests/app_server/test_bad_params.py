"""Malformed params, as 0.169 answers them (tests/fixtures/bad_params_official.json, captured by
tests/app_server/capture_bad_params.py): params that are not an object name the method's params
struct ("expected struct ThreadStartParams"; `[]` is "invalid length N, expected struct ... with
M elements"), a field of the wrong type, an unknown variant or a missing required field is
refused with serde's words before any thread is looked up, unknown fields are ignored. Our
server runs the same matrix, and a string and `[]` for every other method with a params
struct, as a real `codex app-server` subprocess, every answer compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_bad_params import CASES, FIXTURE, bad_params_facts
from tests.app_server.rpc_client import ours_argv

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())

# Answers that are not about params: the error of a call that got past them.
KNOWN: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return bad_params_facts(ours_argv())


@pytest.mark.parametrize("method", sorted(CASES))
def test_answers_match_the_official_ones(facts: dict[str, Any], method: str) -> None:
    ours = {case: answer for case, answer in facts[method].items() if (method, case) not in KNOWN}
    official = {c: a for c, a in OFFICIAL[method].items() if (method, c) not in KNOWN}
    assert ours == official


def test_every_params_struct_is_named(facts: dict[str, Any]) -> None:
    """The other methods with a params struct: a string and `[]` (struct names, field counts,
    the first field without a default, a struct read from a map only), `{}` (the first required
    field, before "not supported") and a numeric `threadId`."""
    assert facts["every_struct"] == OFFICIAL["every_struct"]


def test_the_server_survives(facts: dict[str, Any]) -> None:
    assert facts["exit_code"] == OFFICIAL["exit_code"] == 0


def test_the_fixture_holds_each_kind() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    start, read, turn = OFFICIAL["thread/start"], OFFICIAL["thread/read"], OFFICIAL["turn/start"]
    prefix = "Invalid request: "
    assert (
        start['"x"']["message"]
        == prefix + 'invalid type: string "x", expected struct ThreadStartParams'
    )
    assert (
        read["[]"]["message"]
        == prefix + "invalid length 0, expected struct ThreadReadParams with 2 elements"
    )
    assert OFFICIAL["skills/list"]["[]"] == "ok"
    assert read["{}"]["message"] == prefix + "missing field `threadId`"
    no_input = '{"threadId": "00000000-0000-7000-8000-000000000000"}'
    assert turn[no_input]["message"] == prefix + "missing field `input`"
    assert OFFICIAL["thread/list"]['{"bogusField": 1}'] == "ok"
    assert (
        OFFICIAL["thread/list"]['{"limit": -1}']["message"]
        == prefix + "invalid value: integer `-1`, expected u32"
    )
    assert all(
        answer == "ok"
        or answer["code"] == -32600
        or answer["message"].endswith("timeoutMs must be non-negative, got -1")  # -32602
        for method in CASES
        for answer in OFFICIAL[method].values()
    )
