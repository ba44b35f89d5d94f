"""`codex exec --json --input-format stream-json`: the user turns of one headless conversation,
read as JSONL from stdin (what Claude Code's `-p --input-format stream-json` gives
orchestrators, openai/codex#4219).

Accepted line shapes (one JSON object per line; blank lines are skipped):
  {"type": "user", "message": {"role": "user", "content": "text"}}
  {"type": "user", "message": {"role": "user", "content": [{"type": "text", "text": "..."}]}}
  {"prompt": "text"}
Text blocks of one message are joined with a blank line.

A malformed line does not end the conversation: it becomes one `{"type":"error"}` event naming
the line (1-based) and the next line is read; the process then exits 1 at EOF, so an
orchestrator that streams a bad line still gets answers to the good ones and a failing status.
EOF ends the session cleanly after the running turn.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


class StreamLineError(Exception):
    """One stdin line that is not a usable user message; `str()` names the line."""


@dataclass(slots=True)
class StreamJsonInput:
    """Reads user turns one line at a time off fd 0 (a read off the event loop, so the turn's
    events keep flowing while the orchestrator decides what to send next)."""

    fd: int
    line_no: int = 0
    _buffer: bytes = b""
    _eof: bool = False

    async def next_prompt(self) -> str | None:
        """The next turn's text; None at EOF; raises StreamLineError for a bad line."""
        while True:
            raw = await self._next_line()
            if raw is None:
                return None
            self.line_no += 1
            if raw.strip():
                return parse_line(raw, self.line_no)

    async def _next_line(self) -> bytes | None:
        while b"\n" not in self._buffer and not self._eof:
            chunk = await _read_chunk(self.fd)
            self._eof = not chunk
            self._buffer += chunk
        if not self._buffer:
            return None
        line, sep, rest = self._buffer.partition(b"\n")
        self._buffer = rest
        return line + sep


async def _read_chunk(fd: int) -> bytes:
    """One os.read of fd 0, on a daemon thread: Ctrl-C can cancel the wait and the process exits
    without joining a thread blocked on a pipe nobody writes to (asyncio.to_thread's pool is
    joined at loop shutdown). The raw fd, not sys.stdin.buffer: a daemon thread inside the
    buffered reader holds its lock, and interpreter shutdown aborts on that lock."""
    import contextlib
    import os
    import threading

    loop = asyncio.get_running_loop()
    fut: asyncio.Future[bytes] = loop.create_future()

    def deliver(data: bytes | BaseException) -> None:
        if fut.done():
            return
        if isinstance(data, BaseException):
            fut.set_exception(data)
        else:
            fut.set_result(data)

    def read() -> None:
        try:
            data: bytes | BaseException = os.read(fd, 1 << 16)
        except OSError as err:
            data = err
        with contextlib.suppress(RuntimeError):  # the loop is closed: the process is exiting
            loop.call_soon_threadsafe(deliver, data)

    threading.Thread(target=read, name="stdin-turns", daemon=True).start()
    return await fut


def parse_line(raw: bytes, line_no: int) -> str:
    import orjson

    where = f"stdin line {line_no}"
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise StreamLineError(f"{where}: not valid JSON ({err})") from None
    if not isinstance(obj, dict):
        raise StreamLineError(f"{where}: expected a JSON object")
    if "prompt" in obj and "type" not in obj:
        prompt = obj["prompt"]
        if not isinstance(prompt, str) or not prompt:
            raise StreamLineError(f'{where}: "prompt" must be a non-empty string')
        return prompt
    if obj.get("type") != "user":
        raise StreamLineError(f'{where}: expected {{"type":"user",...}} or {{"prompt":...}}')
    message = obj.get("message")
    if not isinstance(message, dict) or message.get("role", "user") != "user":
        raise StreamLineError(f'{where}: "message" must be an object with role "user"')
    content = message.get("content")
    if isinstance(content, str):
        texts = [content]
    elif isinstance(content, list):
        texts = []
        for block in content:
            if not isinstance(block, dict) or block.get("type") != "text":
                kind = block.get("type") if isinstance(block, dict) else type(block).__name__
                raise StreamLineError(f"{where}: unsupported content block {kind!r}")
            text = block.get("text")
            if not isinstance(text, str):
                raise StreamLineError(f'{where}: a text block needs a string "text"')
            texts.append(text)
    else:
        raise StreamLineError(f'{where}: "content" must be a string or a list of blocks')
    text = "\n\n".join(t for t in texts if t)
    if not text:
        raise StreamLineError(f"{where}: empty message")
    return text
