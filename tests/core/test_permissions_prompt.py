"""The permissions part of the request input (codex.core.permissions_prompt) against 0.169's
facts (tests/fixtures/permissions_official.json, from tests/core/capture_permissions.py).

Each test runs our real CLI (`codex exec`, `exec resume`, `codex app-server`) against the
loopback mock model server and reduces the recorded request bodies as the capture reduced
0.169's: messages by role, parts by kind, a permissions part by the facts it states. Parts only
0.169 sends (its model-instructions message, the built-in skills list, the deferred tools part)
and the `<environment_context>` message (whose fields are ours, and which ours re-sends on an
approval change) are left out of the comparison; the permissions part must still come before
the environment context wherever both are sent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import RpcClient
from tests.core import capture_permissions as cap
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

OFFICIAL = json.loads(cap.FIXTURE.read_text())
OURS = [sys.executable, "-m", "codex"]
RESUME = ["resume", "--last", "again"]
_ONLY_OFFICIAL = {"other_developer", "skills", "tools", "environment_context"}


def projection(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A layout without the parts only one side has, and without messages left empty."""
    out = []
    for item in items:
        if "parts" not in item:
            out.append(item)
            continue
        parts = []
        for part in item["parts"]:
            if isinstance(part, dict):
                parts.append({k: v for k, v in part.items() if k != "sha1"})
            elif part not in _ONLY_OFFICIAL:
                parts.append(part)
        if parts:
            out.append({"role": item["role"], "parts": parts})
    return out


def assert_permissions_before_environment(items: list[dict[str, Any]]) -> None:
    kinds = [
        "permissions" if isinstance(part, dict) else part
        for item in items
        for part in item.get("parts", ())
    ]
    if "permissions" in kinds and "environment_context" in kinds:
        assert kinds.index("permissions") < kinds.index("environment_context"), kinds


def test_fixture_states_what_the_tests_rely_on() -> None:
    """0.169: the opening developer message always carries one permissions part, after the
    developer instructions and skills; a re-sent one is a developer message of its own."""
    for case in OFFICIAL["exec"]:
        first = case["requests"][0]
        developer = [m for m in first if m.get("role") == "developer"][-1]
        assert sum(isinstance(p, dict) for p in developer["parts"]) == 1
        assert_permissions_before_environment(first)
    resent = OFFICIAL["exec_resume"][0]["requests"][-1][1]
    assert resent["role"] == "developer" and len(resent["parts"]) == 1


@pytest.mark.parametrize("index", range(len(cap.EXEC_CASES)))
def test_exec_first_request_states_the_permissions(index: int) -> None:
    expected = OFFICIAL["exec"][index]
    ours = cap.exec_case(OURS, cap.EXEC_CASES[index])
    assert ours["rc"] == [0]
    assert [projection(r) for r in ours["requests"]] == [
        projection(r) for r in expected["requests"]
    ]
    for request in ours["requests"]:
        assert_permissions_before_environment(request)


@pytest.mark.parametrize("index", range(len(cap.RESUME_CASES)))
def test_exec_resume_restates_changed_permissions_only(index: int) -> None:
    first, resumed = cap.RESUME_CASES[index]
    expected = OFFICIAL["exec_resume"][index]
    ours = cap.exec_case(OURS, first, resumed)
    assert ours["rc"] == [0, 0]
    assert [projection(r) for r in ours["requests"]] == [
        projection(r) for r in expected["requests"]
    ]


def test_app_server_thread_start_under_each_policy() -> None:
    starts = [entry["thread_start"] for entry in OFFICIAL["app_server_starts"]]
    ours = cap.app_server_case([*OURS, "app-server"], starts, [{}], hashes=False)
    for got, want in zip(ours, OFFICIAL["app_server_starts"], strict=True):
        assert "error" not in got, got
        got_added = got["turns"][0]["added"]
        assert [projection(a) for a in got_added] == [
            projection(a) for a in want["turns"][0]["added"]
        ], want["thread_start"]
        assert_permissions_before_environment(got_added[0])


def test_app_server_restates_permissions_when_they_change() -> None:
    """Approval, sandbox, network or a cwd that moves the writable roots: a developer message
    with the new part before the turn's input; nothing when they stay (a cwd change under full
    access included)."""
    ours = cap.app_server_case(
        [*OURS, "app-server"],
        [OFFICIAL["app_server_sequence"][0]["thread_start"]],
        cap.SEQUENCE,
        hashes=False,
    )
    got_turns = ours[0]["turns"]
    want_turns = OFFICIAL["app_server_sequence"][0]["turns"]
    for got, want in zip(got_turns, want_turns, strict=True):
        assert [projection(a) for a in got["added"]] == [projection(a) for a in want["added"]], (
            want["turn_start"]
        )
        for added in got["added"]:
            assert_permissions_before_environment(added)


def test_resumed_thread_lists_no_permissions_message(tmp_path: Path) -> None:
    """The recorded developer message (opening and re-sent) is context, not a user message:
    a resumed thread's turns list only what the user typed and the answers."""
    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
        home = write_mock_config(tmp_path / "home", mock.base_url)
        work = tmp_path / "work"
        work.mkdir()
        env = cap._env(home)
        for argv in (
            [*OURS, "exec", "--json", "--skip-git-repo-check", "-s", "read-only", "hi"],
            [*OURS, "exec", "--skip-git-repo-check", "-s", "workspace-write", *RESUME],
        ):
            proc = subprocess.run(argv, cwd=work, env=env, capture_output=True, timeout=120)
            assert proc.returncode == 0, proc.stderr.decode()[-2000:]
            if "--json" in argv:
                started = json.loads(proc.stdout.splitlines()[0])
                thread_id = started["thread_id"]
        last = mock.requests[-1].json["input"]
        assert [m.get("role") for m in last].count("developer") == 2  # opening + re-sent
        client = RpcClient([*OURS, "app-server"], env, work)
        try:
            client.initialize()
            result = client.call("thread/resume", {"threadId": thread_id})
            items = [item for turn in result["thread"]["turns"] for item in turn["items"]]
        finally:
            client.close()
    kinds = [(item["type"], _item_text(item)) for item in items]
    assert kinds == [
        ("userMessage", "hi"),
        ("agentMessage", "ok"),
        ("userMessage", "again"),
        ("agentMessage", "ok"),
    ]


def _item_text(item: dict[str, Any]) -> str:
    if item["type"] == "userMessage":
        return "".join(part.get("text", "") for part in item["content"])
    return str(item.get("text", ""))
