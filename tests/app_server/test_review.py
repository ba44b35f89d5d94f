"""review/start over raw JSON-RPC against the mock, compared with the official 0.169 server:
the result `{turn, reviewThreadId}`, the enteredReviewMode / exitedReviewMode items around the
reviewer's turn, the rendered verdict (never the raw JSON), the reviewer's request (review
instructions, the target's prompt, none of the thread's conversation), the review as a turn in
thread/read and in the thread's history; official error messages; `detached` delivery. The
results also validate against the official Python SDK's generated models."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import Message, RpcClient
from tests.app_server.test_schema import _validator
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message as ModelMessage
from tests.support.model_stream import Turn

VERDICT = {
    "findings": [
        {
            "title": "[P1] bad",
            "body": "it is bad",
            "confidence_score": 0.8,
            "priority": 1,
            "code_location": {
                "absolute_file_path": "/repo/a.txt",
                "line_range": {"start": 1, "end": 2},
            },
        }
    ],
    "overall_correctness": "patch is incorrect",
    "overall_explanation": "One bug.",
    "overall_confidence_score": 0.7,
}
RENDERED = "One bug.\n\nReview comment:\n\n- [P1] bad — /repo/a.txt:1-2\n  it is bad"


@pytest.fixture
def git_repo(repo: Path) -> Path:
    script = (
        "git init -q && git config user.email a@b && git config user.name a && "
        "echo one > a.txt && git add . && git commit -qm init && echo two >> a.txt"
    )
    subprocess.run(script, shell=True, cwd=repo, check=True)
    return repo


def _thread(client: RpcClient, repo: Path) -> str:
    params = {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "workspace-write"}
    return str(client.call("thread/start", params)["thread"]["id"])


def _review(client: RpcClient, params: dict[str, Any]) -> tuple[dict[str, Any], list[Message]]:
    request = client.start("review/start", params)
    messages = client.until(lambda m: m.get("method") == "turn/completed")
    reply = next(m for m in messages if m.get("id") == request)
    return reply, messages


def _items(messages: list[Message], method: str) -> list[tuple[str, str]]:
    return [
        (m["params"]["item"]["type"], m["params"]["item"].get("review") or "")
        for m in messages
        if m.get("method") == method
    ]


def test_inline_review_of_uncommitted_changes(
    ready: RpcClient, mock: MockModelServer, git_repo: Path
) -> None:
    thread_id = _thread(ready, git_repo)
    mock.enqueue(Turn([ModelMessage("answer 0")]))
    ready.turn(thread_id, "question 0")
    mock.enqueue(Turn([ModelMessage(json.dumps(VERDICT))]))
    reply, messages = _review(
        ready, {"threadId": thread_id, "target": {"type": "uncommittedChanges"}}
    )
    result = reply["result"]
    _validator("ReviewStartResponse").validate(result)
    for message in messages:
        if message.get("method") == "item/completed":
            _validator("ItemCompletedNotification").validate(message["params"])
    assert result["reviewThreadId"] == thread_id
    turn = result["turn"]
    assert turn["status"] == "inProgress"
    assert [c["text"] for c in turn["items"][0]["content"]] == ["current changes"]
    assert {m["params"]["turnId"] for m in messages if "turnId" in m.get("params", {})} == {
        turn["id"]
    }
    assert _items(messages, "item/completed") == [
        ("enteredReviewMode", "current changes"),
        ("userMessage", ""),
        ("exitedReviewMode", RENDERED),
        ("agentMessage", ""),
    ]
    completed = [m for m in messages if m.get("method") == "item/completed"]
    assert completed[-1]["params"]["item"]["text"] == RENDERED
    assert messages[-1]["params"]["turn"]["status"] == "completed"
    assert not any(m.get("method") == "item/agentMessage/delta" for m in messages)

    request = mock.last_request()
    developer = "\n".join(request.message_texts("developer"))
    assert "# How to review" in developer
    users = request.message_texts("user")
    assert any("uncommitted changes" in t for t in users)
    assert "question 0" not in users  # the reviewer does not see the conversation

    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    assert read["turns"][-1]["id"] == turn["id"]
    assert [(i["type"], i.get("review") or i.get("text")) for i in read["turns"][-1]["items"]] == [
        ("enteredReviewMode", "current changes"),
        ("exitedReviewMode", RENDERED),
        ("agentMessage", RENDERED),
    ]
    # The findings are in the thread's history for the next turn.
    mock.enqueue(Turn([ModelMessage("fixed")]))
    ready.turn(thread_id, "fix it")
    texts = mock.last_request().message_texts("user")
    assert any("<user_action>" in t and "[P1] bad" in t for t in texts)
    assert "question 0" in texts


def test_review_errors_as_the_official(ready: RpcClient, git_repo: Path) -> None:
    thread_id = _thread(ready, git_repo)

    def error(params: dict[str, Any]) -> dict[str, Any]:
        reply, _ = ready.response(ready.start("review/start", {"threadId": thread_id, **params}))
        return reply["error"]

    assert error({})["message"] == "Invalid request: missing field `target`"
    assert error({"target": {"type": "baseBranch"}})["message"] == (
        "Invalid request: missing field `branch`"
    )
    assert error({"target": {"type": "custom", "instructions": ""}}) == {
        "code": -32600,
        "message": "instructions must not be empty",
    }
    assert (
        "unknown variant `bogus`"
        in error({"target": {"type": "uncommittedChanges"}, "delivery": "bogus"})["message"]
    )
    assert error({"target": {"type": "baseBranch", "branch": "nope"}})["code"] == -32600


def test_commit_review_detached_on_a_new_thread(
    ready: RpcClient, mock: MockModelServer, git_repo: Path
) -> None:
    thread_id = _thread(ready, git_repo)
    verdict = {**VERDICT, "findings": [], "overall_explanation": "fine"}
    mock.enqueue(Turn([ModelMessage(json.dumps(verdict))]))
    target = {"type": "commit", "sha": "HEAD", "title": "init it"}
    reply, messages = _review(
        ready, {"threadId": thread_id, "target": target, "delivery": "detached"}
    )
    review_thread = reply["result"]["reviewThreadId"]
    assert review_thread != thread_id
    started = [m["params"]["thread"]["id"] for m in messages if m.get("method") == "thread/started"]
    assert review_thread in started
    assert _items(messages, "item/completed")[0] == ("enteredReviewMode", "commit HEAD: init it")
    assert ("exitedReviewMode", "fine") in _items(messages, "item/completed")
    assert messages[-1]["params"]["threadId"] == review_thread
    # Nothing was recorded in the original thread: it never ran, so it has no file yet.
    original = ready.call("thread/read", {"threadId": thread_id})
    assert not Path(original["thread"]["path"]).exists()


def test_results_fit_the_official_sdk_models(
    ready: RpcClient, mock: MockModelServer, git_repo: Path
) -> None:
    models = pytest.importorskip(
        "openai_codex.generated.v2_all", reason="openai-codex==0.163.0 is not installed"
    )
    thread_id = _thread(ready, git_repo)
    mock.enqueue(Turn([ModelMessage(json.dumps(VERDICT))]))
    reply, _ = _review(ready, {"threadId": thread_id, "target": {"type": "uncommittedChanges"}})
    models.ReviewStartResponse.model_validate(reply["result"])
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})
    models.ThreadReadResponse.model_validate(read)


def test_interrupted_review_leaves_the_thread_usable(
    ready: RpcClient, mock: MockModelServer, git_repo: Path
) -> None:
    from tests.support.mock_model_server import Hold

    thread_id = _thread(ready, git_repo)
    mock.enqueue(Hold(Turn([ModelMessage(json.dumps(VERDICT))]), frames=None))
    request = ready.start(
        "review/start", {"threadId": thread_id, "target": {"type": "uncommittedChanges"}}
    )
    turn_id = ready.response(request)[0]["result"]["turn"]["id"]
    mock.wait_held()
    busy, _ = ready.response(
        ready.start("turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "x"}]})
    )
    assert busy["error"]["message"] == "a review is running on this thread"
    ready.call("turn/interrupt", {"threadId": thread_id, "turnId": turn_id})
    done = ready.until(lambda m: m.get("method") == "turn/completed")
    mock.release()
    assert done[-1]["params"]["turn"]["status"] == "interrupted"
    assert not any(
        m.get("params", {}).get("item", {}).get("type") == "exitedReviewMode" for m in done
    )
    mock.enqueue(Turn([ModelMessage("after")]))
    _, messages = ready.turn(thread_id, "next")
    assert messages[-1]["params"]["turn"]["status"] == "completed"
    read = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})["thread"]
    assert [t["status"] for t in read["turns"]] == ["interrupted", "completed"]
    assert read["turns"][0]["id"] == turn_id
