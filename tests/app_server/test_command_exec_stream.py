"""command/exec streaming over raw JSON-RPC, shapes as the official 0.169 server: output as
`command/exec/outputDelta {processId, stream, deltaBase64, capReached}` (not repeated in the
result), stdin through `command/exec/write`, a pseudo-terminal with `tty` (its size from `size`
and `command/exec/resize`), `command/exec/terminate` (exit code 137), and the official errors."""

from __future__ import annotations

import base64
from typing import Any

from tests.app_server.rpc_client import Message, RpcClient
from tests.app_server.test_schema import _validator

FULL = {"type": "dangerFullAccess"}


def _deltas(messages: list[Message], process_id: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {"stdout": b"", "stderr": b""}
    for m in messages:
        if m.get("method") == "command/exec/outputDelta":
            params = m["params"]
            _validator("CommandExecOutputDeltaNotification").validate(params)
            assert params["processId"] == process_id
            assert set(params) == {"processId", "stream", "deltaBase64", "capReached"}
            out[params["stream"]] += base64.b64decode(params["deltaBase64"])
    return out


def _finish(client: RpcClient, request_id: int) -> tuple[dict[str, Any], list[Message]]:
    messages = client.until(lambda m: m.get("id") == request_id and "method" not in m)
    return messages[-1], messages


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_streamed_output_and_stdin(ready: RpcClient) -> None:
    script = "echo a; read x; echo got $x; echo e >&2"
    request = ready.start(
        "command/exec",
        {
            "command": ["sh", "-c", script],
            "processId": "p1",
            "streamStdin": True,
            "streamStdoutStderr": True,
        },
    )
    first = ready.until(lambda m: m.get("method") == "command/exec/outputDelta")
    write = ready.start(
        "command/exec/write", {"processId": "p1", "deltaBase64": _b64(b"hey\n"), "closeStdin": True}
    )
    reply, messages = _finish(ready, request)
    _validator("CommandExecResponse").validate(reply["result"])
    assert reply["result"] == {"exitCode": 0, "stdout": "", "stderr": ""}
    assert any(m.get("id") == write and m.get("result") == {} for m in messages)
    streamed = _deltas(first + messages, "p1")
    assert streamed == {"stdout": b"a\ngot hey\n", "stderr": b"e\n"}


def test_tty_size_and_resize(ready: RpcClient) -> None:
    request = ready.start(
        "command/exec",
        {
            "command": ["sh", "-c", "test -t 0 && echo isatty; stty size"],
            "processId": "t1",
            "tty": True,
            "size": {"rows": 20, "cols": 77},
            "sandboxPolicy": FULL,
        },
    )
    reply, messages = _finish(ready, request)
    assert reply["result"]["exitCode"] == 0
    assert _deltas(messages, "t1")["stdout"] == b"isatty\r\n20 77\r\n"

    request = ready.start(
        "command/exec",
        {"command": ["sh", "-c", "read x; stty size"], "processId": "t2", "tty": True},
    )
    resize = ready.start("command/exec/resize", {"processId": "t2", "size": {"rows": 5, "cols": 9}})
    ready.until(lambda m: m.get("id") == resize)
    ready.call("command/exec/write", {"processId": "t2", "deltaBase64": _b64(b"\n")})
    reply, messages = _finish(ready, request)
    assert reply["result"]["exitCode"] == 0
    assert _deltas(messages, "t2")["stdout"].endswith(b"5 9\r\n")


def test_terminate_and_output_cap(ready: RpcClient) -> None:
    request = ready.start("command/exec", {"command": ["sleep", "30"], "processId": "s1"})
    ready.call("command/exec/terminate", {"processId": "s1"})
    reply, _ = _finish(ready, request)
    assert reply["result"] == {"exitCode": 137, "stdout": "", "stderr": ""}

    request = ready.start(
        "command/exec",
        {
            "command": ["sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x"],
            "processId": "c1",
            "streamStdoutStderr": True,
            "outputBytesCap": 10,
        },
    )
    reply, messages = _finish(ready, request)
    assert _deltas(messages, "c1")["stdout"] == b"x" * 10
    last = [m for m in messages if m.get("method") == "command/exec/outputDelta"][-1]
    assert last["params"]["capReached"] is True


def test_official_errors(ready: RpcClient) -> None:
    def error(method: str, params: dict[str, Any]) -> dict[str, Any]:
        reply, _ = ready.response(ready.start(method, params))
        return reply["error"]

    needs_id = "command/exec tty or streaming requires a client-supplied processId"
    assert error("command/exec", {"command": ["true"], "tty": True}) == {
        "code": -32600,
        "message": needs_id,
    }
    assert error("command/exec", {"command": ["true"], "streamStdin": True})["message"] == needs_id
    missing = 'no active command/exec for process id "nope"'
    for method, params in (
        ("command/exec/write", {"processId": "nope", "deltaBase64": ""}),
        ("command/exec/resize", {"processId": "nope", "size": {"rows": 1, "cols": 1}}),
        ("command/exec/terminate", {"processId": "nope"}),
    ):
        assert error(method, params) == {"code": -32600, "message": missing}
