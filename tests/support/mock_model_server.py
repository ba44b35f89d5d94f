"""A real HTTP model server on 127.0.0.1 for end-to-end tests: scripted replies, recorded requests.

In-process (the usual way; see tests/support/fixtures.py for the `mock_model_server` fixture)::

    from tests.support.mock_model_server import MockModelServer
    from tests.support.model_stream import FunctionCall, Message, Turn

    with MockModelServer() as server:               # listening on 127.0.0.1:<free port>
        server.enqueue(
            Turn([FunctionCall("call_1", "exec_command", {"cmd": "echo hi"})]),
            Turn([Message("done")]),
        )
        ... point the client / `codex exec` at server.base_url ("http://127.0.0.1:PORT/v1") ...
        first, second = server.requests              # RecordedRequest objects, in arrival order
        assert second.function_call_output("call_1") is not None

Replies are consumed in order, one per POST to `…/responses` or `…/chat/completions` (the wire
API is chosen by the request path, so one script serves both); `repeat(reply)` answers every
request once the queue is empty (retry tests), otherwise an unscripted request gets a 500 whose
message says so. A compact request (`…/responses/compact`) takes the next `JsonReply`.

`Hold(reply, frames=N)` pauses on cue (crash tests): the server writes the first N SSE frames
of `reply` (None: nothing at all, the request stays unanswered), then `wait_held()` returns in the
test and the handler waits for `release()` (or `close()`) before writing the rest.

Standalone, from the repository root::

    python -m tests.support.mock_model_server --port 8080 \
        --scenario function_call --scenario message

prints `listening on http://127.0.0.1:PORT/v1` and serves the named scenarios in order (the last
one repeats with `--repeat-last`); `--record FILE` appends every request as a JSON line.

Streams use chunked transfer encoding and end (zero-length chunk) right after the last event, so
a client sees EOF exactly where the official CLI expects it. The server never sleeps unless a
reply asks for slow chunks.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
from tests.support.model_stream import (
    FunctionCall,
    HttpError,
    JsonReply,
    Message,
    RawSSE,
    Reasoning,
    Reply,
    Turn,
    Usage,
    Wire,
    apply_patch_call,
    repeated_deltas,
)

_WRITE_SIZE = 256 * 1024
# Bounds a held handler thread when a test forgets release(); close() releases it at once.
_HOLD_LIMIT = 120.0
_CALL_TYPES = ("function_call", "local_shell_call", "custom_tool_call")
_OUTPUT_TYPES = {"function_call_output": "call_id", "custom_tool_call_output": "call_id"}


@dataclass(slots=True)
class RecordedRequest:
    """One request as the server saw it. Header names are lower-case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    wire: Wire | None = None
    # The client's address ("IP:PORT"): one value per connection, so tests count connections.
    peer: str = ""
    # time.monotonic() when the request was read and just before the first byte of its reply
    # went out (None: not yet, or never), so the client cannot have seen the reply before
    # `replied_at`: tests compare them with the client's pauses (one clock system-wide).
    received_at: float = 0.0
    replied_at: float | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def input(self) -> list[dict[str, Any]]:
        """The Responses `input` array (chat: `messages`)."""
        body = self.json or {}
        return list(body.get("input", body.get("messages", [])))

    def inputs_of_type(self, item_type: str) -> list[dict[str, Any]]:
        return [i for i in self.input() if i.get("type") == item_type]

    def message_texts(self, role: str) -> list[str]:
        """Text of every message with `role` (all text parts joined)."""
        out = []
        for item in self.input():
            if item.get("role") != role:
                continue
            content = item.get("content")
            if isinstance(content, str):
                out.append(content)
            elif isinstance(content, list):
                out.append("".join(p.get("text", "") for p in content if isinstance(p, dict)))
        return out

    def function_call_output(self, call_id: str) -> dict[str, Any] | None:
        return self._output("function_call_output", call_id)

    def custom_tool_call_output(self, call_id: str) -> dict[str, Any] | None:
        return self._output("custom_tool_call_output", call_id)

    def _output(self, item_type: str, call_id: str) -> dict[str, Any] | None:
        for item in self.inputs_of_type(item_type):
            if item.get("call_id") == call_id:
                return item
        return None

    def tool_pairing_problems(self) -> list[str]:
        """Upstream's invariant on every request: each call output answers a call in the same
        input, and every call has an output. Empty when the request is well-formed."""
        items = self.input()
        calls = {i.get("call_id") for i in items if i.get("type") in _CALL_TYPES}
        outputs = {i.get("call_id") for i in items if i.get("type") in _OUTPUT_TYPES}
        problems = [f"output for unknown call {c!r}" for c in sorted(outputs - calls, key=str)]
        problems += [f"call {c!r} has no output" for c in sorted(calls - outputs, key=str)]
        problems += ["output with empty call_id" for c in outputs if not c]
        return problems

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.json if self.json is not None else self.body.decode("utf-8", "replace"),
        }


@dataclass(frozen=True, slots=True)
class Hold:
    """`reply`, paused after its first `frames` SSE frames (None: before the response starts)
    until the test calls `MockModelServer.release()`; `wait_held()` says when it is reached."""

    reply: Turn | RawSSE
    frames: int | None = None


class MockModelServer:
    """The server. A context manager; `start()`/`close()` for manual control."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Condition()
        self._queue: deque[Reply | Hold] = deque()
        self._repeat: Reply | None = None
        self.requests: list[RecordedRequest] = []
        self.on_request: Callable[[RecordedRequest], None] | None = None
        # When set, GET .../models answers with these ids (OpenAI list shape) outside the queue.
        self.models: list[str] | None = None
        # GET PATH answers with this JSON outside the queue (servers' native APIs: /props,
        # /api/ps, ...); an entry for a path wins over `models`. While `models` is set (the
        # server plays a local one), any other GET is a 404 that leaves the queue alone.
        self.get_json: dict[str, Any] = {}
        self._held = 0  # how many Hold replies reached their pause point
        self._released = threading.Event()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.mock = self
        self._thread: threading.Thread | None = None

    # -- lifecycle

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What a provider's `base_url` should be (the client appends `/responses`)."""
        return f"{self.url}/v1"

    def start(self) -> MockModelServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._serve, name="mock-model-server", daemon=True
            )
            self._thread.start()
        return self

    def _serve(self) -> None:
        # A short poll interval keeps close() (which waits for the loop to notice) fast.
        self._httpd.serve_forever(poll_interval=0.02)

    def close(self) -> None:
        self.release()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> MockModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scripting

    def enqueue(self, *replies: Reply | Hold) -> MockModelServer:
        """Answer the next requests with these replies, in order."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def repeat(self, reply: Reply | None) -> MockModelServer:
        """Answer every request with `reply` once the queue is empty (None: stop repeating)."""
        with self._lock:
            self._repeat = reply
        return self

    @property
    def pending(self) -> int:
        """Scripted replies not yet consumed."""
        with self._lock:
            return len(self._queue)

    def _next_reply(self, request: RecordedRequest) -> Reply | Hold:
        with self._lock:
            self.requests.append(request)
            self._lock.notify_all()
            if self._queue:
                return self._queue.popleft()
            if self._repeat is not None:
                return self._repeat
        return HttpError(
            500,
            {
                "error": {
                    "message": f"mock model server: no scripted reply for request "
                    f"#{len(self.requests)} ({request.path})",
                    "type": "mock_unscripted",
                }
            },
        )

    def wait_held(self, n: int = 1, timeout: float = 30.0) -> None:
        """Block until `n` Hold replies have reached their pause point."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._held >= n, timeout):
                raise TimeoutError(f"{self._held} of {n} holds reached")

    def release(self) -> None:
        """Let every held reply (now and later) go on."""
        self._released.set()

    def _hold_here(self) -> None:
        with self._lock:
            self._held += 1
            self._lock.notify_all()
        self._released.wait(_HOLD_LIMIT)

    # -- assertions

    def single_request(self) -> RecordedRequest:
        assert len(self.requests) == 1, f"expected 1 request, got {len(self.requests)}"
        return self.requests[0]

    def last_request(self) -> RecordedRequest:
        assert self.requests, "no request was made"
        return self.requests[-1]

    def wait_for_requests(self, n: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until at least `n` requests arrived (for front ends running in another process)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(f"{len(self.requests)} of {n} requests arrived")
            return list(self.requests)


# ---- HTTP plumbing ---------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a client opening 24 connections at once
    # (codex batch --jobs 24) then saw some of them reset.
    request_queue_size = 128
    mock: MockModelServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body chunks go out in separate send()s; with Nagle's algorithm and the client's
    # delayed ACK a reused connection would stall each response by up to 40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        try:
            parsed = orjson.loads(body) if body else None
        except orjson.JSONDecodeError:
            parsed = None
        path = split.path
        wire: Wire | None = None
        if path.endswith("/chat/completions"):
            wire = "chat"
        elif path.endswith("/responses"):
            wire = "responses"
        request = RecordedRequest(
            method=self.command,
            path=path,
            query=dict(parse_qsl(split.query)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            json=parsed,
            wire=wire,
            peer=f"{self.client_address[0]}:{self.client_address[1]}",
            received_at=time.monotonic(),
        )
        self._request = request
        self._answer(request, path, wire)

    def _answer(self, request: RecordedRequest, path: str, wire: Wire | None) -> None:
        mock = self.server.mock
        if self.command == "GET" and path in mock.get_json:
            with mock._lock:
                mock.requests.append(request)
            self._send_plain(200, orjson.dumps(mock.get_json[path]), {})
            return
        if mock.models is not None and self.command == "GET" and path.endswith("/models"):
            data = [{"id": m, "object": "model"} for m in mock.models]
            listing = {"object": "list", "data": data}
            self._send_plain(200, orjson.dumps(listing), {})
            return
        if mock.models is not None and self.command == "GET":
            self._send_plain(404, b'{"error": "not found"}', {})
            return
        reply = mock._next_reply(request)
        if mock.on_request is not None:
            mock.on_request(request)
        hold_after: int | None = None
        if isinstance(reply, Hold):
            if reply.frames is None:
                mock._hold_here()
            else:
                hold_after = reply.frames
            reply = reply.reply
        if isinstance(reply, HttpError):
            self._send_plain(reply.status, reply.body_bytes(), reply.headers)
        elif isinstance(reply, JsonReply):
            self._send_plain(reply.status, orjson.dumps(reply.body), {})
        else:
            self._send_stream(reply, wire or "responses", hold_after)

    def _replying(self) -> None:
        request: RecordedRequest | None = getattr(self, "_request", None)
        if request is not None:
            request.replied_at = time.monotonic()

    def _send_plain(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self._replying()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _send_stream(self, reply: Turn | RawSSE, wire: Wire, hold_after: int | None = None) -> None:
        frames = reply.render(wire)
        try:
            self._send_stream_body(reply, frames, hold_after)
        except (BrokenPipeError, ConnectionResetError):  # the client is gone (killed, say)
            self.close_connection = True

    def _send_stream_body(
        self, reply: Turn | RawSSE, frames: list[bytes], hold_after: int | None
    ) -> None:
        self._replying()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        for k, v in reply.headers.items():
            self.send_header(k, v)
        out = self.wfile
        if hold_after is None and not reply.chunk_delay and reply.fault != "drop":
            # The common reply in one write (headers, every chunk, the end): each write lets the
            # GIL go, and with a hundred connections answered at once (the in-process benchmark)
            # a reply written in pieces waited for every other reply's pieces, so all of them
            # arrived together at the end, each a whole batch late; written at once they leave
            # in turn, as a real server's would.
            body = b"".join(b"%x\r\n%b\r\n" % (len(p), p) for p in _batches(frames, 0.0))
            self._headers_buffer.append(b"\r\n")
            head, self._headers_buffer = b"".join(self._headers_buffer), []
            out.write(head + body + b"0\r\n\r\n")
            return
        self.end_headers()
        if hold_after is not None:
            for payload in frames[:hold_after]:
                out.write(b"%x\r\n%b\r\n" % (len(payload), payload))
            out.flush()
            self.server.mock._hold_here()
            frames = frames[hold_after:]
        for payload in _batches(frames, reply.chunk_delay):
            out.write(b"%x\r\n%b\r\n" % (len(payload), payload))
            if reply.chunk_delay:
                out.flush()
                time.sleep(reply.chunk_delay)
        if reply.fault == "drop":
            # Abrupt end: no terminating chunk, the connection just goes away.
            out.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        out.write(b"0\r\n\r\n")
        out.flush()


def _batches(frames: list[bytes], delay: float) -> Iterator[bytes]:
    """Group frames into large writes (one per frame when the reply asks for slow chunks)."""
    if delay:
        yield from frames
        return
    buf: list[bytes] = []
    size = 0
    for frame in frames:
        buf.append(frame)
        size += len(frame)
        if size >= _WRITE_SIZE:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


# ---- named scenarios (the CLI, and tests that want the sample names) -----------------------

_PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n"
_USAGE = Usage(input_tokens=100, cached_input_tokens=10, output_tokens=20)


def scenario(name: str) -> Reply:
    """A reply by name: message, reasoning, function_call, custom_tool_call (apply_patch),
    deltas:N, http500, http429, http400, http401, cut, drop, failed, incomplete, slow,
    context_window, quota."""
    base, _, arg = name.partition(":")
    if base == "message":
        return Turn([Message("hello from the mock", ["hello ", "from ", "the mock"])], _USAGE)
    if base == "reasoning":
        return Turn(
            [Reasoning(summary=["**Thinking** about it"]), Message("reasoned answer")], _USAGE
        )
    if base == "function_call":
        return Turn([FunctionCall(arg or "call_1", "exec_command", {"cmd": "echo hello"})], _USAGE)
    if base == "custom_tool_call":
        return Turn([apply_patch_call(arg or "call_patch_1", _PATCH)], _USAGE)
    if base == "deltas":
        return Turn([repeated_deltas(int(arg or 1000))], _USAGE)
    if base == "http500":
        return HttpError(500, {"error": {"message": "mock overloaded", "type": "server_error"}})
    if base == "http429":
        return HttpError(
            429,
            {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}},
            {"Retry-After": arg or "1"},
        )
    if base == "http400":
        return HttpError(
            400, {"error": {"message": "bad request from mock", "type": "invalid_request_error"}}
        )
    if base == "http401":
        return HttpError(
            401, {"error": {"message": "Incorrect API key provided", "type": "invalid_api_key"}}
        )
    if base == "cut":
        return Turn([Message("partial")], fault="cut")
    if base == "drop":
        return Turn([Message("partial")], fault="drop")
    if base == "failed":
        return Turn([], fault="failed")
    if base == "incomplete":
        return Turn([Message("truncated")], fault="incomplete")
    if base == "context_window":
        return Turn(
            [],
            fault="failed",
            error={"code": "context_length_exceeded", "message": "Your input exceeds the window."},
        )
    if base == "quota":
        return Turn(
            [],
            fault="failed",
            error={"code": "insufficient_quota", "message": "You exceeded your current quota."},
        )
    if base == "slow":
        return Turn([Message("slow", deltas=["s", "l", "o", "w"])], chunk_delay=float(arg or 0.02))
    raise ValueError(f"unknown scenario {name!r}")


SCENARIOS = (
    *("message", "reasoning", "function_call", "custom_tool_call", "deltas:N"),
    *("http500", "http429", "http400", "http401", "cut", "drop", "failed", "incomplete"),
    *("slow", "context_window", "quota"),
)
__all__ = ["SCENARIOS", "Hold", "MockModelServer", "RecordedRequest", "scenario"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.mock_model_server",
        description="Serve scripted Responses / Chat Completions streams on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME",
        help="one reply per request, in order: " + ", ".join(SCENARIOS),
    )
    parser.add_argument("--repeat-last", action="store_true", help="repeat the last scenario")
    parser.add_argument("--record", metavar="FILE", help="append each request as a JSON line")
    args = parser.parse_args(argv)
    replies = [scenario(name) for name in args.scenario]
    server = MockModelServer(port=args.port)
    server.enqueue(*replies)
    if args.repeat_last and replies:
        server.repeat(replies[-1])
    if args.record:
        record_path = args.record

        def record(request: RecordedRequest) -> None:
            with open(record_path, "ab") as f:
                f.write(orjson.dumps(request.to_json()) + b"\n")

        server.on_request = record
    print(f"listening on {server.base_url}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
