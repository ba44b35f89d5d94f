"""The SSE event type and error shared by the C binding and its Python twin."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024
"""Raw bytes one event block may hold before the stream is rejected (a full 100k-token
`response.completed` is well under 2 MB)."""


class SSEEvent(NamedTuple):
    """One dispatched event. `id` is the stream's last event id ("" until set); `retry` is the
    reconnection time a `retry:` field of this event's block asked for, else None."""

    event: str
    data: str
    id: str
    retry: int | None


class SSEError(ValueError):
    """The stream broke a framing limit; the parser refuses further input."""


def too_large_message(limit: int) -> str:
    return f"server-sent event larger than the limit of {limit} bytes; the stream was rejected"
