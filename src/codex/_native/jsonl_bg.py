"""The C engine's background work for rollout files (csrc/jsonl_bg.h): turn-end fsyncs, and new
files created ahead, off the event loop and without the GIL.

Why not a Python pool (jsonl_sync, which the pure-Python twin keeps): each of its jobs woke a
Python thread that took the GIL to dequeue, dropped it for the fsync and took it back, a futex
round trip against the busy event loop every time (strace: ~20 per one-turn thread). Here the
work runs inside a C call that never returns, on a few daemon threads lent once per process, so
no Python code runs in them; the event loop's side of a request is a lock and a signal.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from codex._native import load_extension
from codex._native.jsonl_sync import WAIT_LIMIT

# Several: fsyncs of different files share journal commits, so a few in flight finish sooner
# than one queue when many turns end together (file creations still go one at a time).
_WORKERS = 4

_lock = threading.Lock()
_lent = False  # this process's workers are running (reset in a forked child: they are gone)
_exit_drain = False  # the drain at exit is registered (inherited by a forked child)


def _after_fork_in_child() -> None:
    global _lent, _lock
    _lent = False
    _lock = threading.Lock()  # another thread may have held it at the fork


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def lend_workers(lib: Any) -> None:
    """Once per process (a forked child lends its own: its parent's threads are gone there):
    daemon threads that each enter the pool for good, and a bounded drain at exit. Asked by
    every writer and creation ahead: after the first, one flag test (no getpid(2) call)."""
    global _lent, _exit_drain
    if _lent:
        return
    with _lock:
        if _lent:
            return
        for n in range(_WORKERS):
            name = f"codex-rollout-io-{n}"
            threading.Thread(target=lib.codex_jsonl_bg_work, name=name, daemon=True).start()
        # Until each has entered the pool (a started thread may not have yet): the request
        # that lent them must find them, not fall back to doing the work itself.
        lib.codex_jsonl_bg_await_workers(_WORKERS, 5000)
        _lent = True
        first, _exit_drain = not _exit_drain, True
    if first:
        import atexit

        # Creations not started are cancelled at exit: no turn will take their files.
        atexit.register(lib.codex_jsonl_bg_drain, int(WAIT_LIMIT * 1000), 1)


class NativeSync:
    """The turn-end fsync of a native writer (`raw`: codex._native.jsonl's wrapper of a
    codex_jsonl_writer), with the interface of jsonl_sync.BackgroundSync. Once the writer is
    closed (freed) it answers idle and no-op, never touching the freed writer."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._lib = raw._lib
        self._null = raw._ffi.NULL
        lend_workers(self._lib)

    def _writer(self) -> Any:
        w = self._raw._w
        return None if w == self._null else w

    def request(self) -> None:
        w = self._writer()
        if w is not None:
            self._raw._check(self._lib.codex_jsonl_bg_request(w))

    def wait(self, timeout: float = WAIT_LIMIT) -> bool:
        w = self._writer()
        return w is None or bool(self._lib.codex_jsonl_bg_wait(w, int(timeout * 1000)))

    def idle(self) -> bool:
        w = self._writer()
        return w is None or bool(self._lib.codex_jsonl_bg_idle(w))

    def raise_error(self) -> None:
        w = self._writer()
        if w is not None:
            self._raw._check(self._lib.codex_jsonl_bg_take_error(w))

    @property
    def completed(self) -> int:
        w = self._writer()
        if w is None:
            return int(getattr(self._raw, "final_syncs", 0))
        return int(self._lib.codex_jsonl_bg_completed(w))


class FileAhead:
    """A new file being created by the workers while its owner goes on: the owner's
    `JsonlWriter(path, ahead=...)` takes it (or opens the file itself when no worker has got to
    it yet), `drop()` abandons it (a file it made is removed while empty). Dropped when
    collected. One owner: take and drop are not for two threads at once."""

    __slots__ = ("_handle", "ext")

    def __init__(self, ext: Any, handle: Any) -> None:
        self.ext = ext
        self._handle = handle

    @classmethod
    def start(cls, path: str, mode: int) -> FileAhead | None:
        """Queue the creation of `path` (O_EXCL; its folder must exist). None without the C
        engine or a worker: the owner then just opens the file when it needs it."""
        ext = load_extension("jsonl")
        if ext is None:
            return None
        lend_workers(ext.lib)  # type: ignore[attr-defined]
        handle = ext.lib.codex_jsonl_precreate_start(os.fsencode(path), mode)  # type: ignore[attr-defined]
        if handle == ext.ffi.NULL:  # type: ignore[attr-defined]
            return None
        return cls(ext, handle)

    def take(self, policy: int, buffer_size: int) -> Any:
        """The made file as a native codex_jsonl_writer pointer, or None (not started, so
        cancelled; failed; or the file existed): the owner then opens it as usual. Once."""
        handle, self._handle = self._handle, None
        if handle is None:
            return None
        w = self.ext.lib.codex_jsonl_precreate_take(handle, policy, buffer_size)
        return None if w == self.ext.ffi.NULL else w

    def drop(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            self.ext.lib.codex_jsonl_precreate_drop(handle)

    def __del__(self) -> None:
        try:  # noqa: SIM105 (module globals may be gone at shutdown)
            self.drop()
        except Exception:
            pass
