"""thread/rollback (`numTurns`, upstream's method) and thread/revert (`beforeTurnId`, its 0.169
successor): drop the last turns of a loaded thread, optionally putting back the files those
turns changed.

How a rollback is recorded (so a resume, ours or the official CLI's, sees the short history):
the thread is closed, then its rollout gets upstream's `thread_rolled_back {num_turns}` event
(thread/read drops those turns from the list, codex.app_server.items) followed by a `compacted`
line whose `replacement_history` is the history as it stood before the first dropped turn (every
reader replaces the history with it); then the thread is opened again from the same file. The
old lines stay: a rollback never rewrites what was recorded.

Files (codex-py extension, issue 23): with `restoreFiles: true` the work tree is put back to the
checkpoint taken before the first dropped turn (codex.core.checkpoints). Files changed by hand
since the last dropped turn ended are never overwritten silently: the rollback is refused with
their list (error data `conflicts`) unless `force: true`. The answer then carries
`restoredFiles {written, deleted}` next to the official keys.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from codex.app_server import errors
from codex.app_server.errors import RpcError
from codex.app_server.notifications import note
from codex.app_server.params import boolean, integer, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.server import AppServer


@dataclass(slots=True)
class RecordedTurn:
    """One visible turn of a rollout: where it starts and the checkpoints taken around it."""

    line: int  # index of its task_started line
    core_id: str
    before: str | None = None
    after: str | None = None
    cwd: str | None = None


def recorded_turns(raw_lines: list[bytes]) -> list[RecordedTurn]:
    """The turns thread/read shows for these rollout lines, oldest first (rolled-back turns
    left out, as codex.app_server.items.turns_from_rollout does)."""
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


def _restore(codex_home: Path, dropped: list[RecordedTurn], force: bool) -> dict[str, Any]:
    """Put the files back as they were before the first dropped turn; raises RpcError when
    the turns have no checkpoint or files were changed by hand (and not `force`)."""
    from codex.core.checkpoints import CheckpointError, CheckpointStore

    first = next((t for t in dropped if t.before), None)
    if first is None or not first.cwd:
        raise errors.invalid_request("the dropped turns have no file checkpoint to restore")
    last = next((t for t in reversed(dropped) if t.after and t.cwd == first.cwd), None)
    assert first.before is not None
    try:
        store = CheckpointStore(codex_home, Path(first.cwd))
        result = store.restore(first.before, expected=last.after if last else None, force=force)
    except (CheckpointError, OSError) as exc:
        raise errors.invalid_request(f"cannot restore the files: {exc}") from None
    if result.conflicts and not result.applied:
        shown = ", ".join(result.conflicts[:20])
        raise RpcError(
            errors.INVALID_REQUEST,
            f"files changed since the turn (pass force to overwrite them): {shown}",
            {"conflicts": result.conflicts},
        )
    return {"written": result.written, "deleted": result.deleted, "cwd": first.cwd}


async def roll_back(
    server: AppServer, conn: Connection, live: LiveThread, num_turns: int, p: dict[str, Any]
) -> tuple[LiveThread, dict[str, Any] | None]:
    """Drop the last `num_turns` turns of `live` (and restore their files when asked); the
    thread reopened from its rollout."""
    from codex.app_server import threads

    if live.current_turn is not None:
        raise errors.invalid_request("cannot roll back while a turn is running")
    if live.path is None:
        raise errors.invalid_request("an ephemeral thread has no history to roll back")
    path = Path(live.path)
    raw_lines = path.read_bytes().splitlines()
    turns = recorded_turns(raw_lines)
    if num_turns > len(turns):
        raise errors.invalid_request(
            f"cannot roll back {num_turns} turns: the thread has {len(turns)}"
        )
    dropped = turns[len(turns) - num_turns :]
    restored = None
    if boolean(p, "restoreFiles"):
        restored = await asyncio.to_thread(
            _restore, server.codex_home, dropped, boolean(p, "force")
        )
    history = history_before(raw_lines, dropped[0].line)

    # Close the thread (its rollout flushed), record the rollback, open it again.
    subscribers = list(live.subscribers)
    settings = live.session.settings
    reopen = {
        "cwd": live.cwd,
        "model": settings.model,
        "approvalPolicy": settings.approval_policy,
        "approvalsReviewer": live.reviewer,
    }
    server.live.pop(live.thread_id, None)
    await server.manager.remove(live.thread_id)
    await live.stop()
    for c in subscribers:
        c.send(note("thread/status/changed", {"threadId": live.thread_id, "status": NOT_LOADED}))
    from codex.rollout.recorder import RolloutRecorder

    recorder = RolloutRecorder.open_existing(path, live.thread_id)
    try:
        recorder.record_item("event_msg", {"type": "thread_rolled_back", "num_turns": num_turns})
        recorder.record_compacted("", replacement_history=history)
    finally:
        recorder.close()
    fresh = await threads.reopen(server, conn, reopen, path)
    fresh.name = live.name
    fresh.created_at = live.created_at
    for c in subscribers:
        fresh.subscribe(c)
        c.send(note("thread/status/changed", {"threadId": fresh.thread_id, "status": fresh.status}))
    return fresh, restored


NOT_LOADED = {"type": "notLoaded"}


async def thread_rollback(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    live = server.thread(p)
    num_turns = integer(p, "numTurns", minimum=1)
    if num_turns is None:
        raise errors.invalid_params("missing field `numTurns`")
    fresh, restored = await roll_back(server, conn, live, num_turns, p)
    out: dict[str, Any] = {"thread": fresh.thread(fresh.resumed_turns)}
    if restored is not None:
        out["restoredFiles"] = restored
    return out


async def thread_revert(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    live = server.thread(p)
    before = string(p, "beforeTurnId")
    ids = [t["id"] for t in threads_turns(live)]
    if before not in ids:
        raise errors.invalid_request(f"turn not found: {before}")
    fresh, restored = await roll_back(server, conn, live, len(ids) - ids.index(before), p)
    out: dict[str, Any] = {
        "thread": fresh.thread([]),
        "turnsBackwardsCursor": None,
        "itemsBackwardsCursor": None,
    }
    if restored is not None:
        out["restoredFiles"] = restored
    return out


def threads_turns(live: LiveThread) -> list[dict[str, Any]]:
    """The thread's turns as thread/read reports them (ids included)."""
    from codex.app_server.items import turns_from_rollout
    from codex.core.threads import recorded_events

    if live.path is None:
        return []
    return turns_from_rollout(live.thread_id, recorded_events(Path(live.path)))
