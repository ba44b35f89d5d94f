"""One client connection: what it negotiated (initialize, opted-out notifications), its
outgoing messages, and the server→client requests it has not answered yet.

Outgoing messages are encoded at once and written in one batch per event-loop turn (a
20,000-delta turn is a few hundred writes, not 20,000); a WebSocket connection sends one
message per frame instead. A closed connection drops what is sent to it and fails its pending
requests with `ConnectionLost`, so whoever awaits an answer (an approval) decides what a
vanished client means.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

from codex.app_server.framing import encode


class ConnectionLost(Exception):
    """The client went away before answering a server→client request."""


class ClientError(Exception):
    """The client answered a server→client request with an error (`request_id`: ours)."""

    request_id: int | None = None


class Connection:
    """See the module docstring. `write` takes bytes (stdio: several lines at once) and
    `per_message` says it takes exactly one message per call (WebSocket)."""

    _ids = itertools.count(1)

    def __init__(self, write: Callable[[bytes], None], *, per_message: bool = False) -> None:
        self.number = next(self._ids)
        self._write = write
        self._per_message = per_message
        self.initialized = False
        self.client_name = ""
        self.client_version = ""
        self.experimental = False
        self.opt_out: frozenset[str] = frozenset()
        self.closed = False
        self._out: list[bytes] = []
        self._flush_scheduled = False
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._request_ids = itertools.count(0)

    def hello(self, hello: Any) -> None:
        """Record the client's `initialize` (codex.app_server.handshake.ClientHello)."""
        self.client_name, self.client_version = hello.name, hello.version
        self.experimental = hello.experimental
        self.opt_out = hello.opt_out
        self.initialized = True

    # ---- outgoing ---------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        if self.opt_out and message.get("method") in self.opt_out:
            return
        data = encode(message)
        if self._per_message:
            self._write(data)
            return
        self._out.append(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def send_encoded(self, method: str, data: bytes) -> None:
        """A notification already encoded as one line (the delta hot path)."""
        if self.closed or (self.opt_out and method in self.opt_out):
            return
        if self._per_message:
            self._write(data)
            return
        self._out.append(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._flush_scheduled = False
        if not self._out or self.closed:
            self._out.clear()
            return
        data = b"".join(self._out) if len(self._out) > 1 else self._out[0]
        self._out.clear()
        self._write(data)

    # ---- server → client requests ----------------------------------------------------------

    async def request(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        """Send a request, wait for the answer: (request id, result). Raises ClientError for
        an error answer, ConnectionLost when the client goes away first."""
        if self.closed:
            raise ConnectionLost()
        request_id = next(self._request_ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self.send({"method": method, "id": request_id, "params": params})
        try:
            return request_id, await future
        except ClientError as exc:
            exc.request_id = request_id
            raise
        finally:
            self._pending.pop(request_id, None)

    def answer(self, request_id: Any, result: Any, error: Any) -> None:
        """A response from the client; unknown ids are ignored (a late or stray answer)."""
        key = request_id if isinstance(request_id, int) else _as_int(request_id)
        future = self._pending.get(key) if key is not None else None
        if future is None or future.done():
            return
        if error is not None:
            future.set_exception(ClientError(str(error)))
        else:
            future.set_result(result)

    def close(self) -> None:
        if self.closed:
            return
        self.flush()
        self.closed = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionLost())
        self._pending.clear()


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
