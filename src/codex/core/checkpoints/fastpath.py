"""A checkpoint after the first without git processes rewriting the store's index.

The store's git index is the stat cache `git ls-files` scans the tree with. Bringing it up to
date after a few changed files cost an `add` and a `write-tree` (each reading, hashing and
rewriting a ~1 MB index for 10,000 files) plus `commit-tree` and `update-ref`: 21 ms of a 47 ms
checkpoint. Here the changed files' blobs, the trees on their paths, the commit and the ref are
written by codex (codex.core.checkpoints.objects) and the index is left as it was; the files
that differ from it are kept in a small side table, `pending.json`:

    {"commit": C, "tree": T, "index": [index file's mtime_ns, size, ino],
     "files": {path: [mode, blob id, stat key or null] | null}}

Invariant: the tree of checkpoint C is the index with `files` applied (null: not in the tree).
So a file git does not report and the table does not hold is as C has it, and the next
checkpoint only looks at what git reports plus the table's files. The table is trusted only
while C is the newest checkpoint and the index is the file it was written against; when it
grows past `LIMIT` (or anything here cannot be done, such as a packed tree), the store brings
the index up to C (`git read-tree --reset`, which keeps the stat data of unchanged files; `-m`
refuses when the work tree differs from the index, which here it always does) and takes the
checkpoint with git as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import codex.core.checkpoints.objects as objects

__all__ = [
    "BYTES_LIMIT",
    "LIMIT",
    "RACY_NS",
    "Fallback",
    "Pending",
    "drop",
    "index_key",
    "load",
    "save",
    "take",
]

LIMIT = 256  # files in the side table (and files changed at once) above which git does it all
# Bytes of the table's files above which the index is brought up to date: git's scan re-reads
# a file whose stat data differ from the index's and whose size does not, on every checkpoint.
BYTES_LIMIT = 16 * 1024 * 1024
# A file modified this close to a scan could change again within the file system's timestamp
# granularity without its stat data changing (git's "racily clean" problem): its stat key is
# not kept, so the next checkpoint reads it again.
RACY_NS = 2_000_000_000

Pending = dict[str, Any]
StatKey = list[int]


def index_key(git_dir: Path) -> list[int] | None:
    try:
        st = os.stat(git_dir / "index")
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def load(git_dir: Path, parent: str | None) -> Pending | None:
    """The side table, if it describes checkpoint `parent` against the current index."""
    if parent is None:
        return None
    try:
        data = json.loads((git_dir / "pending.json").read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("commit") != parent:
        return None
    if data.get("index") != index_key(git_dir) or data.get("index") is None:
        return None
    if not isinstance(data.get("tree"), str) or not isinstance(data.get("files"), dict):
        return None
    return data


def save(git_dir: Path, commit: str, tree: str, files: dict[str, Any], skipped: list[str]) -> None:
    """The side table of checkpoint `commit`, with the files it left out for their size (the
    next process reads that note here instead of running `git cat-file`)."""
    data = {
        "commit": commit,
        "tree": tree,
        "index": index_key(git_dir),
        "files": files,
        "skipped": skipped,
    }
    path = git_dir / "pending.json"
    tmp = path.with_name(f"pending.json.{os.getpid()}")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)


def drop(git_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (git_dir / "pending.json").unlink()


def _key(st: os.stat_result) -> StatKey:
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode]


def _beyond_symlink(work_tree: Path, rel: str) -> bool:
    """A parent of `rel` is a symbolic link (or not a directory): git would not follow it."""
    parts = rel.split("/")[:-1]
    path = work_tree
    for part in parts:
        path = path / part
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return True
        except OSError:
            return True
    return False


class Fallback(Exception):
    """This checkpoint is for git to take (too many files, a file over the limit, ...)."""


def _state(
    work_tree: Path,
    git_dir: Path,
    rel: str,
    prev: Any,
    size_limit: int,
    start_ns: int,
    *,
    check_parents: bool,
) -> list[Any] | None:
    """[mode, blob id, stat key or None] of the file now, or None when it is not a file the
    tree holds (gone, a directory, behind a symbolic link, not a file nor a link)."""
    path = work_tree / rel
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if check_parents and _beyond_symlink(work_tree, rel):
        return None
    if stat.S_ISLNK(st.st_mode):
        mode = "120000"
    elif stat.S_ISREG(st.st_mode):
        if st.st_size > size_limit:
            raise Fallback(rel)  # the scan notes large files; this one it did not report
        mode = "100755" if st.st_mode & stat.S_IXUSR else "100644"
    else:
        return None
    key = _key(st)
    if isinstance(prev, list) and prev[2] == key and prev[0] == mode:
        return [mode, prev[1], key]
    if mode == "120000":
        data = os.fsencode(os.readlink(path))
    else:
        fd = os.open(path, os.O_RDONLY | objects.NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            data = fh.read()
    oid = objects.hash_blob(git_dir, data)
    racy = max(st.st_mtime_ns, st.st_ctime_ns) >= start_ns - RACY_NS
    return [mode, oid, None if racy else key]


def _same(old: Any, new: list[Any] | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return bool(old[0] == new[0] and old[1] == new[1])


def take(
    work_tree: Path,
    git_dir: Path,
    pending: Pending,
    add: list[str],
    drop_paths: list[str],
    big: list[str],
    size_limit: int,
    start_ns: int,
) -> tuple[str, dict[str, Any]]:
    """The new tree (the checkpoint's) and the new side table; raises Fallback (or
    objects.Missing) when git must take this checkpoint."""
    files: dict[str, Any] = dict(pending["files"])
    added = set(add)
    # A file of the table now over the size limit leaves the tree (the scan notes it).
    dropped = set(drop_paths) | (set(big) & set(files))
    candidates = added | dropped | set(files)
    if len(candidates) > LIMIT:
        raise Fallback("too many files")
    if sum(e[2][2] for e in files.values() if e is not None and e[2] is not None) > BYTES_LIMIT:
        raise Fallback("too many bytes")
    changes: dict[bytes, objects.Change] = {}
    known: dict[str, Any] = pending["files"]
    for rel in candidates:
        if rel in dropped:
            state = None
        else:
            state = _state(
                work_tree,
                git_dir,
                rel,
                files.get(rel),
                size_limit,
                start_ns,
                # git vouched for what it reported; a table file it did not report may now
                # sit behind a symbolic link (git's scan only reports the index's files).
                check_parents=rel not in added,
            )
        files[rel] = state
        if rel in known and _same(known[rel], state):
            continue  # as the newest checkpoint has it: no tree on its path needs reading
        changes[os.fsencode(rel)] = None if state is None else (state[0].encode(), state[1])
    tree = objects.build_tree(git_dir, pending["tree"], changes) if changes else pending["tree"]
    if tree is None:
        tree = objects.write_object(git_dir, b"tree", b"")  # every file gone: the empty tree
    return tree, files
