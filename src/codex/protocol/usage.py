"""Token usage and rate-limit snapshots as the official CLI reports them in `token_count` events.

`TokenUsage.add` sums per-request usage into turn and session totals; `TokenUsageInfo` carries the
running total, the last request's usage and the context window. Pure data, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import field
from typing import Any

from codex.protocol._record import record
from codex.protocol._wire import WireModel, absent_field, extra_field, wire

__all__ = [
    "BASELINE_TOKENS",
    "CreditsSnapshot",
    "RateLimitSnapshot",
    "RateLimitWindow",
    "TokenUsage",
    "TokenUsageInfo",
    "approx_token_count",
]

# Tokens always present in a prompt (instructions, tool schemas); excluded from "% context left".
BASELINE_TOKENS = 12_000


def approx_token_count(text: str | bytes) -> int:
    """The official CLI's estimate: one token per 4 bytes of UTF-8, rounded up."""
    n = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    return (n + 3) // 4


@wire()
@record
class TokenUsage(WireModel):
    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0
    total_tokens: int = 0
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()

    def add(self, other: TokenUsage) -> TokenUsage:
        """Element-wise sum (a new value; neither operand changes)."""
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.cache_write_input_tokens + other.cache_write_input_tokens,
            self.output_tokens + other.output_tokens,
            self.reasoning_output_tokens + other.reasoning_output_tokens,
            self.total_tokens + other.total_tokens,
        )

    __add__ = add

    def is_zero(self) -> bool:
        return self.total_tokens == 0

    def non_cached_input(self) -> int:
        return max(0, self.input_tokens - max(0, self.cached_input_tokens))

    def blended_total(self) -> int:
        """Non-cached input plus output: the single number UIs show."""
        return max(0, self.non_cached_input() + max(0, self.output_tokens))

    def percent_of_context_window_remaining(self, context_window: int) -> int:
        """Share of the user-controllable window left, after the fixed baseline."""
        if context_window <= BASELINE_TOKENS:
            return 0
        effective = context_window - BASELINE_TOKENS
        used = max(0, self.total_tokens - BASELINE_TOKENS)
        remaining = max(0, effective - used)
        pct = remaining / effective * 100.0
        return math.floor(min(100.0, max(0.0, pct)) + 0.5)


def _usage(data: Any) -> TokenUsage:
    return TokenUsage.from_dict(data)


@wire(
    omit_none=("last_usage_includes_reasoning",),
    parse={"total_token_usage": _usage, "last_token_usage": _usage},
)
@record
class TokenUsageInfo(WireModel):
    """Running totals: `total` accumulates every response, `last` is the latest response."""

    total_token_usage: TokenUsage = field(default_factory=TokenUsage)
    last_token_usage: TokenUsage = field(default_factory=TokenUsage)
    last_usage_includes_reasoning: bool | None = False
    model_context_window: int | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()

    def append_last_usage(self, last: TokenUsage) -> None:
        self.total_token_usage = self.total_token_usage.add(last)
        self.last_token_usage = last

    def fill_to_context_window(self, context_window: int) -> None:
        """Mark the window as full (after a context-window-exceeded error)."""
        delta = max(0, context_window - self.total_token_usage.total_tokens)
        self.model_context_window = context_window
        self.total_token_usage = TokenUsage(total_tokens=context_window)
        self.last_token_usage = TokenUsage(total_tokens=delta)


@wire()
@record
class RateLimitWindow(WireModel):
    used_percent: float
    window_minutes: int | None = None
    resets_at: int | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire()
@record
class CreditsSnapshot(WireModel):
    has_credits: bool
    unlimited: bool
    balance: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


def _window(data: Any) -> RateLimitWindow:
    return RateLimitWindow.from_dict(data)


@wire(
    parse={
        "primary": _window,
        "secondary": _window,
        "credits": lambda d: CreditsSnapshot.from_dict(d),
    }
)
@record
class RateLimitSnapshot(WireModel):
    """What the `x-codex-*` rate-limit headers said (all fields written, null when unknown)."""

    limit_id: str | None = None
    limit_name: str | None = None
    primary: RateLimitWindow | None = None
    secondary: RateLimitWindow | None = None
    credits: CreditsSnapshot | None = None
    individual_limit: Any = None
    spend_control_reached: bool | None = None
    plan_type: str | None = None
    rate_limit_reached_type: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()
