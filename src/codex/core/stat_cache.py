"""`StatCache`: a value computed from files, kept per key while the files that decided it are
unchanged, checked by one `stat` each.

Every thread start reads AGENTS.md (every directory from the git root down to cwd) and the git
facts for `session_meta`. Many threads in one process (the Python API, the app-server) would read
the same files over and over; the answer is reused instead, but only as long as a stat of every
path the computation looked at is the same as when it was computed (identity, size, mtime,
ctime; a path that was missing must still be missing: the caller watches every candidate it
looked for). So a user who edits or adds AGENTS.md between two threads is seen by the second, as
before.

Racy stats: a file changed within the filesystem's timestamp granularity of when it was stat'ed
can change again without its stat changing (git's "racily clean" index entries). An answer whose
paths changed less than `RACY_NS` before it was computed is therefore not kept.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

RACY_NS = 2_000_000_000  # coarser than any timestamp granularity of a local filesystem (FAT: 2 s)
MAX_ENTRIES = 64

Stamp = tuple[int, int, int, int, int] | None


def stamp(path: str) -> Stamp:
    """What a change to `path` changes (None: it does not exist or cannot be stat'ed)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def path_exists(path: str) -> bool:
    """Whether `path` names something a stat could stamp (False wherever `stamp` says None):
    `os.path.exists` without the exception a missing path costs."""
    try:
        # Looked up with the effective ids, as stat(2) does (differs only in a setuid process).
        return os.access(path, os.F_OK, effective_ids=_EFFECTIVE)
    except ValueError:  # an embedded NUL: stamp() says None too
        return False


_EFFECTIVE = os.access in os.supports_effective_ids


class Watch:
    """The paths a computation looked at, with their stamps taken before it read them."""

    __slots__ = ("paths", "stamps")

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.stamps: list[Stamp] = []

    def add(self, path: str | os.PathLike[str], *, identity_only: bool = False) -> Stamp:
        """Watch `path`; its stamp (taken now, before the caller reads it). `identity_only`:
        only which file or directory the path names matters (a cwd reached through a symlink),
        not its times: a directory whose files come and go keeps the answer."""
        p = os.fspath(path)
        st = stamp(p)
        if identity_only and st is not None:
            st = (st[0], st[1], 0, 0, 0)
        self.paths.append(p)
        self.stamps.append(st)
        return st

    def unchanged(self, seen: dict[str, Stamp] | None = None) -> bool:
        """Whether every path still stamps as it did. `seen`: stamps taken moments ago by the
        same caller (one thread start checks AGENTS.md and the git facts, which watch the same
        `.git` candidates): a path in it is not stat'ed again, and a path stat'ed here joins it."""
        for p, st in zip(self.paths, self.stamps, strict=True):
            if seen is not None and p in seen:
                now = seen[p]
            else:
                # Most watched paths are candidates that were missing (AGENTS.md in each
                # directory, `.git` above the repo): one access(2) tells that they still are,
                # without the exception a failed stat raises in Python (a third of its cost).
                now = stamp(p) if st is not None or path_exists(p) else None
                if seen is not None:
                    seen[p] = now
            if st is not None and now is not None and st[2:] == (0, 0, 0):  # identity only
                now = (now[0], now[1], 0, 0, 0)
            if now != st:
                return False
        return True

    def racy(self, now_ns: int) -> bool:
        return any(
            st is not None and st[2:] != (0, 0, 0) and now_ns - max(st[3], st[4]) < RACY_NS
            for st in self.stamps
        )


class StatCache(Generic[T]):
    """`get(key, compute)`: `compute(watch)` returns the value, calling `watch.add(path)` for
    every path whose state decides it (before reading it), found or not."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[T, Watch]] = {}

    def get(
        self,
        key: Hashable,
        compute: Callable[[Watch], T],
        *,
        seen: dict[str, Stamp] | None = None,
    ) -> T:
        """The kept value while its paths are unchanged, else `compute(watch)`. `seen`: see
        `Watch.unchanged` (only the check shares it; a computation stamps afresh)."""
        entry = self._entries.get(key)
        if entry is not None and entry[1].unchanged(seen):
            return entry[0]
        watch = Watch()
        value = compute(watch)
        if watch.racy(time.time_ns()):
            self._entries.pop(key, None)
        else:
            if len(self._entries) >= MAX_ENTRIES and key not in self._entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (value, watch)
        return value

    def clear(self) -> None:
        self._entries.clear()
