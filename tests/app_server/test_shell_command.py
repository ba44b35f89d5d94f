"""`thread/shellCommand` through a raw JSON-RPC client: the user's `!cmd` runs in the thread's
shell and cwd as a turn of its own (notifications as the official 0.169 server sends them,
tests/fixtures/app_server/ shapes), its result reaches the model's next request, `thread/read`
shows it, `turn/interrupt` kills it, and a busy thread refuses it."""

from __future__ import annotations

import os
from pathlib import Path

from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer, scenario

ITEM_KEYS = [
    "type",
    "id",
    "pluginId",
    "scriptPath",
    "command",
    "cwd",
    "processId",
    "source",
    "status",
    "commandActions",
    "aggregatedOutput",
    "exitCode",
    "durationMs",
    "startedAtMs",
    "completedAtMs",
]


def _start(ready: RpcClient, repo: Path) -> str:
    params = {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "read-only"}
    return str(ready.call("thread/start", params)["thread"]["id"])


def _shell(ready: RpcClient, thread_id: str, command: str, **extra: object) -> list[dict]:
    """The reply, then every message up to this thread's turn/completed."""
    request = ready.start(
        "thread/shellCommand", {"threadId": thread_id, "command": command, **extra}
    )
    messages = ready.until(
        lambda m: m.get("method") == "turn/completed" and m["params"]["threadId"] == thread_id
    )
    reply = next(m for m in messages if m.get("id") == request)
    assert reply["result"] == {}
    return messages[messages.index(reply) :]  # answered before the turn starts


def test_a_shell_command_runs_as_a_turn_unsandboxed(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    thread_id = _start(ready, repo)
    # read-only sandbox: a write would fail in a sandboxed command; the user's own runs free
    messages = _shell(ready, thread_id, "echo hi; pwd; echo out > made.txt; echo err >&2; exit 3")
    methods = [m.get("method") for m in messages[1:]]
    assert methods[:3] == ["thread/status/changed", "turn/started", "item/started"]
    assert methods[-3:] == ["item/completed", "thread/status/changed", "turn/completed"]
    assert set(methods[3:-3]) == {"item/commandExecution/outputDelta"}
    started = messages[3]["params"]["item"]
    done = messages[-3]["params"]["item"]
    assert list(done) == ITEM_KEYS
    assert started["status"] == "inProgress" and started["source"] == "userShell"
    assert done["command"].endswith(
        " -lc 'echo hi; pwd; echo out > made.txt; echo err >&2; exit 3'"
    )
    assert done["cwd"] == str(repo)
    assert done["status"] == "failed" and done["exitCode"] == 3
    lines = done["aggregatedOutput"].splitlines()  # two pipes: stdout and stderr interleave
    assert len(lines) == 3 and {"hi", "err"} <= set(lines)
    assert os.path.realpath(next(x for x in lines if x.startswith("/"))) == os.path.realpath(repo)
    deltas = "".join(
        m["params"]["delta"] for m in messages if m.get("method", "").endswith("Delta")
    )
    assert sorted(deltas.splitlines()) == sorted(done["aggregatedOutput"].splitlines())
    assert (repo / "made.txt").read_text() == "out\n"
    turn = messages[-1]["params"]["turn"]
    assert turn["status"] == "completed" and turn["id"] == messages[2]["params"]["turn"]["id"]
    assert messages[-2]["params"]["status"] == {"type": "idle"}

    ok = _shell(ready, thread_id, "printf ok")
    assert ok[-3]["params"]["item"]["status"] == "completed"
    assert ok[-3]["params"]["item"]["exitCode"] == 0

    # The model sees both results in its next request; thread/read shows the two turns.
    mock.repeat(scenario("message"))
    ready.turn(thread_id, "what did I run?")
    texts = "\n".join(mock.last_request().message_texts("user"))
    assert "<user_shell_command>\n<command>\necho hi;" in texts and "Exit code: 3" in texts
    assert "<command>\nprintf ok\n</command>" in texts and "Output:\nok\n" in texts
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})
    turns = read["thread"]["turns"]
    assert len(turns) == 3
    item = turns[0]["items"][0]
    assert item["type"] == "commandExecution" and item["source"] == "userShell"
    assert item["exitCode"] == 3 and item["aggregatedOutput"] == done["aggregatedOutput"]
    assert turns[0]["id"] == turn["id"]


def test_interrupt_kills_a_running_shell_command(ready: RpcClient, repo: Path) -> None:
    thread_id = _start(ready, repo)
    pid_file = repo / "pid"
    request = ready.start(
        "thread/shellCommand",
        {"threadId": thread_id, "command": f"echo $$ > {pid_file}; echo started; sleep 60"},
    )
    ready.until(lambda m: m.get("method") == "item/commandExecution/outputDelta")
    turn_id = next(
        m["params"]["turn"]["id"] for m in ready.seen if m.get("method") == "turn/started"
    )
    # Busy: another shell command, a turn and a steer are refused.
    busy = ready.start("thread/shellCommand", {"threadId": thread_id, "command": "true"})
    reply, _ = ready.response(busy)
    assert "turn is running" in reply["error"]["message"]
    refused = ready.start(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "x"}]}
    )
    reply, _ = ready.response(refused)
    assert "shell command is running" in reply["error"]["message"]
    assert ready.call("turn/interrupt", {"threadId": thread_id, "turnId": turn_id}) == {}
    messages = ready.until(lambda m: m.get("method") == "turn/completed")
    assert messages[-1]["params"]["turn"]["status"] == "interrupted"
    completed = next(m for m in messages if m.get("method") == "item/completed")
    assert completed["params"]["item"]["status"] == "failed"
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    assert any(m.get("id") == request for m in ready.seen)


def test_bad_shell_command_params_are_refused(ready: RpcClient, repo: Path) -> None:
    thread_id = _start(ready, repo)
    for params, wording in [
        ({"threadId": thread_id}, "missing field `command`"),
        ({"threadId": thread_id, "command": 5}, "expected a string"),
        ({"threadId": thread_id, "command": "true", "timeoutMs": "5"}, "expected i64"),
        # A thread id that is no uuid: 0.169 reads it as one first (param_cases_official.json).
        ({"threadId": "nope", "command": "true"}, "invalid thread id: invalid character"),
        ({"threadId": "00000000-0000-7000-8000-000000000000", "command": "true"}, "not found"),
    ]:
        reply, _ = ready.response(ready.start("thread/shellCommand", params))
        assert reply["error"]["code"] == -32600 and wording in reply["error"]["message"]
    # A negative timeout is the method's refusal, -32602, as 0.169 (tests/test_bad_params.py).
    params = {"threadId": thread_id, "command": "true", "timeoutMs": -1}
    reply, _ = ready.response(ready.start("thread/shellCommand", params))
    assert reply["error"]["code"] == -32602 and "must be non-negative" in reply["error"]["message"]


def test_a_shell_command_times_out(ready: RpcClient, repo: Path) -> None:
    thread_id = _start(ready, repo)
    messages = _shell(ready, thread_id, "echo before; sleep 60", timeoutMs=2000)
    item = messages[-3]["params"]["item"]
    assert item["status"] == "failed" and item["exitCode"] is None
    assert item["aggregatedOutput"].startswith("before\n")
    assert "timed out" in item["aggregatedOutput"]


def test_a_shell_command_during_a_model_turn_joins_it(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    """As 0.169: no turn of its own; its item carries the running turn's id, and its result
    is input of that turn's next request, which the model answers in the same turn."""
    from tests.support.mock_model_server import Hold
    from tests.support.model_stream import Message, Turn

    mock.enqueue(Hold(Turn([Message("slow")]), frames=None), Turn([Message("saw it")]))
    thread_id = _start(ready, repo)
    turn_id = ready.call(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "hi"}]}
    )["turn"]["id"]
    mock.wait_held()
    request = ready.start("thread/shellCommand", {"threadId": thread_id, "command": "echo during"})
    messages = ready.until(
        lambda m: (
            m.get("method") == "item/completed"
            and m["params"]["item"]["type"] == "commandExecution"
        )
    )
    reply = next(m for m in messages if m.get("id") == request)
    assert reply["result"] == {}
    messages = messages[messages.index(reply) :]
    assert not any(m.get("method") in ("turn/started", "thread/status/changed") for m in messages)
    shell = [m for m in messages if m.get("method", "").startswith("item/")]
    assert {m["params"]["turnId"] for m in shell} == {turn_id}
    assert messages[-1]["params"]["item"]["aggregatedOutput"] == "during\n"
    mock.release()
    done = ready.until(lambda m: m.get("method") == "turn/completed")
    assert done[-1]["params"]["turn"]["id"] == turn_id
    assert done[-1]["params"]["turn"]["status"] == "completed"
    last = mock.wait_for_requests(2)[-1]
    assert any("<command>\necho during\n</command>" in t for t in last.message_texts("user"))
