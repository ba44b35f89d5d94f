"""Checkpoints of the work tree around each turn, recorded in the rollout (issue 23).

`before_turn` is the one call the turn loop makes: when the turn may change files (its sandbox is
not read-only) it checkpoints the work tree and records a `codex_py_checkpoint` event_msg (a type
the official CLI does not know; its rollout reader skips lines it cannot parse). The turn's end
state is checkpointed when the turn boundary is flushed, so an undo can tell the agent's changes
from later hand edits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import Any

from codex.core.checkpoints.store import CheckpointError, CheckpointId, CheckpointStore

__all__ = ["EVENT_TYPE", "CheckpointError", "CheckpointId", "CheckpointStore", "before_turn"]

EVENT_TYPE = "codex_py_checkpoint"


def _record(state: Any, turn_id: str, phase: str, store: CheckpointStore, commit: str) -> None:
    if state.recorder is None:
        return
    msg: dict[str, Any] = {
        "type": EVENT_TYPE,
        "turn_id": turn_id,
        "phase": phase,
        "checkpoint": commit,
        "cwd": str(store.work_tree),
        "time": time.time(),
    }
    if store.skipped:
        msg["skipped"] = store.skipped
    state.recorder.record_event(msg)


async def before_turn(state: Any, turn_id: str, settings: Any) -> CheckpointId | None:
    """Checkpoint before a turn that may write; never fails the turn (a broken store is
    a missing checkpoint, not a failed task). The git work runs in a worker thread: a first
    checkpoint of a large tree takes seconds, and the event loop serves other threads (an
    app-server's, a batch's) meanwhile; this turn waits, since its tools must not write first."""
    if settings.sandbox_policy.to_json_dict().get("type") == "read-only":
        return None
    if os.environ.get("CODEX_PY_CHECKPOINTS") == "0":
        return None  # opted out
    cwd = Path(os.path.realpath(settings.cwd))
    if cwd == Path(cwd.anchor) or cwd == Path(os.path.realpath(Path.home())):
        return None  # a whole home or filesystem is not a work tree worth snapshotting
    try:
        store = CheckpointStore(Path(state.config.codex_home), Path(settings.cwd))
        commit = await asyncio.to_thread(store.checkpoint, f"before turn {turn_id}")
    except (CheckpointError, OSError):
        return None
    _record(state, turn_id, "before", store, commit)
    _after_on_flush(state, turn_id, store)
    return commit


def _after_on_flush(state: Any, turn_id: str, store: CheckpointStore) -> None:
    """Wrap this session's turn-boundary flush once, to checkpoint the tree the turn left."""
    original = state.__dict__.get("_checkpoint_flush_original") or state.flush_recorder
    state._checkpoint_flush_original = original

    def flush() -> None:
        state.flush_recorder = original  # once per turn
        with contextlib.suppress(CheckpointError, OSError):
            _record(state, turn_id, "after", store, store.checkpoint(f"after turn {turn_id}"))
        original()

    state.flush_recorder = flush
