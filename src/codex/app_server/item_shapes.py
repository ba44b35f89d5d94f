"""Payload shapes the v2 notifications share: token-usage counts, an empty rate-limit snapshot,
a command's text and parsed actions, a patch's file changes and plan statuses, built from core
event fields that may arrive as objects or as dicts (events read back from a rollout)."""

from __future__ import annotations

from typing import Any

from codex.thread_events.shell_quote import join as join_argv


def usage_counts(breakdown: Any) -> dict[str, int]:
    def get(name: str) -> int:
        value = getattr(breakdown, name, 0) if breakdown is not None else 0
        return int(value or 0)

    return {
        "totalTokens": get("total_tokens"),
        "inputTokens": get("input_tokens"),
        "cachedInputTokens": get("cached_input_tokens"),
        "cacheWriteInputTokens": get("cache_write_input_tokens"),
        "outputTokens": get("output_tokens"),
        "reasoningOutputTokens": get("reasoning_output_tokens"),
    }


RATE_LIMITS_EMPTY = {
    "limitId": "codex",
    "limitName": None,
    "normalModelSlug": None,
    "primary": None,
    "secondary": None,
    "credits": None,
    "individualLimit": None,
    "spendControlReached": None,
    "planType": None,
    "rateLimitReachedType": None,
}


def command_text(command: Any) -> str:
    if isinstance(command, str):
        return command
    return join_argv([str(word) for word in command or ()])


def command_actions(command: Any) -> list[dict[str, Any]]:
    words = list(command) if isinstance(command, list | tuple) else []
    if len(words) == 3 and words[1] in ("-lc", "-c"):
        return [{"type": "unknown", "command": str(words[2])}]
    return [{"type": "unknown", "command": command_text(command)}]


def _change_kind(change: Any) -> dict[str, Any]:
    kind = "update"
    move = None
    if isinstance(change, dict):
        tag = change.get("type")
        if tag is None and len(change) == 1:
            tag = next(iter(change))
            inner = change[tag]
            if isinstance(inner, dict):
                move = inner.get("move_path")
        else:
            move = change.get("move_path")
        if tag in ("add", "delete", "update"):
            kind = tag
    # As 0.169 sends them live (and in thread/read): only an update has a move target, under
    # its snake_case name.
    return {"type": kind, "move_path": move} if kind == "update" else {"type": kind}


def _change_diff(change: Any) -> str:
    if not isinstance(change, dict):
        return ""
    body = change
    if "type" not in change and len(change) == 1:
        inner = next(iter(change.values()))
        body = inner if isinstance(inner, dict) else {}
    for key in ("unified_diff", "content", "diff"):
        value = body.get(key)
        if isinstance(value, str):
            return value
    return ""


def file_changes(changes: Any) -> list[dict[str, Any]]:
    if not isinstance(changes, dict):
        return []
    out = []
    for path, change in changes.items():
        data = change.to_dict() if hasattr(change, "to_dict") else change
        out.append({"path": str(path), "kind": _change_kind(data), "diff": _change_diff(data)})
    return out


def field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def plan_status(status: Any) -> str:
    text = str(getattr(status, "value", status) or "pending")
    return {"in_progress": "inProgress"}.get(text, text)
