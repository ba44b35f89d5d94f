"""Twin of csrc/jsonl.c: the same append-only, whole-lines writer in pure Python."""

from __future__ import annotations

import errno
import os

FSYNC_NEVER = 0
FSYNC_TURN_END = 1
FSYNC_EVERY_FLUSH = 2


def _repair_tail(fd: int) -> int:
    """Cut bytes after the last newline (a line torn by a crash); return how many were cut."""
    size = os.fstat(fd).st_size
    end = size
    while end > 0:
        start = max(0, end - 4096)
        chunk = os.pread(fd, end - start, start)
        nl = chunk.rfind(b"\n")
        if nl >= 0:
            keep = start + nl + 1
            if keep != size:
                os.ftruncate(fd, keep)
            return size - keep
        end = start
    if size:
        os.ftruncate(fd, 0)
    return size


class RawWriter:
    """Same contract as codex_jsonl_writer; errors raise OSError like the C wrapper does."""

    def __init__(self, path: str, fsync_policy: int, buf_cap: int, mode: int) -> None:
        if fsync_policy not in (FSYNC_NEVER, FSYNC_TURN_END, FSYNC_EVERY_FLUSH):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), path)
        self._cap = buf_cap or 64 * 1024
        self._policy = fsync_policy
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, mode)
        try:
            self.repaired = _repair_tail(self._fd)
        except OSError:
            os.close(self._fd)
            raise
        self._buf = bytearray()

    def _write_out(self, extra: bytes = b"") -> None:
        parts = [p for p in (bytes(self._buf), extra) if p]
        if not parts:
            return
        total = sum(len(p) for p in parts)
        done = os.writev(self._fd, parts)
        if done != total:  # short write: finish the rest, as write_all() does
            rest = b"".join(parts)[done:]
            while rest:
                rest = rest[os.write(self._fd, rest) :]
        self._buf.clear()
        if self._policy == FSYNC_EVERY_FLUSH:
            os.fsync(self._fd)

    def append(self, data: bytes) -> None:
        if not data or data[-1:] != b"\n":
            raise OSError(errno.EINVAL, "jsonl: data must be complete lines ending in a newline")
        if len(self._buf) + len(data) <= self._cap:
            self._buf += data
        elif len(data) <= self._cap:
            self._write_out()
            self._buf += data
        else:
            self._write_out(data)

    def append_clean(self, data: bytes) -> int:
        """codex_jsonl_append_clean: 1 (nothing appended) if `data` holds a redaction trigger."""
        from codex.rollout.redact import has_trigger

        if has_trigger(data):
            return 1
        self.append(data)
        return 0

    def flush(self) -> None:
        self._write_out()

    def turn_end(self) -> None:
        wrote = bool(self._buf)
        self._write_out()
        if self._policy == FSYNC_TURN_END or (self._policy == FSYNC_EVERY_FLUSH and not wrote):
            os.fsync(self._fd)

    def sync(self) -> None:
        # Touches only the descriptor, like codex_jsonl_sync: safe from a worker thread while the
        # owner appends; os.fsync releases the GIL.
        os.fsync(self._fd)

    @property
    def pending(self) -> int:
        return len(self._buf)

    def close(self) -> None:
        try:
            if self._policy == FSYNC_NEVER:
                self.flush()
            else:
                self.turn_end()
        finally:
            os.close(self._fd)

    def close_synced(self) -> None:
        """codex_jsonl_close_synced: flush and close, no final fsync."""
        try:
            self.flush()
        finally:
            os.close(self._fd)
