"""A raw JSON-RPC client for `codex app-server` over stdio (ours or the official binary), used
by the tests, the fixture capture and the benchmark: one child process, a reader thread, and
helpers that wait for a response or a notification (each wait bounded, so a broken server
fails a test instead of hanging it)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

Message = dict[str, Any]
WAIT = 60.0  # a hang guard, generous for a loaded machine; never a timing assertion


def ours_argv() -> list[str]:
    return [sys.executable, "-m", "codex", "app-server"]


def scratch_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    fake_home = home.parent / "fakehome"
    fake_home.mkdir(exist_ok=True)
    (fake_home / ".bashrc").touch()
    env.update(CODEX_HOME=str(home), MOCK_KEY="dummy", HOME=str(fake_home))
    env.update(extra or {})
    return env


class RpcClient:
    def __init__(
        self, argv: list[str], env: dict[str, str], cwd: Path, *, stderr: Any = None
    ) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr if stderr is not None else subprocess.DEVNULL,
            env=env,
            cwd=cwd,
        )
        self.inbox: queue.Queue[Message | bytes | None] = queue.Queue()
        self.seen: list[Message] = []
        self._next_id = 1000
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self.inbox.put(json.loads(line))
            except ValueError:
                self.inbox.put(line)  # not JSON: the test that reads it fails on it
        self.inbox.put(None)

    # ---- sending ----------------------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Message) -> None:
        self.send_raw(json.dumps(message).encode() + b"\n")

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def start(self, method: str, params: Any = None) -> int:
        request_id = self.new_id()
        message: Message = {"id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return request_id

    # ---- receiving --------------------------------------------------------------------------

    def next(self, timeout: float = WAIT) -> Message:
        item = self.inbox.get(timeout=timeout)
        if item is None:
            raise EOFError("the server closed stdout")
        if isinstance(item, bytes):
            raise AssertionError(f"non-JSON line on stdout: {item[:200]!r}")
        self.seen.append(item)
        return item

    def until(self, predicate: Callable[[Message], bool], timeout: float = WAIT) -> list[Message]:
        """Messages up to and including the first one matching `predicate`."""
        out = []
        while True:
            message = self.next(timeout)
            out.append(message)
            if predicate(message):
                return out

    def response(self, request_id: Any, timeout: float = WAIT) -> tuple[Message, list[Message]]:
        """The response to `request_id`, and the other messages read before it."""
        before = self.until(lambda m: m.get("id") == request_id and "method" not in m, timeout)
        return before[-1], before[:-1]

    def call(self, method: str, params: Any = None) -> Any:
        """Request and return `result` (AssertionError on an error response)."""
        reply, _ = self.response(self.start(method, params))
        assert "error" not in reply, reply
        return reply["result"]

    def initialize(self, name: str = "tests", **extra: Any) -> Message:
        result = self.call("initialize", {"clientInfo": {"name": name, "version": "1.0"}, **extra})
        self.send({"method": "initialized"})
        return result

    def turn(self, thread_id: str, text: str, **more: Any) -> tuple[Message, list[Message]]:
        """Run one turn: (turn/start result, every message up to turn/completed). `more`: other
        turn/start params (a collaborationMode, ...)."""
        params = {"threadId": thread_id, "input": [{"type": "text", "text": text}], **more}
        request_id = self.start("turn/start", params)
        messages = self.until(
            lambda m: m.get("method") == "turn/completed" and m["params"]["threadId"] == thread_id
        )
        reply = next(m for m in messages if m.get("id") == request_id)
        return reply, messages

    def close(self) -> int:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
