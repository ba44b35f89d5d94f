"""The `request_user_input` question and its answer, as a core event/op pair any front end can
answer (the app-server by a server request, the TUI or an SDK in process).

The event carries the model's questions (each `{id, header, question, is_other, is_secret,
options: [{label, description}]}`, as 0.169's protocol names them); the op carries the answers,
`{"answers": {question id: {"answers": [text, ...]}}}`, which is also exactly the JSON the
model reads back. Pure data, no I/O.
"""

from __future__ import annotations

from typing import Any

from codex.protocol._event_registry import event
from codex.protocol._record import record
from codex.protocol._wire import WireModel, absent_field, extra_field, wire

__all__ = ["RequestUserInput", "UserInputAnswer"]


@event("request_user_input", order=("call_id", "turn_id", "questions"))
@record
class RequestUserInput(WireModel):
    """Questions for the user; answered by `UserInputAnswer{id: call_id}`. Not written to the
    rollout (0.169 writes only the call and its output)."""

    call_id: str
    turn_id: str
    questions: list[dict[str, Any]]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("user_input_answer")
@record
class UserInputAnswer(WireModel):
    """The answer to `request_user_input` `id` (its call id): `response` is
    `{"answers": {question id: {"answers": [...]}}}`; anything else counts as no answers."""

    id: str
    response: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()
