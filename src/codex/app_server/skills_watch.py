"""The server's skills state (the extra roots, the skills cache's generation) and the watcher
behind `skills/changed`, one per server, shared by every connection as in 0.169.

What 0.169 watches: the skill roots of each thread's cwd, registered when the thread starts,
and the extra roots of `skills/extraRoots/set`. A change under one of them clears the skills
cache and sends `skills/changed` (no params) to every connection: the first change at once,
later ones within THROTTLE_S coalesced into one more notification at the end of the window.
Nothing is watched before a thread starts or extra roots are set.

Polling, as `fs/watch` (fs_watch.py), not inotify: every POLL_S the watched roots are walked
(MAX_DEPTH levels, the depth the skills loader descends) and their stats compared with the last
walk. A root that does not exist yet is watched too: creating it counts as a change (0.169's
watcher cannot watch a missing folder and misses that; reporting it costs nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server.notifications import note

if TYPE_CHECKING:
    from codex.app_server.server import AppServer

log = logging.getLogger("codex.app_server")

CHANGED = "skills/changed"
POLL_S = 0.5
THROTTLE_S = 10.0
MAX_DEPTH = 6

Snapshot = dict[str, tuple[int, int, int]]


class SkillsState:
    """One server's skills state. `generation` moves whenever 0.169 would clear its skills
    cache (a config write, new extra roots, a watched change): a cwd listed at an older
    generation is re-scanned (force_reload) on its next list."""

    def __init__(self, server: AppServer) -> None:
        self._server = weakref.ref(server)
        self.extra_roots: tuple[Path, ...] = ()
        self.generation = 0
        self.listed_at: dict[tuple[str, tuple[Path, ...]], int] = {}
        self.thread_roots: dict[str, tuple[Path, ...]] = {}  # cwd → its skill roots
        self._task: asyncio.Task[None] | None = None
        self._snaps: dict[Path, Snapshot] = {}  # watched root → its last walk
        self.lock = asyncio.Lock()  # skills/list scans one at a time
        self._last_sent = -THROTTLE_S
        self._pending = False

    # ---- the cache ----------------------------------------------------------------------

    def invalidate(self) -> None:
        self.generation += 1

    def needs_reload(self, cwd: str, force: bool) -> bool:
        """Whether this list must re-scan `cwd` (and note that it now has)."""
        key = (cwd, self.extra_roots)
        stale = self.listed_at.get(key) != self.generation
        self.listed_at[key] = self.generation
        return force or stale

    # ---- notifications ------------------------------------------------------------------

    def broadcast(self) -> None:
        """`skills/changed` to every initialized connection (opted-out ones drop it)."""
        server = self._server()
        if server is None:
            return
        message = note(CHANGED, {})
        for conn in list(server.connections):
            if conn.initialized:
                conn.send(message)

    def _changed(self) -> None:
        """A watched change: clear the cache; notify now, or once the window closes."""
        self.invalidate()
        if time.monotonic() - self._last_sent >= THROTTLE_S:
            self._last_sent = time.monotonic()
            self.broadcast()
        else:
            self._pending = True

    def _tick_throttle(self) -> None:
        if self._pending and time.monotonic() - self._last_sent >= THROTTLE_S:
            self._pending = False
            self._last_sent = time.monotonic()
            self.broadcast()

    # ---- watching -----------------------------------------------------------------------

    def watched(self) -> list[Path]:
        """The extra roots and the roots of every cwd a thread open here runs in."""
        server = self._server()
        cwds = {live.cwd for live in server.live.values()} if server is not None else set()
        roots = {p for cwd, paths in self.thread_roots.items() if cwd in cwds for p in paths}
        roots.update(self.extra_roots)
        return sorted(roots)

    def watch_thread(self, cwd: str, roots: tuple[Path, ...]) -> None:
        self.thread_roots[cwd] = roots
        self._sync_roots()

    def set_extra_roots(self, roots: tuple[Path, ...]) -> None:
        self.extra_roots = roots
        self.invalidate()
        self._sync_roots()

    def _sync_roots(self) -> None:
        """Baseline every newly watched root now (a change right after the thread starts is
        a change), forget the ones no longer watched, and make sure the poll runs."""
        watched = self.watched()
        for root in list(self._snaps):
            if root not in watched:
                del self._snaps[root]
        for root in watched:
            if root not in self._snaps:
                self._snaps[root] = snapshot_roots([root])
        if self._snaps and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._poll())
            self._task.add_done_callback(_retrieve)

    async def _poll(self) -> None:
        while self._server() is not None:
            await asyncio.sleep(POLL_S)
            self._tick_throttle()
            self._sync_roots()  # threads that closed stop being watched
            if not self._snaps:
                return  # nothing watched (threads closed, roots cleared): _sync_roots restarts
            fresh = await asyncio.to_thread(snapshot_each, list(self._snaps))
            changed = False
            for root, snap in fresh.items():
                if root in self._snaps:  # still watched after the walk
                    changed = changed or self._snaps[root] != snap
                    self._snaps[root] = snap
            if changed:
                self._changed()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


def _retrieve(task: asyncio.Task[None]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        task.exception()  # retrieved: a failed poll is not logged as never retrieved


def snapshot_each(roots: list[Path]) -> dict[Path, Snapshot]:
    return {root: snapshot_roots([root]) for root in roots}


def snapshot_roots(roots: list[Path]) -> Snapshot:
    """path → (mtime ns, size, inode) of every root and what is under it (MAX_DEPTH deep)."""
    out: Snapshot = {}
    for root in roots:
        _walk(str(root), 0, out)
    return out


def _walk(path: str, depth: int, out: Snapshot) -> None:
    try:
        st = os.stat(path)
    except OSError:
        return
    out[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    if depth >= MAX_DEPTH or not os.path.isdir(path):
        return
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        _walk(entry.path, depth + 1, out)


_STATES: weakref.WeakKeyDictionary[Any, SkillsState] = weakref.WeakKeyDictionary()


def state(server: AppServer) -> SkillsState:
    """The server's skills state, made on first use."""
    found = _STATES.get(server)
    if found is None:
        found = _STATES[server] = SkillsState(server)
    return found


def thread_opened(server: AppServer, cwd: str) -> None:
    """A thread started (or resumed, forked) in `cwd`: watch that cwd's skill roots, as 0.169
    does from then on. Cheap when skills are never touched: the roots are a few paths."""
    from codex.app_server.skills import roots_for

    try:
        roots = roots_for(server, cwd)
    except Exception:  # the watcher is a courtesy: it must never fail a thread's start
        log.exception("cannot watch the skill roots of %s", cwd)
        return
    state(server).watch_thread(cwd, roots)
