"""Which line of a rollout's head is the user's first message: the one rule every head reader
follows (rollout.listing, core's thread index, the app-server's saved index, the viewer's
catalog). No imports: the app-server reads heads with it before the rest of the server loads.
"""

from __future__ import annotations

from typing import Any

__all__ = ["user_text"]


def user_text(payload: dict[str, Any]) -> str | None:
    """The text of an `event_msg` payload that is a user message (v0.63's `user_message`
    event, 0.169's completed `UserMessage` item, which is all 0.169 records); None for any other
    event."""
    if payload.get("type") == "user_message":
        message = payload.get("message")
        return message if isinstance(message, str) else ""
    item = payload.get("item")
    if (
        payload.get("type") == "item_completed"
        and isinstance(item, dict)
        and item.get("type") == "UserMessage"
        and isinstance(item.get("content"), list)
    ):
        texts = [c.get("text") for c in item["content"] if isinstance(c, dict)]
        return "".join(t for t in texts if isinstance(t, str))
    return None
