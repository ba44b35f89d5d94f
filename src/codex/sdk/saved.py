"""What the SDK reads from and writes to CODEX_HOME about recorded threads: the list, one
thread's summary and recorded turns, its name, archive and unarchive. The files are the CLI's
(rollouts under sessions/, names in session_index.jsonl), so threads written by `codex exec`, the
TUI or another process show up here and the other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codex.sdk.errors import invalid_request
from codex.sdk.notifications import TurnTranslator
from codex.sdk.types import ThreadInfo, ThreadListResponse, Turn, TurnStatus

__all__ = [
    "archive",
    "find_rollout",
    "list_threads",
    "read_name",
    "recorded_info",
    "recorded_turns",
    "set_name",
    "unarchive",
]


def _index(codex_home: Path) -> Any:
    from codex.core.threads import ThreadIndex

    return ThreadIndex(codex_home)


def _info(summary: Any, names: dict[str, str]) -> ThreadInfo:
    meta = summary.meta
    return ThreadInfo(
        id=summary.thread_id,
        preview=summary.preview,
        created_at=int(summary.created_at),
        updated_at=int(summary.updated_at),
        cwd=str(meta.get("cwd") or ""),
        path=str(summary.path),
        model_provider=meta.get("model_provider"),
        name=names.get(summary.thread_id),
        forked_from_id=meta.get("forked_from_id"),
    )


def list_threads(codex_home: Path, **page: Any) -> ThreadListResponse:
    """One page of recorded threads (`page`: ThreadIndex.page's filters and order)."""
    from codex.core.threads import read_thread_names

    summaries, next_cursor = _index(codex_home).page(**page)
    names = read_thread_names(codex_home)
    return ThreadListResponse([_info(s, names) for s in summaries], next_cursor)


def find_rollout(codex_home: Path, thread_id: str) -> tuple[Path, bool]:
    """(rollout path, archived?) of a recorded thread; the official error when there is none."""
    from codex.protocol.ids import is_uuid

    if not is_uuid(thread_id):
        raise invalid_request(f"invalid thread id: {thread_id}")
    found = _index(codex_home).find(thread_id)
    if found is None:
        raise invalid_request(f"no rollout found for thread id {thread_id}")
    path, archived = found
    return Path(path), bool(archived)


def recorded_info(codex_home: Path, thread_id: str) -> ThreadInfo:
    """The summary of a recorded thread that is not open in this client."""
    from codex.core.threads import read_thread_names

    path, archived = find_rollout(codex_home, thread_id)
    stamp = path.name[len("rollout-") : len("rollout-") + 19]
    summary = _index(codex_home).summary(str(path), stamp, thread_id, archived)
    if summary is None:
        raise invalid_request(f"thread not loaded: {thread_id}")
    return _info(summary, read_thread_names(codex_home))


def recorded_turns(thread_id: str, path: Path) -> list[Turn]:
    """The turns a rollout records, rebuilt by feeding its events through the same translator
    a live turn uses (so items and statuses read the same as when the turn ran). Turns a
    rollback dropped (upstream's `thread_rolled_back` event) are left out, as thread/read does."""
    from codex.core.threads import recorded_events

    turns: list[Turn] = []
    current: TurnTranslator | None = None
    number = 0
    for _stamp, kind, payload in recorded_events(path):
        if kind != "event_msg":
            continue
        dropped = payload.get("num_turns")
        if (
            payload.get("type") == "thread_rolled_back"
            and isinstance(dropped, int)
            and current is None
        ):
            del turns[max(0, len(turns) - dropped) :]
            continue
        if payload.get("type") in ("task_started", "turn_started"):
            if current is not None:  # a turn that never ended (the process died): interrupted
                current.end_without_event()
                turns.append(current.completed or Turn(current.turn_id, TurnStatus.interrupted))
            number += 1
            turn_id = str(payload.get("turn_id") or f"{thread_id}-turn-{number}")
            current = TurnTranslator(thread_id, turn_id)
        if current is None:
            continue  # events outside any turn (session start, compaction notes)
        for event in _legacy_events(payload):
            current.feed(event)
        if current.completed is not None:
            turns.append(current.completed)
            current = None
    if current is not None:
        current.end_without_event()
        if current.completed is not None:
            turns.append(current.completed)
    return turns


def _legacy_events(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A recorded event as the live events the translator reads. Rollouts in the 0.169 shape
    (ours and the official CLI's) record messages, reasoning and tool calls as `item_completed`
    events; older ones as `agent_message`, `exec_command_end`, ... (passed as they are)."""
    if payload.get("type") != "item_completed":
        return [payload]
    item = payload.get("item")
    if not isinstance(item, dict):
        return []
    kind = item.get("type")
    if kind == "AgentMessage":
        texts = [
            str(part.get("text") or "")
            for part in item.get("content") or ()
            if isinstance(part, dict)
        ]
        return [{"type": "agent_message", "message": "".join(texts), "phase": item.get("phase")}]
    if kind == "Reasoning":
        return [{"type": "agent_reasoning", "text": str(t)} for t in item.get("summary_text") or ()]
    if kind == "CommandExecution":
        cwd = str(item.get("cwd") or "")
        return [
            {
                "type": "exec_command_end",
                "call_id": item.get("id"),
                "command": item.get("command"),
                "cwd": cwd.removeprefix("file://"),
                "exit_code": item.get("exit_code"),
                "aggregated_output": item.get("aggregated_output"),
                "duration": item.get("duration"),
            }
        ]
    if kind == "FileChange":
        return [
            {
                "type": "patch_apply_end",
                "call_id": item.get("id"),
                "changes": item.get("changes"),
                "success": item.get("status") == "completed",
            }
        ]
    return []  # the user's own message: not a thread item of the official SDK's turns


def read_name(codex_home: Path, thread_id: str) -> str | None:
    from codex.core.threads import read_thread_names

    return read_thread_names(codex_home).get(thread_id)


def set_name(codex_home: Path, thread_id: str, name: str) -> None:
    from codex.core.threads import append_thread_name

    if not name.strip():
        raise invalid_request("thread name must not be empty")
    try:
        append_thread_name(codex_home, thread_id, name)
    except OSError as exc:
        raise invalid_request(f"cannot save the thread name: {exc}") from None


def archive(codex_home: Path, thread_id: str) -> None:
    from codex.api.saved_sessions import archive as move

    find_rollout(codex_home, thread_id)
    try:
        move(codex_home, thread_id)
    except Exception as exc:  # CodexError/OSError: the one-line reason, as the server's error
        raise invalid_request(str(exc)) from None


def unarchive(codex_home: Path, thread_id: str) -> None:
    from codex.api.saved_sessions import unarchive as move

    find_rollout(codex_home, thread_id)
    try:
        move(codex_home, thread_id)
    except Exception as exc:
        raise invalid_request(str(exc)) from None
