"""thread/resume reports the thread's collaboration mode as 0.169
(tests/fixtures/plan_mode_official.json, "thread_resume_collaboration"): after Plan-mode
turns, `collaborationMode` is {mode: "plan", settings {model, reasoning_effort: null,
developer_instructions: the Plan instructions}}; a thread reopened from its rollout by a new
server reports (and goes on in) the mode it was left in."""

from __future__ import annotations

from pathlib import Path

from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.app_server.test_plan_mode import OFFICIAL, _client, _turn
from tests.support.mock_model_server import MockModelServer

from codex.core.modes import OPEN_TAG, PLAN_INSTRUCTIONS

THEIRS = OFFICIAL["thread_resume_collaboration"]["collaborationMode"]
PLAN = {"mode": "plan", "settings": {"model": "gpt-5.5"}}


def _check(entry: dict, model: str) -> None:
    assert entry["mode"] == THEIRS["mode"] == "plan"
    assert entry["settings"]["model"] == model
    assert entry["settings"]["reasoning_effort"] is THEIRS["settings"]["reasoning_effort"] is None
    text = entry["settings"]["developer_instructions"]
    assert text == PLAN_INSTRUCTIONS  # 0.169's own text: no tags, names both of these
    facts = THEIRS["settings"]["developer_instructions"]
    assert facts["opening_tag"] is None and facts["mentions_proposed_plan"]
    assert "<proposed_plan>" in text and "request_user_input" in text


def test_resume_reports_plan_mode(tmp_path: Path, mock: MockModelServer) -> None:
    rpc, home = _client(tmp_path, mock, experimental=True)
    try:
        thread_id = rpc.call("thread/start", {"cwd": str(tmp_path / "repo")})["thread"]["id"]
        assert _turn(rpc, thread_id, "one", None) == "ok"
        assert _turn(rpc, thread_id, "two", PLAN) == "ok"
        resumed = rpc.call("thread/resume", {"threadId": thread_id})
        assert "collaborationMode" in OFFICIAL["thread_resume_keys"]
        _check(resumed["collaborationMode"], resumed["model"])
    finally:
        rpc.close()
    # A new server reopens the thread from its rollout: still Plan, and its next turn (no mode
    # given) runs in Plan without announcing the mode again.
    rpc = RpcClient(ours_argv(), scratch_env(home), tmp_path / "repo")
    try:
        rpc.initialize(capabilities={"experimentalApi": True})
        resumed = rpc.call("thread/resume", {"threadId": thread_id})
        _check(resumed["collaborationMode"], resumed["model"])
        before = len(mock.requests)
        assert _turn(rpc, thread_id, "three", None) == "ok"
    finally:
        rpc.close()
    texts = mock.requests[before].message_texts("developer")
    assert sum(t.startswith(OPEN_TAG) for t in texts) == 1  # the one heard in turn two


def test_resume_of_a_default_thread(tmp_path: Path, mock: MockModelServer) -> None:
    rpc, _ = _client(tmp_path, mock, experimental=True)
    try:
        thread_id = rpc.call("thread/start", {"cwd": str(tmp_path / "repo")})["thread"]["id"]
        assert _turn(rpc, thread_id, "one", None) == "ok"
        entry = rpc.call("thread/resume", {"threadId": thread_id})["collaborationMode"]
    finally:
        rpc.close()
    assert entry["mode"] == "default"
    assert entry["settings"]["developer_instructions"] is None
