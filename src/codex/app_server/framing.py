"""Messages <-> bytes: pure functions, no I/O (the transports own the pipes).

Wire format (spec-platform §7.1): one JSON object per message; over stdio one per line.
Requests `{id, method, params?}` (with or without `"jsonrpc"`), notifications `{method,
params?}`, responses `{id, result}` / `{id, error}`. What we send carries no `jsonrpc` field,
as the official server. Anything that is not such an object gets a JSON-RPC error response
(id null when there is none to echo), never an exception out of here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from codex.app_server.errors import INVALID_REQUEST, PARSE_ERROR, RpcError

# A line longer than this is refused unparsed (the reader drops the rest of it): nothing a
# client sends legitimately comes close (images travel as paths or data URLs of a few MiB).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


@dataclass(slots=True)
class Request:
    id: Any
    method: str
    params: Any


@dataclass(slots=True)
class Notification:
    method: str
    params: Any


@dataclass(slots=True)
class Response:
    """A client's answer to one of our server->client requests."""

    id: Any
    result: Any
    error: Any


@dataclass(slots=True)
class Malformed:
    """Something that is not a message: answered with `error` (id echoed when there was one)."""

    id: Any
    error: RpcError


@dataclass(slots=True)
class Followed:
    """A handler's result plus notifications that must follow its response (the official
    server sends `thread/started` after the `thread/start` response, not before)."""

    result: Any
    after: list[dict[str, Any]]


Incoming = Request | Notification | Response | Malformed


def _valid_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def decode(raw: bytes | str) -> Incoming | None:
    """One message from one line / frame; None for a blank line (ignored)."""
    if not raw.strip():
        return None
    if len(raw) > MAX_MESSAGE_BYTES:
        return Malformed(None, RpcError(PARSE_ERROR, "Parse error: message too large"))
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Malformed(None, RpcError(PARSE_ERROR, f"Parse error: {_short(exc)}"))
    if not isinstance(obj, dict):
        return Malformed(None, RpcError(INVALID_REQUEST, "Invalid request: expected an object"))
    msg_id = obj.get("id")
    has_id = "id" in obj and msg_id is not None
    method = obj.get("method")
    if method is not None:
        if not isinstance(method, str):
            return Malformed(
                msg_id if _valid_id(msg_id) else None,
                RpcError(INVALID_REQUEST, "Invalid request: method must be a string"),
            )
        if not has_id:
            return Notification(method, obj.get("params"))
        if not _valid_id(msg_id):
            return Malformed(None, RpcError(INVALID_REQUEST, "Invalid request: bad id"))
        return Request(msg_id, method, obj.get("params"))
    if has_id and ("result" in obj or "error" in obj):
        return Response(msg_id, obj.get("result"), obj.get("error"))
    return Malformed(
        msg_id if _valid_id(msg_id) else None,
        RpcError(INVALID_REQUEST, "Invalid request: not a request, notification or response"),
    )


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"


_DUMPS = orjson.dumps


def encode(message: dict[str, Any]) -> bytes:
    """One message as one line (newline included)."""
    return _DUMPS(message, option=orjson.OPT_APPEND_NEWLINE)


def response(msg_id: Any, result: Any) -> dict[str, Any]:
    return {"id": msg_id, "result": result}


def error_response(msg_id: Any, error: RpcError) -> dict[str, Any]:
    return {"error": error.to_dict(), "id": msg_id}


def notification(method: str, params: Any) -> dict[str, Any]:
    return {"method": method, "params": params}
