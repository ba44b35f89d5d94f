"""Replacing a file so a reader, or a crash, sees the old contents or the new, never a mix.

One mechanism for every file codex rewrites whole (config.toml, auth.json, the models manifest):
a temp file in the same directory, given its final mode before any byte is written, fsynced,
renamed over the target, then the directory fsynced so the rename itself survives a crash.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def replace_file(path: Path, data: bytes, mode: int) -> None:
    """Atomically make `path` hold `data` with permission bits `mode`. Raises OSError; a failed
    attempt leaves no temp file behind."""
    import tempfile  # here, not at import: auth storage (every session start) imports this

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def default_file_mode() -> int:
    """The mode a plain `open(path, "w")` would give a new file: 0o666 less the umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it (Linux), else the usual 022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable; best effort where directories cannot be fsynced."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
