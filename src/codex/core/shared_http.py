"""One HTTP setup for many sessions on a loop (`codex batch` installs it): a single connection
pool for every task, and a pool-wide pause per provider origin after a 429. In core, not in the
batch front end, because it sits under codex.client, which front ends reach only through core.

Why a pause for the whole pool: with 16 tasks in flight, a provider that answers 429 to one of
them is rate limiting all of them. If each task only honoured its own `Retry-After`, the other
15 would keep sending (and collecting 429s that burn their retry budgets), and when the pause
ran out every waiting task would fire at once, hitting the limit again (a thundering herd).
So a 429 closes the gate of its origin until `Retry-After` has passed (a second for a 429
without one); requests of any task wait at the gate instead of being sent. When it reopens, one
request goes first as a probe; the others follow only once the probe got an answer that is not
a 429 (another 429 closes the gate again, with the rest still waiting).

The gate sits under the model client, in both of the loop's transports: the lean client's
request hook (`LeanGate`, codex.client.lean_http's `RequestGate`) for the model requests that
take it, and an httpx transport (codex.core.shared_httpx) for the rest (proxies, URLs only httpx
sends as they are). Both share one `Gates` registry, so an origin has one gate whichever path a
request takes. The model client and its per-task retry logic are unchanged: the task that got
the 429 still sees it and retries as `exec` does, every other task merely waits. Failures stay
per task: a broken connection or an error status belongs to the request that got it. Origins
(scheme, host, port) stand for providers: two providers on one host share its rate limit anyway.

httpx is not imported here: a batch whose requests all take the lean client never loads it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codex.client.retry import parse_retry_after

if TYPE_CHECKING:
    from codex.client.http11 import ResponseHead, Target

# The pause after a 429 that names no Retry-After.
DEFAULT_PAUSE = 1.0

_DEFAULT_PORTS = {"http": 80, "https": 443}

OnPause = Callable[[str, float], None]
"""(origin as `scheme://netloc`, seconds): called each time a 429 closes an open gate."""


@dataclass(slots=True)
class Gate:
    """The pause state of one origin, used from one event loop."""

    until: float = 0.0  # monotonic time before which nothing is sent
    suspect: bool = False  # a 429 was seen and nothing since says the limit has lifted
    epoch: int = 0  # bumped by every 429; an answer to a request sent earlier lifts nothing
    probing: bool = False
    _probe_done: asyncio.Event = field(default_factory=asyncio.Event)
    pauses: int = 0  # how many 429s closed the gate (for tests and the progress line)

    async def enter(self) -> tuple[bool, int]:
        """Wait until this request may be sent; (is it the probe, the epoch it was sent in)."""
        while True:
            delay = self.until - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            if self.probing:
                await self._probe_done.wait()
                continue
            if self.suspect:
                self.probing = True
                self._probe_done = asyncio.Event()
                return True, self.epoch
            return False, self.epoch

    def leave(
        self, probe: bool, epoch: int, status: int | None, retry_after: float | None
    ) -> float | None:
        """Record the outcome of a request (status None: no answer, a transport error); the
        pause in seconds when this answer closed an open gate."""
        opened = None
        if status == 429:
            pause = DEFAULT_PAUSE if retry_after is None else retry_after
            now = time.monotonic()
            if self.until <= now:
                opened = pause
            self.until = max(self.until, now + pause)
            self.suspect = True
            self.epoch += 1
            self.pauses += 1
        elif status is not None and epoch == self.epoch:
            self.suspect = False
        if probe:
            self.probing = False
            self._probe_done.set()
        return opened


class Gates:
    """Every origin's `Gate` on one loop, whichever transport sends its requests, and the
    callback told of each pause."""

    __slots__ = ("_gates", "on_pause")

    def __init__(self, on_pause: OnPause | None = None) -> None:
        self.on_pause = on_pause
        self._gates: dict[tuple[str, str, int], Gate] = {}

    def gate(self, scheme: str, host: str, port: int | None) -> Gate:
        """The gate of an origin; `host` without IPv6 brackets, lower case; `port` None: the
        scheme's default (httpx's URL leaves it out, the lean client's Target fills it in)."""
        if port is None:
            port = _DEFAULT_PORTS.get(scheme, 0)
        key = (scheme, host, port)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = Gate()
        return gate

    def settle(
        self,
        gate: Gate,
        origin: str,
        ticket: tuple[bool, int],
        status: int | None,
        retry_after: str | None,
    ) -> None:
        """`gate.leave` for a request sent with `ticket` (from `gate.enter`); tells `on_pause`
        when the answer closed the gate."""
        seconds = None if status != 429 else parse_retry_after(retry_after)
        paused = gate.leave(ticket[0], ticket[1], status, seconds)
        if paused is not None and self.on_pause is not None:
            self.on_pause(origin, paused)

    def values(self) -> list[Gate]:
        return list(self._gates.values())


class LeanGate:
    """The lean client's request hook (codex.client.lean_http.RequestGate) onto `gates`: a
    request waits at its origin's gate before it takes a pool slot, and its response head (or
    its failure) is the answer the gate learns from, exactly where PausingTransport sees them."""

    __slots__ = ("gates",)

    def __init__(self, gates: Gates) -> None:
        self.gates = gates

    async def enter(self, where: Target) -> tuple[Gate, str, tuple[bool, int]]:
        host = where.host[1:-1] if where.host.startswith("[") else where.host
        gate = self.gates.gate(where.scheme, host, where.port)
        ticket = await gate.enter()
        return gate, f"{where.scheme}://{where.netloc}", ticket

    def leave(self, ticket: tuple[Gate, str, tuple[bool, int]], head: ResponseHead | None) -> None:
        gate, origin, sent = ticket
        if head is None:
            self.gates.settle(gate, origin, sent, None, None)
        else:
            self.gates.settle(gate, origin, sent, head.status, head.headers.get("retry-after"))


def install_batch_http(jobs: int, on_pause: OnPause | None = None) -> Gates:
    """On the running loop: the HTTP setup every task of a batch shares, with one 429 gate per
    origin across it. Model requests take a lean client sized for `jobs` (keep-alive for at
    least `jobs` connections, one stream per running task, so a batch wider than the default
    pool does not close and reopen connections between tasks); the rest take an httpx client
    with the same limits and gates, made (and httpx imported) only when first needed. With a
    proxy configured every request takes the httpx client (codex.client.transport decides)."""
    from codex.client.lean_http import LeanHTTP
    from codex.client.transport import (
        KEEPALIVE_EXPIRY,
        MAX_CONNECTIONS,
        MAX_KEEPALIVE,
        LazyTrustContext,
        install_shared,
    )

    gates = Gates(on_pause)
    max_connections, max_keepalive = pool_limits(jobs, MAX_CONNECTIONS, MAX_KEEPALIVE)
    lean = LeanHTTP(
        LazyTrustContext,
        max_connections=max_connections,
        max_keepalive=max_keepalive,
        keepalive_expiry=KEEPALIVE_EXPIRY,
        gate=LeanGate(gates),
    )

    def make_httpx_client() -> Any:
        # The one import of the httpx side (which must not import this module back).
        from codex.core.shared_httpx import batch_client

        return batch_client(max_connections, max_keepalive, gates)

    install_shared(factory=make_httpx_client, lean=lean)
    return gates


def pool_limits(jobs: int, max_connections: int, max_keepalive: int) -> tuple[int, int]:
    """(connections, idle kept) for a batch of `jobs` workers: the defaults, raised so every
    worker has a stream and a kept connection (plus room for side requests)."""
    return max(max_connections, jobs + 16), max(max_keepalive, jobs)


async def close_shared_client() -> None:
    """Close the running loop's shared clients (the batch's end)."""
    from codex.client.transport import aclose_shared

    await aclose_shared()
