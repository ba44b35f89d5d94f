"""The shared client's connection pool (codex.client.pool.LeanPool) against the loopback mock:
keep-alive reuse, the max_connections cap, the keep-alive limit, the pool timeout, and one
connection check per request however many streams are open (httpcore's own pool re-checked
every connection for every queued request: quadratic with many sessions in one process)."""

from __future__ import annotations

import asyncio

import httpcore
import httpx
import pytest
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn

from codex.client.pool import LeanPool, install_lean_pool
from codex.client.transport import new_client

REPLY = Turn([Message("ok")])


def _client(max_connections: int, keepalive: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=keepalive)
    client = httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(30.0))
    install_lean_pool(client)
    return client


async def _post(client: httpx.AsyncClient, url: str) -> bytes:
    async with client.stream("POST", url, json={"input": []}) as response:
        return await response.aread()


def _pool(client: httpx.AsyncClient) -> LeanPool:
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, LeanPool)
    return pool


def test_the_shared_client_uses_the_lean_pool() -> None:
    async def go() -> None:
        async with new_client() as client:
            _pool(client)

    asyncio.run(go())


def test_sequential_requests_reuse_one_connection() -> None:
    with MockModelServer() as server:
        server.repeat(REPLY)

        async def go() -> None:
            async with _client(8, 4) as client:
                for _ in range(3):
                    assert b"response.completed" in await _post(
                        client, server.base_url + "/responses"
                    )

        asyncio.run(go())
        assert len({r.peer for r in server.requests}) == 1


def test_concurrent_streams_respect_the_caps_and_check_one_connection_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = 0
    real = httpcore.AsyncHTTPConnection.has_expired

    def counted(self: httpcore.AsyncHTTPConnection) -> bool:
        nonlocal checks
        checks += 1
        return real(self)

    monkeypatch.setattr(httpcore.AsyncHTTPConnection, "has_expired", counted)
    with MockModelServer() as server:
        server.repeat(REPLY)
        url = server.base_url + "/responses"

        async def go() -> int:
            async with _client(4, 2) as client:
                bodies = await asyncio.gather(*(_post(client, url) for _ in range(40)))
                assert all(b"response.completed" in body for body in bodies)
                idle = sum(len(c) for c in _pool(client)._idle.values())
                assert _pool(client)._busy == 0
                return idle

        idle = asyncio.run(go())
        assert len(server.requests) == 40
        assert idle <= 2  # the keep-alive limit
    # At most one check per request that found an idle connection (httpcore's pool: hundreds).
    assert checks <= 40


def test_at_most_max_connections_streams_at_once() -> None:
    with MockModelServer() as server:
        server.enqueue(Hold(REPLY), Hold(REPLY), REPLY)
        url = server.base_url + "/responses"

        async def go() -> None:
            async with _client(2, 2) as client:
                tasks = [asyncio.create_task(_post(client, url)) for _ in range(3)]
                await asyncio.to_thread(server.wait_held, 2)
                await asyncio.sleep(0)  # let the third request reach the pool
                assert len(server.requests) == 2  # the third waits for a free connection
                server.release()
                await asyncio.gather(*tasks)

        asyncio.run(go())
        assert len(server.requests) == 3


def test_pool_timeout_when_every_connection_is_busy() -> None:
    with MockModelServer() as server:
        server.enqueue(Hold(REPLY))
        url = server.base_url + "/responses"

        async def go() -> None:
            async with _client(1, 1) as client:
                first = asyncio.create_task(_post(client, url))
                await asyncio.to_thread(server.wait_held, 1)
                with pytest.raises(httpx.PoolTimeout):
                    await client.post(url, json={}, timeout=httpx.Timeout(30.0, pool=0.01))
                server.release()
                assert b"response.completed" in await first

        asyncio.run(go())


def test_a_cancelled_stream_gives_its_connection_slot_back() -> None:
    with MockModelServer() as server:
        server.enqueue(Hold(REPLY, frames=1))
        server.repeat(REPLY)
        url = server.base_url + "/responses"

        async def go() -> None:
            async with _client(1, 1) as client:
                task = asyncio.create_task(_post(client, url))
                await asyncio.to_thread(server.wait_held, 1)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                assert _pool(client)._busy == 0
                server.release()
                # The only slot is free again; the half-read connection was not kept.
                assert b"response.completed" in await _post(client, url)

        asyncio.run(go())
