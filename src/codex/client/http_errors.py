"""The lean HTTP client's failures, and one classifier for them and httpx's.

The model client maps transport failures to its own errors (connection failed, stream
disconnected, idle timeout). Requests on the lean path (codex.client.lean_http) raise the types
below, requests on the httpx path raise httpx's; `transport_failure` sorts either into the same
few kinds, so both paths give the user the same message and the same retry decision. httpx is
looked up in `sys.modules` only: if it was never imported, no httpx error can exist, and the lean
path never pays its import.
"""

from __future__ import annotations

import sys
from typing import Literal

__all__ = [
    "ConnectError",
    "ConnectTimeout",
    "DecodingError",
    "HTTPTransportError",
    "PoolTimeout",
    "ReadError",
    "ReadTimeout",
    "RemoteProtocolError",
    "TransportTimeout",
    "WriteError",
    "WriteTimeout",
    "is_http_error",
    "transport_failure",
]


class HTTPTransportError(Exception):
    """No usable HTTP exchange (as httpx.TransportError): the network or the peer failed."""


class TransportTimeout(HTTPTransportError):
    """A timeout (as httpx.TimeoutException)."""


class ConnectTimeout(TransportTimeout):
    pass


class ReadTimeout(TransportTimeout):
    pass


class WriteTimeout(TransportTimeout):
    pass


class PoolTimeout(TransportTimeout):
    pass


class ConnectError(HTTPTransportError):
    pass


class ReadError(HTTPTransportError):
    pass


class WriteError(HTTPTransportError):
    pass


class RemoteProtocolError(HTTPTransportError):
    """The peer broke HTTP/1.1 (malformed status line, bad chunk size, body cut short...)."""


class DecodingError(HTTPTransportError):
    """A Content-Encoding body that does not decode: a broken stream like any other. (httpx's
    DecodingError is no TransportError and used to escape the model client as a raw exception;
    `transport_failure` now counts it too.)"""


Failure = Literal["read_timeout", "timeout", "transport"]


def transport_failure(exc: BaseException) -> Failure | None:
    """What kind of transport failure `exc` is (lean or httpx), or None for anything else."""
    if isinstance(exc, HTTPTransportError):
        if isinstance(exc, ReadTimeout):
            return "read_timeout"
        return "timeout" if isinstance(exc, TransportTimeout) else "transport"
    httpx = sys.modules.get("httpx")
    if httpx is None or not isinstance(exc, (httpx.TransportError, httpx.DecodingError)):
        return None  # (a body that does not decode is a broken stream on both paths)
    if isinstance(exc, httpx.ReadTimeout):
        return "read_timeout"
    return "timeout" if isinstance(exc, httpx.TimeoutException) else "transport"


def is_http_error(exc: BaseException) -> bool:
    """Any failure of an HTTP exchange (lean, or httpx.HTTPError, decoding errors included)."""
    if isinstance(exc, HTTPTransportError):
        return True
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(exc, httpx.HTTPError)
