"""The httpx side of codex batch's shared HTTP setup (codex.core.shared_http): the client for
the requests the lean client does not take (a proxy configured, a URL or header only httpx sends
as it is), with every request passing the same per-origin 429 gates as the lean client's. Its
own module so that importing the batch setup does not import httpx (~40 ms): it is loaded only
when such a request is made.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx

__all__ = ["PausingTransport", "batch_client"]


class GateRegistry(Protocol):
    """What this transport needs of codex.core.shared_http.Gates (named structurally: the
    two modules must not import each other)."""

    def gate(self, scheme: str, host: str, port: int | None) -> Any: ...

    def settle(
        self,
        gate: Any,
        origin: str,
        ticket: tuple[bool, int],
        status: int | None,
        retry_after: str | None,
    ) -> None: ...


class PausingTransport(httpx.AsyncBaseTransport):
    """`inner`, with every request passing its origin's gate in `gates` first."""

    def __init__(self, inner: httpx.AsyncBaseTransport, gates: GateRegistry) -> None:
        self._inner = inner
        self.gates = gates

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        gate = self.gates.gate(url.scheme, url.raw_host.decode("ascii").lower(), url.port)
        ticket = await gate.enter()
        status: int | None = None
        retry_after: str | None = None
        try:
            response = await self._inner.handle_async_request(request)
            status = response.status_code
            retry_after = response.headers.get("retry-after")
            return response
        finally:
            origin = f"{url.scheme}://{url.netloc.decode()}"
            self.gates.settle(gate, origin, ticket, status, retry_after)

    async def aclose(self) -> None:
        await self._inner.aclose()


def batch_client(
    max_connections: int, max_keepalive: int, gates: GateRegistry
) -> httpx.AsyncClient:
    """The httpx client every task of a batch shares (sized as the lean one, see
    shared_http.install_batch_http)."""
    from codex.client.transport import LIMITS, LazyTrustContext, new_client

    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive,
        keepalive_expiry=LIMITS.keepalive_expiry,
    )
    inner = httpx.AsyncHTTPTransport(verify=LazyTrustContext(), limits=limits, trust_env=True)
    return new_client(PausingTransport(inner, gates))
