"""`send_stream`: one streamed POST through an `httpx.AsyncClient`, without the per-request
machinery the model requests never use. Model requests take it only when the lean client
(codex.client.lean_http) does not apply: a client given to the ModelClient or installed for the
loop, a proxy in the environment, a URL or header only httpx sends as it is today.

`client.build_request` + `client.send` merge params, cookies and base URL, run the auth flow
(a generator even with no auth), the redirect loop, the event hooks, and parse every response's
headers for cookies through `http.cookiejar` — about a sixth of the CPU of a warm in-process turn
(bench/bench_inprocess.py, cProfile). A model request is an absolute URL, no auth object, no
hooks, and redirects are not followed; so when the client is configured that way (the shared
client is) the request goes straight to the transport httpx itself would pick, and the response
is bound to it as `_send_single_request` does. Anything else (hooks, auth, a base URL, cookies in
the jar) takes httpx's own path, so behaviour never depends on which path ran: cookies a response
sets are still stored in the client's jar.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

try:  # httpx internals the fast path needs; without them every request takes the public path
    from httpx._client import BoundAsyncStream
    from httpx._exceptions import request_context
except ImportError:  # pragma: no cover - a future httpx that moved them
    BoundAsyncStream = None

__all__ = ["send_stream"]

_timeouts: dict[tuple[float | None, float], dict[str, float | None]] = {}
_urls: dict[str, httpx.URL] = {}  # a provider's few endpoints, parsed once (~14 us a request)


def _url(url: str) -> httpx.URL:
    parsed = _urls.get(url)
    if parsed is None:
        if len(_urls) >= 64:  # bounded: URLs come from config, but never let it grow unchecked
            _urls.clear()
        parsed = _urls[url] = httpx.URL(url)
    return parsed


def _timeout_extension(idle: float | None, connect: float) -> dict[str, float | None]:
    """`httpx.Timeout(idle, connect=connect).as_dict()`, built once per value pair (requests
    share it read-only; the transport only reads it)."""
    key = (idle, connect)
    ext = _timeouts.get(key)
    if ext is None:
        ext = _timeouts[key] = httpx.Timeout(idle, connect=connect).as_dict()
    return ext


def _lean_ok(client: httpx.AsyncClient) -> bool:
    """Whether `client.send` would do nothing for this request beyond what `send_stream` does."""
    hooks = client.event_hooks
    return (
        BoundAsyncStream is not None
        and client.auth is None
        and not hooks["request"]
        and not hooks["response"]
        and not client.base_url.raw_path.strip(b"/")
        and not client.base_url.host
        and not client.params
        and not client.cookies.jar
        and hasattr(client, "_transport_for_url")
        and not client.is_closed
    )


async def send_stream(
    client: httpx.AsyncClient,
    url: str,
    content: Any,
    headers: Mapping[str, str],
    *,
    idle: float | None,
    connect: float,
) -> httpx.Response:
    """POST `content` to the absolute `url` and return the response with its body unread (as
    `client.send(request, stream=True)`); no redirects are followed."""
    if not _lean_ok(client):
        timeout = httpx.Timeout(idle, connect=connect)
        request = client.build_request(
            "POST", url, content=content, headers=headers, timeout=timeout
        )
        return await client.send(request, stream=True)
    merged = client.headers.copy()
    merged.update(headers)
    request = httpx.Request(
        "POST",
        _url(url),
        content=content,
        headers=merged,
        extensions={"timeout": _timeout_extension(idle, connect)},
    )
    transport = client._transport_for_url(request.url)
    start = time.perf_counter()
    with request_context(request=request):  # errors name their request, as httpx's do
        response = await transport.handle_async_request(request)
    response.request = request
    response.stream = BoundAsyncStream(response.stream, response=response, start=start)
    if "set-cookie" in response.headers:  # as httpx would: the jar keeps what servers set
        client.cookies.extract_cookies(response)
    response.default_encoding = client._default_encoding
    return response
