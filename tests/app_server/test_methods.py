"""The rest of the method table over raw JSON-RPC: fork, turns/list, archive/unarchive,
name/set, unsubscribe, compact, steer, review, models, account, config reads and writes,
command/exec, MCP status; and a thread started here continues in `codex exec resume`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.support.mock_model_server import Hold, MockModelServer, scenario
from tests.support.model_stream import JsonReply, Message, Turn


def _thread_with_turn(client: RpcClient, repo: Path, mock: MockModelServer) -> str:
    mock.enqueue(scenario("message"))
    thread_id = client.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
    client.turn(thread_id, "hi")
    return thread_id


def _error(client: RpcClient, method: str, params: dict) -> dict:
    reply, _ = client.response(client.start(method, params))
    assert "error" in reply, reply
    return reply["error"]


def test_fork_copies_the_history_into_a_new_thread(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    source = _thread_with_turn(ready, repo, mock)
    forked = ready.call("thread/fork", {"threadId": source})
    thread = forked["thread"]
    assert thread["id"] != source and thread["forkedFromId"] == source
    assert [t["status"] for t in thread["turns"]] == ["completed"]
    mock.enqueue(scenario("message"))
    ready.turn(thread["id"], "continue")
    texts = mock.requests[-1].message_texts("user")
    assert "hi" in texts and "continue" in texts


def test_turns_list_archive_unarchive_and_name(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    thread_id = _thread_with_turn(ready, repo, mock)
    turns = ready.call("thread/turns/list", {"threadId": thread_id})
    assert [t["status"] for t in turns["data"]] == ["completed"]
    request_id = ready.start("thread/name/set", {"threadId": thread_id, "name": "My name"})
    reply, _ = ready.response(request_id)
    assert reply["result"] == {}
    renamed = ready.next()
    assert renamed["method"] == "thread/name/updated"
    assert renamed["params"] == {"threadId": thread_id, "threadName": "My name"}
    assert ready.call("thread/archive", {"threadId": thread_id}) == {}
    assert ready.until(lambda m: m.get("method") == "thread/archived")
    assert ready.call("thread/list", {})["data"] == []
    assert [t["id"] for t in ready.call("thread/list", {"archived": True})["data"]] == [thread_id]
    assert ready.call("thread/loaded/list", {})["data"] == []
    back = ready.call("thread/unarchive", {"threadId": thread_id})["thread"]
    assert back["id"] == thread_id and back["name"] == "My name"
    assert back["status"] == {"type": "notLoaded"}
    resumed = ready.call("thread/resume", {"threadId": thread_id})
    assert [t["status"] for t in resumed["thread"]["turns"]] == ["completed"]
    assert ready.call("thread/unsubscribe", {"threadId": thread_id}) == {"status": "unsubscribed"}
    assert ready.call("thread/unsubscribe", {"threadId": thread_id}) == {"status": "notSubscribed"}


def test_steer_joins_the_running_turn_and_errors_without_one(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    thread_id = ready.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
    error = _error(
        ready,
        "turn/steer",
        {"threadId": thread_id, "expectedTurnId": "x", "input": [{"type": "text", "text": "s"}]},
    )
    assert error["message"] == "no active turn to steer"
    mock.enqueue(Hold(Turn([Message("first")]), frames=None), Turn([Message("second")]))
    request_id = ready.start(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "go"}]}
    )
    reply, _ = ready.response(request_id)
    turn_id = reply["result"]["turn"]["id"]
    mock.wait_held()
    wrong = _error(
        ready,
        "turn/steer",
        {"threadId": thread_id, "expectedTurnId": "x", "input": [{"type": "text", "text": "s"}]},
    )
    assert wrong["message"] == f"expected active turn id `x` but found `{turn_id}`"
    steered = ready.call(
        "turn/steer",
        {
            "threadId": thread_id,
            "expectedTurnId": turn_id,
            "input": [{"type": "text", "text": "also this"}],
        },
    )
    assert steered == {"turnId": turn_id}
    joined = ready.call(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "and this"}]}
    )
    assert joined["turn"]["id"] == turn_id  # a turn/start during a turn joins it
    mock.release()
    done = ready.until(lambda m: m.get("method") == "turn/completed")
    assert done[-1]["params"]["turn"]["id"] == turn_id
    texts = mock.requests[-1].message_texts("user")
    assert "also this" in texts and "and this" in texts


def test_compact_review_rollback(ready: RpcClient, repo: Path, mock: MockModelServer) -> None:
    thread_id = _thread_with_turn(ready, repo, mock)
    mock.enqueue(JsonReply({"output": [{"type": "compaction", "encrypted_content": "x"}]}))
    mock.enqueue(Turn([Message("summary of the conversation")]))
    assert ready.call("thread/compact/start", {"threadId": thread_id}) == {}
    done = ready.until(lambda m: m.get("method") == "turn/completed")
    assert done[-1]["params"]["turn"]["status"] in ("completed", "failed")
    # review/start and thread/rollback: tests/app_server/test_review.py, test_thread_rollback.py
    rolled = ready.call("thread/rollback", {"threadId": thread_id, "numTurns": 1})
    assert rolled["thread"]["id"] == thread_id


def test_models_account_and_config(ready: RpcClient, home: Path, tmp_path: Path) -> None:
    models = ready.call("model/list", {"includeHidden": False})
    assert [m["isDefault"] for m in models["data"]].count(True) == 1
    for model in models["data"]:
        assert {"id", "model", "displayName", "description", "hidden", "isDefault"} <= set(model)
        assert model["supportedReasoningEfforts"]
    page = ready.call("model/list", {"limit": 2})
    assert len(page["data"]) == 2 and page["nextCursor"] == "2"
    account = ready.call("account/read", {"refreshToken": False})
    assert account == {
        "account": None,
        "userId": None,
        "requiresOpenaiAuth": False,
        "workspaceRouting": None,
    }
    assert "authentication required" in _error(ready, "account/rateLimits/read", {})["message"]
    login = ready.call("account/login/start", {"type": "apiKey", "apiKey": "sk-test-123"})
    assert login == {"type": "apiKey"}
    assert ready.call("account/read", {})["account"] == {"type": "apiKey"}
    assert ready.call("account/logout") == {}
    assert ready.call("account/read", {})["account"] is None
    assert (
        "not supported"
        in _error(ready, "account/login/start", {"type": "chatgptDeviceCode"})["message"]
    )
    config = ready.call("config/read", {})["config"]
    assert config["model"] == "gpt-5.5" and config["model_provider"] == "mock"
    written = ready.call(
        "config/value/write",
        {"keyPath": "model_reasoning_effort", "value": "high", "mergeStrategy": "replace"},
    )
    assert written["status"] == "ok" and written["filePath"] == str(home / "config.toml")
    assert 'model_reasoning_effort = "high"' in (home / "config.toml").read_text()
    stale = _error(
        ready,
        "config/batchWrite",
        {
            "edits": [{"keyPath": "model", "value": "x", "mergeStrategy": "replace"}],
            "expectedVersion": "sha256:0",
        },
    )
    assert "version" in stale["message"]
    batch = ready.call(
        "config/batchWrite",
        {
            "edits": [
                {"keyPath": "hide_agent_reasoning", "value": True, "mergeStrategy": "upsert"}
            ],
            "expectedVersion": written["version"],
        },
    )
    assert batch["status"] == "ok"
    assert ready.call("config/read", {})["config"]["model_reasoning_effort"] == "high"
    assert ready.call("mcpServerStatus/list", {}) == {"data": [], "nextCursor": None}
    assert ready.call("configRequirements/read") == {"requirements": None}


def test_command_exec(ready: RpcClient, repo: Path) -> None:
    result = ready.call("command/exec", {"command": ["sh", "-c", "echo hi; echo err >&2; exit 3"]})
    assert result == {"exitCode": 3, "stdout": "hi\n", "stderr": "err\n"}
    assert "non-empty" in _error(ready, "command/exec", {"command": []})["message"]
    slow = ready.call("command/exec", {"command": ["sleep", "30"], "timeoutMs": 200})
    assert slow["exitCode"] != 0


def test_command_exec_runs_under_the_server_sandbox(ready: RpcClient, repo: Path) -> None:
    """As upstream: the configured policy (read-only by default) confines the command unless the
    client names another policy; a client never gets an unconfined process by omission."""
    write = ["sh", "-c", "echo x > written.txt"]
    denied = ready.call("command/exec", {"command": write, "cwd": str(repo)})
    assert denied["exitCode"] != 0 and not (repo / "written.txt").exists()
    allowed = ready.call(
        "command/exec",
        {"command": write, "cwd": str(repo), "sandboxPolicy": {"type": "workspaceWrite"}},
    )
    assert allowed["exitCode"] == 0 and (repo / "written.txt").read_text() == "x\n"
    bogus = _error(ready, "command/exec", {"command": write, "sandboxPolicy": {"type": "nope"}})
    assert "unknown variant" in bogus["message"]


def test_a_thread_started_here_resumes_in_codex_exec(
    ready: RpcClient, repo: Path, home: Path, mock: MockModelServer
) -> None:
    thread_id = _thread_with_turn(ready, repo, mock)
    ready.close()
    mock.enqueue(Turn([Message("resumed in exec")]))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codex",
            "exec",
            "--skip-git-repo-check",  # repo is a plain folder; exec checks, as 0.169
            "--json",
            "resume",
            thread_id,
            "what now",
        ],
        capture_output=True,
        text=True,
        env=scratch_env(home),
        cwd=repo,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert f'"thread_id":"{thread_id}"' in done.stdout
    texts = mock.requests[-1].message_texts("user")
    assert "hi" in texts and "what now" in texts


def test_a_thread_started_here_resumes_in_the_official_cli(
    ready: RpcClient, repo: Path, home: Path, mock: MockModelServer
) -> None:
    from tests.support.official import INSTALL_HINT, official_binary

    binary = official_binary()
    if binary is None:
        pytest.skip(f"the official CLI is not installed: {INSTALL_HINT}")
    thread_id = _thread_with_turn(ready, repo, mock)
    ready.close()
    mock.enqueue(Turn([Message("resumed by the official CLI")]))
    done = subprocess.run(
        [str(binary), "exec", "--json", "--skip-git-repo-check", "resume", thread_id, "what now"],
        capture_output=True,
        text=True,
        env=scratch_env(home),
        cwd=repo,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f'"thread_id":"{thread_id}"' in done.stdout
    texts = mock.requests[-1].message_texts("user")
    assert "hi" in texts and "what now" in texts


def test_thread_names_persist_in_the_official_session_index(
    ready: RpcClient, repo: Path, home: Path, mock: MockModelServer
) -> None:
    import json

    thread_id = _thread_with_turn(ready, repo, mock)
    ready.call("thread/name/set", {"threadId": thread_id, "name": "Kept"})
    ready.close()
    entries = [json.loads(line) for line in (home / "session_index.jsonl").read_text().splitlines()]
    assert [(e["id"], e["thread_name"]) for e in entries] == [(thread_id, "Kept")]
    assert sorted(entries[0]) == ["id", "thread_name", "updated_at"]
    again = RpcClient(ready.proc.args, scratch_env(home), repo)
    try:
        again.initialize()
        listed = again.call("thread/list", {})["data"]
        assert [(t["id"], t["name"]) for t in listed] == [(thread_id, "Kept")]
    finally:
        again.close()
