"""What the model is told when the user (not the model, not the system) changes the thread's
goal: 0.169's `origin: "user"` on thread/goal/set|clear, which its TUI sends for `/goal`.

The change goes into the thread's history as a user-role message, marked as context the
harness wrote (`<codex_internal_context source="user_goal">`, 0.169's marker and lines, facts
in tests/fixtures/goals_lifecycle_official.json "origin"), so later model requests carry the
user's say-so: the model may then act on a goal the user set or resumed, and knows one the user
cleared or paused. Nothing else makes such a message: an automatic change, a change without an
origin, and a change of the token budget only do not speak for the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codex.core.goals.model import DB_TO_WIRE
from codex.protocol.items import InputText, Message

OPEN = '<codex_internal_context source="user_goal">'
CLOSE = "</codex_internal_context>"
CLEARED = "User cleared the goal."
ORIGINS = ("user", "automatic")


def set_text(objective: str | None, status: str | None) -> str | None:
    """The message of a user's set (objective trimmed, status in either spelling); None when
    it changes neither (a budget-only set)."""
    lines = []
    if objective is not None:
        lines.append(f'User set the goal: "{objective}"')
    if status is not None:
        lines.append(f'User set goal status: "{DB_TO_WIRE.get(status, status)}".')
    return _wrap(lines) if lines else None


def clear_text() -> str:
    """The message of a user's clear (made whether or not there was a goal, as 0.169)."""
    return _wrap([CLEARED])


def _wrap(lines: list[str]) -> str:
    return "\n".join([OPEN, *lines, CLOSE])


def message(text: str) -> Message:
    return Message("user", [InputText(text)])


def remember(session: Any, text: str) -> None:
    """Tell a loaded thread's model, without starting a turn: the next model request carries
    the message. Through core's Session.tell_model: no turn running, it goes into the history
    and rollout at once (as 0.169); while one runs, it joins the turn's next request after the
    outputs of the calls in flight, never between a call and its output (0.169 records it at
    once even then, splitting a call in flight from its output: tests/app_server/
    test_goals_held_call.py)."""
    session.tell_model(message(text))


def append_to_rollout(rollout: Path, text: str) -> None:
    """The message as a `response_item` line at the end of the rollout of a thread that no
    session has open (one write of one whole line, O_APPEND): resuming it reads it back."""
    import orjson

    from codex.rollout.recorder import utc_timestamp

    line = {
        "timestamp": utc_timestamp(),
        "type": "response_item",
        "payload": message(text).to_dict(),
    }
    with rollout.open("ab") as out:
        out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
