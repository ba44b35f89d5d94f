"""The typed events a model stream yields, the same for Responses and Chat Completions.

Plain slotted dataclasses: the hot ones (`OutputTextDelta`, reasoning deltas) carry only what a
consumer reads. `OutputItemDone` is the authoritative source of items; deltas belong to the item
the last `OutputItemAdded` opened; `Completed` comes only after `response.completed` arrived
and the body ended. `Retrying` announces each new attempt so front ends can show
`Reconnecting... n/N`; the consumer must drop the partial output of the failed attempt.
"""

from __future__ import annotations

from codex._dataclass import dataclass
from codex.client.errors import ModelError
from codex.protocol.items import ResponseItem
from codex.protocol.usage import RateLimitSnapshot, TokenUsage


@dataclass(slots=True)
class Created:
    response_id: str | None


@dataclass(slots=True)
class OutputItemAdded:
    item: ResponseItem


@dataclass(slots=True)
class OutputItemDone:
    item: ResponseItem


@dataclass(slots=True)
class OutputTextDelta:
    delta: str


@dataclass(slots=True)
class ReasoningSummaryDelta:
    delta: str
    summary_index: int


@dataclass(slots=True)
class ReasoningTextDelta:
    delta: str
    content_index: int


@dataclass(slots=True)
class ReasoningSummaryPartAdded:
    summary_index: int


@dataclass(slots=True)
class RateLimits:
    """Parsed from the response headers; the first event of every successful HTTP response."""

    snapshot: RateLimitSnapshot


@dataclass(slots=True)
class Completed:
    response_id: str
    usage: TokenUsage | None


@dataclass(slots=True)
class Failed:
    """`response.failed` (chat: an `error` chunk), classified. The decoder yields it; the client
    raises `error` or retries, so consumers of `ModelClient.stream` never see it."""

    error: ModelError


@dataclass(slots=True)
class Incomplete:
    """`response.incomplete` (chat: finish_reason "length"): the model stopped early."""

    reason: str


@dataclass(slots=True)
class Retrying:
    """Another attempt follows after `delay` seconds. `scope` is "stream" for whole-prompt
    retries (what exec shows) and "request" for HTTP-level ones inside a single attempt."""

    scope: str
    attempt: int
    max_attempts: int
    reason: str
    delay: float
    status: int | None = None

    @property
    def message(self) -> str:
        return f"Reconnecting... {self.attempt}/{self.max_attempts} ({self.reason})"


ResponseEvent = (
    Created
    | OutputItemAdded
    | OutputItemDone
    | OutputTextDelta
    | ReasoningSummaryDelta
    | ReasoningTextDelta
    | ReasoningSummaryPartAdded
    | RateLimits
    | Completed
    | Failed
    | Incomplete
    | Retrying
)
