"""Notifications of a turn's tools through a raw JSON-RPC client, with the shapes the official
0.169 server sends (captured by hand with tests/app_server/capture_official.py's client against
the same mock turns): `item/commandExecution/outputDelta` while a shell call runs,
`turn/diff/updated` after an apply_patch, `turn/plan/updated` after an update_plan call."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call


def _thread(client: RpcClient, repo: Path) -> str:
    params = {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "workspace-write"}
    return str(client.call("thread/start", params)["thread"]["id"])


def _of(messages: list[dict], method: str) -> list[dict]:
    return [m for m in messages if m.get("method") == method]


def test_output_deltas_stream_the_command_output(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    # Several writes, so the output arrives in more than one piece.
    cmd = "for i in 1 2 3; do echo line$i; sleep 0.2; done; echo err >&2"
    mock.enqueue(
        Turn([FunctionCall("call_x", "exec_command", {"cmd": cmd, "yield_time_ms": 10000})]),
        Turn([Message("ran")]),
    )
    thread_id = _thread(ready, repo)
    _, messages = ready.turn(thread_id, "run it")
    deltas = _of(messages, "item/commandExecution/outputDelta")
    assert deltas
    done = [
        m["params"]
        for m in _of(messages, "item/completed")
        if m["params"]["item"]["type"] == "commandExecution"
    ]
    assert len(done) == 1
    item = done[0]["item"]
    turn_id = done[0]["turnId"]
    # As 0.169: {method, params: {threadId, turnId, itemId, delta}, emittedAtMs}.
    for delta in deltas:
        assert sorted(delta) == ["emittedAtMs", "method", "params"]
        assert isinstance(delta["emittedAtMs"], int)
        assert list(delta["params"]) == ["threadId", "turnId", "itemId", "delta"]
        assert delta["params"]["threadId"] == thread_id
        assert delta["params"]["turnId"] == turn_id
        assert delta["params"]["itemId"] == item["id"] == "call_x"
    assert "".join(d["params"]["delta"] for d in deltas) == item["aggregatedOutput"]
    assert item["aggregatedOutput"].splitlines() == ["line1", "line2", "line3", "err"]
    # every delta comes between the item's start and its completion
    order = [m for m in messages if m.get("params", {}).get("item", {}).get("id") == "call_x"]
    first = messages.index(order[0])
    last = messages.index(order[-1])
    assert all(first < messages.index(d) < last for d in deltas)


def test_a_patch_updates_the_turn_diff(ready: RpcClient, repo: Path, mock: MockModelServer) -> None:
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "notes.txt").write_text("one\ntwo\n")
    patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n one\n-two\n+deux\n*** End Patch\n"
    mock.enqueue(Turn([apply_patch_call("call_p", patch)]), Turn([Message("patched")]))
    thread_id = _thread(ready, repo)
    _, messages = ready.turn(thread_id, "patch it")
    assert (repo / "notes.txt").read_text() == "one\ndeux\n"
    diffs = _of(messages, "turn/diff/updated")
    assert diffs
    turn_id = messages[-1]["params"]["turn"]["id"]
    for message in diffs:
        assert sorted(message) == ["emittedAtMs", "method", "params"]
        assert list(message["params"]) == ["threadId", "turnId", "diff"]
        assert message["params"]["threadId"] == thread_id
        assert message["params"]["turnId"] == turn_id
    diff = diffs[-1]["params"]["diff"]
    lines = diff.splitlines()
    assert lines[0] == "diff --git a/notes.txt b/notes.txt"
    assert lines[1].startswith("index ")
    assert lines[2:] == [
        "--- a/notes.txt",
        "+++ b/notes.txt",
        "@@ -1,2 +1,2 @@",
        " one",
        "-two",
        "+deux",
    ]
    # the first diff comes after the fileChange item completes, as 0.169 sends it
    change = next(
        m for m in _of(messages, "item/completed") if m["params"]["item"]["type"] == "fileChange"
    )
    assert messages.index(change) < messages.index(diffs[0])


def test_update_plan_sends_the_plan(ready: RpcClient, repo: Path, mock: MockModelServer) -> None:
    plan = [
        {"step": "read the code", "status": "completed"},
        {"step": "write the test", "status": "in_progress"},
        {"step": "fix it", "status": "pending"},
    ]
    mock.enqueue(
        Turn([FunctionCall("call_u", "update_plan", {"explanation": "three steps", "plan": plan})]),
        Turn([Message("planned")]),
    )
    thread_id = _thread(ready, repo)
    _, messages = ready.turn(thread_id, "plan it")
    plans = _of(messages, "turn/plan/updated")
    assert len(plans) == 1
    params = plans[0]["params"]
    assert params == {
        "threadId": thread_id,
        "turnId": messages[-1]["params"]["turn"]["id"],
        "explanation": "three steps",
        "plan": [
            {"step": "read the code", "status": "completed"},
            {"step": "write the test", "status": "inProgress"},
            {"step": "fix it", "status": "pending"},
        ],
    }
    assert isinstance(plans[0]["emittedAtMs"], int)
    # the model got the tool's answer
    output = mock.wait_for_requests(2)[-1].function_call_output("call_u")
    assert output is not None and output["output"] == "Plan updated"
    assert messages[-1]["params"]["turn"]["status"] == "completed"


def test_user_shell_output_deltas_are_stamped(ready: RpcClient, repo: Path) -> None:
    """`thread/shellCommand` streams through its own path; its deltas carry emittedAtMs too."""
    thread_id = _thread(ready, repo)
    ready.start("thread/shellCommand", {"threadId": thread_id, "command": "echo a; echo b"})
    messages = ready.until(lambda m: m.get("method") == "turn/completed")
    deltas = _of(messages, "item/commandExecution/outputDelta")
    assert deltas and all(isinstance(d.get("emittedAtMs"), int) for d in deltas)
    assert "".join(d["params"]["delta"] for d in deltas) == "a\nb\n"


def test_file_change_kinds_have_the_official_shape(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    """0.169's live fileChange items: `{"type": "add"}`, `{"type": "delete"}` and
    `{"type": "update", "move_path": ...}` (snake_case, as in thread/read)."""
    (repo / "old.txt").write_text("old\n")
    (repo / "keep.txt").write_text("a\n")
    patch = (
        "*** Begin Patch\n*** Add File: new.txt\n+new\n*** Delete File: old.txt\n"
        "*** Update File: keep.txt\n*** Move to: moved.txt\n@@\n-a\n+b\n*** End Patch\n"
    )
    mock.enqueue(Turn([apply_patch_call("call_k", patch)]), Turn([Message("done")]))
    thread_id = _thread(ready, repo)
    _, messages = ready.turn(thread_id, "patch")
    for method in ("item/started", "item/completed"):
        item = next(
            m["params"]["item"]
            for m in _of(messages, method)
            if m["params"]["item"]["type"] == "fileChange"
        )
        kinds = {Path(c["path"]).name: c["kind"] for c in item["changes"]}
        assert kinds == {
            "new.txt": {"type": "add"},
            "old.txt": {"type": "delete"},
            "keep.txt": {"type": "update", "move_path": str(repo / "moved.txt")},
        }
    assert (repo / "moved.txt").read_text() == "b\n"
