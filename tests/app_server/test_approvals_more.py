"""Approval requests the client never answers: `turn/interrupt` ends the turn `interrupted`
(the official 0.169 order: the interrupt's response, idle, turn/completed; no
serverRequest/resolved), the command never runs, not even on a late answer, nothing is left
running and the rollout stays readable; a client that closes stdin while asked makes the
server exit cleanly with no process of the command left anywhere."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from tests.app_server.rpc_client import RpcClient
from tests.app_server.shapes import sequence
from tests.app_server.test_approvals import _descendants
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

ESCALATED = {"sandbox_permissions": "require_escalated", "justification": "need it"}
USAGE = ("thread/tokenUsage/updated", "account/rateLimits/updated")
# What the official 0.169 binary sends after turn/interrupt with an approval pending (same
# mock turn, driven by this client; usage notifications left out as they race the request).
OFFICIAL_AFTER_INTERRUPT = ["response", "thread/status/changed(idle)", "turn/completed"]


def _ask(client: RpcClient, repo: Path, mock: MockModelServer, cmd: str) -> tuple[str, str, dict]:
    """Start a turn whose command needs approval; (thread id, turn id, the request)."""
    mock.enqueue(
        Turn([FunctionCall("call_a", "exec_command", {"cmd": cmd, **ESCALATED})]),
        Turn([Message("after")]),
    )
    thread_id = client.call(
        "thread/start",
        {"cwd": str(repo), "approvalPolicy": "on-request", "sandbox": "read-only"},
    )["thread"]["id"]
    request_id = client.start(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "go"}]}
    )
    pre = client.until(lambda m: "method" in m and "id" in m)
    turn_id = next(m for m in pre if m.get("id") == request_id)["result"]["turn"]["id"]
    assert pre[-1]["method"] == "item/commandExecution/requestApproval"
    return thread_id, turn_id, pre[-1]


def _processes_running(marker: str) -> list[int]:
    """Pids whose command line mentions `marker` (a name only the test's command uses)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            out.append(int(entry))
    return out


def test_interrupt_with_an_unanswered_approval(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    marker = f"never-{uuid.uuid4().hex}"
    thread_id, turn_id, request = _ask(ready, repo, mock, f"touch {marker}")
    interrupt = ready.start("turn/interrupt", {"threadId": thread_id, "turnId": turn_id})
    post = ready.until(lambda m: m.get("method") == "turn/completed")
    assert next(m for m in post if m.get("id") == interrupt)["result"] == {}
    assert [k for k in sequence(post) if k not in USAGE] == OFFICIAL_AFTER_INTERRUPT
    turn = post[-1]["params"]["turn"]
    assert turn["id"] == turn_id and turn["status"] == "interrupted"
    assert post[-2]["params"] == {"threadId": thread_id, "status": {"type": "idle"}}
    assert not (repo / marker).exists()
    assert len(mock.requests) == 1  # the model was not asked again
    # A late answer to the abandoned request runs nothing.
    ready.send({"id": request["id"], "result": {"decision": "accept"}})
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    assert [t["status"] for t in read["turns"]] == ["interrupted"]
    assert not (repo / marker).exists()
    assert _processes_running(marker) == []
    assert _descendants(ready.proc.pid) == []
    # the rollout is whole JSON lines and records the abort
    lines = Path(read["path"]).read_bytes().splitlines()
    records = [json.loads(line) for line in lines]
    assert all(isinstance(r, dict) for r in records)
    assert any(
        r.get("type") == "event_msg" and r["payload"].get("type") == "turn_aborted" for r in records
    )
    # the thread goes on: the next turn runs normally
    mock.enqueue(Turn([Message("again")]))
    _, messages = ready.turn(thread_id, "next")
    assert messages[-1]["params"]["turn"]["status"] == "completed"
    assert not (repo / marker).exists()
    assert ready.close() == 0


def test_stdin_closed_while_asked_leaves_no_process(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    marker = f"never-{uuid.uuid4().hex}"
    thread_id, _, _ = _ask(ready, repo, mock, f"touch {marker}; sleep 300")
    path = Path(ready.call("thread/read", {"threadId": thread_id})["thread"]["path"])
    children = _descendants(ready.proc.pid)
    assert ready.close() == 0  # stdin closed: the server declines, shuts down, exits 0
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"process {pid} outlived the server"
    assert _processes_running(marker) == []
    assert not (repo / marker).exists()
    records = [json.loads(line) for line in path.read_bytes().splitlines()]
    assert any(
        r.get("type") == "response_item" and r["payload"].get("role") == "user" for r in records
    )
    assert len(mock.requests) == 1
