"""The official SDK's exceptions and its overload retry helper, under the same names, so
`except openai_codex.InvalidRequestError` becomes `except codex.InvalidRequestError`.

There is no JSON-RPC in process, but the classes keep their `code`/`message`/`data`: a request
core refuses (an unknown thread id, a login it cannot do) raises the class and code the official
app-server's answer would have mapped to. `CodexError` here is also a `codex.errors.CodexError`,
so one `except` catches what the SDK raises and what core raises for the user.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import codex.errors

__all__ = [
    "CodexError",
    "CodexRpcError",
    "InternalRpcError",
    "InvalidParamsError",
    "InvalidRequestError",
    "JsonRpcError",
    "MethodNotFoundError",
    "ParseError",
    "RetryLimitExceededError",
    "ServerBusyError",
    "TransportClosedError",
    "is_retryable_error",
    "no_rollout",
    "retry_on_overload",
]

T = TypeVar("T")


class CodexError(codex.errors.CodexError):
    """Base of every SDK error."""


class JsonRpcError(CodexError):
    """An error with the app-server's code, message and data."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"JSON-RPC error {code}: {message}")
        self.code = code
        self.message = message
        self.data = data


class TransportClosedError(CodexError):
    """The official client's connection closed; in process: the client was closed."""


class CodexRpcError(JsonRpcError):
    pass


class ParseError(CodexRpcError):
    pass


class InvalidRequestError(CodexRpcError):
    """The request was refused (unknown thread, unsupported login, bad state)."""


class MethodNotFoundError(CodexRpcError):
    pass


class InvalidParamsError(CodexRpcError):
    pass


class InternalRpcError(CodexRpcError):
    pass


class ServerBusyError(CodexRpcError):
    """Overloaded; worth retrying (see `retry_on_overload`)."""


class RetryLimitExceededError(ServerBusyError):
    pass


def invalid_request(message: str) -> InvalidRequestError:
    """What the official server answers for a refused request (code -32600)."""
    return InvalidRequestError(-32600, message)


def no_rollout(thread_id: str) -> InvalidRequestError:
    """0.169's answer to a resume or fork of a thread whose rollout file does not exist yet."""
    return invalid_request(f"no rollout found for thread id {thread_id}")


def _overloaded(data: Any) -> bool:
    if isinstance(data, str):
        return data.lower() == "server_overloaded"
    if isinstance(data, dict):
        return any(_overloaded(value) for value in data.values())
    if isinstance(data, list):
        return any(_overloaded(value) for value in data)
    return False


def is_retryable_error(exc: BaseException) -> bool:
    """True for a transient overload (the official rule)."""
    if isinstance(exc, ServerBusyError):
        return True
    return isinstance(exc, JsonRpcError) and _overloaded(exc.data)


def retry_on_overload(
    op: Callable[[], T],
    *,
    max_attempts: int = 3,
    initial_delay_s: float = 0.25,
    max_delay_s: float = 2.0,
    jitter_ratio: float = 0.2,
) -> T:
    """Call `op`, retrying with jittered exponential backoff while it fails retryably."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be >= 1")
    delay = initial_delay_s
    attempt = 0
    while True:
        attempt += 1
        try:
            return op()
        except Exception as exc:
            if attempt >= max_attempts or not is_retryable_error(exc):
                raise
            jitter = delay * jitter_ratio
            import random  # at the first retry only

            pause = min(max_delay_s, delay) + random.uniform(-jitter, jitter)
            if pause > 0:
                time.sleep(pause)
            delay = min(max_delay_s, delay * 2)
