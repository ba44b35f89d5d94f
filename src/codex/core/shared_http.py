"""One HTTP client for many sessions on a loop (`codex batch` installs it): a single connection
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

The gate sits in an httpx transport under the shared client, so the model client and its
per-task retry logic are unchanged: the task that got the 429 still sees it and retries as
`exec` does, every other task merely waits. Failures stay per task: a broken connection or an
error status belongs to the request that got it. Origins (scheme, host, port) stand for
providers: two providers on one host share its rate limit anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from codex.client.retry import parse_retry_after

# The pause after a 429 that names no Retry-After.
DEFAULT_PAUSE = 1.0


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


class PausingTransport(httpx.AsyncBaseTransport):
    """`inner`, with every request passing its origin's `Gate` first."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        on_pause: Callable[[str, float], None] | None = None,
    ) -> None:
        self._inner = inner
        self._on_pause = on_pause  # (origin, seconds) each time a 429 closes an open gate
        self.gates: dict[tuple[bytes, bytes, int | None], Gate] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        gate = self.gates.get(key)
        if gate is None:
            gate = self.gates[key] = Gate()
        probe, epoch = await gate.enter()
        status: int | None = None
        retry_after: float | None = None
        try:
            response = await self._inner.handle_async_request(request)
            status = response.status_code
            if status == 429:
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            return response
        finally:
            paused = gate.leave(probe, epoch, status, retry_after)
            if paused is not None and self._on_pause is not None:
                self._on_pause(f"{url.scheme}://{url.netloc.decode()}", paused)

    async def aclose(self) -> None:
        await self._inner.aclose()


def batch_client(
    jobs: int, on_pause: Callable[[str, float], None] | None = None
) -> tuple[httpx.AsyncClient, PausingTransport]:
    """The client every task of a batch shares: keep-alive for at least `jobs` connections (one
    stream per running task), so a batch wider than the default pool does not close and reopen
    connections between tasks."""
    from codex.client.transport import LIMITS, LazyTrustContext, new_client

    limits = httpx.Limits(
        max_connections=max(LIMITS.max_connections or 0, jobs + 16),
        max_keepalive_connections=max(LIMITS.max_keepalive_connections or 0, jobs),
        keepalive_expiry=LIMITS.keepalive_expiry,
    )
    inner = httpx.AsyncHTTPTransport(verify=LazyTrustContext(), limits=limits, trust_env=True)
    transport = PausingTransport(inner, on_pause)
    return new_client(transport), transport


def install_shared_client(client: httpx.AsyncClient) -> None:
    """Make `client` the running loop's shared client: every model request of every session on
    this loop goes through it (codex.client.transport)."""
    from codex.client.transport import install_shared

    install_shared(client)


async def close_shared_client() -> None:
    """Close the running loop's shared client (the batch's end)."""
    from codex.client.transport import aclose_shared

    await aclose_shared()
