"""Backoff between attempts: `200ms × 2^(n-1) × jitter(0.9..1.1)` (spec-core §1.6), with the clock
and the randomness injectable so tests count retries without sleeping."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import field

from codex._dataclass import dataclass

INITIAL_DELAY = 0.2
BACKOFF_FACTOR = 2.0

Sleep = Callable[[float], Awaitable[None]]


def _jitter() -> float:
    import random  # at the first retry: most processes never back off

    return random.uniform(0.9, 1.1)


_TRY_AGAIN = re.compile(r"try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)", re.IGNORECASE)


@dataclass(slots=True)
class RetryPolicy:
    """How long to wait before attempt n+1. `sleep` and `jitter` are the injection points."""

    sleep: Sleep = asyncio.sleep
    jitter: Callable[[], float] = field(default=_jitter)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based)."""
        exp = BACKOFF_FACTOR ** max(attempt - 1, 0)
        return INITIAL_DELAY * exp * self.jitter()


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds (upstream accepts the integer-seconds form only)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def retry_after_from_message(message: str) -> float | None:
    """The "try again in 1.5s" hint inside a `rate_limit_exceeded` message."""
    match = _TRY_AGAIN.search(message)
    if not match:
        return None
    value = float(match.group(1))
    return value / 1000.0 if match.group(2).lower() == "ms" else value
