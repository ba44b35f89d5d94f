"""The HTTP clients a process shares, per event loop: the lean one and the httpx one.

Model requests take the lean client (codex.client.lean_http) whenever httpx would have taken its
plain path: no proxy from the environment, no httpx client installed in its place (codex batch
installs its own lean client, with its 429 gates, codex.core.shared_http). Any
other request, and every request when that does not hold, goes through the one shared
`httpx.AsyncClient` (keep-alive, sane limits). httpx is imported only when that client is made.

Clients are bound to the loop they first ran on, so both are keyed by loop; tests and front ends
that run several loops in turn each get their own and `aclose_shared()` ends them.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from codex.client.lean_http import LeanHTTP

MAX_CONNECTIONS = 64
MAX_KEEPALIVE = 64
KEEPALIVE_EXPIRY = 90.0
CONNECT_TIMEOUT = 30.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
# None: this loop's model requests take httpx (proxies, or an installed client).
_lean: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LeanHTTP | None] = (
    weakref.WeakKeyDictionary()
)
# How a loop's shared httpx client is made when first needed (codex batch: its limits and 429
# gates); default new_client.
_factories: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, Callable[[], httpx.AsyncClient]
] = weakref.WeakKeyDictionary()


def __getattr__(name: str) -> Any:
    if name == "LIMITS":  # httpx.Limits, built (and httpx imported) only when someone asks
        import httpx

        limits = httpx.Limits(
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=MAX_KEEPALIVE,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )
        globals()["LIMITS"] = limits
        return limits
    raise AttributeError(name)


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
    import httpx

    from codex.client.pool import install_lean_pool

    client = httpx.AsyncClient(
        verify=LazyTrustContext(),
        limits=__getattr__("LIMITS"),
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
        client = _clients[loop] = _factories.get(loop, new_client)()
    return client


def install_shared(
    client: httpx.AsyncClient | None = None,
    *,
    factory: Callable[[], httpx.AsyncClient] | None = None,
    lean: LeanHTTP | None = None,
) -> None:
    """Install this loop's shared clients (codex batch: one pool with its own limits and a 429
    pause gate for all its tasks): the httpx `client`, or a `factory` making it when first
    needed (so a loop whose requests all take the lean client never imports httpx), and `lean`,
    the lean client for the model requests that can take it (unless a proxy is configured, as
    `lean_client` decides); without `lean` they all go through the httpx client.
    `aclose_shared()` closes them."""
    loop = asyncio.get_running_loop()
    if factory is not None:
        _factories[loop] = factory
        _clients.pop(loop, None)
    if client is not None:
        _clients[loop] = client
    global _last_lean
    _last_lean = None
    _lean[loop] = None if lean is None or _proxies_configured() else lean


# The last answer of `lean_client` and its loop (weakly): every model request asks, nearly
# always from the same loop, and a WeakKeyDictionary lookup makes a weak reference each time.
_last_lean: tuple[weakref.ref[asyncio.AbstractEventLoop], LeanHTTP | None] | None = None


def lean_client() -> LeanHTTP | None:
    """This loop's lean client, or None when model requests must take the httpx client: a
    proxy is configured in the environment (httpx would mount a proxy transport, read once per
    client as httpx reads it), or a client was installed with `install_shared` without one."""
    global _last_lean
    loop = asyncio.get_running_loop()
    last = _last_lean
    if last is not None and last[0]() is loop:
        lean = last[1]
        if lean is None or not lean.closed:
            return lean
    try:
        lean = _lean[loop]
    except KeyError:
        lean = None
    else:
        if lean is None or not lean.closed:
            _last_lean = (weakref.ref(loop), lean)
            return lean
    if _proxies_configured():
        _lean[loop] = None
        _last_lean = (weakref.ref(loop), None)
        return None
    from codex.client.lean_http import LeanHTTP

    lean = _lean[loop] = LeanHTTP(
        LazyTrustContext,
        max_connections=MAX_CONNECTIONS,
        max_keepalive=MAX_KEEPALIVE,
        keepalive_expiry=KEEPALIVE_EXPIRY,
    )
    _last_lean = (weakref.ref(loop), lean)
    return lean


def _proxies_configured() -> bool:
    """Whether httpx (`trust_env=True`) would route some request through a proxy: the
    `http`, `https` or `all` entry of `urllib.request.getproxies()`. Off macOS and Windows that
    is the environment alone, read here without importing urllib.request."""
    if sys.platform in ("darwin", "win32"):
        import urllib.request

        proxies = urllib.request.getproxies()
    else:
        proxies = {}
        for name, value in os.environ.items():  # as urllib.request.getproxies_environment
            if value and name[-6:].lower() == "_proxy":
                proxies[name[:-6].lower()] = value
        if "REQUEST_METHOD" in os.environ:  # CGI: HTTP_PROXY may come from a request header
            proxies.pop("http", None)
        for name, value in os.environ.items():
            if name[-6:] == "_proxy":  # lower-case names win over upper-case ones
                if value:
                    proxies[name[:-6].lower()] = value
                else:
                    proxies.pop(name[:-6].lower(), None)
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


async def aclose_shared() -> None:
    """Close this loop's shared clients (front ends call it on the way out)."""
    global _last_lean
    loop = asyncio.get_running_loop()
    _factories.pop(loop, None)
    _last_lean = None
    lean = _lean.pop(loop, None)
    if lean is not None:
        await lean.aclose()
    client = _clients.pop(loop, None)
    if client is not None:
        await client.aclose()
