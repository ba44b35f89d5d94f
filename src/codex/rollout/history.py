"""`$CODEX_HOME/history.jsonl`: the message history the composer recalls, as upstream writes it.

One `{"session_id": <uuid>, "ts": <unix seconds>, "text": <message>}` per line, appended with one
write() under an exclusive advisory lock, file mode 0600 enforced. `history.persistence = "none"`
turns writing off. `codex exec` never writes here (upstream only does on the TUI's AddToHistory).
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from codex import _filelock

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # POSIX only; Windows handles are not inherited

HISTORY_FILENAME = "history.jsonl"
HISTORY_FILE_MODE = 0o600
_LOCK_TRIES = 10
_LOCK_WAIT_S = 0.1


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    session_id: str
    ts: int
    text: str


def history_path(codex_home: Path) -> Path:
    return Path(codex_home) / HISTORY_FILENAME


def _lock(fd: int, *, shared: bool) -> None:
    """Take a flock, retrying like upstream (10 tries, 100 ms apart) before giving up."""
    for attempt in range(_LOCK_TRIES):
        try:
            _filelock.lock(fd, shared=shared, blocking=False)
            return
        except BlockingIOError:
            if attempt == _LOCK_TRIES - 1:
                raise
            time.sleep(_LOCK_WAIT_S)


def append_history(
    codex_home: Path, session_id: str, text: str, *, persistence: str = "save-all"
) -> bool:
    """Append one entry; returns False when persistence is "none" (nothing written)."""
    if persistence == "none":
        return False
    path = history_path(codex_home)
    os.makedirs(path.parent, exist_ok=True)
    line = orjson.dumps(
        {"session_id": session_id, "ts": int(time.time()), "text": text},
        option=orjson.OPT_APPEND_NEWLINE,
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _O_CLOEXEC, HISTORY_FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != HISTORY_FILE_MODE:
            os.fchmod(fd, HISTORY_FILE_MODE)
        _lock(fd, shared=False)
        try:
            done = os.write(fd, line)
            while done < len(line):
                done += os.write(fd, line[done:])
        finally:
            _filelock.unlock(fd)
    finally:
        os.close(fd)
    return True


def history_metadata(codex_home: Path) -> tuple[int, int]:
    """(log_id = inode, entry_count = number of newlines); (0, 0) when there is no file."""
    path = history_path(codex_home)
    try:
        fd = os.open(path, os.O_RDONLY | _O_CLOEXEC)
    except FileNotFoundError:
        return 0, 0
    try:
        log_id = os.fstat(fd).st_ino
        count = 0
        while chunk := os.read(fd, 1 << 16):
            count += chunk.count(b"\n")
        return log_id, count
    finally:
        os.close(fd)


def lookup_history_entry(codex_home: Path, log_id: int, offset: int) -> HistoryEntry | None:
    """The entry at line `offset` of the history file whose inode is `log_id`, or None."""
    path = history_path(codex_home)
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, after the lock is released
    except FileNotFoundError:
        return None
    with f:
        if os.fstat(f.fileno()).st_ino != log_id:
            return None
        _lock(f.fileno(), shared=True)
        try:
            for index, raw in enumerate(f):
                if index != offset:
                    continue
                try:
                    obj = orjson.loads(raw)
                    return HistoryEntry(str(obj["session_id"]), int(obj["ts"]), str(obj["text"]))
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    return None
        finally:
            _filelock.unlock(f.fileno())
    return None
