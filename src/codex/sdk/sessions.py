"""Which core sessions an `AsyncCodex` keeps open, and for how long.

Each thread is one core Session, which holds an open rollout file, a task and the thread's
history. Were they all kept until the client closes (as one `AsyncExitStack` once did), a
program pushing 10,000 one-turn threads through one client would hold 10,000 file descriptors
(EMFILE under macOS's default limit of 256) and ever more memory, and every turn would get
slower as the garbage collector walked the live objects.

So a session lives exactly as long as someone can still use it: while the user holds its
`AsyncThread` (or a turn handle of it), and while a turn of it runs. Once the `AsyncThread` is
unreachable and its turn (if one was left running) ended, the session is closed as
`AsyncCodex.close()` closes it (turn ended, rollout flushed, fsynced and closed). Nothing is
lost: the thread is on disk like any saved thread, `thread_list` sees it, and
`thread_resume(id)` opens it again from its rollout (an ephemeral thread has no rollout: once
unreachable it is gone, as it would be after `close()`).

The drop is noticed with a weak reference whose callback may run in any OS thread (the sync
`Codex` drops its `Thread` objects in the caller's thread): the callback only schedules the
release on the client's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.api import Session
    from codex.sdk.async_thread import AsyncThread

__all__ = ["SessionPool", "SessionSlot"]

# A session holds about two descriptors (its rollout, its model connection). Two bounds, from
# the open-file soft limit, so a batch stays well inside it (macOS's 256 gives 16 and 32):
# - dropped sessions left open (LINGER): the most recently dropped threads keep their session
#   for a while, so a `thread_resume(id)` soon after gets the very same session back, and the
#   closes of one batch are not paid inside the next one; the oldest beyond the bound close;
# - closes in flight (RETIRE) before a new start waits for some: closes must keep up with
#   starts, or a fast batch would pile up open files all the same.
MAX_LINGER = 128


def _soft_nofile() -> int | None:
    """The open-file limit (RLIMIT_NOFILE's soft value), None when there is none (Windows) or
    it is unlimited. sysconf reads the same limit without importing `resource` (~0.5 ms)."""
    try:
        soft = os.sysconf("SC_OPEN_MAX")
    except (AttributeError, ValueError, OSError):  # Windows: no such limit on handles
        return None
    return soft if 0 < soft < 1 << 31 else None


def limits() -> tuple[int, int]:
    """(dropped sessions kept open, closes in flight before a start waits): a sixteenth and an
    eighth of the open-file limit, at least 16 and 32; at most MAX_LINGER kept open."""
    soft = _soft_nofile()
    if soft is None:
        return MAX_LINGER, 512
    return min(MAX_LINGER, max(16, soft // 16)), max(32, soft // 8)


_log = logging.getLogger(__name__)


class SessionSlot:
    """One started core session and what its start entered (a local model's server), closed
    once however many callers ask (the close is one shared task).

    It does what `codex.core.open.open_session` does (core's `start_session`, then the
    session's start; at the end its close, then the stack), without a generator-based context
    manager per thread: a batch opens and closes thousands."""

    __slots__ = ("_closing", "_stack", "created_at", "ephemeral", "session", "turn")

    def __init__(
        self, stack: contextlib.ExitStack | None, session: Session, ephemeral: bool
    ) -> None:
        self._stack = stack  # None: the start entered nothing (no local model)
        self.session = session
        self.ephemeral = ephemeral
        self.created_at = int(time.time())  # the thread's, kept if a new AsyncThread revives it
        self.turn: Any = None  # the last core TurnHandle started on it (its end is awaited)
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    async def start(
        cls,
        config: Any,
        front_end: Any,
        *,
        resume: Any = None,
        ephemeral: bool = False,
        fork: tuple[Any, ...] | None = None,
    ) -> SessionSlot:
        """A started session (session_configured emitted): new, resumed (`resume`: a Resume
        or a rollout path) or forked (`fork`: the new id and the history it continues)."""
        from codex.core.local import runs_locally
        from codex.core.open import start_session

        stack = contextlib.ExitStack()
        try:
            session = start_session(
                stack, config, front_end, resume, ephemeral, (), None, fork=fork
            )
            await session.start()
            # every SDK turn answers its questions through the approval handler (core TurnHandle)
            session.approvals.answers_user_input = True
        except BaseException:
            stack.close()
            raise
        # Kept only when the start entered something (a local model's server): an empty stack
        # per thread was five more objects for the collector until the thread closed.
        return cls(stack if runs_locally(config, oss=False) else None, session, ephemeral)

    @property
    def closed(self) -> bool:
        return self._closing is not None

    async def close(self) -> None:
        """Shut the session down (turn aborted, commands killed, rollout flushed and closed),
        then leave what its start entered."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._shutdown())
        # Shielded: one caller cancelled must not cancel the close others wait on.
        await asyncio.shield(self._closing)

    async def _shutdown(self) -> None:
        try:
            await self.session.close()
        finally:
            if self._stack is not None:
                self._stack.close()

    async def retire(self) -> None:
        """Close once the turn left running (if any) has ended: a user who dropped a thread
        mid-turn gets the turn finished and recorded, as before."""
        turn = self.turn
        self.turn = None
        if turn is not None and turn.result is None:
            with contextlib.suppress(Exception):
                await turn.wait()
        await self.close()


class SessionPool:
    """The open sessions of one client (by thread id) and the live `AsyncThread` of each.

    `_refs` holds a weak reference per thread the user may still hold; its callback moves the
    thread to `_lingering` (dropped, session still open, most recent last), whose oldest are
    retired beyond the bound. `_open` holds every slot not yet closed, lingering and retiring
    ones included (so a resume of the same id waits for the rollout to be closed before
    reading it)."""

    def __init__(self) -> None:
        self._open: dict[str, SessionSlot] = {}
        # Each weak reference carries its thread's id (`key`) for the one drop callback.
        self._refs: dict[str, weakref.KeyedRef[str, AsyncThread]] = {}
        # Drops the weak references reported and the loop has not released yet; one wake-up
        # of the loop is in flight for all of them while `_drop_scheduled` (a batch of threads
        # dropped at once costs one self-pipe write, not one each).
        self._drops: deque[str] = deque()
        self._drop_scheduled = False
        self._lingering: dict[str, None] = {}
        self._retiring: dict[str, asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._room_waiters: deque[asyncio.Future[None]] = deque()
        self._limits: tuple[int, int] | None = None  # read from the limit at the first start

    def __len__(self) -> int:
        """Sessions open now (those lingering or being retired included)."""
        return len(self._open)

    def _bounds(self) -> tuple[int, int]:
        if self._limits is None:
            self._limits = limits()
        return self._limits

    async def make_room(self) -> None:
        """Before a session opens: wait while too many dropped ones are still closing (each
        finished close wakes one waiter: no per-waiter callbacks on every closing task)."""
        waited = False
        most = self._bounds()[1]
        while len(self._retiring) > most:
            waited = True
            waiter = asyncio.get_running_loop().create_future()
            self._room_waiters.append(waiter)
            try:
                await waiter
            except BaseException:  # cancelled: a wake-up it got goes to the next waiter
                if waiter.done() and not waiter.cancelled():
                    self._wake_one()
                waiter.cancel()
                raise
        if waited:
            self._wake_one()  # room enough: the next waiter may find some too

    def _wake_one(self) -> None:
        waiters = self._room_waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def adopt(self, thread: AsyncThread, slot: SessionSlot) -> None:
        """Track `thread` (its session `slot`): retired when the thread is unreachable."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        thread_id = thread.id
        self._open[thread_id] = slot
        self._refs[thread_id] = weakref.KeyedRef(thread, self._on_drop, thread_id)

    def replace(self, thread_id: str, slot: SessionSlot) -> None:
        """The thread's session was reopened (a rollback): track the new one."""
        self._open[thread_id] = slot

    def _on_drop(self, ref: weakref.KeyedRef[str, AsyncThread]) -> None:
        self._dropped(ref.key)

    def live(self, thread_id: str) -> AsyncThread | None:
        """The `AsyncThread` of `thread_id` if the user can still reach it."""
        ref = self._refs.get(thread_id)
        return ref() if ref is not None else None

    def is_open(self, thread_id: str) -> bool:
        return thread_id in self._open

    def _dropped(self, thread_id: str) -> None:
        """The weak reference's callback: runs in whatever OS thread dropped the last
        reference (or in the garbage collector), so it only schedules the release.

        Always with `call_soon_threadsafe`, on the loop's thread too: a collection can run
        this inside the loop's own code after it decided nothing was ready (the selector
        allocates before it blocks), and a plain `call_soon` then left the release queued
        behind a select() with no timeout: the loop slept with work ready (a start waiting
        for closes hung). The threadsafe call also wakes the selector."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        # Queued first, the flag read after: a drain that already reset the flag either sees
        # this id or leaves the flag clear for this call to schedule another (the GIL orders
        # the deque and the flag between OS threads).
        self._drops.append(thread_id)
        if self._drop_scheduled:
            return
        self._drop_scheduled = True
        # RuntimeError: the loop closed meanwhile (close() has handled every slot).
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._release_drops)

    def _release_drops(self) -> None:
        """On the loop: release every thread dropped since the last wake-up."""
        self._drop_scheduled = False
        drops = self._drops
        while drops:
            self.release(drops.popleft())

    def release(self, thread_id: str) -> None:
        """`thread_id`'s thread is unreachable (on the loop): its session lingers, and the
        oldest lingering beyond the bound are retired."""
        ref = self._refs.get(thread_id)
        if ref is None or ref() is not None:
            return  # handled already, or reachable again (a new thread of the same id)
        del self._refs[thread_id]
        if thread_id not in self._open or thread_id in self._retiring:
            return
        self._lingering[thread_id] = None
        most = self._bounds()[0]
        while len(self._lingering) > most:
            self._retire_now(next(iter(self._lingering)))

    def revive(self, thread_id: str) -> SessionSlot | None:
        """The still open session of a dropped thread, taken back (`thread_resume` gives it a
        new `AsyncThread`: the same session, as if it had never been dropped), else None."""
        self.release(thread_id)  # a drop whose callback has not run yet
        if thread_id not in self._lingering:
            return None
        del self._lingering[thread_id]
        return self._open[thread_id]  # a lingering session is open and not being closed

    def _retire_now(self, thread_id: str) -> asyncio.Task[None] | None:
        """Start closing a dropped thread's session (once its turn, if any, ended)."""
        task = self._retiring.get(thread_id)
        if task is not None:
            return task
        self._lingering.pop(thread_id, None)
        slot = self._open.get(thread_id)
        if slot is None:
            return None
        task = asyncio.ensure_future(self._retire(thread_id, slot))
        self._retiring[thread_id] = task
        return task

    async def _retire(self, thread_id: str, slot: SessionSlot) -> None:
        try:
            await slot.retire()
        except Exception:  # nobody awaits a background retire: say it, never drop it silently
            _log.warning("closing the session of thread %s failed", thread_id, exc_info=True)
        finally:
            if self._open.get(thread_id) is slot:
                del self._open[thread_id]
            self._retiring.pop(thread_id, None)
            self._wake_one()

    async def settle(self, thread_id: str) -> None:
        """Close now the session of `thread_id` if nobody holds its thread any more, and wait
        until it is closed (its rollout complete on disk), so it can be read or reopened."""
        self.release(thread_id)
        if thread_id in self._refs:
            return  # held: it stays open
        task = self._retire_now(thread_id)
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(task)

    async def close_thread(self, thread_id: str) -> None:
        """Close `thread_id`'s session now, held or not (archiving moves its rollout)."""
        self._refs.pop(thread_id, None)
        self._lingering.pop(thread_id, None)
        task = self._retiring.get(thread_id)
        slot = self._open.pop(thread_id, None)
        if slot is not None:
            await slot.close()
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(task)

    async def close_all(self) -> None:
        """Close every session (the client is closing); the first error is raised after
        all were closed."""
        self._refs.clear()
        self._lingering.clear()
        slots = list(self._open.values())
        self._open.clear()
        retiring = list(self._retiring.values())
        results = await asyncio.gather(
            *(slot.close() for slot in slots), *retiring, return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
