"""JSON-RPC error codes and the one exception a handler raises to answer with an error.

The official 0.169 server answers almost every bad request with -32600 ("Invalid request: …",
including unknown methods and bad params: serde reports them alike). We answer with the same
code and messages: the official SDK maps codes to exception classes (-32600
InvalidRequestError), so a client sees the same exception from our server as from the official
one. -32602 only where 0.169 sends it (skills/config/write with neither or both selectors);
-32601 only where 0.169 sends it (thread/read with its turns of a thread that never ran)."""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` (~3 ms) stays unloaded on the start-up path (early.py)
if TYPE_CHECKING:
    from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_OVERLOADED = -32001


class RpcError(Exception):
    """Raised by a method handler: the request is answered with this error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            out["data"] = self.data
        return out


def invalid_request(message: str) -> RpcError:
    return RpcError(INVALID_REQUEST, message)


def invalid_params(message: str) -> RpcError:
    return RpcError(INVALID_REQUEST, f"Invalid request: {message}")  # as 0.169, not -32602


def unsupported(method: str) -> RpcError:
    """A method a local CLI cannot serve (cloud, realtime, plugins...)."""
    return RpcError(
        INVALID_REQUEST, f"{method} is not supported by codex-py's app-server (cloud-only feature)"
    )
