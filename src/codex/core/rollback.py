"""Roll a recorded thread back by its last turns, optionally putting their files back: the part
of the app-server's `thread/rollback` that does not depend on the front end, shared with the
in-process SDK (`AsyncThread.rollback`).

A front end closes its live session, calls `plan()` (which turns are dropped, the history before
them), `restore_files()` when asked, `record()` (upstream's `thread_rolled_back {num_turns}`
event, then a `compacted` line whose `replacement_history` is the history before the first
dropped turn: every reader, ours and the official CLI's, resumes with the short history), then
opens the thread again from the same file. The old lines stay: nothing recorded is rewritten.

Files (issue 23): the work tree goes back to the checkpoint taken before the first dropped turn
(codex.core.checkpoints). Files changed by hand since the last dropped turn ended are never
overwritten silently: `RollbackError.conflicts` lists them unless `force`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from codex.errors import CodexError

__all__ = [
    "RecordedTurn",
    "RollbackError",
    "RollbackPlan",
    "history_before",
    "plan",
    "record",
    "recorded_turns",
    "restore_files",
]


class RollbackError(CodexError):
    """A rollback that cannot be done as asked; `conflicts` names hand-edited files (restore
    refused without `force`)."""

    def __init__(self, message: str, conflicts: list[str] | None = None) -> None:
        super().__init__(message)
        self.conflicts: list[str] = list(conflicts or [])


@dataclass(slots=True)
class RecordedTurn:
    """One visible turn of a rollout: where it starts and the checkpoints taken around it."""

    line: int  # index of its task_started line
    core_id: str
    before: str | None = None
    after: str | None = None
    cwd: str | None = None


def recorded_turns(raw_lines: list[bytes]) -> list[RecordedTurn]:
    """The turns a thread read shows for these rollout lines, oldest first (rolled-back turns
    left out)."""
    turns: list[RecordedTurn] = []
    everything: list[RecordedTurn] = []  # checkpoints may name a turn already rolled back
    for index, raw in enumerate(raw_lines):
        if b'"event_msg"' not in raw:
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        payload = line.get("payload") if isinstance(line, dict) else None
        if line.get("type") != "event_msg" or not isinstance(payload, dict):
            continue
        kind = payload.get("type")
        if kind in ("task_started", "turn_started"):
            turn = RecordedTurn(index, str(payload.get("turn_id") or ""))
            turns.append(turn)
            everything.append(turn)
        elif kind == "thread_rolled_back":
            dropped = payload.get("num_turns")
            if isinstance(dropped, int) and dropped > 0:
                del turns[max(0, len(turns) - dropped) :]
        elif kind == "codex_py_checkpoint":
            owner = next(
                (t for t in reversed(everything) if t.core_id == str(payload.get("turn_id"))),
                None,
            )
            if owner is not None and payload.get("phase") in ("before", "after"):
                setattr(owner, str(payload["phase"]), str(payload.get("checkpoint") or ""))
                owner.cwd = str(payload.get("cwd") or owner.cwd or "")
    return turns


def history_before(raw_lines: list[bytes], cut: int) -> list[Mapping[str, Any]]:
    """The conversation history a resume would rebuild from the first `cut` lines."""
    from codex.core.resume import is_initial_context_marker, load_rollout_for_resume

    with tempfile.TemporaryDirectory(prefix="codex-rollback-") as tmp:
        head = Path(tmp) / "head.jsonl"
        head.write_bytes(b"".join(line + b"\n" for line in raw_lines[:cut]))
        history = load_rollout_for_resume(head).history
    return [item for item in history if not is_initial_context_marker(item)]


@dataclass(slots=True)
class RollbackPlan:
    """What rolling `num_turns` back drops, and the history the thread continues from."""

    num_turns: int
    dropped: list[RecordedTurn]
    history: list[Mapping[str, Any]] = field(default_factory=list)


def plan(path: Path, num_turns: int) -> RollbackPlan:
    """Read the (closed or flushed) rollout and work out the rollback; RollbackError when the
    thread has fewer turns. Blocking file I/O: call it off the event loop."""
    if num_turns < 1:
        raise RollbackError(f"cannot roll back {num_turns} turns: at least 1")
    raw_lines = path.read_bytes().splitlines()
    turns = recorded_turns(raw_lines)
    if num_turns > len(turns):
        raise RollbackError(f"cannot roll back {num_turns} turns: the thread has {len(turns)}")
    dropped = turns[len(turns) - num_turns :]
    return RollbackPlan(num_turns, dropped, history_before(raw_lines, dropped[0].line))


def restore_files(codex_home: Path, dropped: list[RecordedTurn], force: bool) -> dict[str, Any]:
    """Put the files back as they were before the first dropped turn. Returns
    {written, deleted, cwd}; RollbackError when the turns have no checkpoint, the store fails,
    or files were changed by hand since (and not `force`; their list in `conflicts`)."""
    from codex.core.checkpoints import CheckpointError, CheckpointStore

    first = next((t for t in dropped if t.before), None)
    if first is None or not first.cwd:
        raise RollbackError("the dropped turns have no file checkpoint to restore")
    last = next((t for t in reversed(dropped) if t.after and t.cwd == first.cwd), None)
    assert first.before is not None
    try:
        store = CheckpointStore(codex_home, Path(first.cwd))
        result = store.restore(first.before, expected=last.after if last else None, force=force)
    except (CheckpointError, OSError) as exc:
        raise RollbackError(f"cannot restore the files: {exc}") from None
    if result.conflicts and not result.applied:
        shown = ", ".join(result.conflicts[:20])
        raise RollbackError(
            f"files changed since the turn (pass force to overwrite them): {shown}",
            result.conflicts,
        )
    return {"written": result.written, "deleted": result.deleted, "cwd": first.cwd}


def record(path: Path, thread_id: str, rollback: RollbackPlan) -> None:
    """Append the rollback to the thread's rollout (its session must be closed): the
    `thread_rolled_back` event, then the short history as a `compacted` line."""
    from codex.rollout.recorder import RolloutRecorder

    recorder = RolloutRecorder.open_existing(path, thread_id)
    try:
        recorder.record_item(
            "event_msg", {"type": "thread_rolled_back", "num_turns": rollback.num_turns}
        )
        recorder.record_compacted("", replacement_history=rollback.history)
    finally:
        recorder.close()
