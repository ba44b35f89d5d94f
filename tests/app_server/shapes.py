"""Comparing our messages with the official captures (tests/fixtures/app_server/): the order
of methods and the key sets of their payloads, leaving out what only the official sends for
features we do not have (read states, remote control, its bubblewrap warning)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app_server"

# Official notifications for features codex-py does not have.
NOT_OURS = frozenset({"thread/readState/changed", "remoteControl/status/changed", "configWarning"})


def official(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / f"official_{name}.json").read_text())


def kind(message: dict[str, Any]) -> str:
    if "method" in message:
        label = message["method"]
        params = message.get("params") or {}
        item = params.get("item")
        if isinstance(item, dict):
            label += f"({item.get('type')})"
        status = params.get("status")
        if message["method"] == "thread/status/changed" and isinstance(status, dict):
            label += f"({status.get('type')}{status.get('activeFlags') or ''})"
        if "id" in message:
            label = "request " + label
        return label
    return "error" if "error" in message else "response"


def sequence(messages: list[dict[str, Any]]) -> list[str]:
    """The kinds in order, consecutive deltas collapsed into one."""
    out: list[str] = []
    for message in messages:
        if message.get("method") in NOT_OURS:
            continue
        label = kind(message)
        if label.endswith("/delta") and out and out[-1] == label:
            continue
        out.append(label)
    return out


def keys(value: Any) -> Any:
    """The key structure of a payload (nested dicts; lists by their first element)."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None
