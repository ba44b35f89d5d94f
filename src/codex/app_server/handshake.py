"""The `initialize` handshake, kept free of asyncio and of the config so the process can answer
it before the event loop and the rest of the server are even imported (main.early_handshake):
the SDK and IDEs wait for this answer before anything else."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

from codex import __version__
from codex.app_server import errors
from codex.app_server.params import obj, string


def _os_description() -> str:
    uname = os.uname()
    if uname.sysname != "Linux":
        return f"{uname.sysname} {uname.release}"
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError), open("/etc/os-release", encoding="utf-8") as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            fields[key] = value.strip('"')
    name = fields.get("ID", "linux").capitalize()
    version = fields.get("VERSION_ID", uname.release)
    if version.replace(".", "").isdigit():
        version = ".".join([*version.split("."), "0", "0"][:3])
    return f"{name} {version}"


def user_agent(name: str, version: str) -> str:
    """`<client>/<cli version> (<os> <ver>; <arch>) <terminal> (<client>; <client version>)`,
    the official form the SDK splits to find the server's version."""
    terminal = os.environ.get("TERM_PROGRAM") or os.environ.get("TERM") or "unknown"
    ua = f"{name}/{__version__} ({_os_description()}; {os.uname().machine}) {terminal}"
    ua = f"{ua} ({name}; {version})"
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else "_" for ch in ua)


def _valid_header_value(text: str) -> bool:
    return all(0x20 <= ord(ch) < 0x7F or ch == "\t" for ch in text)


class ClientHello:
    """What a client said in `initialize`."""

    __slots__ = ("experimental", "name", "opt_out", "version")

    def __init__(self, name: str, version: str, experimental: bool, opt_out: frozenset[str]):
        self.name = name
        self.version = version
        self.experimental = experimental
        self.opt_out = opt_out


def initialize(params: Any, codex_home: str) -> tuple[ClientHello, dict[str, Any]]:
    """(the client's hello, the result). Raises RpcError for bad params."""
    p = obj(params)
    info = p.get("clientInfo")
    if not isinstance(info, dict):
        raise errors.invalid_params("missing field `clientInfo`")
    name = string(info, "name")
    version = string(info, "version")
    if not _valid_header_value(name):
        raise errors.invalid_request(f"Invalid clientInfo.name: {name!r}")
    caps = p.get("capabilities") or {}
    experimental = False
    opt_out: frozenset[str] = frozenset()
    if isinstance(caps, dict):
        experimental = bool(caps.get("experimentalApi"))
        methods = caps.get("optOutNotificationMethods")
        if isinstance(methods, list):
            opt_out = frozenset(m for m in methods if isinstance(m, str))
    result = {
        "userAgent": user_agent(name, version),
        "codexHome": codex_home,
        "platformFamily": "unix" if os.name == "posix" else "windows",
        "platformOs": {"linux": "linux", "darwin": "macos"}.get(sys.platform, sys.platform),
    }
    return ClientHello(name, version, experimental, opt_out), result


def early_handshake(codex_home: str) -> tuple[bytes, ClientHello | None]:
    """Before the event loop: read stdin up to the first line; if it is `initialize`, answer
    it on stdout at once. Returns (bytes read and not handled, the client's hello or None)."""
    from codex.app_server.errors import RpcError
    from codex.app_server.framing import Request, decode, encode, error_response, response

    buffer = b""
    while b"\n" not in buffer:
        chunk = os.read(0, 65536)
        if not chunk:
            return buffer, None
        buffer += chunk
        if len(buffer) > 1 << 20:  # not a handshake: leave it to the full reader
            return buffer, None
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
