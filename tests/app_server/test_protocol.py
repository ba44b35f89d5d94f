"""Raw JSON-RPC over stdio against our `codex app-server`: framing, handshake, errors, and a
hostile client (malformed, huge, deep and binary input): each gets an error response and the
server keeps answering."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.app_server.shapes import official


def _error(client: RpcClient, request_id: object) -> dict:
    reply, _ = client.response(request_id)
    assert "error" in reply, reply
    return reply["error"]


def test_handshake_result_has_the_official_keys(server: RpcClient, home) -> None:
    result = server.initialize(name="probe")
    expected = official("initialize")[0]["result"]
    assert sorted(result) == sorted(expected)
    assert result["userAgent"].startswith("probe/0.169.0 (")
    assert result["userAgent"].endswith(" (probe; 1.0)")
    assert result["codexHome"] == str(home)
    assert (result["platformFamily"], result["platformOs"]) == ("unix", "linux")


def test_request_before_initialize_and_second_initialize(server: RpcClient) -> None:
    assert (
        _error(server, server.start("thread/list", {})) == official("before_initialize")[0]["error"]
    )
    server.initialize()
    again = server.start("initialize", {"clientInfo": {"name": "x", "version": "1"}})
    assert _error(server, again) == official("initialize_again")[0]["error"]


def test_requests_with_or_without_jsonrpc_and_params(ready: RpcClient) -> None:
    ready.send({"jsonrpc": "2.0", "id": "a", "method": "thread/loaded/list", "params": {}})
    reply, _ = ready.response("a")
    assert reply == {"id": "a", "result": {"data": [], "nextCursor": None}}  # no jsonrpc echoed
    ready.send({"id": 7, "method": "account/logout"})
    reply, _ = ready.response(7)
    assert reply["result"] == {}


def official_errors_code() -> int:
    return official("errors")[0]["error"]["code"]  # -32600, captured from 0.169


def test_unknown_method_and_bad_params(ready: RpcClient) -> None:
    unknown = _error(ready, ready.start("foo/bar", {}))
    assert unknown["code"] == official_errors_code()
    assert unknown["message"].startswith("Invalid request: unknown variant `foo/bar`")
    official_errors = official("errors")
    bad_type = _error(ready, ready.start("thread/start", {"cwd": 5}))
    assert bad_type == official_errors[1]["error"]  # code -32600 too, as the official
    missing = _error(ready, ready.start("thread/read", {}))
    assert missing == official_errors[2]["error"]
    bad_limit = _error(ready, ready.start("thread/list", {"limit": "x"}))
    assert bad_limit == official_errors[3]["error"]
    assert _error(ready, ready.start("thread/read", {"threadId": "nope"}))["code"] == -32600


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"not json\n", -32700),
        (b"[1,2]\n", -32600),
        (b'"str"\n', -32600),
        (b'{"id":2}\n', -32600),
        (b'{"id":{"x":1},"method":"thread/list"}\n', -32600),
        (b'{"method":5}\n', -32600),
        (b"\xff\xfe\x00garbage\x80\n", -32700),
        (b"[" * 5000 + b"]" * 5000 + b"\n", -32700),
        (b'{"id":1,"method":"thread/list","params":' + b"[" * 3000 + b"]" * 3000 + b"}\n", -32700),
    ],
)
def test_malformed_input_gets_an_error_and_the_server_goes_on(
    ready: RpcClient, raw: bytes, code: int
) -> None:
    ready.send_raw(raw)
    reply = ready.next()
    assert reply["error"]["code"] == code
    assert "id" in reply
    assert ready.call("thread/loaded/list", {}) == {"data": [], "nextCursor": None}


def test_a_huge_line_is_refused_without_buffering_it_and_the_server_goes_on(
    ready: RpcClient,
) -> None:
    chunk = b"x" * (1 << 20)
    ready.send_raw(b'{"id":1,"method":"thread/list","params":{"searchTerm":"')
    for _ in range(40):  # 40 MiB, over the 32 MiB limit
        ready.send_raw(chunk)
    ready.send_raw(b'"}}\n')
    reply = ready.next()
    assert reply["error"] == {"code": -32700, "message": "Parse error: message too large"}
    assert ready.call("thread/loaded/list", {}) == {"data": [], "nextCursor": None}


def test_blank_lines_are_ignored_and_stdout_is_protocol_only(ready: RpcClient) -> None:
    ready.send_raw(b"\n   \n")
    assert ready.call("thread/loaded/list", {})["data"] == []
    ready.close()
    # every line read so far parsed as a JSON object (RpcClient.next asserts it)
    assert all(isinstance(m, dict) for m in ready.seen)


def test_unsupported_cloud_methods_say_so(ready: RpcClient) -> None:
    error = _error(ready, ready.start("thread/realtime/start", {"threadId": "x"}))
    assert error["code"] == -32600
    assert "not supported" in error["message"]


def test_eof_on_stdin_ends_the_server(ready: RpcClient) -> None:
    assert ready.close() == 0


def test_server_requests_answered_with_unknown_ids_are_ignored(ready: RpcClient) -> None:
    ready.send({"id": 999, "result": {"decision": "accept"}})
    ready.send_raw(json.dumps({"id": 998, "error": {"code": 1, "message": "x"}}).encode() + b"\n")
    assert ready.call("thread/loaded/list", {})["data"] == []


def test_stdout_may_be_a_file_or_dev_null(home: Path, repo: Path, tmp_path: Path) -> None:
    """uvloop aborted the process (SIGABRT) on a non-pipe stdout; a file works now."""
    lines = (
        b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"a","version":"1"}}}\n'
        b'{"id":2,"method":"thread/loaded/list","params":{}}\n'
    )
    out = tmp_path / "out.jsonl"
    for target in (out, Path(os.devnull)):
        with open(target, "wb") as stdout:
            done = subprocess.run(
                [sys.executable, "-m", "codex", "app-server"],
                input=lines,
                stdout=stdout,
                stderr=subprocess.PIPE,
                env=scratch_env(home),
                cwd=repo,
                timeout=60,
            )
        assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["id"] for r in replies] == [1, 2]
    assert replies[1]["result"] == {"data": [], "nextCursor": None}


def test_a_bad_first_initialize_is_refused_and_a_good_one_then_works(server: RpcClient) -> None:
    bad = server.start("initialize", {"clientInfo": {"name": "x"}})
    assert _error(server, bad) == {
        "code": -32600,
        "message": "Invalid request: missing field `version`",
    }
    assert _error(server, server.start("thread/list", {}))["message"] == "Not initialized"
    assert server.initialize()["userAgent"].startswith("tests/")


def test_opted_out_notifications_are_not_sent(server: RpcClient, repo: Path, mock) -> None:
    from tests.support.mock_model_server import scenario

    server.initialize(capabilities={"optOutNotificationMethods": ["item/agentMessage/delta"]})
    mock.enqueue(scenario("message"))
    thread_id = server.call("thread/start", {"cwd": str(repo)})["thread"]["id"]
    _, messages = server.turn(thread_id, "hi")
    methods = {m.get("method") for m in messages}
    assert "item/agentMessage/delta" not in methods
    assert "item/completed" in methods
