"""A user's goal change while a tool call is in flight (thread/goal/set with `origin: "user"`
during a turn): the user-goal message (codex.core.goals.user_context) must join the turn's next
request after the call's output, never between the call and its output. Split, the Chat wire
sends assistant tool_calls → user → tool, which Chat Completions rejects, and the rollout keeps
the split, so the thread stays broken after a resume.

A deliberate difference from 0.169: run in this same scenario (Responses wire; 0.169 refuses
`wire_api = "chat"`), 0.169's app-server puts the message into the history at once, so its next
request and its rollout hold function_call c1 -> user goal message -> function_call_output c1.
Ours queues it while the turn runs, as steered input; with no turn running it goes in at once,
as 0.169 (tests/app_server/test_goals_lifecycle.py).

The call is held for real: `exec_command` runs `cat` on a fifo the test opens only after the
goal change was answered."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

USER_GOAL = '<codex_internal_context source="user_goal">'
PAUSED = 'User set goal status: "paused".'


def _release(fifo: Path) -> None:
    """Let the held `cat` finish (its reader is open once the call runs)."""
    with contextlib.suppress(OSError):
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, b"released\n")
        finally:
            os.close(fd)


def _run(tmp_path: Path, wire: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The follow-up request's input (Responses `input` / Chat `messages`) and the rollout's
    response items, after a paused-by-the-user goal change made while the call was held."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    repo = tmp_path / "repo"
    repo.mkdir()
    with MockModelServer() as mock:
        call = FunctionCall("c1", "exec_command", {"cmd": f"cat {fifo}"})
        mock.enqueue(Turn([call]), Turn([Message("done")]))
        home = write_mock_config(tmp_path / "home", mock.base_url)
        config = home / "config.toml"  # top-level keys before the provider's table
        top = 'approval_policy = "never"\nsandbox_mode = "danger-full-access"\n'
        config.write_text(top + config.read_text().replace('"responses"', f'"{wire}"'))
        client = RpcClient(ours_argv(), scratch_env(home), repo)
        try:
            client.initialize()
            tid = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
            client.start("turn/start", {"threadId": tid, "input": [{"type": "text", "text": "go"}]})
            client.until(
                lambda m: (
                    m.get("method") == "item/started"
                    and m["params"]["item"].get("type") == "commandExecution"
                )
            )
            params = {"threadId": tid, "objective": "ship", "status": "paused", "origin": "user"}
            client.call("thread/goal/set", params)
            _release(fifo)
            client.until(lambda m: m.get("method") == "turn/completed")
        finally:
            _release(fifo)
            client.close()
        sent = mock.requests[1].input()
    rollouts = list((home / "sessions").rglob("rollout-*.jsonl"))
    assert len(rollouts) == 1
    lines = [json.loads(line) for line in rollouts[0].read_text().splitlines()]
    recorded = [line["payload"] for line in lines if line["type"] == "response_item"]
    return sent, recorded


def _text(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or () if isinstance(p, dict))


def _assert_responses_order(items: list[dict[str, Any]]) -> None:
    kinds = [
        "goal" if USER_GOAL in _text(i) else i.get("type")
        for i in items
        if i.get("type") in ("function_call", "function_call_output") or USER_GOAL in _text(i)
    ]
    assert kinds == ["function_call", "function_call_output", "goal"]
    (output,) = [i for i in items if i.get("type") == "function_call_output"]
    assert "released" in str(output["output"])  # the call was held until the goal change
    (goal,) = [i for i in items if USER_GOAL in _text(i)]
    assert goal["role"] == "user" and PAUSED in _text(goal)


@pytest.mark.parametrize("wire", ["responses", "chat"])
def test_a_user_goal_change_waits_for_the_held_calls_output(tmp_path: Path, wire: str) -> None:
    sent, recorded = _run(tmp_path, wire)
    if wire == "responses":
        _assert_responses_order(sent)
    else:  # Chat: the tool message right after the assistant's tool_calls, the goal after it
        at = next(n for n, m in enumerate(sent) if m.get("tool_calls"))
        assert sent[at + 1]["role"] == "tool" and sent[at + 1]["tool_call_id"] == "c1"
        assert "released" in _text(sent[at + 1])
        assert sent[at + 2]["role"] == "user" and USER_GOAL in _text(sent[at + 2])
        assert PAUSED in _text(sent[at + 2])
    _assert_responses_order(recorded)  # the rollout (read back by a resume) in the same order
