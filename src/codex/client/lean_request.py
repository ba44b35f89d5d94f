"""`lean_post`: a model request on the lean client, with exactly the headers httpx would send.

The shared httpx client sends, in this order: `Host`, its default headers (`Accept: */*`,
`Connection: keep-alive`, `User-Agent: python-httpx/<version>`, then the client's own
`accept-encoding: identity`) less any the request names itself, the request's headers as given
(names keep their case), and last the body's framing (`Content-Length` for bytes, `Transfer-
Encoding: chunked` for a stream of unknown length) unless the request set it. This module builds
that list, so a server (and the tests comparing captures of the official CLI) cannot tell the two
paths apart; when a URL or header is one httpx would normalise or refuse, it returns None and the
caller takes the httpx path.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping

from codex.client.http11 import request_head, target
from codex.client.lean_http import LeanHTTP, LeanResponse

__all__ = ["lean_post"]

_user_agent: str | None = None


def _httpx_user_agent() -> str:
    """httpx's default User-Agent (model requests always set their own; read only if not)."""
    global _user_agent
    if _user_agent is None:
        from importlib.metadata import version

        _user_agent = f"python-httpx/{version('httpx')}"
    return _user_agent


def wire_headers(
    headers: Mapping[str, str], body: bytes | AsyncIterable[bytes]
) -> tuple[list[tuple[str, str]], bool, bool] | None:
    """The headers after Host in the order httpx sends them, whether the body goes chunked, and
    whether the request asks to close the connection after it (its own `Connection` header
    says `close`: the default one says keep-alive); None when the body framing asked for is
    one this client does not send the way httpx would."""
    names = {name.lower() for name in headers}
    close = "connection" in names and any(
        k.lower() == "connection" and "close" in v.lower() for k, v in headers.items()
    )
    wire: list[tuple[str, str]] = []
    if "accept" not in names:
        wire.append(("Accept", "*/*"))
    if "connection" not in names:
        wire.append(("Connection", "keep-alive"))
    if "user-agent" not in names:
        wire.append(("User-Agent", _httpx_user_agent()))
    if "accept-encoding" not in names:
        wire.append(("accept-encoding", "identity"))
    wire.extend(headers.items())
    if "transfer-encoding" in names:
        return None
    chunked = False
    if isinstance(body, bytes):
        if "content-length" in names:
            given = [v for k, v in headers.items() if k.lower() == "content-length"]
            if given != [str(len(body))]:
                return None  # httpx/h11 would refuse or re-frame it: let them
        elif body:
            wire.append(("Content-Length", str(len(body))))
    elif "content-length" not in names:
        wire.append(("Transfer-Encoding", "chunked"))
        chunked = True
    return wire, chunked, close


async def lean_post(
    lean: LeanHTTP,
    url: str,
    body: bytes | AsyncIterable[bytes],
    headers: Mapping[str, str],
    *,
    connect: float | None,
    timeout: float | None,
) -> LeanResponse | None:
    """POST `body` to `url` and return the response, body unread; None when this request must
    take the httpx path (see the module docstring). `timeout` is the read, write and pool
    timeout (`httpx.Timeout(timeout, connect=connect)`)."""
    where = target(url)
    if where is None:
        return None
    framed = wire_headers(headers, body)
    if framed is None:
        return None
    wire, chunked, close = framed
    head = request_head("POST", where, wire)
    if head is None:
        return None
    return await lean.request(
        where,
        head,
        body,
        chunked=chunked,
        connect_timeout=connect,
        read_timeout=timeout,
        write_timeout=timeout,
        pool_timeout=timeout,
        close=close,
    )
