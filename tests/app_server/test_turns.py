"""Threads and turns through raw JSON-RPC: notification order and payload shapes compared with
the official captures, failure and interrupt always ending in turn/completed, many threads at
once, and the rollout each thread writes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app_server.rpc_client import RpcClient
from tests.app_server.shapes import keys, kind, official, sequence
from tests.support.mock_model_server import Hold, MockModelServer, scenario
from tests.support.model_stream import Message, Turn


def _start(client: RpcClient, repo: Path, **params: object) -> str:
    request_id = client.start("thread/start", {"cwd": str(repo), **params})
    reply, _ = client.response(request_id)
    started = client.until(lambda m: m.get("method") == "thread/started")
    assert started[-1]["params"]["thread"]["id"] == reply["result"]["thread"]["id"]
    return reply["result"]["thread"]["id"]


def test_thread_start_answers_with_the_official_shape(ready: RpcClient, repo: Path) -> None:
    request_id = ready.start("thread/start", {"cwd": str(repo), "sandbox": "read-only"})
    reply, _ = ready.response(request_id)
    after = ready.until(lambda m: m.get("method") == "thread/started")
    theirs = official("thread_start")
    assert keys(reply["result"]) == keys(theirs[0]["result"])
    assert after[-1]["method"] == "thread/started"
    assert keys(after[-1]["params"]) == keys(theirs[-1]["params"])
    thread = reply["result"]["thread"]
    assert thread["status"] == {"type": "idle"}
    assert not Path(thread["path"]).exists()  # made by the first turn, as 0.169 makes it
    assert reply["result"]["sandbox"] == {"type": "readOnly", "networkAccess": False}


def test_hello_turn_streams_in_the_official_order(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(scenario("message"))
    thread_id = _start(ready, repo)
    reply, messages = ready.turn(thread_id, "hi")
    theirs = official("hello_turn")
    assert sequence(messages) == sequence(theirs)
    assert reply["result"]["turn"]["status"] == "inProgress"
    assert keys(reply["result"]) == keys(theirs[0]["result"])
    by_kind = {}
    for message in theirs:
        if "method" in message:
            by_kind.setdefault(kind(message), message)
    for message in messages:
        label = kind(message)
        if "method" in message and label in by_kind and not label.startswith("item/"):
            assert keys(message["params"]) == keys(by_kind[label]["params"]), label
    completed = messages[-1]["params"]["turn"]
    assert completed["status"] == "completed"
    assert [item["text"] for item in completed["items"]] == ["hello from the mock"]
    agent_done = [
        m
        for m in messages
        if m.get("method") == "item/completed" and m["params"]["item"]["type"] == "agentMessage"
    ]
    theirs_done = [
        m
        for m in theirs
        if m.get("method") == "item/completed" and m["params"]["item"]["type"] == "agentMessage"
    ]
    assert keys(agent_done[0]["params"]) == keys(theirs_done[0]["params"])
    deltas = [
        m["params"]["delta"] for m in messages if m.get("method") == "item/agentMessage/delta"
    ]
    assert "".join(deltas) == "hello from the mock"


def test_a_failed_turn_sends_error_then_turn_completed_failed(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(scenario("http400"))
    thread_id = _start(ready, repo)
    _, messages = ready.turn(thread_id, "fail")
    assert sequence(messages) == sequence(official("failed_turn"))
    turn = messages[-1]["params"]["turn"]
    assert turn["status"] == "failed"
    assert "bad request from mock" in turn["error"]["message"]
    # the thread takes the next turn normally
    mock.enqueue(scenario("message"))
    assert ready.turn(thread_id, "again")[1][-1]["params"]["turn"]["status"] == "completed"


def test_interrupt_ends_the_turn_with_status_interrupted(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(Hold(Turn([Message("slow")]), frames=None))
    thread_id = _start(ready, repo)
    request_id = ready.start(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "hold"}]}
    )
    pre = ready.until(lambda m: m.get("method") == "item/completed")
    turn_id = next(m for m in pre if m.get("id") == request_id)["result"]["turn"]["id"]
    mock.wait_held()
    interrupt = ready.start("turn/interrupt", {"threadId": thread_id, "turnId": turn_id})
    post = ready.until(lambda m: m.get("method") == "turn/completed")
    mock.release()
    assert next(m for m in post if m.get("id") == interrupt)["result"] == {}
    assert sequence(pre + post) == sequence(official("interrupted_turn"))
    assert post[-1]["params"]["turn"]["status"] == "interrupted"
    assert post[-1]["params"]["turn"]["id"] == turn_id
    error = ready.response(ready.start("turn/interrupt", {"threadId": thread_id, "turnId": "x"}))
    assert error[0]["error"]["message"] == "no active turn to interrupt"


def test_many_threads_run_their_turns_concurrently(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.repeat(scenario("message"))
    threads = [_start(ready, repo) for _ in range(12)]
    for thread_id in threads:
        ready.start("turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "x"}]})
    done: dict[str, dict] = {}
    while len(done) < len(threads):
        message = ready.next()
        if message.get("method") == "turn/completed":
            done[message["params"]["threadId"]] = message["params"]["turn"]
    assert {turn["status"] for turn in done.values()} == {"completed"}
    loaded = ready.call("thread/loaded/list", {})["data"]
    assert sorted(loaded) == sorted(threads)


def test_thread_read_and_list_after_a_turn(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(scenario("message"))
    thread_id = _start(ready, repo)
    _, messages = ready.turn(thread_id, "hi")
    turn_id = messages[-1]["params"]["turn"]["id"]
    thread = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    theirs = official("thread_read")[0]["result"]["thread"]
    assert sorted(thread) == sorted(theirs)
    assert [t["id"] for t in thread["turns"]] == [turn_id]  # the live id, rebuilt from disk
    assert [i["type"] for i in thread["turns"][0]["items"]] == ["userMessage", "agentMessage"]
    assert thread["preview"] == "hi"
    listed = ready.call("thread/list", {})
    assert [t["id"] for t in listed["data"]] == [thread_id]
    assert sorted(listed["data"][0]) == sorted(official("thread_list")[0]["result"]["data"][0])
    assert listed["nextCursor"] is None


def test_thread_list_pages_of_25_with_a_cursor_and_a_cap_of_100(
    ready: RpcClient, home: Path
) -> None:
    _write_rollouts(home, 130)
    first = ready.call("thread/list", {})
    assert len(first["data"]) == 25 and first["nextCursor"]
    second = ready.call("thread/list", {"cursor": first["nextCursor"]})
    assert not {t["id"] for t in first["data"]} & {t["id"] for t in second["data"]}
    assert len(ready.call("thread/list", {"limit": 500})["data"]) == 100
    seen = []
    cursor = None
    while True:
        page = ready.call("thread/list", {"limit": 50, **({"cursor": cursor} if cursor else {})})
        seen += [t["id"] for t in page["data"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 130
    created = [t["createdAt"] for t in first["data"]]
    assert created == sorted(created, reverse=True)
    oldest = ready.call("thread/list", {"sortDirection": "asc", "limit": 10})
    assert [t["preview"] for t in oldest["data"]] == [f"prompt {i}" for i in range(10)]
    rest = ready.call("thread/list", {"sortDirection": "asc", "cursor": oldest["nextCursor"]})
    assert rest["data"][0]["preview"] == "prompt 10"
    by_update = ready.call("thread/list", {"sortKey": "updated_at", "limit": 200})
    updated = [t["updatedAt"] for t in by_update["data"]]
    assert updated == sorted(updated, reverse=True) and len(updated) == 100


def _write_rollouts(home: Path, n: int) -> list[str]:
    """`n` minimal recorded threads (session_meta + one user message), a second apart."""
    import uuid

    ids = []
    day = home / "sessions" / "2026" / "01" / "02"
    day.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        thread_id = str(uuid.uuid4())
        stamp = f"2026-01-02T03-{i // 60:02d}-{i % 60:02d}"
        meta = {
            "id": thread_id,
            "cwd": "/repo",
            "model_provider": "mock",
            "source": "cli",
            "cli_version": "0.169.0",
            "timestamp": "2026-01-02T03:00:00Z",
        }
        lines = [
            {"timestamp": "2026-01-02T03:00:00.000Z", "type": "session_meta", "payload": meta},
            {
                "timestamp": "2026-01-02T03:00:00.000Z",
                "type": "event_msg",
                "payload": {"type": "user_message", "message": f"prompt {i}"},
            },
        ]
        (day / f"rollout-{stamp}-{thread_id}.jsonl").write_text(
            "".join(json.dumps(line) + "\n" for line in lines)
        )
        ids.append(thread_id)
    return ids
