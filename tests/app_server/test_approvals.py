"""Server→client approval requests over raw JSON-RPC: the official order and shape, each
decision, nonsense and error answers (declined, the turn goes on), and a client that
disconnects while a request is pending (the server ends cleanly, the rollout stays whole, no
process is left behind)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from tests.app_server.rpc_client import RpcClient
from tests.app_server.shapes import keys, official, sequence
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call

ESCALATED = {"sandbox_permissions": "require_escalated", "justification": "need it"}


def _command_turn(mock: MockModelServer, cmd: str, answer: str = "after") -> None:
    mock.enqueue(
        Turn([FunctionCall("call_a", "exec_command", {"cmd": cmd, **ESCALATED})]),
        Turn([Message(answer)]),
    )


def _thread(client: RpcClient, repo: Path) -> str:
    return client.call(
        "thread/start",
        {"cwd": str(repo), "approvalPolicy": "on-request", "sandbox": "read-only"},
    )["thread"]["id"]


def _ask(client: RpcClient, thread_id: str, text: str = "go") -> tuple[int, list[dict]]:
    request_id = client.start(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": text}]}
    )
    pre = client.until(lambda m: "method" in m and "id" in m)
    assert any(m.get("id") == request_id for m in pre)
    return request_id, pre


def test_a_declined_command_follows_the_official_order(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    _command_turn(mock, "touch x.txt")
    thread_id = _thread(ready, repo)
    _, pre = _ask(ready, thread_id)
    request = pre[-1]
    theirs = official("approval_declined")
    their_request = next(m for m in theirs if "id" in m and "method" in m)
    assert request["method"] == "item/commandExecution/requestApproval"
    assert keys(request["params"]) == keys(their_request["params"])
    assert isinstance(request["id"], int)
    assert request["params"]["command"] == "/bin/bash -lc 'touch x.txt'"
    assert request["params"]["reason"] == "need it"
    ready.send({"id": request["id"], "result": {"decision": "decline"}})
    post = ready.until(lambda m: m.get("method") == "turn/completed")
    # Core reports a request's usage when its stream ends, before the tools run; the official
    # server reports it after them. Everything else is in the official order.
    usage = ("thread/tokenUsage/updated", "account/rateLimits/updated")
    ours = [k for k in sequence(pre + post) if k not in usage]
    assert ours[ours.index("response") :] == [k for k in sequence(theirs) if k not in usage]
    done = [m for m in post if m.get("method") == "item/completed"]
    assert done[0]["params"]["item"]["status"] == "declined"
    assert post[-1]["params"]["turn"]["status"] == "completed"
    assert not (repo / "x.txt").exists()
    # the model was told the command was declined
    output = mock.requests[-1].function_call_output("call_a")
    assert output is not None


@pytest.mark.parametrize(
    ("answer", "status", "turn_status"),
    [
        ({"result": {"decision": "banana"}}, "failed", "completed"),
        ({"result": {}}, "failed", "completed"),
        ({"result": {"decision": {"acceptWithExecpolicyAmendment": 5}}}, "failed", "completed"),
        ({"error": {"code": -1, "message": "client blew up"}}, "failed", "completed"),
        # cancel = abort: the command is declined and the turn stops (interrupted)
        ({"result": {"decision": "cancel"}}, "declined", "interrupted"),
    ],
)
def test_nonsense_or_error_answers_decline_and_the_turn_goes_on(
    ready: RpcClient,
    repo: Path,
    mock: MockModelServer,
    answer: dict,
    status: str,
    turn_status: str,
) -> None:
    _command_turn(mock, "touch y.txt")
    thread_id = _thread(ready, repo)
    _, pre = _ask(ready, thread_id)
    ready.send({"id": pre[-1]["id"], **answer})
    post = ready.until(lambda m: m.get("method") == "turn/completed")
    # The usage and rate limits of the request that asked (thread/tokenUsage/updated,
    # account/rateLimits/updated) arrive when its stream completes, which races the approval
    # round trip; only the approval's own order is asserted here.
    usage = ("thread/tokenUsage/updated", "account/rateLimits/updated")
    post = [m for m in post if m.get("method") not in usage]
    assert post[0] == {
        "method": "serverRequest/resolved",
        "params": {"threadId": thread_id, "requestId": pre[-1]["id"]},
        "emittedAtMs": post[0]["emittedAtMs"],
    }
    done = [m for m in post if m.get("method") == "item/completed"]
    assert done[0]["params"]["item"]["status"] == status
    assert post[-1]["params"]["turn"]["status"] == turn_status
    assert not (repo / "y.txt").exists()


def test_an_accepted_command_runs(ready: RpcClient, repo: Path, mock: MockModelServer) -> None:
    _command_turn(mock, "touch ok.txt")
    thread_id = _thread(ready, repo)
    _, pre = _ask(ready, thread_id)
    ready.send({"id": pre[-1]["id"], "result": {"decision": "accept"}})
    post = ready.until(lambda m: m.get("method") == "turn/completed")
    done = [
        m["params"]["item"]
        for m in post
        if m.get("method") == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
    ]
    assert [item["status"] for item in done] == ["completed"]
    assert done[0]["exitCode"] == 0
    assert (repo / "ok.txt").exists()


def test_a_patch_asks_with_file_change_request_approval(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n"
    mock.enqueue(Turn([apply_patch_call("call_p", patch)]), Turn([Message("patched")]))
    thread_id = _thread(ready, repo)
    _, pre = _ask(ready, thread_id)
    request = pre[-1]
    assert request["method"] == "item/fileChange/requestApproval"
    assert sorted(request["params"]) == [
        "grantRoot",
        "itemId",
        "reason",
        "startedAtMs",
        "threadId",
        "turnId",
    ]
    started = [m for m in pre if m.get("method") == "item/started"]
    assert started[-1]["params"]["item"]["type"] == "fileChange"
    ready.send({"id": request["id"], "result": {"decision": "accept"}})
    post = ready.until(lambda m: m.get("method") == "turn/completed")
    assert post[-1]["params"]["turn"]["status"] == "completed"
    assert (repo / "hello.txt").read_text() == "hello\n"


def _descendants(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(entry))
    return out


def test_a_client_that_disconnects_while_asked_leaves_nothing_behind(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    _command_turn(mock, "touch z.txt")
    thread_id = _thread(ready, repo)
    _ask(ready, thread_id)
    path = Path(ready.call("thread/read", {"threadId": thread_id})["thread"]["path"])
    assert ready.close() == 0  # EOF: the server declines, shuts the thread down, exits
    assert not (repo / "z.txt").exists()
    lines = path.read_bytes().splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert any(b'"UserMessage"' in line for line in lines)


def test_a_client_that_disconnects_mid_turn_kills_the_running_command(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(
        Turn(
            [FunctionCall("call_s", "exec_command", {"cmd": "sleep 300", "yield_time_ms": 60000})]
        ),
        Turn([Message("never")]),
    )
    thread_id = ready.call(
        "thread/start", {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "read-only"}
    )["thread"]["id"]
    ready.start("turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "s"}]})
    ready.until(
        lambda m: (
            m.get("method") == "item/started" and m["params"]["item"]["type"] == "commandExecution"
        )
    )
    children = _descendants(ready.proc.pid)
    assert children  # the shell running sleep
    ready.proc.stdin.close()
    assert ready.proc.wait(timeout=30) == 0
    for pid in children:
        alive = Path(f"/proc/{pid}").exists() and "Z" not in (
            Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if Path(f"/proc/{pid}").exists()
            else "Z"
        )
        if alive:
            os.kill(pid, signal.SIGKILL)
        assert not alive, f"process {pid} outlived the server"


def test_sigterm_mid_turn_exits_cleanly(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(Hold(Turn([Message("slow")]), frames=None))
    thread_id = ready.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
    ready.start("turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "t"}]})
    mock.wait_held()
    ready.proc.send_signal(signal.SIGTERM)
    assert ready.proc.wait(timeout=30) == 0
    mock.release()
