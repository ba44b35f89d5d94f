"""codex.client.lean_http against real sockets: hostile raw servers and the loopback mock.

Each case runs the request on the lean client and, where the behaviour is user-visible, the
same request through httpx (the path every request took before), asserting both give the same
outcome: the same request bytes on the wire, the same error class, retry decision and message.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import socket
import zlib
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from tests.client._raw_server import SSE, RawConnection, RawServer, chunked, ok_response
from tests.client.conftest import CONVERSATION_ID, Outcome, stream_all
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

from codex.client import ModelClient, ModelProvider, RetryPolicy, StreamDisconnected
from codex.client.http_errors import (
    PoolTimeout,
    ReadTimeout,
    RemoteProtocolError,
)
from codex.client.lean_http import LeanHTTP, LeanResponse
from codex.client.lean_request import lean_post
from codex.client.runtime import run
from codex.client.transport import LazyTrustContext, lean_client, new_client


def _run(coro: Coroutine[Any, Any, Any], loop: str = "uvloop") -> Any:
    return run(coro) if loop == "uvloop" else asyncio.run(coro)


async def _fetch(
    lean: LeanHTTP, url: str, *, timeout: float = 10.0, body: bytes = b'{"input":[]}'
) -> tuple[LeanResponse, bytes]:
    response = await lean_post(lean, url, body, {"x-test": "1"}, connect=5.0, timeout=timeout)
    assert response is not None
    return response, await response.aread()


def _once(url: str, loop: str = "uvloop", **kw: Any) -> tuple[int, dict[str, str], bytes]:
    async def main() -> tuple[int, dict[str, str], bytes]:
        lean = LeanHTTP(LazyTrustContext)
        try:
            response, body = await _fetch(lean, url, **kw)
            return response.status_code, response.headers, body
        finally:
            await lean.aclose()

    return _run(main(), loop)


def _serve(*replies: bytes, close: bool = True) -> Callable[[RawConnection], None]:
    """A handler answering each request on a connection with the next reply."""

    def handler(conn: RawConnection) -> None:
        for reply in replies:
            if conn.read_request() is None:
                return
            conn.send(reply)
        if not close:
            conn.sock.recv(1)  # hold the connection until the client closes it

    return handler


def _model(server_url: str, *, http: Any = None, **extra: Any) -> ModelClient:
    base = server_url.rsplit("/", 1)[0]
    table = {"name": "raw", "base_url": base, "wire_api": "responses", "env_key": "K", **extra}
    return ModelClient(
        ModelProvider.from_mapping("raw", table),
        "gpt-5.5",
        conversation_id=CONVERSATION_ID,
        originator="codex_exec",
        retry=RetryPolicy(sleep=_no_sleep, jitter=lambda: 1.0),
        env={"K": "sk-raw"},
        http=http,
    )


async def _no_sleep(delay: float) -> None:
    return None


def _both(handler: Callable[[RawConnection], None], **extra: Any) -> tuple[Outcome, Outcome]:
    """The same one-shot stream on the lean path and on httpx's, each against a fresh server."""
    outcomes = []
    for use_httpx in (False, True):
        with RawServer(handler) as server:
            client = _model(server.url, http=new_client() if use_httpx else None, **extra)
            outcomes.append(stream_all(client))
    return outcomes[0], outcomes[1]


def _message(outcome: Outcome) -> str:
    """The error's message, the (per-server) port left out."""
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", str(outcome.error))


def _same_failure(lean: Outcome, httpx: Outcome) -> None:
    assert lean.error is not None and httpx.error is not None
    assert type(lean.error) is type(httpx.error)
    assert lean.error.retryable == httpx.error.retryable
    assert lean.error.codex_error_info == httpx.error.codex_error_info


NO_RETRY = {"request_max_retries": 0, "stream_max_retries": 0}


# -- the request on the wire


def _capture(send: Callable[[str], Coroutine[Any, Any, Any]]) -> bytes:
    with RawServer(_serve(ok_response())) as server:
        run(send(server.url))
        return server.requests[0].replace(str(server.port).encode(), b"PORT")


HEADERS = {
    "originator": "codex_exec",
    "user-agent": "codex_exec/0.169.0 (Linux; x86_64) (codex_exec; 0.169.0)",
    "accept": "text/event-stream",
    "content-type": "application/json",
    "Session-Id": "abc",
    "authorization": "Bearer sk-x",
}


async def _pieces() -> Any:
    for piece in (b'{"input":[', b"1,2", b"]}"):
        yield piece


@pytest.mark.parametrize("framing", ["bytes", "length-stream", "chunked-stream", "no-ua"])
def test_request_bytes_are_what_httpx_sends(framing: str) -> None:
    headers = dict(HEADERS)
    body: Any = b'{"input":[1,2]}'
    if framing == "length-stream":
        headers["content-length"] = str(len(body))
    if framing == "no-ua":
        del headers["user-agent"], headers["accept"]

    def content() -> Any:
        return body if framing in ("bytes", "no-ua") else _pieces()

    async def lean(url: str) -> None:
        pool = LeanHTTP(LazyTrustContext)
        response = await lean_post(pool, url, content(), headers, connect=5.0, timeout=5.0)
        assert response is not None
        await response.aread()
        await pool.aclose()

    async def httpx_path(url: str) -> None:
        from codex.client.lean_send import send_stream

        async with new_client() as client:
            response = await send_stream(client, url, content(), headers, idle=5.0, connect=5.0)
            await response.aread()
            await response.aclose()

    ours, theirs = _capture(lean), _capture(httpx_path)
    assert ours == theirs
    if framing == "chunked-stream":
        assert b"Transfer-Encoding: chunked\r\n" in ours


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1/responses",
        "https://api.openai.com/v1/responses",
        "https://api.openai.com:443/v1/responses",
        "http://localhost:80/v1",
        "https://example.com",
        "http://[::1]:9000/v1/chat/completions?api-version=2025-04-01-preview&x=a%2Fb",
        "https://x.openai.azure.com/openai/responses?api-version=preview",
        "http://LOCALHOST:1234/Path/With~Tilde",
    ],
)
def test_url_parts_are_httpx_s(url: str) -> None:
    import httpx

    from codex.client.http11 import target

    where = target(url)
    parsed = httpx.URL(url)
    assert where is not None
    assert where.netloc == parsed.netloc.decode()
    assert where.target == parsed.raw_path.decode()
    assert where.port == (parsed.port or {"http": 80, "https": 443}[parsed.scheme])


@pytest.mark.parametrize(
    "url", ["http://user:pw@h/x", "http://h/a b", "http://h/é", "ftp://h/x", "http://h/x#frag"]
)
def test_urls_httpx_would_rewrite_take_httpx(url: str) -> None:
    from codex.client.http11 import target

    assert target(url) is None


def test_headers_httpx_would_refuse_take_httpx() -> None:
    async def main() -> list[Any]:
        lean = LeanHTTP(LazyTrustContext)
        url = "http://127.0.0.1:9/x"
        out = []
        for headers in ({"x": "a\r\nb"}, {"x": "é"}, {"bad name": "v"}, {"x": " padded"}):
            out.append(await lean_post(lean, url, b"{}", headers, connect=1.0, timeout=1.0))
        return out

    assert run(main()) == [None, None, None, None]


def test_a_proxy_in_the_environment_keeps_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)

    async def lean_is_used() -> bool:
        return lean_client() is not None

    assert run(lean_is_used())
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    assert not run(lean_is_used())


# -- responses: framing and keep-alive


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_chunked_and_length_bodies(loop: str) -> None:
    head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-request-id: r-1\r\n\r\n"
    with RawServer(_serve(head + chunked(SSE, 7))) as server:
        status, headers, body = _once(server.url, loop)
    assert (status, body, headers["x-request-id"]) == (200, SSE, "r-1")
    with RawServer(_serve(ok_response())) as server:
        assert _once(server.url, loop)[2] == SSE


def test_interim_1xx_responses_are_skipped() -> None:
    interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n"
    with RawServer(_serve(interim + ok_response())) as server:
        status, _, body = _once(server.url)
    assert (status, body) == (200, SSE)


def test_http10_close_delimited_body() -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\n" + SSE)

    with RawServer(handler) as server:

        async def main() -> int:
            lean = LeanHTTP(LazyTrustContext)
            for _ in range(2):
                _, body = await _fetch(lean, server.url)
                assert body == SSE
            await lean.aclose()
            return server.connections

        assert run(main()) == 2  # a close-delimited body ends its connection


def test_keep_alive_reuses_one_connection_and_connection_close_does_not() -> None:
    with RawServer(_serve(ok_response(), ok_response(), ok_response(), close=False)) as server:

        async def main() -> None:
            lean = LeanHTTP(LazyTrustContext)
            for _ in range(3):
                assert (await _fetch(lean, server.url))[1] == SSE
            await lean.aclose()

        run(main())
        assert server.connections == 1
    closing = ok_response(extra=b"connection: close\r\n")
    with RawServer(_serve(closing, ok_response(), close=False)) as server:

        async def main2() -> None:
            lean = LeanHTTP(LazyTrustContext)
            for _ in range(2):
                assert (await _fetch(lean, server.url))[1] == SSE
            await lean.aclose()

        run(main2())
        assert server.connections == 2


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_a_kept_connection_the_server_closed_is_replaced(loop: str) -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(ok_response())  # keep-alive promised, then closed while idle

    with RawServer(handler) as server:

        async def main() -> None:
            lean = LeanHTTP(LazyTrustContext)
            assert (await _fetch(lean, server.url))[1] == SSE
            # The server has closed the first connection before the second request.
            assert await asyncio.to_thread(server.closed_connections.acquire, True, 10)
            assert (await _fetch(lean, server.url))[1] == SSE
            await lean.aclose()

        _run(main(), loop)
        assert server.connections == 2
        assert len(server.requests) == 2  # nothing was sent on the dead connection


def test_cancelled_mid_stream_connection_is_not_reused() -> None:
    def handler(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            if conn.index == 0:
                conn.send(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n" + b"x" * 10)
            else:
                conn.send(ok_response())

    with RawServer(handler) as server:

        async def main() -> None:
            lean = LeanHTTP(LazyTrustContext)
            response = await lean_post(lean, server.url, b"{}", {}, connect=5.0, timeout=5.0)
            assert response is not None
            stream = response.aiter_bytes()
            assert await anext(stream) == b"x" * 10
            await stream.aclose()  # the reader gives up with 90 bytes unread
            assert (await _fetch(lean, server.url))[1] == SSE
            assert (await _fetch(lean, server.url))[1] == SSE  # the fresh one is kept
            await lean.aclose()

        run(main())
        assert server.connections == 2


def test_concurrent_streams_stay_within_the_pool() -> None:
    def handler(conn: RawConnection) -> None:
        while conn.read_request() is not None:
            conn.send(ok_response())

    with RawServer(handler) as server:

        async def main() -> list[bytes]:
            lean = LeanHTTP(LazyTrustContext, max_connections=4, max_keepalive=4)
            bodies = await asyncio.gather(*(_fetch(lean, server.url) for _ in range(40)))
            await lean.aclose()
            return [b for _, b in bodies]

        assert run(main()) == [SSE] * 40
        assert server.most_open <= 4


def test_pool_timeout_when_every_slot_is_busy() -> None:
    def silent(conn: RawConnection) -> None:
        conn.read_request()
        conn.sock.recv(1)

    with RawServer(silent) as server:

        async def main() -> None:
            lean = LeanHTTP(LazyTrustContext, max_connections=1)
            first = asyncio.ensure_future(_fetch(lean, server.url, timeout=30.0))
            await asyncio.sleep(0)
            with pytest.raises(PoolTimeout):
                await _fetch(lean, server.url, timeout=0.2)
            first.cancel()
            await lean.aclose()

        run(main())


# -- hostile servers


def test_never_answers_times_out_like_httpx() -> None:
    def silent(conn: RawConnection) -> None:
        conn.read_request()
        conn.sock.recv(1)  # until the client gives up

    lean, httpx = _both(silent, stream_idle_timeout_ms=200, **NO_RETRY)
    _same_failure(lean, httpx)
    assert _message(lean) == _message(httpx)
    assert "timeout connecting to" in str(lean.error)


def test_body_cut_mid_chunk_like_httpx() -> None:
    head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    lean, httpx = _both(_serve(head + chunked(SSE, 50)[:90]), **NO_RETRY)
    _same_failure(lean, httpx)
    assert _message(lean) == _message(httpx)
    assert "incomplete chunked read" in str(lean.error)


def test_closed_right_after_the_headers_like_httpx() -> None:
    lean, httpx = _both(_serve(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n"), **NO_RETRY)
    _same_failure(lean, httpx)
    assert _message(lean) == _message(httpx)
    assert isinstance(lean.error, StreamDisconnected)


def test_closed_without_a_response_like_httpx() -> None:
    lean, httpx = _both(_serve(b""), **NO_RETRY)
    _same_failure(lean, httpx)
    assert _message(lean) == _message(httpx)


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 2OO OK\r\n\r\n",
        b"SPDY/3 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nbad header line\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 5, 6\r\n\r\nabcde",
    ],
)
def test_malformed_responses_fail_like_httpx(reply: bytes) -> None:
    lean, httpx = _both(_serve(reply), **NO_RETRY)
    _same_failure(lean, httpx)


def test_huge_headers_are_refused_with_bounded_memory() -> None:
    def flood(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\n")
        line = b"x-junk: " + b"a" * 1000 + b"\r\n"
        for _ in range(10_000):  # 10 MB of headers, never finished
            conn.send(line)

    with RawServer(flood) as server, pytest.raises(RemoteProtocolError, match="too long"):
        _once(server.url)


def test_bad_gzip_is_a_broken_stream_not_a_crash() -> None:
    # Before: httpx raised its DecodingError (not a TransportError) out of ModelClient.stream,
    # a raw traceback instead of a retried broken stream; now both paths retry it.
    bad = ok_response(b"not gzip at all", extra=b"content-encoding: gzip\r\n")
    lean, httpx = _both(_serve(bad), **NO_RETRY)
    _same_failure(lean, httpx)
    assert isinstance(lean.error, StreamDisconnected) and lean.error.retryable


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_content_encoding_is_decoded(encoding: str) -> None:
    if encoding == "gzip":
        body, name = gzip.compress(SSE), b"gzip"
    elif encoding == "deflate":
        body, name = zlib.compress(SSE), b"deflate"
    else:
        squash = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body, name = squash.compress(SSE) + squash.flush(), b"deflate"
    reply = b"HTTP/1.1 200 OK\r\ncontent-encoding: " + name + b"\r\n"
    reply += b"transfer-encoding: chunked\r\n\r\n" + chunked(body, 9)
    with RawServer(_serve(reply)) as server:
        assert _once(server.url)[2] == SSE


def test_read_timeout_mid_body() -> None:
    def stall(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc")
        conn.sock.recv(1)

    with RawServer(stall) as server, pytest.raises(ReadTimeout):
        _once(server.url, timeout=0.2)


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_read_timeout_on_a_reused_connection_after_a_longer_wait(loop: str) -> None:
    # One timer serves every wait of a connection: the first request's reads set it for a
    # deadline 30 s away; the second request's read, with a 0.3 s timeout, must not wait
    # for that timer (it is set earlier), and a later read still times out on its own.
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(ok_response(SSE))  # keep-alive: the next request comes on this connection
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc")
        conn.sock.recv(1)

    async def main() -> tuple[bytes, float]:
        lean = LeanHTTP(LazyTrustContext)
        try:
            _response, body = await _fetch(lean, server.url, timeout=30.0)
            started = asyncio.get_running_loop().time()
            with pytest.raises(ReadTimeout):
                await _fetch(lean, server.url, timeout=0.3)
            return body, asyncio.get_running_loop().time() - started
        finally:
            await lean.aclose()

    with RawServer(handler) as server:
        body, waited = _run(main(), loop)
    assert body == SSE
    # Its own deadline (a timer may expire it up to 1 ms early: uvloop's millisecond clock),
    # not the first request's 30 s.
    assert 0.29 <= waited < 20


def test_refused_connection_message_is_httpx_s() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1/responses"
    outcomes = [stream_all(_model(url, http=h, **NO_RETRY)) for h in (None, new_client())]
    _same_failure(*outcomes)
    assert _message(outcomes[0]) == _message(outcomes[1])


# -- the model client end to end on the mock


def test_model_client_on_the_mock_takes_the_lean_path() -> None:
    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")]))
        url = mock.base_url + "/responses"

        async def main() -> None:
            client = _model(url)
            for _ in range(3):
                events = [e async for e in client.stream(_prompt())]
                assert events
            lean = lean_client()
            assert lean is not None and lean._idle_count == 1  # one connection, kept
            from codex.client.transport import aclose_shared

            await aclose_shared()

        run(main())
        assert len(mock.requests) == 3


def _prompt() -> Any:
    from codex.client import Prompt
    from codex.protocol.items import user_message

    return Prompt(input=[user_message("hi")])


def _reset(conn: RawConnection) -> None:
    """Close with an RST (SO_LINGER 0) instead of a FIN."""
    import struct

    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_connection_reset_like_httpx() -> None:
    def handler(conn: RawConnection) -> None:
        conn.read_request()
        _reset(conn)

    lean, httpx = _both(handler, **NO_RETRY)
    _same_failure(lean, httpx)
    assert _message(lean) == _message(httpx)


def test_keep_alive_holds_with_descriptors_past_1024() -> None:
    """A busy process (the app-server with many sessions) has sockets numbered past select()'s
    FD_SETSIZE: the idle check must still see a live connection as live."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("the descriptor limit is below 1200")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    null = os.open(os.devnull, os.O_RDONLY)
    held = [os.dup(null) for _ in range(1100)]
    try:
        with RawServer(_serve(ok_response(), ok_response(), close=False)) as server:

            async def main() -> None:
                lean = LeanHTTP(LazyTrustContext)
                for _ in range(2):
                    assert (await _fetch(lean, server.url))[1] == SSE
                await lean.aclose()

            run(main())
            assert server.connections == 1
    finally:
        for fd in [*held, null]:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
