"""The one `httpx.AsyncClient` a process shares (keep-alive, sane limits), per event loop.

An AsyncClient is bound to the loop it first ran on, so the shared client is keyed by loop; tests
and front ends that run several loops in turn each get their own and `aclose_shared()` ends it.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
import weakref

import httpx

LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=90.0)
CONNECT_TIMEOUT = 30.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


class LazyTrustContext(ssl.SSLContext):
    """httpx's default TLS context (`verify=True`, `trust_env=True`) whose CA bundle is read at
    the first TLS handshake instead of at client creation.

    Loading certifi's bundle costs 17–40 ms here, paid by every `codex exec` even when the model
    server is plain http://127.0.0.1. Every TLS stream (asyncio, uvloop and anyio `wrap_bio`,
    sync `wrap_socket`) goes through the two methods below, so the bundle is always in place
    before a certificate is checked.
    """

    def __new__(cls) -> LazyTrustContext:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self) -> None:
        # As httpx.create_ssl_context(True, trust_env=True) picks them, read now (env of creation).
        if os.environ.get("SSL_CERT_FILE"):
            self._ca_args: dict[str, str] | None = {"cafile": os.environ["SSL_CERT_FILE"]}
        elif os.environ.get("SSL_CERT_DIR"):
            self._ca_args = {"capath": os.environ["SSL_CERT_DIR"]}
        else:
            self._ca_args = None  # certifi, imported only when needed
        # The rest of ssl.create_default_context(Purpose.SERVER_AUTH, ...); PROTOCOL_TLS_CLIENT
        # already means CERT_REQUIRED and check_hostname.
        keylog = os.environ.get("SSLKEYLOGFILE")
        if keylog and not sys.flags.ignore_environment:
            self.keylog_filename = keylog
        self._ca_loaded = False

    def load_ca(self) -> None:
        if self._ca_loaded:
            return
        self._ca_loaded = True
        if self._ca_args is None:
            import certifi

            self.load_verify_locations(cafile=certifi.where())
        else:
            self.load_verify_locations(**self._ca_args)

    def wrap_socket(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.load_ca()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.load_ca()
        return super().wrap_bio(*args, **kwargs)


def new_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    from codex.client.pool import install_lean_pool

    client = httpx.AsyncClient(
        verify=LazyTrustContext(),
        limits=LIMITS,
        timeout=httpx.Timeout(CONNECT_TIMEOUT),
        transport=transport,
        # SSE must not be buffered or re-encoded on the way: ask for identity bodies.
        headers={"accept-encoding": "identity"},
        trust_env=True,
    )
    # httpcore's pool costs O(streams x connections) per request: many concurrent sessions in
    # one process (the SDK, the app-server) spent half their CPU there (codex.client.pool).
    install_lean_pool(client)
    return client


def shared_client() -> httpx.AsyncClient:
    """This loop's shared client, created on first use."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = _clients[loop] = new_client()
    return client


def install_shared(client: httpx.AsyncClient) -> None:
    """Make `client` this loop's shared client (codex batch: one pool with its own limits and a
    429 pause gate for all its tasks); `aclose_shared()` closes it."""
    _clients[asyncio.get_running_loop()] = client


async def aclose_shared() -> None:
    """Close this loop's shared client (front ends call it on the way out)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
