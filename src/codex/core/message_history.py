"""`$CODEX_HOME/history.jsonl` for interactive front ends: append a message the user sent, and
read back the newest ones for the composer's ↑/↓ recall. The file format and locking are
codex.rollout.history's (upstream's); this module only gives front ends a door to it (they may
not import rollout) and reads the tail without loading a huge file whole.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from codex.rollout.history import append_history, history_path

__all__ = ["append_history", "recent_messages"]

_TAIL_BYTES = 256 * 1024


def recent_messages(codex_home: Path, limit: int = 500) -> list[str]:
    """The texts of the newest `limit` entries, oldest first (only the file's last 256 KiB are
    read; a partial first line there is skipped)."""
    path = history_path(codex_home)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            start = max(0, size - _TAIL_BYTES)
            f.seek(start)
            data = f.read()
    except OSError:
        return []
    lines = data.split(b"\n")
    if start:
        lines = lines[1:]
    out: list[str] = []
    for raw in lines[-limit:]:
        if not raw.strip():
            continue
        try:
            text = orjson.loads(raw).get("text")
        except (orjson.JSONDecodeError, AttributeError):
            continue
        if isinstance(text, str):
            out.append(text)
    return out
