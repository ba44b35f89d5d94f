"""A lean asyncio HTTP/1.1 client for the model requests: keep-alive pool, streamed bodies.

Per request, httpx + httpcore + h11 + anyio cost about half of a warm in-process turn's CPU, and
their import ~40 ms on the first turn. The model request is one POST with a known body to a
provider's origin, its response an SSE stream: this does exactly that on an asyncio Protocol
(uvloop's when it runs), with the framing in codex.client.http11.

What the server sees is what httpx sends today (the same request line, headers in the same order
and case, the same body framing); what the caller sees is the same status, headers and body
bytes. It is used only where httpx would take its plain no-proxy path (codex.client.transport
decides); anything else keeps httpx. Pool: connections per origin in a LIFO list of idle ones,
`max_connections` requests at once (the others wait FIFO, up to the pool timeout), at most
`max_keepalive` idle, none older than `keepalive_expiry`; an idle connection the server closed is
dropped when it is handed out (its EOF was seen, or the socket polls readable), before anything
is sent, and the request then goes on a fresh one.
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
import threading
import zlib
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any, Protocol

from codex.client.http11 import ResponseHead, ResponseParser, Target
from codex.client.http_errors import (
    ConnectError,
    ConnectTimeout,
    DecodingError,
    PoolTimeout,
    ReadError,
    ReadTimeout,
    WriteError,
    WriteTimeout,
)
from codex.client.slots import TIMER_SLACK, Slots

__all__ = ["LeanHTTP", "LeanResponse", "RequestGate"]

_POLL = hasattr(select, "poll")  # not on Windows, where select() has no descriptor limit
_READ_HIGH = 256 * 1024  # buffered unread bytes before the socket stops being read
_WRITE_CHUNK = 64 * 1024
# What one read from the socket takes at most. asyncio's plain transport reads with
# recv(256 KiB) for a Protocol: a fresh 256 KiB bytes object per read, above malloc's mmap
# threshold, so every read (two per model response here) cost an mmap, an mremap and a munmap
# (~12 µs, five times the read). A BufferedProtocol is read into a buffer of ours instead (one
# per thread, as the loop reading it: the read releases the GIL), and what arrived is copied out.
_READ_SIZE = 64 * 1024
_read_buffers = threading.local()


def _read_buffer() -> memoryview:
    """This thread's read buffer (the reads of every connection of its loop take turns on it:
    the transport fills it and hands it back within one callback)."""
    view: memoryview | None = getattr(_read_buffers, "view", None)
    if view is None:
        view = _read_buffers.view = memoryview(bytearray(_READ_SIZE))
    return view


class _Connection(asyncio.BufferedProtocol):
    """One TCP (or TLS) connection: buffers what arrives, wakes the one reader waiting."""

    def __init__(self, loop: asyncio.AbstractEventLoop, key: tuple[str, str, int]) -> None:
        self.loop = loop
        self.key = key
        self.transport: asyncio.Transport | None = None
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._waiter: asyncio.Future[None] | None = None
        self._drain: asyncio.Future[None] | None = None
        self.eof = False
        self._error: BaseException | None = None
        self._paused = False
        self.idle_since = 0.0
        self._buffer = _read_buffer()  # where the transport reads (get_buffer)
        # The timed wait in progress (its future and deadline) and the connection's one timer
        # (see `_wait`).
        self._timed: asyncio.Future[None] | None = None
        self._deadline = 0.0
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        self.data_received(self._buffer[:nbytes].tobytes())

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)
        if self._size > _READ_HIGH and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        self.eof = True
        self._wake()
        return None  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self._error = exc
        self._wake()
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)

    def pause_writing(self) -> None:
        self._drain = self.loop.create_future()

    def resume_writing(self) -> None:
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    # -- used by requests

    def stale(self) -> bool:
        """Whether an idle connection cannot carry a request: closed, or the server said
        something (an EOF, or bytes nobody asked for) that the loop has not read yet."""
        transport = self.transport
        if self.eof or self._chunks or transport is None or transport.is_closing():
            return True
        sock = transport.get_extra_info("socket")
        if sock is None:
            return False
        try:
            if _POLL:  # poll, not select: select refuses descriptors past FD_SETSIZE (1024)
                poller = select.poll()
                poller.register(sock.fileno(), select.POLLIN)
                return bool(poller.poll(0))
            readable, _, _ = select.select([sock.fileno()], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    async def send(self, data: bytes, timeout: float | None) -> None:
        transport = self.transport
        if transport is None or self.eof or transport.is_closing():
            # No message, as httpx's (anyio's BrokenResourceError has none): the user sees
            # the same "error sending request for url (...): " either way.
            raise WriteError()
        transport.write(data)
        if self._drain is not None:
            await self._wait(self._drain, timeout, WriteTimeout)

    async def recv(self, timeout: float | None) -> bytes:
        """What has arrived (waiting up to `timeout` for something); b"" at the peer's end."""
        chunks = self._chunks
        while not chunks:
            if self.eof:
                if self._error is not None:
                    raise ReadError() from self._error  # no message, as httpx's
                return b""
            waiter = self._waiter = self.loop.create_future()
            await self._wait(waiter, timeout, ReadTimeout)
        data = chunks.popleft() if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self._size = 0
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return data

    async def _wait(self, future: asyncio.Future[None], timeout: float | None, error: type) -> None:
        """Await `future`, failing with `error` after `timeout` seconds; one wait at a time (a
        request writes, then reads). One timer serves every wait of the connection: a wait
        only moves the deadline (a timer that would fire too late is replaced), and the
        timer, when it fires early for the wait in progress, is set again for its deadline.
        A timer per wait, pushed into the loop's heap and cancelled, cost each read of a
        response (~2% of a busy event loop's time)."""
        if timeout is None:
            await future
            return
        loop = self.loop
        deadline = loop.time() + timeout
        self._timed, self._deadline = future, deadline
        timer = self._timer
        if timer is None or timer.when() > deadline:
            if timer is not None:
                timer.cancel()
            self._timer = loop.call_at(deadline, self._on_timer)
        try:
            await future
        except _Expired:
            raise error() from None
        finally:
            self._timed = None

    def _on_timer(self) -> None:
        self._timer = None
        future = self._timed
        if future is None or future.done():
            return  # no wait in progress: the next one sets a timer again
        if self._deadline <= self.loop.time() + TIMER_SLACK:
            future.set_exception(_Expired())
        else:
            self._timer = self.loop.call_at(self._deadline, self._on_timer)

    def close(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()  # it would hold the connection until it fired
        transport = self.transport
        if transport is not None:
            if self.eof:
                transport.abort()  # the peer is gone: nothing left to flush
            else:
                transport.close()


class _Expired(Exception):
    pass


class LeanResponse:
    """A streamed response (the parts of httpx.Response the model client reads): status_code,
    headers (lower-cased names), aiter_bytes() (Content-Encoding decoded), aread(), aclose()."""

    __slots__ = ("_body", "_conn", "_decoder", "_parser", "_pool", "_read", "_timeout")

    def __init__(
        self,
        pool: LeanHTTP,
        conn: _Connection,
        parser: ResponseParser,
        read_timeout: float | None,
    ) -> None:
        self._pool = pool
        self._conn: _Connection | None = conn
        self._parser = parser
        self._timeout = read_timeout
        self._body: bytes | None = None
        self._read = False
        head = parser.head
        assert head is not None
        self._decoder = _decoder(head.headers.get("content-encoding"))

    @property
    def head(self) -> ResponseHead:
        head = self._parser.head
        assert head is not None
        return head

    @property
    def status_code(self) -> int:
        return self.head.status

    @property
    def headers(self) -> dict[str, str]:
        return self.head.headers

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        if self._read:
            raise RuntimeError("the response body was already read")
        self._read = True
        decode = self._decoder
        parser = self._parser
        try:
            pieces = parser.feed(b"")  # what came with the head
            while True:
                for piece in pieces:
                    if decode is not None:
                        piece = decode(piece)
                    if piece:
                        yield piece
                if parser.done:
                    break
                conn = self._conn
                assert conn is not None
                data = await conn.recv(self._timeout)
                if data:
                    pieces = parser.feed(data)
                else:
                    parser.feed_eof()
                    pieces = []
            if decode is not None:
                tail = decode(None)
                if tail:
                    yield tail
        finally:
            await self.aclose()

    async def aread(self) -> bytes:
        if self._body is None:
            self._body = b"".join([piece async for piece in self.aiter_bytes()])
        return self._body

    @property
    def content(self) -> bytes:
        if self._body is None:
            raise RuntimeError("call aread() first")
        return self._body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    async def aclose(self) -> None:
        """Give the connection back (reused only when the whole body was read) and the slot."""
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool._release(conn, self._parser.reusable)


def _decoder(encoding: str | None) -> Callable[[bytes | None], bytes] | None:
    """A decoder for the Content-Encoding httpx would decode (gzip and deflate; br and zstd when
    their modules are installed, through httpx's own decoders), None for identity. Called with
    None at the end for whatever the decompressor still holds."""
    if not encoding:
        return None
    steps: list[Any] = []
    for name in encoding.split(","):
        name = name.strip().lower()
        if name == "gzip":
            steps.append(zlib.decompressobj(zlib.MAX_WBITS | 16))
        elif name == "deflate":
            steps.append(_Deflate())
        elif name in ("br", "zstd"):
            step = _httpx_decoder(name)
            if step is not None:
                steps.append(step)
    if not steps:
        return None
    steps.reverse()  # the last encoding applied is the first to undo

    def decode(data: bytes | None) -> bytes:
        try:
            if data is None:  # the end: each step's tail goes through the steps after it
                out = b""
                for step in steps:
                    out = (step.decompress(out) if out else b"") + step.flush()
                return out
            for step in steps:
                data = step.decompress(data)
            return data
        except zlib.error as exc:
            raise DecodingError(str(exc)) from exc

    return decode


class _Deflate:
    """Deflate as httpx reads it: zlib-wrapped, or raw deflate when the header is missing."""

    def __init__(self) -> None:
        self._first = True
        self._obj = zlib.decompressobj()

    def decompress(self, data: bytes) -> bytes:
        if self._first:
            self._first = False
            try:
                return self._obj.decompress(data)
            except zlib.error:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._obj.decompress(data)

    def flush(self) -> bytes:
        return self._obj.flush()


class _HttpxDecoder:
    """br or zstd through httpx's decoder (only when its module is installed, as httpx does)."""

    def __init__(self, inner: Any) -> None:
        self.decompress = inner.decode
        self.flush = inner.flush


def _httpx_decoder(name: str) -> Any:
    import importlib.util

    modules = ("brotli", "brotlicffi") if name == "br" else ("zstandard",)
    if all(importlib.util.find_spec(module) is None for module in modules):
        return None  # httpx would not decode it either (and importing httpx costs 40 ms)
    from httpx._decoders import SUPPORTED_DECODERS

    cls = SUPPORTED_DECODERS.get(name)
    return None if cls is None else _HttpxDecoder(cls())


class RequestGate(Protocol):
    """A hook around every request of a pool (codex batch's pool-wide pause after a 429,
    codex.core.shared_http): `enter` before the request takes a slot (it may wait there), its
    result handed to `leave` with the response head once it is in, or None when the request
    failed or was cancelled before that."""

    async def enter(self, where: Target) -> Any: ...

    def leave(self, ticket: Any, head: ResponseHead | None) -> None: ...


class LeanHTTP:
    """The lean client of one event loop: the pool and `request`. `ssl_context` is used for
    https:// origins (the caller's, built as httpx would build it)."""

    def __init__(
        self,
        ssl_context: Callable[[], ssl.SSLContext],
        *,
        max_connections: int = 64,
        max_keepalive: int = 64,
        keepalive_expiry: float = 90.0,
        gate: RequestGate | None = None,
    ) -> None:
        self.gate = gate
        self._ssl_factory = ssl_context
        self._ssl: ssl.SSLContext | None = None
        self._max_keepalive = max_keepalive
        self._expiry = keepalive_expiry
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._idle_count = 0
        self._open: set[_Connection] = set()
        self._slots = Slots(max_connections)
        self.closed = False

    # -- slots

    async def _acquire(self, timeout: float | None) -> None:
        try:
            await self._slots.acquire(timeout)
        except TimeoutError:
            raise PoolTimeout() from None

    # -- connections

    def _checkout(self, key: tuple[str, str, int], now: float) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            self._idle_count -= 1
            if now - conn.idle_since < self._expiry and not conn.stale():
                return conn
            self._drop(conn)
        return None

    async def _connect(
        self, where: Target, key: tuple[str, str, int], timeout: float | None
    ) -> _Connection:
        loop = asyncio.get_running_loop()
        tls = self._tls() if where.scheme == "https" else None
        conn = _Connection(loop, key)
        try:
            async with asyncio.timeout(timeout):
                await loop.create_connection(
                    lambda: conn,
                    where.host,
                    where.port,
                    ssl=tls,
                    server_hostname=where.host if tls is not None else None,
                )
        except TimeoutError:
            raise ConnectTimeout() from None
        except socket.gaierror as exc:
            raise ConnectError(str(exc)) from exc
        except ssl.SSLError as exc:
            raise ConnectError(str(exc)) from exc
        except OSError as exc:
            # anyio (under httpcore) reports every refused/unreachable connect this way
            raise ConnectError("All connection attempts failed") from exc
        self._open.add(conn)
        return conn

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            context = self._ssl_factory()
            context.set_alpn_protocols(["http/1.1"])  # as httpcore offers for HTTP/1.1
            self._ssl = context
        return self._ssl

    def _drop(self, conn: _Connection) -> None:
        self._open.discard(conn)
        conn.close()

    def _release(self, conn: _Connection, reusable: bool) -> None:
        try:
            if not reusable or self.closed or conn.eof or conn._chunks:
                self._drop(conn)
                return
            conn.idle_since = conn.loop.time()
            self._idle.setdefault(conn.key, []).append(conn)
            self._idle_count += 1
            if self._idle_count > self._max_keepalive:
                for conns in self._idle.values():  # the oldest idle connection goes
                    if conns:
                        self._drop(conns.pop(0))
                        self._idle_count -= 1
                        break
        finally:
            self._slots.release()

    # -- requests

    async def request(
        self,
        where: Target,
        head: bytes,
        body: bytes | AsyncIterable[bytes],
        *,
        chunked: bool,
        connect_timeout: float | None,
        read_timeout: float | None,
        write_timeout: float | None,
        pool_timeout: float | None,
        close: bool = False,
    ) -> LeanResponse:
        """Send one request and return its response once the head is in (body unread).
        `body` is sent as is (with `chunked`, in chunked framing); `close`: the request said
        `Connection: close`, so the connection is not kept. With a `gate`, the request passes
        it first and it learns the answer (the head) or the failure."""
        gate = self.gate
        ticket = None if gate is None else await gate.enter(where)
        try:
            await self._acquire(pool_timeout)
        except BaseException:
            if gate is not None:
                gate.leave(ticket, None)
            raise
        key = (where.scheme, where.host, where.port)
        conn: _Connection | None = None
        try:
            conn = self._checkout(key, asyncio.get_running_loop().time())
            if conn is None:
                conn = await self._connect(where, key, connect_timeout)
            if isinstance(body, bytes):
                if len(body) <= _WRITE_CHUNK:
                    await conn.send(head + body, write_timeout)
                else:
                    await conn.send(head, write_timeout)
                    await conn.send(body, write_timeout)
            else:
                await conn.send(head, write_timeout)
                async for piece in body:
                    if not piece:
                        continue
                    if chunked:
                        piece = b"%x\r\n%b\r\n" % (len(piece), piece)
                    await conn.send(piece, write_timeout)
                if chunked:
                    await conn.send(b"0\r\n\r\n", write_timeout)
            parser = ResponseParser()
            while parser.head is None:
                data = await conn.recv(read_timeout)
                if not data:
                    parser.feed_eof()
                parser.feed(data)
        except BaseException:
            if conn is not None:
                self._drop(conn)
            self._slots.release()
            if gate is not None:
                gate.leave(ticket, None)
            raise
        if close:
            parser.head.keep_alive = False
        if gate is not None:
            gate.leave(ticket, parser.head)
        return LeanResponse(self, conn, parser, read_timeout)

    async def aclose(self) -> None:
        self.closed = True
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        self._idle.clear()
        self._idle_count = 0

    def __repr__(self) -> str:
        return f"<LeanHTTP [{self._slots.busy} active | {self._idle_count} idle]>"
