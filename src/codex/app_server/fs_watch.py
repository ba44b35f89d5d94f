"""`fs/watch` / `fs/unwatch`: `fs/changed {watchId, changedPaths}` notifications for a file or
a directory, per connection (watch ids are the connection's own, as upstream).

Polling, not inotify: each watch compares a snapshot (a file's stat, or a directory's entries
and their stats, one level deep) every POLL_S seconds, in a task of its own on the loop; the
paths whose stat changed, appeared or went away are reported together. A poll costs one
`scandir` of the directory: cheap for the folders an IDE watches, and it works the same on
every file system (network mounts, containers) where inotify may not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.notifications import note
from codex.app_server.params import string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

POLL_S = 0.2

Snapshot = dict[str, tuple[int, int, int, bool]]


def snapshot(path: str) -> Snapshot:
    """path → (mtime ns, size, inode, is a directory) of `path` and, for a directory, of
    each entry in it."""
    out: Snapshot = {}
    try:
        st = os.stat(path)
    except OSError:
        return out
    is_dir = os.path.isdir(path)
    out[path] = (st.st_mtime_ns, st.st_size, st.st_ino, is_dir)
    if is_dir:
        try:
            entries = list(os.scandir(path))
        except OSError:
            return out
        for entry in entries:
            try:
                est = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            out[entry.path] = (est.st_mtime_ns, est.st_size, est.st_ino, entry.is_dir())
    return out


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    paths = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    root = next(iter(after or before), None)  # the watched path: reported only for itself
    if root is not None and len(paths) > 1 and os.path.isdir(root):
        paths.discard(root)  # a directory's own mtime moves with every entry change
    return sorted(paths)


def _watches(server: AppServer, conn: Connection) -> dict[str, asyncio.Task[Any]]:
    return server.fs_watches.setdefault(id(conn), {})


async def _poll(conn: Connection, watch_id: str, path: str) -> None:
    before = snapshot(path)
    while not conn.closed:
        await asyncio.sleep(POLL_S)
        after = await asyncio.to_thread(snapshot, path)
        paths = changed(before, after)
        before = after
        if paths:
            conn.send(note("fs/changed", {"watchId": watch_id, "changedPaths": paths}))


async def fs_watch(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    watch_id = string(p, "watchId")
    path = string(p, "path")
    if not os.path.isabs(path):
        raise errors.invalid_params("AbsolutePathBuf deserialized without a base path")
    path = os.path.normpath(path)
    watches = _watches(server, conn)
    old = watches.pop(watch_id, None)
    if old is not None:
        old.cancel()
    task = asyncio.ensure_future(_poll(conn, watch_id, path))
    watches[watch_id] = task
    task.add_done_callback(lambda done: _forget(watches, watch_id, done))
    return {"path": path}


def _forget(watches: dict[str, asyncio.Task[Any]], watch_id: str, done: asyncio.Task[Any]) -> None:
    if watches.get(watch_id) is done:
        del watches[watch_id]
    with contextlib.suppress(asyncio.CancelledError):
        done.exception()  # retrieved: a failed poll is not logged as never retrieved


async def fs_unwatch(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    watch_id = string(p, "watchId")
    task = _watches(server, conn).pop(watch_id, None)
    if task is not None:
        task.cancel()
    return {}


def drop_connection(server: AppServer, conn: Connection) -> None:
    """A closed connection's watches stop."""
    for task in (server.fs_watches.pop(id(conn), None) or {}).values():
        task.cancel()
