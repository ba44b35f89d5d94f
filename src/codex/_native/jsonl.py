"""Rollout file writer: append-only JSON Lines, whole lines only, flushed at turn boundaries
and whenever the caller asks (core flushes before every model request and tool call, so a crash
never loses what the model was sent; a flush with nothing queued makes no syscall).

A crash can tear at most the last line of a file, never one in the middle: lines are buffered
whole and each flush is one write() of complete lines. Opening a file cuts a torn tail left by an
earlier crash (the count is in `repaired`). The fsync policy decides durability:
"never", "turn_end" (default: fsync after each turn ends and on close) or "every_flush".

Under "turn_end" the turn-end fsync runs in a worker thread (the C engine's, codex._native.jsonl_bg;
the twin's Python pool, jsonl_sync): `turn_end()` writes the lines on the caller's thread as
always (a kill -9 loses nothing written), then returns without waiting for the disk, which
stalled the event loop of every thread in the process. `close()` waits
for that fsync and fsyncs once more, so a closed writer is durable, as before. "every_flush" stays
fully synchronous: it is the policy for callers that want each write on disk before going on.
"""

from __future__ import annotations

import os
from typing import Any, Literal, Protocol

from codex._native import load_extension
from codex._native.jsonl_bg import FileAhead, NativeSync
from codex._native.jsonl_sync import BackgroundSync

FsyncPolicy = Literal["never", "turn_end", "every_flush"]
_POLICIES: dict[str, int] = {"never": 0, "turn_end": 1, "every_flush": 2}


class _Raw(Protocol):
    repaired: int

    def append(self, data: bytes) -> None: ...
    def append_clean(self, data: bytes) -> int: ...
    def flush(self) -> None: ...
    def turn_end(self) -> None: ...
    def sync(self) -> None: ...
    @property
    def pending(self) -> int: ...
    def close(self) -> None: ...
    def close_synced(self) -> None: ...


class _NativeRaw:
    """codex_jsonl_writer behind the same interface as the twin's RawWriter."""

    final_syncs = 0  # background fsyncs done, kept when the writer is freed (NativeSync.completed)

    def __init__(self, ext: object, path: str, policy: int, buf_cap: int, mode: int) -> None:
        self._ffi = ext.ffi  # type: ignore[attr-defined]
        self._lib = ext.lib  # type: ignore[attr-defined]
        repaired = self._ffi.new("long long *")
        w = self._lib.codex_jsonl_open(os.fsencode(path), policy, buf_cap, mode, repaired)
        if w == self._ffi.NULL:
            err = self._ffi.errno
            raise OSError(err, os.strerror(err), path)
        self._w = w
        self.repaired = int(repaired[0])

    @classmethod
    def adopt(cls, ext: object, w: Any) -> _NativeRaw:
        """Around a native writer made elsewhere (a creation ahead, FileAhead.take)."""
        raw = cls.__new__(cls)
        raw._ffi = ext.ffi  # type: ignore[attr-defined]
        raw._lib = ext.lib  # type: ignore[attr-defined]
        raw._w = w
        raw.repaired = 0  # a file this process just created: nothing to repair
        return raw

    def _check(self, rc: int) -> None:
        if rc != 0:
            raise OSError(-rc, os.strerror(-rc))

    def append(self, data: bytes) -> None:
        rc = self._lib.codex_jsonl_append(self._w, data, len(data))
        if rc != 0:
            if rc == -22:  # EINVAL: a partial line, same message as the twin
                raise OSError(22, "jsonl: data must be complete lines ending in a newline")
            self._check(rc)

    def append_clean(self, data: bytes) -> int:
        rc = int(self._lib.codex_jsonl_append_clean(self._w, data, len(data)))
        if rc < 0:
            if rc == -22:
                raise OSError(22, "jsonl: data must be complete lines ending in a newline")
            self._check(rc)
        return rc

    def flush(self) -> None:
        self._check(self._lib.codex_jsonl_flush(self._w))

    def turn_end(self) -> None:
        self._check(self._lib.codex_jsonl_turn_end(self._w))

    def sync(self) -> None:
        # cffi drops the GIL around the call, so a worker's fsync never holds up the loop.
        self._check(self._lib.codex_jsonl_sync(self._w))

    @property
    def pending(self) -> int:
        return int(self._lib.codex_jsonl_pending(self._w))

    def close(self) -> None:
        w, self._w = self._w, self._ffi.NULL
        self.final_syncs = int(self._lib.codex_jsonl_bg_completed(w))
        self._check(self._lib.codex_jsonl_close(w))

    def close_synced(self) -> None:
        w, self._w = self._w, self._ffi.NULL
        self.final_syncs = int(self._lib.codex_jsonl_bg_completed(w))
        self._check(self._lib.codex_jsonl_close_synced(w))


class JsonlWriter:
    """Append whole lines to one file; `turn_end()` at every turn boundary, `close()` at the end."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fsync: FsyncPolicy = "turn_end",
        buffer_size: int = 64 * 1024,
        mode: int = 0o644,
        ahead: FileAhead | None = None,
    ) -> None:
        """`ahead`: the file's creation started earlier (`FileAhead.start`), taken here."""
        if fsync not in _POLICIES:
            raise ValueError(f"unknown fsync policy {fsync!r}; expected one of {list(_POLICIES)}")
        self.path = os.fspath(path)
        self._buffer_size = buffer_size or 64 * 1024  # as the engines read 0
        ext = load_extension("jsonl")
        made = None if ahead is None else ahead.take(_POLICIES[fsync], buffer_size)
        raw: _Raw
        if made is not None:
            raw = _NativeRaw.adopt(ahead.ext, made)  # type: ignore[union-attr]
        elif ext is None:
            from codex._native._py.jsonl import RawWriter

            raw = RawWriter(self.path, _POLICIES[fsync], buffer_size, mode)
        else:
            raw = _NativeRaw(ext, self.path, _POLICIES[fsync], buffer_size, mode)
        self._raw: _Raw | None = raw
        # The turn-end fsync goes to a worker only under "turn_end"; "every_flush" stays inline.
        self._bg: BackgroundSync | NativeSync | None = None
        if fsync == "turn_end":
            self._bg = NativeSync(raw) if isinstance(raw, _NativeRaw) else BackgroundSync(raw.sync)
        self.native = isinstance(raw, _NativeRaw)
        self.repaired: int = raw.repaired
        # Lines were appended since the last write-out: a flush with nothing queued skips the
        # native call altogether (each one releases and retakes the GIL, which costs tens of
        # microseconds when other threads want it; core flushes before every request).
        self._dirty = False
        # Bytes were written (or queued) since the last background fsync was asked for: close()
        # must fsync them. Until a first turn end it is unknown, so close fsyncs, as always.
        self._unsynced = True

    def _live(self) -> _Raw:
        if self._raw is None:
            raise ValueError(f"jsonl writer for {self.path} is closed")
        return self._raw

    def append(self, data: bytes) -> None:
        """Queue complete lines (`data` must end with a newline). Lines longer than the buffer
        are written at once, with whatever was queued before them (one write)."""
        self._live().append(data)
        self._dirty = len(data) <= self._buffer_size  # else nothing is left queued
        self._unsynced = True

    def append_clean(self, data: bytes) -> bool:
        """`append(data)` if it holds none of the redaction triggers (codex.rollout.redact):
        the screen and the write in one native call. False (nothing appended) if it holds one:
        the caller redacts it and appends the result."""
        if self._live().append_clean(data):
            return False
        self._dirty = len(data) <= self._buffer_size
        self._unsynced = True
        return True

    def flush(self) -> None:
        raw = self._live()
        if self._dirty:
            raw.flush()
            self._dirty = False  # after: a failed write keeps its lines queued and dirty

    def turn_end(self) -> None:
        """Write everything queued (on this thread) and fsync unless the policy is "never"; under
        "turn_end" the fsync runs in a worker and this returns once the lines are written. A
        failed background fsync is raised here (or by close) the next time."""
        raw = self._live()
        if self._bg is None:
            raw.turn_end()
            self._dirty = False
            return
        if self._dirty:
            raw.flush()
            self._dirty = False
        self._bg.request()
        self._unsynced = False  # the fsync just asked for starts after every write so far

    def wait_synced(self) -> None:
        """Block until the background fsync of what `turn_end()` wrote so far has finished."""
        if self._bg is not None:
            self._bg.wait()
            self._bg.raise_error()

    @property
    def background_syncs(self) -> int:
        """How many fsyncs ran in the worker pool (0 unless the policy is "turn_end")."""
        return self._bg.completed if self._bg is not None else 0

    @property
    def pending(self) -> int:
        return self._live().pending

    @property
    def closed(self) -> bool:
        return self._raw is None

    def close(self) -> None:
        """Write what is queued, wait for a background fsync, fsync, close: durable on return.

        The final fsync is skipped when it would sync nothing new: nothing was written since
        the last turn end asked for one, and that background fsync (which started after those
        writes) has finished without an error. A one-turn thread then costs one fsync, not
        two (each ~70 us of CPU here, and a wait on the journal for every writer around)."""
        if self._raw is not None:
            raw, self._raw = self._raw, None
            bg = self._bg
            if bg is not None and not bg.wait():
                # The worker must be done with the writer before close() frees it; an fsync
                # that never returns (a hung disk) leaves the descriptor open instead, with
                # every line written: freeing it under the worker would crash the process.
                raw.flush()
                return
            if bg is None:
                raw.close()
                return
            try:
                bg.raise_error()
            except OSError:
                raw.close()  # the failed fsync is tried once more by the final one
                raise
            if self._unsynced or self._dirty:
                raw.close()
            else:
                raw.close_synced()

    def close_if_synced(self) -> bool:
        """Close now, on the caller's thread, if that cannot wait for the disk: no fsync is in
        flight, none failed, and everything written was synced by the last one (see `close`).
        Returns whether it closed; if not, nothing changed (call `close`, e.g. in a worker)."""
        raw, bg = self._raw, self._bg
        if raw is None:
            return True
        if bg is None or self._unsynced or self._dirty or not bg.idle():
            return False
        self._raw = None
        raw.close_synced()
        return True

    def __del__(self) -> None:
        # A writer dropped without close() still gets its queued lines out (whole lines only).
        # try/except rather than contextlib.suppress: module globals may be gone at shutdown.
        try:  # noqa: SIM105
            self.close()
        except Exception:  # a dead file system: nothing left to do
            pass

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
