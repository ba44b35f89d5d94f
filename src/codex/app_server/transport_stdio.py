"""The stdio transport: newline-delimited messages on stdin, protocol on stdout only.

Reads with a bounded line buffer: a line over `MAX_MESSAGE_BYTES` is answered with a parse
error and skipped to its newline, never buffered whole. Writes go through the event loop's
pipe transport (non-blocking), so a slow reader never stalls the threads' turns.
"""

from __future__ import annotations

import asyncio
import os
import sys
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


async def open_stdio() -> tuple[asyncio.StreamReader, asyncio.WriteTransport]:
    """The process's stdin as a StreamReader and stdout as a non-blocking write transport."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_MESSAGE_BYTES)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(sys.stdin.fileno(), "rb", 0)
    )
    transport, _ = await loop.connect_write_pipe(
        asyncio.Protocol, os.fdopen(os.dup(sys.stdout.fileno()), "wb", 0)
    )
    return reader, transport  # type: ignore[return-value]
