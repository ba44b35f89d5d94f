"""The v2 data shapes a client reads: `Thread`, `Turn` and `ThreadItem` objects as plain dicts
(key order and nullable keys as the official 0.169 server sends them, captured in
tests/fixtures/app_server/), and the turns of a recorded thread rebuilt from its rollout.

Turn ids: a turn's id is derived from its thread id and its index in the thread
(`turn_id(thread, n)`), so the id a live turn gets and the id `thread/read` later reports for
the same turn agree across processes without being stored anywhere.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from codex.app_server.listing import thread_object  # noqa: F401  (re-exported)

_TURN_NS = uuid.UUID("6f1c2b8e-5d1a-4c3e-9a7b-0e2f4d6c8a10")


def turn_id(thread_id: str, index: int) -> str:
    return str(uuid.uuid5(_TURN_NS, f"{thread_id}/{index}"))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def now_ms() -> int:
    return int(time.time() * 1000)


def turn_object(
    tid: str,
    *,
    status: str = "inProgress",
    items: list[dict[str, Any]] | None = None,
    items_view: str = "notLoaded",
    error: dict[str, Any] | None = None,
    started_at: int | None = None,
    completed_at: int | None = None,
    duration_ms: int | None = None,
) -> dict[str, Any]:
    return {
        "id": tid,
        "rootTurnId": tid,
        "items": items if items is not None else [],
        "itemsView": items_view,
        "status": status,
        "error": error,
        "startedAt": started_at,
        "completedAt": completed_at,
        "durationMs": duration_ms,
    }


def turn_error(message: str) -> dict[str, Any]:
    return {
        "message": message,
        "codexErrorInfo": "other",
        "additionalDetails": None,
        "misalignment": None,
    }


def user_message_item(
    item_id: str, content: list[dict[str, Any]], started: int, completed: int | None
) -> dict[str, Any]:
    return {
        "type": "userMessage",
        "id": item_id,
        "clientId": None,
        "content": content,
        "startedAtMs": started,
        "completedAtMs": completed,
    }


def agent_message_item(
    item_id: str, text: str, started: int, completed: int | None, phase: str | None = None
) -> dict[str, Any]:
    return {
        "type": "agentMessage",
        "moderation": None,
        "id": item_id,
        "text": text,
        "phase": phase,
        "memoryCitation": None,
        "delivery": None,
        "questions": None,
        "startedAtMs": started,
        "completedAtMs": completed,
    }


def text_content(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "text_elements": []}


def _seconds(stamp: str) -> int | None:
    """An RFC 3339 rollout timestamp → epoch seconds."""
    from datetime import datetime

    try:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _millis(stamp: str) -> int:
    """An RFC 3339 rollout timestamp → epoch milliseconds (0 when unreadable)."""
    from datetime import datetime

    try:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return 0


def turns_from_rollout(
    thread_id: str,
    lines: Iterable[tuple[str, str, dict[str, Any]]],
    stats: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """The turns of a recorded thread (`thread/read`, `thread/resume`, `thread/turns/list`),
    oldest first, with the user and agent messages, reasoning and tool items each holds
    (codex.app_server.rollout_items). A `thread_rolled_back` event drops the turns it names:
    the thread reads as it was before them. `stats["started"]` gets the number of turns ever
    started (rolled back ones included): the index the next turn's id derives from."""
    from codex.app_server.rollout_items import ToolItems

    turns: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    tools: ToolItems | None = None
    count = 0
    cwd = ""

    def close(status: str, stamp: str) -> None:
        nonlocal current, tools
        if current is None:
            return
        current["status"] = status
        current["completedAt"] = _seconds(stamp)
        if current["startedAt"] is not None and current["completedAt"] is not None:
            current["durationMs"] = (current["completedAt"] - current["startedAt"]) * 1000
        if tools is not None:
            tools.close(status)
        current = tools = None

    for stamp, kind, payload in lines:
        if kind == "session_meta" or kind == "turn_context":
            cwd = str(payload.get("cwd") or cwd)
            continue
        if kind == "response_item":
            if tools is not None:
                tools.response_item(payload, _millis(stamp))
            continue
        if kind != "event_msg":
            continue
        etype = payload.get("type")
        if etype in ("task_started", "turn_started"):
            close("interrupted", stamp)
            # The id the rollout names the turn with (a UUIDv7, as 0.169's); files whose
            # turn ids were per-process counters keep their index-derived id.
            recorded = payload.get("turn_id")
            tid = recorded if _is_uuid(recorded) else turn_id(thread_id, count)
            current = turn_object(tid, items_view="full", started_at=_seconds(stamp))
            tools = ToolItems(current["items"], cwd)
            count += 1
            turns.append(current)
            continue
        if etype == "thread_rolled_back":
            close("interrupted", stamp)
            dropped = payload.get("num_turns")
            if isinstance(dropped, int) and dropped > 0:
                del turns[max(0, len(turns) - dropped) :]
            continue
        if current is None:
            continue
        ms = _millis(stamp)
        n = len(current["items"])
        if etype == "item_completed" and tools is not None:
            raw_item = payload.get("item")
            item: dict[str, Any] = raw_item if isinstance(raw_item, dict) else {}
            itype = item.get("type")
            raw_parts = item.get("content")
            parts: list[Any] = raw_parts if isinstance(raw_parts, list) else []
            texts = [str(p.get("text", "")) for p in parts if isinstance(p, dict)]
            if itype == "UserMessage":
                # Skill parts read back as skill entries (0.169's thread/read shows them).
                content = [
                    {"type": "skill", "name": p.get("name"), "path": p.get("path")}
                    if isinstance(p, dict) and p.get("type") == "skill"
                    else text_content(str(p.get("text", "")))
                    for p in parts
                    if isinstance(p, dict)
                ]
                current["items"].append(user_message_item(str(item.get("id")), content, ms, ms))
            elif itype == "AgentMessage":
                current["items"].append(
                    agent_message_item(str(item.get("id")), "".join(texts), ms, ms)
                )
            else:
                tools.item_completed(payload)
        elif etype == "user_message":
            content = [text_content(str(payload.get("message", "")))]
            item_id = f"{current['id']}-{n}"
            current["items"].append(user_message_item(item_id, content, ms, ms))
        elif etype == "agent_message":
            text = str(payload.get("message", ""))
            item_id = f"msg_{current['id'][:8]}-{n}"
            current["items"].append(agent_message_item(item_id, text, ms, ms, payload.get("phase")))
        elif etype == "agent_reasoning":
            current["items"].append(
                {
                    "type": "reasoning",
                    "id": f"rs_{current['id'][:8]}-{n}",
                    "summary": [str(payload.get("text", ""))],
                    "content": [],
                }
            )
        elif etype in ("entered_review_mode", "exited_review_mode"):
            current["items"].append(review_item(etype, payload, f"{current['id']}-{n}", ms))
        elif etype in ("task_complete", "turn_complete"):
            close("completed", stamp)
        elif etype == "turn_aborted":
            close("interrupted", stamp)
    if current is not None and current["status"] == "inProgress":
        current["status"] = "interrupted"
    if stats is not None:
        stats["started"] = count
    return turns


def review_item(etype: str, payload: dict[str, Any], item_id: str, ms: int) -> dict[str, Any]:
    """enteredReviewMode / exitedReviewMode from upstream's rollout events: the target's hint,
    then the verdict (`review_output`) rendered as it was shown."""
    text = payload.get("user_facing_hint")
    output = payload.get("review_output")
    if isinstance(output, dict):
        from codex.app_server.review import render_output

        text = render_output(output)
    return {
        "type": "enteredReviewMode" if etype == "entered_review_mode" else "exitedReviewMode",
        "id": str(payload.get("id") or item_id),
        "review": str(text or ""),
        "startedAtMs": ms,
        "completedAtMs": ms,
    }
