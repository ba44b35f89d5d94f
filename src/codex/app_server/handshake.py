"""The `initialize` handshake, kept free of asyncio and of the config so the process can answer
it before the event loop and the rest of the server are even imported (main.serve): the SDK
and IDEs wait for this answer before anything else. The usual case is answered earlier still,
before the command line is parsed (fast_start); this one answers what that one leaves over
(errors, odd command lines)."""

from __future__ import annotations

import os
from typing import Any

from codex.app_server import errors
from codex.app_server.fast_start import ClientHello, result_for, valid_header_value
from codex.app_server.params import obj, string

__all__ = ["ClientHello", "early_handshake", "initialize"]


def initialize(params: Any, codex_home: str) -> tuple[ClientHello, dict[str, Any]]:
    """(the client's hello, the result). Raises RpcError for bad params (absent ones too, as
    0.169: "missing field `params`")."""
    if params is None:
        raise errors.invalid_params("missing field `params`")
    p = obj(params)
    info = p.get("clientInfo")
    if not isinstance(info, dict):
        raise errors.invalid_params("missing field `clientInfo`")
    name = string(info, "name")
    version = string(info, "version")
    if not valid_header_value(name):
        raise errors.invalid_request(f"Invalid clientInfo.name: {name!r}")
    caps = p.get("capabilities") or {}
    experimental = False
    opt_out: frozenset[str] = frozenset()
    if isinstance(caps, dict):
        experimental = bool(caps.get("experimentalApi"))
        methods = caps.get("optOutNotificationMethods")
        if isinstance(methods, list):
            opt_out = frozenset(m for m in methods if isinstance(m, str))
    hello = ClientHello(name, version, experimental, opt_out)
    return hello, result_for(hello, codex_home)


def early_handshake(codex_home: str, buffer: bytes = b"") -> tuple[bytes, ClientHello | None]:
    """Before the event loop: read stdin up to the first line (`buffer`: bytes already read);
    if it is `initialize`, answer it on stdout at once. Returns (bytes read and not handled,
    the client's hello or None)."""
    from codex.app_server.errors import RpcError
    from codex.app_server.framing import Request, decode, encode, error_response, response

    while b"\n" not in buffer:
        if len(buffer) > 1 << 20:  # not a handshake: leave it to the full reader
            return buffer, None
        chunk = os.read(0, 65536)
        if not chunk:
            return buffer, None
        buffer += chunk
    line, _, rest = buffer.partition(b"\n")
    message = decode(line)
    if type(message) is not Request or message.method != "initialize":
        return buffer, None
    try:
        hello, result = initialize(message.params, codex_home)
    except RpcError as exc:
        _write_all(encode(error_response(message.id, exc)))
        return rest, None
    _write_all(encode(response(message.id, result)))
    return rest, hello


def _write_all(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]
