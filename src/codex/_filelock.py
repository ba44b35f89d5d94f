"""Advisory file locks for every OS the wheels ship for.

codex serialises writers of shared files (auth.json, history.jsonl, the checkpoint store, the
exec-policy rules, MCP OAuth tokens) with `flock`. `fcntl` does not exist on Windows, and a
module that imports it at top level stops `codex exec` from even starting there (issue 18), so
the OS module is chosen here, imported when a lock is first taken:

- POSIX: `fcntl.flock` on the whole file (shared or exclusive), as before.
- Windows: `msvcrt.locking` on one byte far past any real content. Windows locks are mandatory
  and exclusive only, so locking a byte nobody reads or writes keeps readers that take no lock
  unaffected, and a "shared" request is served as exclusive (correct, merely less concurrent).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

# Windows: the byte every locker agrees on (SQLite's "pending byte" trick: past any real data).
_WIN_LOCK_OFFSET = 1 << 30
_WIN_RETRY_S = 0.05


def lock(fd: int, *, shared: bool = False, blocking: bool = True) -> None:
    """Lock the file open at `fd`. Non-blocking: raises BlockingIOError when someone holds it."""
    if sys.platform == "win32":
        _win_lock(fd, blocking=blocking)
        return
    import fcntl

    kind = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    fcntl.flock(fd, kind if blocking else kind | fcntl.LOCK_NB)


def unlock(fd: int) -> None:
    """Release what `lock` took on `fd`."""
    if sys.platform == "win32":
        import msvcrt

        _at_lock_byte(fd, lambda: msvcrt.locking(fd, msvcrt.LK_UNLCK, 1))
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _win_lock(fd: int, *, blocking: bool) -> None:
    import msvcrt

    while True:
        try:
            # LK_NBLCK and our own retry loop: LK_LOCK gives up after 10 s with an error.
            _at_lock_byte(fd, lambda: msvcrt.locking(fd, msvcrt.LK_NBLCK, 1))
            return
        except OSError as exc:
            if not blocking:
                raise BlockingIOError(*exc.args) from exc
            time.sleep(_WIN_RETRY_S)


def _at_lock_byte(fd: int, op: Callable[[], object]) -> None:
    """msvcrt locks from the current position: go to the lock byte, run `op`, go back."""
    where = os.lseek(fd, 0, os.SEEK_CUR)
    os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
    try:
        op()
    finally:
        os.lseek(fd, where, os.SEEK_SET)
