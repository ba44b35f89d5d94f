"""Reasoning through the app-server: summary deltas as `item/reasoning/summaryTextDelta`, raw
reasoning text (`reasoning_text` deltas) as `item/reasoning/textDelta` (0.169 sends both, with the
shapes of its generated schema), and the completed reasoning item carrying both."""

from __future__ import annotations

from pathlib import Path

from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Reasoning, Turn


def _start(client: RpcClient, repo: Path) -> str:
    reply, _ = client.response(client.start("thread/start", {"cwd": str(repo)}))
    client.until(lambda m: m.get("method") == "thread/started")
    return str(reply["result"]["thread"]["id"])


def _reasoning_done(messages: list[dict]) -> list[dict]:
    return [
        m["params"]["item"]
        for m in messages
        if m.get("method") == "item/completed" and m["params"]["item"]["type"] == "reasoning"
    ]


def test_raw_reasoning_streams_as_text_deltas_and_fills_content(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(
        Turn(
            [
                Reasoning(summary=["weighing it"], raw=["first I think", " then I answer"]),
                Message("ok"),
            ]
        )
    )
    thread_id = _start(ready, repo)
    _, messages = ready.turn(thread_id, "think")
    text = [m["params"] for m in messages if m.get("method") == "item/reasoning/textDelta"]
    assert text, [m.get("method") for m in messages]
    assert {tuple(sorted(p)) for p in text} == {
        ("contentIndex", "delta", "itemId", "threadId", "turnId")
    }
    assert "".join(p["delta"] for p in text) == "first I think then I answer"
    summary = [m for m in messages if m.get("method") == "item/reasoning/summaryTextDelta"]
    assert "".join(m["params"]["delta"] for m in summary) == "weighing it"
    done = _reasoning_done(messages)
    assert len(done) == 1
    assert done[0]["summary"] == ["weighing it"]
    assert done[0]["content"] == ["first I think then I answer"]
    assert {p["itemId"] for p in text} == {done[0]["id"]}


def test_reasoning_with_only_raw_text_still_completes(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.enqueue(Turn([Reasoning(summary=[], raw=["only raw"]), Message("ok")]))
    thread_id = _start(ready, repo)
    _, messages = ready.turn(thread_id, "think")
    started = [
        m["params"]["item"]["id"]
        for m in messages
        if m.get("method") == "item/started" and m["params"]["item"]["type"] == "reasoning"
    ]
    done = _reasoning_done(messages)
    assert [item["id"] for item in done] == started
    assert done[0]["content"] == ["only raw"]
    assert messages[-1]["method"] == "turn/completed"
