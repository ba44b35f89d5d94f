"""`LeanPool`: httpcore's connection pool with constant-time connection hand-out.

httpcore's `AsyncConnectionPool` re-plans every queued request against every connection on each
request start and each response close (`_assign_requests_to_connections`), calling
`has_expired()` (a poll(2) on the socket plus anyio's per-call attribute dict) for each
connection each time. With many streams in flight that is quadratic: 100 concurrent one-turn
threads in one process spent about half of their CPU there (cProfile, bench_inprocess.py).

This pool keeps idle connections per origin in a LIFO list and checks only the one it hands
out, so a request costs the same with 1 or 100 streams open. What a caller sees is unchanged:
the same connection class (`create_connection`, so TLS, retries, local address and socket
options are httpcore's), HTTP/1.1 keep-alive, `max_connections` with the pool timeout
(`PoolTimeout`), `max_keepalive_connections` idle connections kept, `keepalive_expiry`, and a
stale connection (`ConnectionNotAvailable`) replaced by a fresh one. Only the no-proxy transport
uses it; proxied requests keep httpx's own transports.
"""

from __future__ import annotations

import typing

import httpcore
import httpx
from httpcore._async.interfaces import AsyncConnectionInterface
from httpcore._synchronization import AsyncShieldCancellation

from codex.client.slots import Slots

__all__ = ["LeanPool", "install_lean_pool"]

_SCHEMES = frozenset({b"http", b"https", b"ws", b"wss"})


class LeanPool(httpcore.AsyncConnectionPool):
    """A drop-in for the pool inside `httpx.AsyncHTTPTransport` (see the module docstring)."""

    # Set by `_lean_init` (an existing pool is converted in place, keeping httpcore's fields).
    _idle: dict[tuple[bytes, bytes, int], list[AsyncConnectionInterface]]
    _open: set[AsyncConnectionInterface]
    _slots: Slots

    def _lean_init(self) -> None:
        self._idle = {}
        self._open = set()
        self._slots = Slots(self._max_connections)

    @property
    def connections(self) -> list[httpcore.AsyncConnectionInterface]:
        return list(self._open)

    async def _acquire_slot(self, timeout: float | None) -> None:
        """Wait for a free slot among `max_connections` (FIFO, as httpcore's queue)."""
        try:
            await self._slots.acquire(timeout)
        except TimeoutError:
            raise httpcore.PoolTimeout("timed out waiting for a connection") from None

    @property
    def _busy(self) -> int:
        return self._slots.busy

    async def _checkout(self, origin: httpcore.Origin) -> AsyncConnectionInterface:
        idle = self._idle.get(_key(origin))
        while idle:
            connection = idle.pop()
            if connection.is_available() and not connection.has_expired():
                return connection
            self._open.discard(connection)
            await _close_quietly(connection)
        connection = self.create_connection(origin)
        self._open.add(connection)
        return connection

    def _checkin(
        self, origin: httpcore.Origin, connection: AsyncConnectionInterface
    ) -> list[AsyncConnectionInterface]:
        """Keep an idle connection for reuse; the connections to close (surplus or dead)."""
        if connection.is_closed():
            self._open.discard(connection)
            return []
        if not connection.is_idle():
            self._open.discard(connection)
            return [connection]
        idle = self._idle.setdefault(_key(origin), [])
        idle.append(connection)
        surplus: list[AsyncConnectionInterface] = []
        kept = sum(len(conns) for conns in self._idle.values())
        if kept > self._max_keepalive_connections:
            # The oldest idle connection goes (the LIFO list's first), as httpcore's pool
            # closes the first idle connection it finds beyond the keep-alive limit.
            for conns in self._idle.values():
                if conns:
                    surplus.append(conns.pop(0))
                    break
        for gone in surplus:
            self._open.discard(gone)
        return surplus

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        scheme = request.url.scheme
        if scheme == b"":
            raise httpcore.UnsupportedProtocol(
                "Request URL is missing an 'http://' or 'https://' protocol."
            )
        if scheme not in _SCHEMES:
            raise httpcore.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme.decode()}://'."
            )
        timeouts = request.extensions.get("timeout", {})
        await self._acquire_slot(timeouts.get("pool", None))
        origin = request.url.origin
        try:
            while True:
                connection = await self._checkout(origin)
                try:
                    response = await connection.handle_async_request(request)
                except httpcore.ConnectionNotAvailable:
                    # Became unusable between the check and the send: try another one.
                    self._open.discard(connection)
                    await _close_quietly(connection)
                    continue
                except BaseException:
                    self._open.discard(connection)
                    await _close_quietly(connection)
                    raise
                break
        except BaseException:
            self._slots.release()
            raise
        assert isinstance(response.stream, typing.AsyncIterable)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_LeanStream(response.stream, origin, connection, self),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        closing = list(self._open)
        self._open.clear()
        self._idle.clear()
        for connection in closing:
            await _close_quietly(connection)

    def __repr__(self) -> str:
        idle = sum(len(conns) for conns in self._idle.values())
        return f"<LeanPool [{self._busy} active | {idle} idle]>"


class _LeanStream:
    """A response body that hands its connection back to the pool once closed."""

    __slots__ = ("_closed", "_connection", "_origin", "_pool", "_stream")

    def __init__(
        self,
        stream: typing.AsyncIterable[bytes],
        origin: httpcore.Origin,
        connection: AsyncConnectionInterface,
        pool: LeanPool,
    ) -> None:
        self._stream = stream
        self._origin = origin
        self._connection = connection
        self._pool = pool
        self._closed = False

    async def __aiter__(self) -> typing.AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        pool = self._pool
        try:
            closer = getattr(self._stream, "aclose", None)
            if closer is not None:
                with AsyncShieldCancellation():
                    await closer()
        finally:
            closing = pool._checkin(self._origin, self._connection)
            pool._slots.release()
            for connection in closing:
                await _close_quietly(connection)


def _key(origin: httpcore.Origin) -> tuple[bytes, bytes, int]:
    # httpcore's Origin compares by value but is not hashable.
    return (origin.scheme, origin.host, origin.port)


async def _close_quietly(connection: AsyncConnectionInterface) -> None:
    try:
        with AsyncShieldCancellation():
            await connection.aclose()
    except Exception:  # a dead socket's close may fail; it is gone either way
        pass


def install_lean_pool(client: httpx.AsyncClient) -> None:
    """Give `client`'s default (no-proxy) transport a `LeanPool`, keeping its settings. A client
    whose transport is not httpx's own (tests' mock transports, the batch's pausing wrapper), or
    that speaks HTTP/2, is left as it is."""
    transport = getattr(client, "_transport", None)
    if type(transport) is not httpx.AsyncHTTPTransport:
        return
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool or pool._http2:
        return  # HTTP/2 multiplexes requests on a busy connection: httpcore's pool does that
    pool.__class__ = LeanPool
    typing.cast(LeanPool, pool)._lean_init()
