"""Git objects written and read by the checkpoint store itself: loose blobs, trees and commits.

Why: a checkpoint after the first changes a few files, and every git process that updates the
store's index reads, hashes and rewrites the whole index (~8 ms each for 10,000 files; `add`,
`write-tree`, `commit-tree` and `update-ref` were 21 ms of a 47 ms checkpoint). Writing the few
new objects here costs well under a millisecond each. The formats are git's own (a zlib stream of
`<type> <size>\\0<content>`, named by the SHA-1 of that header and content), so git reads them
like any object it wrote; anything this module cannot read (a packed tree) raises `Missing` and
the store falls back to git plumbing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zlib
from pathlib import Path

__all__ = [
    "NOFOLLOW",
    "Missing",
    "build_tree",
    "hash_blob",
    "read_tree",
    "set_ref",
    "write_commit",
    "write_object",
]

TREE_MODE = b"40000"
# Not following a planted link, and not leaking the fd into git children (POSIX-only flags:
# Windows has neither, and its handles are not inherited by default).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class Missing(Exception):
    """An object is not a loose object of the store (packed, or absent): use git instead."""


def write_object(git_dir: Path, kind: bytes, data: bytes) -> str:
    """Store one object (if it is not there yet) and return its id."""
    raw = kind + b" " + str(len(data)).encode() + b"\0" + data
    oid = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
    folder = f"{git_dir}/objects/{oid[:2]}"
    path = f"{folder}/{oid[2:]}"
    if os.path.exists(path):
        return oid
    tmp = f"{folder}/tmp_obj_{os.getpid()}_{oid[2:10]}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NOFOLLOW
    try:
        fd = os.open(tmp, flags, 0o444)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(tmp, flags, 0o444)
    with os.fdopen(fd, "wb") as fh:
        # Level 1 is git's own default for loose objects (core.looseCompression).
        fh.write(zlib.compress(raw, 1))
    os.replace(tmp, path)  # an object of the same id has the same bytes: a race is harmless
    return oid


def hash_blob(git_dir: Path, data: bytes) -> str:
    return write_object(git_dir, b"blob", data)


def _read(git_dir: Path, oid: str, kind: bytes) -> bytes:
    try:
        raw = zlib.decompress((git_dir / "objects" / oid[:2] / oid[2:]).read_bytes())
    except (OSError, zlib.error) as exc:
        raise Missing(oid) from exc
    header, _, body = raw.partition(b"\0")
    if header.split(b" ")[0] != kind:
        raise Missing(oid)
    return body


Entry = tuple[bytes, str]  # (mode as git writes it in a tree, object id)


def read_tree(git_dir: Path, oid: str) -> dict[bytes, Entry]:
    """A loose tree's entries: name -> (mode, id)."""
    body = _read(git_dir, oid, b"tree")
    entries: dict[bytes, Entry] = {}
    pos = 0
    while pos < len(body):
        space = body.index(b" ", pos)
        nul = body.index(b"\0", space)
        entries[body[space + 1 : nul]] = (body[pos:space], body[nul + 1 : nul + 21].hex())
        pos = nul + 21
    return entries


def _write_tree(git_dir: Path, entries: dict[bytes, Entry]) -> str:
    # git's order: names as bytes, a tree's name compared as if it ended in "/".
    def key(name: bytes) -> bytes:
        return name + b"/" if entries[name][0] == TREE_MODE else name

    body = b"".join(
        entries[n][0] + b" " + n + b"\0" + bytes.fromhex(entries[n][1])
        for n in sorted(entries, key=key)
    )
    return write_object(git_dir, b"tree", body)


Change = Entry | None  # the file's new (mode, blob id), or None: not in the tree any more


def build_tree(git_dir: Path, base: str | None, changes: dict[bytes, Change]) -> str | None:
    """The tree `base` with `changes` (slash-separated paths) applied; None when it ends empty
    (git stores no empty trees). Only the trees on changed paths are read and written."""
    entries = read_tree(git_dir, base) if base is not None else {}
    direct: dict[bytes, Change] = {}
    nested: dict[bytes, dict[bytes, Change]] = {}
    for path, change in changes.items():
        head, sep, rest = path.partition(b"/")
        if sep:
            nested.setdefault(head, {})[rest] = change
        else:
            direct[head] = change
    original = dict(entries)
    for name, change in direct.items():
        if change is None:
            if name in entries and entries[name][0] != TREE_MODE:
                del entries[name]
        else:
            entries[name] = change
    for name, sub in nested.items():
        old = original.get(name)
        sub_base = old[1] if old is not None and old[0] == TREE_MODE else None
        tree = build_tree(git_dir, sub_base, sub)
        if tree is not None:
            if direct.get(name) is not None:
                raise Missing(f"{name!r} is both a file and a directory")  # let git decide
            entries[name] = (TREE_MODE, tree)
        elif name in entries and entries[name][0] == TREE_MODE:
            del entries[name]
    if not entries:
        return None
    return _write_tree(git_dir, entries)


def write_commit(git_dir: Path, tree: str, parent: str | None, message: str) -> str:
    """A commit of `tree` (what `git commit-tree` writes, by the store's fixed identity)."""
    import time

    stamp = f"{int(time.time())} +0000"
    lines = [f"tree {tree}"]
    if parent:
        lines.append(f"parent {parent}")
    lines.append(f"author codex <codex@localhost> {stamp}")
    lines.append(f"committer codex <codex@localhost> {stamp}")
    text = "\n".join(lines) + "\n\n" + message.rstrip("\n") + "\n"
    return write_object(git_dir, b"commit", text.encode("utf-8", "surrogateescape"))


def set_ref(git_dir: Path, ref: str, oid: str) -> None:
    """Point a loose ref at `oid` atomically (the store never packs refs)."""
    path = git_dir / ref
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(oid + "\n")
    try:
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
