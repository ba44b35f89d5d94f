"""JSON-RPC error codes and the one exception a handler raises to answer with an error.

The official 0.169 server answers almost every bad request with -32600 ("Invalid request: …",
including unknown methods and bad params: serde reports them alike); we keep its messages but
use the specific standard code where JSON-RPC has one, since the SDK maps codes to exception
classes (-32601 MethodNotFoundError, -32602 InvalidParamsError)."""

from __future__ import annotations

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
    return RpcError(INVALID_PARAMS, f"Invalid request: {message}")


def unsupported(method: str) -> RpcError:
    """A method a local CLI cannot serve (cloud, realtime, plugins...)."""
    return RpcError(
        INVALID_REQUEST, f"{method} is not supported by codex-py's app-server (cloud-only feature)"
    )
