"""The stdio transport: newline-delimited messages on stdin, protocol on stdout only.

Reads with a bounded line buffer: a line over `MAX_MESSAGE_BYTES` is answered with a parse
error and skipped to its newline, never buffered whole. Writes go through the event loop's
pipe transport (non-blocking), so a slow reader never stalls the threads' turns.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import sys
import threading
from collections.abc import AsyncIterator

from codex.app_server.errors import PARSE_ERROR, RpcError
from codex.app_server.framing import MAX_MESSAGE_BYTES, Incoming, Malformed, decode

_CHUNK = 256 * 1024


async def read_messages(reader: asyncio.StreamReader) -> AsyncIterator[Incoming]:
    """Messages from a byte stream, one per line, until EOF."""
    buffer = bytearray()
    skipping = False  # inside an over-long line: drop bytes until its newline
    while True:
        chunk = await reader.read(_CHUNK)
        if not chunk:
            break
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            if newline < 0:
                if not skipping:
                    buffer += chunk[start:]
                    if len(buffer) > MAX_MESSAGE_BYTES:
                        buffer.clear()
                        skipping = True
                        yield _too_large()
                break
            if skipping:
                skipping = False
            else:
                buffer += chunk[start:newline]
                message = decode(bytes(buffer))
                buffer.clear()
                if message is not None:
                    yield message
            start = newline + 1
    if buffer and not skipping:
        message = decode(bytes(buffer))
        if message is not None:
            yield message


def _too_large() -> Malformed:
    return Malformed(None, RpcError(PARSE_ERROR, "Parse error: message too large"))


async def open_stdio(pending: bytes = b"") -> tuple[asyncio.StreamReader, asyncio.WriteTransport]:
    """The process's stdin as a StreamReader (starting with `pending`, bytes read before the
    loop ran) and stdout as a non-blocking write transport.

    stdin is read by a daemon thread (blocking reads, each chunk handed to the loop): uvloop
    aborts the process (SIGABRT) when a read pipe already at EOF is registered beside the
    stdout write pipe (`echo '{...}' | codex app-server`), and a thread also serves a stdin
    that is a regular file or a terminal."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_MESSAGE_BYTES)
    if pending:  # before the pump starts: it may reach EOF at once, and nothing follows EOF
        reader.feed_data(pending)
    threading.Thread(target=_pump_stdin, args=(loop, reader), daemon=True).start()
    fd = os.dup(sys.stdout.fileno())
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        # A regular file or a device (`> log`, `> /dev/null`, a terminal): uvloop's pipe
        # transport aborts the process on them; plain blocking writes serve them well.
        return reader, _FileWriter(fd)  # type: ignore[return-value]
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(fd, "wb", 0))
    return reader, transport


class _FileWriter:
    """The write-transport surface the server uses, over a blocking file descriptor."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


def _pump_stdin(loop: asyncio.AbstractEventLoop, reader: asyncio.StreamReader) -> None:
    fd = sys.stdin.fileno()
    try:
        while chunk := os.read(fd, _CHUNK):
            loop.call_soon_threadsafe(reader.feed_data, chunk)
    except OSError:
        pass
    with contextlib.suppress(RuntimeError):  # the loop is already closed
        loop.call_soon_threadsafe(reader.feed_eof)
