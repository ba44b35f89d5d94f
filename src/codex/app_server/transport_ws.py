"""The WebSocket transport (`--listen ws://IP:PORT`): one JSON-RPC message per text frame,
each connection its own client (own handshake, own subscriptions), all sharing the server's
threads. `websockets` is imported only here (the `ws` extra). Prints the bound address on
stderr, as `listening on ws://HOST:PORT`, so a caller that asked for port 0 learns the port."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from codex.app_server.framing import MAX_MESSAGE_BYTES, Incoming, decode
from codex.errors import CodexError

if TYPE_CHECKING:
    from codex.app_server.server import AppServer


async def serve_ws(server: AppServer, host: str, port: int) -> None:
    try:
        from websockets.asyncio.server import serve
    except ImportError:
        raise CodexError(
            "--listen ws:// needs the websockets package: pip install 'codex-py[ws]'"
        ) from None

    async def handler(ws: Any) -> None:
        await _connection(server, ws)

    async with serve(handler, host, port, max_size=MAX_MESSAGE_BYTES) as ws_server:
        bound = next(iter(ws_server.sockets)).getsockname()
        sys.stderr.write(f"listening on ws://{bound[0]}:{bound[1]}\n")
        sys.stderr.flush()
        await asyncio.Future()  # until cancelled


async def _connection(server: AppServer, ws: Any) -> None:
    """One client: a sender task writes queued messages in order, one frame each."""
    from codex.app_server.connection import Connection

    outbox: asyncio.Queue[str | None] = asyncio.Queue()

    def write(data: bytes) -> None:
        outbox.put_nowait(data.decode().rstrip("\n"))

    sender = asyncio.ensure_future(_send_all(ws, outbox))
    conn = Connection(write, per_message=True)
    try:
        await server.serve(conn, _messages(ws))
    finally:
        outbox.put_nowait(None)
        with contextlib.suppress(Exception):
            await sender


async def _send_all(ws: Any, outbox: asyncio.Queue[str | None]) -> None:
    while (text := await outbox.get()) is not None:
        try:
            await ws.send(text)
        except Exception:  # the peer went away: the reader notices and closes the connection
            return


async def _messages(ws: Any) -> AsyncIterator[Incoming]:
    try:
        async for frame in ws:
            data = frame.encode() if isinstance(frame, str) else frame
            message = decode(data)
            if message is not None:
                yield message
    except Exception:  # connection closed (cleanly or not)
        return
