"""Background fsync for JSONL writers: the turn-end fsync off the caller's thread.

Why: core ends a turn on the event loop, and fsync(2) waits for the disk (milliseconds, far more
under load). With many threads in one process (app-server, batch, the in-process SDK) that wait
stalled every other thread's turn. The lines themselves are still written (write(2)) on the
caller's thread before `request()` returns, so a kill -9 loses nothing already written; only
power-loss durability arrives a moment later, from a small shared pool of worker threads.

Requests coalesce per writer: while an fsync for a file is queued or running, further turn ends
only raise the wanted generation, and the worker fsyncs again once if writes arrived while it
ran. So one busy file costs at most one fsync in flight plus one queued, never a backlog.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when the pool is first made: only the pure-Python twin needs it
    from concurrent.futures import ThreadPoolExecutor

# Several workers, not one: fsyncs of different files on the same file system share journal
# commits, so a few in parallel finish sooner than a strict queue when many turns end together.
_WORKERS = 4
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
WAIT_LIMIT = 30.0  # seconds a close waits for an fsync in flight (see BackgroundSync.wait)


def _executor() -> ThreadPoolExecutor:
    """The process's fsync pool, made again in a forked child (the parent's threads are gone)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(_WORKERS, thread_name_prefix="codex-fsync")
            _pool_pid = os.getpid()
        return _pool


# Writers whose fsync waits for a worker, and how many pool jobs are draining them. A turn end
# queues its writer and submits a job only when fewer than _WORKERS drain already: when many
# turns end together (a busy app-server, a batch of in-process threads) almost none submits,
# where a ThreadPoolExecutor job per turn end cost ~4 µs on the caller's thread (the event
# loop) and as much again in the worker. Same order (first queued, first synced), same
# parallelism (at most _WORKERS fsyncs at once).
_waiting: deque[BackgroundSync] = deque()
_drain_lock = threading.Lock()
_draining = 0
_drain_pid = 0


def _schedule(job: BackgroundSync) -> None:
    """Have `job._run()` called in the pool (or here, once the pool is shut down)."""
    global _draining, _drain_pid
    with _drain_lock:
        pid = os.getpid()
        if _drain_pid != pid:  # a forked child: the parent's queue and drainers are not its own
            _waiting.clear()
            _drain_pid, _draining = pid, 0
        _waiting.append(job)
        if _draining >= _WORKERS:
            return  # a drainer will take it
        _draining += 1
    try:
        _executor().submit(_drain)
    except RuntimeError:  # the interpreter is shutting down: no new threads, sync here
        _drain()


def _drain() -> None:
    """One drainer: run queued jobs until none is left (it leaves under the lock, so a job
    queued after it found the queue empty counts it gone and starts another)."""
    global _draining
    while True:
        with _drain_lock:
            if not _waiting:
                _draining -= 1
                return
            job = _waiting.popleft()
        with contextlib.suppress(BaseException):  # _run catches everything itself already
            job._run()


class BackgroundSync:
    """The fsync state of one writer: request from the owner, run in the pool, wait at close."""

    def __init__(self, sync: Callable[[], None]) -> None:
        self._sync = sync
        self._lock = threading.Lock()
        # Made by the first wait() that finds a job in flight (a close racing its turn end's
        # fsync, rare): a Condition per writer cost every thread start 4 more objects for the
        # collector to track and three AttributeErrors raised inside its constructor.
        self._idle: threading.Condition | None = None
        self._wanted = 0  # generation of the writes that want an fsync
        self._busy = False  # a job is queued or running for this writer
        self._error: OSError | None = None
        self.completed = 0  # fsyncs done in the background (for tests and diagnostics)
        self._pid = os.getpid()

    def request(self) -> None:
        """Ask for an fsync of everything written so far; returns at once."""
        self.raise_error()
        with self._lock:
            self._wanted += 1
            if self._busy:  # the queued/running job re-checks `_wanted` before it finishes
                return
            self._busy = True
        _schedule(self)

    def _run(self) -> None:
        while True:
            with self._lock:
                target = self._wanted
            error: OSError | None = None
            try:
                self._sync()
            except OSError as exc:
                error = exc
            except BaseException as exc:  # never leave `_busy` set: close() waits for it
                error = OSError(f"background fsync failed: {exc!r}")
            with self._lock:
                self.completed += 1
                if error is not None and self._error is None:
                    self._error = error
                if self._wanted == target or self._error is not None:
                    self._busy = False
                    if self._idle is not None:
                        self._idle.notify_all()
                    return

    def wait(self, timeout: float = WAIT_LIMIT) -> bool:
        """Block until no fsync is queued or running (before close: the fd must stay valid).

        Bounded: a disk that does not answer an fsync for `timeout` seconds (a hung network
        file system) must not hang the process at exit; the lines are written already, only
        their durability is in question. A forked child never waits for its parent's job.
        Returns whether the writer is idle."""
        if os.getpid() != self._pid:
            return True
        with self._lock:
            if not self._busy:
                return True
            if self._idle is None:  # under the lock: the worker notifies it once it exists
                self._idle = threading.Condition(self._lock)
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def idle(self) -> bool:
        """No fsync queued or running, and none failed unreported (never blocks)."""
        with self._lock:
            return not self._busy and self._error is None

    def raise_error(self) -> None:
        """Report a background fsync failure to the owner once, at its next turn end or close."""
        with self._lock:
            error, self._error = self._error, None
        if error is not None:
            raise error
