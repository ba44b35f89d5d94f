"""`notify`: run the configured program after each completed turn (spec-platform §10).

The program gets its argv plus one last argument, the upstream JSON payload (kebab-case keys,
`type = "agent-turn-complete"`). Fire and forget: stdio is /dev/null, nothing waits for it, and
a program that cannot start is logged, never an error for the turn.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from typing import Any

import orjson

log = logging.getLogger("codex.core.notify")

# Started programs, polled (and so reaped) on each later notification; never waited on.
_running: list[subprocess.Popen[bytes]] = []


def turn_complete_payload(
    *,
    thread_id: str,
    turn_id: str,
    cwd: str,
    input_messages: Sequence[str],
    last_assistant_message: str | None,
    client: str | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "agent-turn-complete",
        "thread-id": thread_id,
        "turn-id": turn_id,
        "cwd": cwd,
    }
    if client:
        payload["client"] = client
    payload["input-messages"] = list(input_messages)
    payload["last-assistant-message"] = last_assistant_message
    return payload


def notify(argv: Sequence[str], payload: dict[str, Any]) -> None:
    """Start `argv + [json]` detached; returns at once (a fork/exec, no waiting)."""
    _running[:] = [p for p in _running if p.poll() is None]
    try:
        process = subprocess.Popen(
            [*argv, orjson.dumps(payload).decode()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        log.warning("notify program %s could not start: %s", argv[0] if argv else "?", exc)
        return
    _running.append(process)
