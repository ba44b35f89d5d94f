"""A session's turns as its rollout records them, and the conversation forked before one of them.

Undo works on both halves of a turn: its file changes (the checkpoints recorded around it) and
its place in the conversation. The old rollout is never rewritten: dropping turns N and later
writes a new rollout (a fork, new id, `forked_from_id` naming the old one) holding the old file's
lines up to turn N, so both the official CLI and ours resume either one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from codex.core.checkpoints.store import CheckpointId, CheckpointStore
from codex.rollout.recorder import ROLLOUT_FILE_MODE

__all__ = ["TurnRecord", "files_changed_by", "fork_before_turn", "session_turns"]

_CHECKPOINT = "codex_py_checkpoint"


@dataclass(slots=True)
class TurnRecord:
    """One turn of a recorded session; `before`/`after` are None for a turn that could not
    write (read-only) or whose checkpoint failed."""

    turn_id: str
    line: int  # the rollout line where the turn starts (its task_started, else its checkpoint)
    cwd: str | None = None
    before: CheckpointId | None = None
    after: CheckpointId | None = None
    before_time: float = 0.0
    after_time: float = 0.0
    tool_checkpoints: list[tuple[str, CheckpointId]] = field(default_factory=list)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def session_turns(rollout: Path) -> list[TurnRecord]:
    """Every turn of the session in order, with its checkpoints. Lines that do not parse (a
    truncated last line after a crash) are skipped, as the resume reader does."""
    turns: list[TurnRecord] = []  # turn ids are per process (a resumed session starts over)
    for number, raw in enumerate(_lines(rollout)):
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(obj, dict) or obj.get("type") != "event_msg":
            continue
        msg = obj.get("payload")
        if not isinstance(msg, dict):
            continue
        kind = msg.get("type")
        turn_id = msg.get("turn_id")
        if not isinstance(turn_id, str):
            continue
        if kind == "task_started":
            turns.append(TurnRecord(turn_id, number))
        elif kind == _CHECKPOINT:
            turn = next((t for t in reversed(turns) if t.turn_id == turn_id), None)
            if turn is None:
                turn = TurnRecord(turn_id, number)
                turns.append(turn)
            turn.cwd = msg.get("cwd") or turn.cwd
            phase, commit = msg.get("phase"), msg.get("checkpoint")
            if not isinstance(commit, str):
                continue
            if phase == "before":
                turn.before, turn.before_time = commit, float(msg.get("time") or 0.0)
            elif phase == "after":
                turn.after, turn.after_time = commit, float(msg.get("time") or 0.0)
            elif phase == "before_tool":
                turn.tool_checkpoints.append((str(msg.get("call_id") or ""), commit))
    return turns


def files_changed_by(store: CheckpointStore, turns: list[TurnRecord]) -> set[str] | None:
    """The files these turns changed (each turn's `before` to `after`), so an undo restores only
    them and leaves what another session (or the user) changed in between alone. None when a
    turn has no `after` (the process died mid-turn): then its changes cannot be told apart."""
    paths: set[str] = set()
    for turn in turns:
        if turn.before is None:
            continue
        if turn.after is None:
            return None
        paths.update(path for _, path in store.changed(turn.before, turn.after))
    return paths


def fork_before_turn(rollout: Path, turn: TurnRecord, new_path: Path, new_id: str) -> Path:
    """Write `new_path`: the session of `rollout` up to (not including) `turn` (one of its
    `session_turns`), under the conversation id `new_id`. Written to a temporary name, fsynced,
    then renamed: a crash leaves no half fork."""
    lines = _lines(rollout)
    cut = turn.line
    kept: list[bytes] = []
    for raw in lines[:cut]:
        try:
            obj: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict) and obj.get("type") == "session_meta":
            payload = dict(obj.get("payload") or {})
            old_id = payload.get("id")
            payload["id"] = new_id
            if old_id:
                payload["forked_from_id"] = old_id
            obj = {**obj, "payload": payload}
            raw = orjson.dumps(obj)
        kept.append(raw)
    new_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = new_path.with_name(new_path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, ROLLOUT_FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"".join(line + b"\n" for line in kept))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, new_path)
    return new_path
