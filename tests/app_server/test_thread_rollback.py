"""thread/rollback (`numTurns`) and thread/revert (`beforeTurnId`, 0.169's name) over raw
JSON-RPC against the mock: the dropped turns leave thread/read and the model's history, a
resume (ours, and the official 0.169 app-server when installed) sees the short history, and
`restoreFiles` puts the work tree back from the turn checkpoints, refusing to overwrite hand
edits unless `force`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.app_server.test_schema import _validator
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, apply_patch_call
from tests.support.official import official_binary

ADD_B = "*** Begin Patch\n*** Add File: b.txt\n+bee\n*** End Patch\n"
EDIT_A = "*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+uno\n*** End Patch\n"


def _start(client: RpcClient, repo: Path) -> str:
    result = client.call(
        "thread/start",
        {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "workspace-write"},
    )
    return str(result["thread"]["id"])


def _three_turns(client: RpcClient, mock: MockModelServer, thread_id: str) -> None:
    mock.enqueue(Turn([Message("answer 0")]))
    client.turn(thread_id, "question 0")
    mock.enqueue(Turn([apply_patch_call("call_b", ADD_B)]), Turn([Message("answer 1")]))
    client.turn(thread_id, "question 1")
    mock.enqueue(Turn([apply_patch_call("call_a", EDIT_A)]), Turn([Message("answer 2")]))
    client.turn(thread_id, "question 2")


def _questions(mock: MockModelServer) -> list[str]:
    return [t for t in mock.last_request().message_texts("user") if t.startswith("q")]


def _user_texts(thread: dict[str, Any]) -> list[str]:
    return [
        c["text"]
        for turn in thread["turns"]
        for item in turn["items"]
        if item["type"] == "userMessage"
        for c in item["content"]
    ]


def test_rollback_drops_turns_restores_files_and_resumes_short(
    ready: RpcClient, mock: MockModelServer, repo: Path, home: Path
) -> None:
    (repo / "a.txt").write_text("one\n")
    thread_id = _start(ready, repo)
    _three_turns(ready, mock, thread_id)
    assert (repo / "b.txt").exists() and (repo / "a.txt").read_text() == "uno\n"
    before = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    dropped_ids = {t["id"] for t in before["turns"][1:]}

    result = ready.call(
        "thread/rollback", {"threadId": thread_id, "numTurns": 2, "restoreFiles": True}
    )
    _validator("ThreadRollbackResponse").validate(result)
    assert result["thread"]["id"] == thread_id
    assert _user_texts(result["thread"]) == ["question 0"]
    assert result["restoredFiles"]["deleted"] == ["b.txt"]
    assert result["restoredFiles"]["written"] == ["a.txt"]
    assert not (repo / "b.txt").exists() and (repo / "a.txt").read_text() == "one\n"

    mock.enqueue(Turn([Message("after")]))
    ready.turn(thread_id, "q again")
    assert _questions(mock) == ["question 0", "q again"]
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    assert _user_texts(read) == ["question 0", "q again"]
    assert not dropped_ids & {t["id"] for t in read["turns"]}
    ready.close()

    # A new server process resumes the shortened thread.
    again = RpcClient(ours_argv(), scratch_env(home), repo)
    try:
        again.initialize()
        resumed = again.call("thread/resume", {"threadId": thread_id})
        assert _user_texts(resumed["thread"]) == ["question 0", "q again"]
        assert [t["id"] for t in resumed["thread"]["turns"]] == [t["id"] for t in read["turns"]]
        mock.enqueue(Turn([Message("later")]))
        again.turn(thread_id, "q third")
        assert _questions(mock) == ["question 0", "q again", "q third"]
    finally:
        again.close()


def test_revert_before_turn_id_and_errors(
    ready: RpcClient, mock: MockModelServer, repo: Path
) -> None:
    (repo / "a.txt").write_text("one\n")
    thread_id = _start(ready, repo)
    _three_turns(ready, mock, thread_id)
    turns = ready.call("thread/turns/list", {"threadId": thread_id})["data"]  # newest first
    reply, _ = ready.response(
        ready.start("thread/revert", {"threadId": thread_id, "beforeTurnId": "nope"})
    )
    assert reply["error"] == {"code": -32600, "message": "turn not found: nope"}
    reply, _ = ready.response(ready.start("thread/revert", {"threadId": thread_id}))
    assert reply["error"]["message"] == "Invalid request: missing field `beforeTurnId`"
    reply, _ = ready.response(
        ready.start("thread/rollback", {"threadId": thread_id, "numTurns": 9})
    )
    assert "error" in reply

    reverted = ready.call("thread/revert", {"threadId": thread_id, "beforeTurnId": turns[0]["id"]})
    _validator("ThreadRevertResponse").validate(reverted)
    assert set(reverted) == {"thread", "turnsBackwardsCursor", "itemsBackwardsCursor"}
    assert reverted["thread"]["turns"] == []
    assert (repo / "a.txt").read_text() == "uno\n"  # files stay unless restoreFiles
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    assert _user_texts(read) == ["question 0", "question 1"]


def test_restore_refuses_hand_edits_unless_forced(
    ready: RpcClient, mock: MockModelServer, repo: Path
) -> None:
    (repo / "a.txt").write_text("one\n")
    thread_id = _start(ready, repo)
    mock.enqueue(Turn([apply_patch_call("call_a", EDIT_A)]), Turn([Message("done")]))
    ready.turn(thread_id, "question 0")
    (repo / "a.txt").write_text("hand edit\n")
    params = {"threadId": thread_id, "numTurns": 1, "restoreFiles": True}
    reply, _ = ready.response(ready.start("thread/rollback", params))
    assert reply["error"]["code"] == -32600
    assert reply["error"]["data"] == {"conflicts": ["a.txt"]}
    assert (repo / "a.txt").read_text() == "hand edit\n"
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    assert len(read["turns"]) == 1  # nothing was dropped
    result = ready.call("thread/rollback", {**params, "force": True})
    assert result["thread"]["turns"] == []
    assert (repo / "a.txt").read_text() == "one\n"


def test_official_resumes_a_rolled_back_thread(
    ready: RpcClient, mock: MockModelServer, repo: Path, home: Path
) -> None:
    binary = official_binary()
    if binary is None:
        pytest.skip("the official 0.169 binary is not installed")
    (repo / "a.txt").write_text("one\n")
    thread_id = _start(ready, repo)
    _three_turns(ready, mock, thread_id)
    ready.call("thread/rollback", {"threadId": thread_id, "numTurns": 2})
    ready.close()
    official = RpcClient([str(binary), "app-server"], scratch_env(home), repo)
    try:
        official.initialize()
        official.call("thread/resume", {"threadId": thread_id})
        mock.enqueue(Turn([Message("official")]))
        official.turn(thread_id, "q official")
        assert _questions(mock) == ["question 0", "q official"]
    finally:
        official.close()
