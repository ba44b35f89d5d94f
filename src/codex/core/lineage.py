"""A fork's lineage: which thread it was forked from and how much of that thread it holds.

0.169 writes two keys into a fork's `session_meta`, right after `id`: `forked_from_id` (the
parent thread) and `forked_from_ordinal_exclusive` (the parent rollout's length in positions
when it was forked: its lines, or one past its last recorded `ordinal`). Front ends derive the
rest from them: a fork lists the parent's turns up to that point before its own, and says
`forkedFromId`. A codex-py fork still copies the parent's history into its own file (so it
resumes on its own and an older codex-py reads it as before); the keys only add the record.
Files without them (every rollout written before this, every non-fork) have no lineage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def fork_lineage(parent_rollout: Path) -> dict[str, Any]:
    """The `session_meta` keys of a fork of the thread recorded at `parent_rollout` (empty
    when that file cannot be read: the fork is then recorded without lineage)."""
    from codex.core.threads import positioned_events

    parent_id: str | None = None
    end = 0
    try:
        for position, _stamp, kind, payload in positioned_events(parent_rollout):
            if kind == "session_meta" and parent_id is None:
                value = payload.get("id")
                parent_id = value if isinstance(value, str) else None
            end = max(end, position + 1)
    except (OSError, ValueError):
        return {}
    if parent_id is None:
        return {}
    return {"forked_from_id": parent_id, "forked_from_ordinal_exclusive": end}


def fork_origin(meta: dict[str, Any] | None) -> tuple[str, int | None] | None:
    """(parent thread id, parent positions held) from a `session_meta` payload, or None when
    it records no parent. The count is None when a file names its parent but not the cut."""
    if not isinstance(meta, dict):
        return None
    parent = meta.get("forked_from_id")
    if not isinstance(parent, str) or not parent:
        return None
    end = meta.get("forked_from_ordinal_exclusive")
    valid = isinstance(end, int) and not isinstance(end, bool) and end >= 0
    return parent, end if valid else None


def read_fork_origin(rollout: Path) -> tuple[str, int | None] | None:
    """`fork_origin` of the rollout file's first line (None when unreadable)."""
    import orjson

    try:
        with open(rollout, "rb") as fh:
            first = orjson.loads(fh.readline())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(first, dict) or first.get("type") != "session_meta":
        return None
    return fork_origin(first.get("payload"))
