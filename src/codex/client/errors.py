"""What can go wrong talking to a model, classified the way the retry logic needs it.

Every error says whether another attempt may help (`retryable`), what to show (`str(err)`, one
line, the server's own message where there is one) and which `codex_error_info` the front ends
report (spec-core §1.6). Nothing here does I/O.
"""

from __future__ import annotations

from codex.errors import CodexError

HIGH_DEMAND_MESSAGE = (
    "We\u2019re currently experiencing high demand, which may cause temporary errors."
)
CONTEXT_WINDOW_MESSAGE = (
    "Codex ran out of room in the model's context window. Start a new conversation or clear "
    "earlier history before retrying."
)
QUOTA_MESSAGE = "Quota exceeded. Check your plan and billing details."


class ModelError(CodexError):
    """Base class. `retryable`: whether the turn may try again; `retry_after`: the server's hint
    in seconds; `status`: the HTTP status when there was one."""

    retryable = False
    codex_error_info = "other"

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class EnvVarError(ModelError):
    """The provider names an `env_key` that is unset or blank."""

    def __init__(self, var: str, instructions: str | None = None) -> None:
        message = f"Missing environment variable: `{var}`."
        if instructions:
            message += f" {instructions}"
        super().__init__(message)
        self.var = var


class StreamDisconnected(ModelError):
    """The stream ended, broke or idled before `response.completed`; worth another attempt."""

    retryable = True
    codex_error_info = "response_stream_disconnected"

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(
            f"stream disconnected before completion: {reason}",
            status=status,
            retry_after=retry_after,
        )
        self.reason = reason


class ConnectionFailed(ModelError):
    """No HTTP response at all (refused, reset, DNS); retried."""

    retryable = True
    codex_error_info = "http_connection_failed"


class InternalServerError(ModelError):
    """The server kept answering 5xx until the request budget ran out; the turn retries."""

    retryable = True
    codex_error_info = "internal_server_error"

    def __init__(self, status: int = 500) -> None:
        super().__init__(HIGH_DEMAND_MESSAGE, status=status)


class RetryLimit(ModelError):
    """Retryable statuses (429, 401 without recovery) until the request budget ran out."""

    retryable = True
    codex_error_info = "response_too_many_failed_attempts"

    def __init__(self, status: int, body: str = "") -> None:
        detail = f"exceeded retry limit, last status: {status}"
        super().__init__(f"{detail}: {body}" if body else detail, status=status)


class UnexpectedStatus(ModelError):
    """A non-retryable HTTP status (400, 403, 404, ...): the message is the server's body."""

    codex_error_info = "bad_request"

    def __init__(self, status: int, body: str) -> None:
        super().__init__(body or f"unexpected status {status}", status=status)
        self.body = body


class Unauthorized(UnexpectedStatus):
    codex_error_info = "unauthorized"


class ContextWindowExceeded(ModelError):
    codex_error_info = "context_window_exceeded"

    def __init__(self) -> None:
        super().__init__(CONTEXT_WINDOW_MESSAGE)


class QuotaExceeded(ModelError):
    codex_error_info = "usage_limit_exceeded"

    def __init__(self) -> None:
        super().__init__(QUOTA_MESSAGE)


class UsageLimitReached(ModelError):
    """ChatGPT plan usage limit (429 `usage_limit_reached` / `usage_not_included`)."""

    codex_error_info = "usage_limit_exceeded"

    def __init__(self, message: str, *, plan_type: str | None = None) -> None:
        super().__init__(message, status=429)
        self.plan_type = plan_type


class UnsupportedOperation(ModelError):
    def __init__(self, what: str) -> None:
        super().__init__(f"unsupported operation: {what}")
