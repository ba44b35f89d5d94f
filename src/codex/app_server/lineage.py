"""A fork's turns through its lineage, as 0.169 lists them (facts in
tests/fixtures/fork_lineage_official.json): `thread/read`, `thread/resume` and
`thread/turns/list` of a fork give the parent's turns up to the fork, then its own; a fork of
a fork goes back the same way to the first thread.

The lineage is what the fork's `session_meta` records (codex.core.lineage): the parent's id
and how many of the parent rollout's positions the fork holds. Each thread of the chain is a
segment read from its own rollout, cut where its child forked it. Positions (what paging
cursors name) are made one sequence over the chain: a segment's positions are shifted past
the cut positions of the segments before it, so they stay in order and never collide. A
parent whose rollout is gone ends the chain there (the fork then lists what it can).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from codex.app_server.items import _is_uuid, turn_id, turns_from_rollout

# A chain longer than this is taken as a loop (files naming each other) and cut.
_MAX_DEPTH = 64
_TURN_STARTS = ("task_started", "turn_started")

Finder = Callable[[str], "Path | None"]


def finder(server: Any) -> Finder:
    """A `Finder` over the server's thread index (archived rollouts included)."""

    def find(thread_id: str) -> Path | None:
        found = server.index.find(thread_id)
        return Path(found[0]) if found else None

    return find


def forked_from(path: Path | str | None) -> str | None:
    """The id of the thread the rollout at `path` was forked from, or None."""
    from codex.core.lineage import read_fork_origin

    if not path:
        return None
    origin = read_fork_origin(Path(path))
    return origin[0] if origin else None


def _segment(
    thread_id: str, path: Path, end: int | None, stats: dict[str, int] | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """(position, turn) of one rollout's turns, reading only positions before `end`."""
    from codex.core.threads import positioned_events

    if not path.exists():
        return []
    events: list[tuple[str, str, dict[str, Any]]] = []
    starts: dict[str, int] = {}
    started = 0
    for position, stamp, kind, payload in positioned_events(path):
        if end is not None and position >= end:
            break
        events.append((stamp, kind, payload))
        if kind == "event_msg" and payload.get("type") in _TURN_STARTS:
            # The id rule of turns_from_rollout: the recorded UUID, else index-derived.
            recorded = payload.get("turn_id")
            tid = str(recorded) if _is_uuid(recorded) else turn_id(thread_id, started)
            starts[tid] = position
            started += 1
    turns = turns_from_rollout(thread_id, events, stats)
    return [(starts.get(turn["id"], 0), turn) for turn in turns]


def _chain(thread_id: str, path: Path, find: Finder) -> list[tuple[str, Path, int | None]]:
    """(thread id, rollout, cut) from the first thread of the lineage to this one; a cut is
    where the next thread forked that one (None: read it whole)."""
    from codex.core.lineage import read_fork_origin

    chain: list[tuple[str, Path, int | None]] = [(thread_id, path, None)]
    seen = {thread_id}
    while len(chain) < _MAX_DEPTH:
        origin = read_fork_origin(chain[-1][1])
        if origin is None or origin[0] in seen:
            break
        parent_path = find(origin[0])
        if parent_path is None:
            break
        seen.add(origin[0])
        chain.append((origin[0], parent_path, origin[1]))
    # Each entry carries the cut its child recorded; shift so each names its own end.
    ids = [(c[0], c[1]) for c in chain]
    cuts: list[int | None] = [None] + [c[2] for c in chain[1:]]
    return [(tid, p, cut) for (tid, p), cut in reversed(list(zip(ids, cuts, strict=True)))]


def lineage_rows(
    thread_id: str, path: Path, find: Finder, stats: dict[str, int] | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """(position, turn) of the thread's turns through its lineage, oldest first; `stats`
    (turns_from_rollout's) are counted on the thread's own rollout."""
    rows: list[tuple[int, dict[str, Any]]] = []
    offset = 0
    for tid, segment_path, cut in _chain(thread_id, Path(path), find):
        own = tid == thread_id and cut is None
        segment = _segment(tid, segment_path, cut, stats if own else None)
        rows.extend((offset + position, turn) for position, turn in segment)
        if cut is not None:
            offset += cut
        else:
            # Only the last segment is read whole; an unknown cut (a file naming a parent
            # but not the cut) shifts past everything that segment holds.
            offset += max((p for p, _ in segment), default=0) + 1
    return rows


def lineage_turns(
    thread_id: str, path: Path, find: Finder, stats: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """The thread's turns through its lineage, oldest first (`thread/read`, `thread/resume`)."""
    return [turn for _, turn in lineage_rows(thread_id, path, find, stats)]


def first_user_text(turns: list[dict[str, Any]]) -> str:
    """The first user message's text over `turns` (a thread's preview), or ""."""
    for turn in turns:
        for item in turn["items"]:
            if item.get("type") == "userMessage":
                for part in item.get("content") or ():
                    if isinstance(part, dict) and part.get("type") == "text":
                        return str(part.get("text", ""))
    return ""
