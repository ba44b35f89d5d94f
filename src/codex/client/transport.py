"""The one `httpx.AsyncClient` a process shares (keep-alive, sane limits), per event loop.

An AsyncClient is bound to the loop it first ran on, so the shared client is keyed by loop; tests
and front ends that run several loops in turn each get their own and `aclose_shared()` ends it.
"""

from __future__ import annotations

import asyncio
import weakref

import httpx

LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=16, keepalive_expiry=90.0)
CONNECT_TIMEOUT = 30.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def new_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        limits=LIMITS,
        timeout=httpx.Timeout(CONNECT_TIMEOUT),
        transport=transport,
        # SSE must not be buffered or re-encoded on the way: ask for identity bodies.
        headers={"accept-encoding": "identity"},
        trust_env=True,
    )


def shared_client() -> httpx.AsyncClient:
    """This loop's shared client, created on first use."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = _clients[loop] = new_client()
    return client


async def aclose_shared() -> None:
    """Close this loop's shared client (front ends call it on the way out)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
