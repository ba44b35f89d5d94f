"""A rollout written by hand as far as a thread listing reads it: its session_meta and its
first user message. For listing tests and benchmarks that need many threads (thousands of
forks) faster than real sessions could record them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_head(
    day: Path, stamp: str, thread_id: str, text: str | None, parent: str | None = None
) -> Path:
    """`day/rollout-<stamp>-<thread_id>.jsonl`: an interactive (vscode) session on the mock
    provider in /w, forked from `parent` when given, whose first user message is `text`
    (None: none yet, as a fork before its own first message)."""
    meta: dict[str, Any] = {
        "id": thread_id,
        "cwd": "/w",
        "originator": "codex-tui",
        "cli_version": "0.169.0",
        "source": "vscode",
        "model_provider": "mock",
    }
    if parent:
        meta["forked_from_id"] = parent
    lines: list[dict[str, Any]] = [{"timestamp": "t", "type": "session_meta", "payload": meta}]
    if text is not None:
        message = {"type": "user_message", "message": text}
        lines.append({"timestamp": "t", "type": "event_msg", "payload": message})
    day.mkdir(parents=True, exist_ok=True)
    path = day / f"rollout-{stamp}-{thread_id}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path
