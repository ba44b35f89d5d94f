"""The `request_user_input` tool: the model asks the user short multiple-choice questions and
waits for the answers.

As 0.169 (tests/fixtures/request_user_input_official.json): in Plan mode (codex.core.modes) it
is answered; in Default mode the tool refuses with "request_user_input is unavailable in Default
mode" unless `features.default_mode_request_user_input` is on. Then every question must have
options, the questions go to the front end as a core `request_user_input` event
(codex.core.approvals waits for the `user_input_answer` op), and the model reads the answers
as compact JSON,
`{"answers":{id:{"answers":[...]}}}`. A front end that cannot ask a person (exec), a refusal
and an answer that is not of that shape all give `{"answers":{}}`, as 0.169's exec and server.
"""

from __future__ import annotations

from typing import Any

import orjson

from codex.tools.runtime.args import ArgumentError, parse_arguments
from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult

UNAVAILABLE = "request_user_input is unavailable in Default mode"
NEEDS_OPTIONS = "request_user_input requires non-empty options for every question"
_PARSE = "failed to parse function arguments: "


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ArgumentError(f"{_PARSE}invalid type for `{name}`: expected a string")
    return value


def parse_questions(payload: str) -> list[dict[str, Any]]:
    """The questions as the event carries them (`is_other`: the user may type their own
    answer, which 0.169 offers whenever there are options; `is_secret` is never set)."""
    data = parse_arguments(payload, required=("questions",))
    raw = data["questions"]
    if not isinstance(raw, list):
        raise ArgumentError(f"{_PARSE}invalid type: {type(raw).__name__}, expected a sequence")
    questions: list[dict[str, Any]] = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ArgumentError(f"{_PARSE}invalid type: expected a question object")
        for name in ("id", "header", "question"):
            if name not in entry:
                raise ArgumentError(f"{_PARSE}missing field `{name}`")
        options = entry.get("options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise ArgumentError(f"{_PARSE}invalid type for `options`: expected a sequence")
        questions.append(
            {
                "id": _text(entry["id"], "id"),
                "header": _text(entry["header"], "header"),
                "question": _text(entry["question"], "question"),
                "is_other": bool(options),
                "is_secret": False,
                "options": [
                    {
                        "label": _text(o.get("label"), "label"),
                        "description": _text(o.get("description"), "description"),
                    }
                    for o in options
                ],
            }
        )
    return questions


def answers_of(response: Any) -> dict[str, Any]:
    """`{"answers": {id: {"answers": [str, ...]}}}` from a front end's response; entries of any
    other shape are dropped (nothing at all: no answers)."""
    raw = response.get("answers") if isinstance(response, dict) else None
    out: dict[str, Any] = {}
    if isinstance(raw, dict):
        for key, entry in raw.items():
            texts = entry.get("answers") if isinstance(entry, dict) else None
            if isinstance(texts, list) and all(isinstance(t, str) for t in texts):
                out[str(key)] = {"answers": list(texts)}
    return {"answers": out}


async def handle_request_user_input(
    ctx: ToolContext, call: ToolCall, _intercept: object
) -> ToolResult:
    gate: Any = ctx.gate
    plan = getattr(ctx, "collaboration_mode", "default") == "plan"
    if not plan and not getattr(gate, "user_input_default_mode", False):
        return ToolResult(UNAVAILABLE, success=False)
    questions = parse_questions(call.payload)
    if any(not q["options"] for q in questions):
        return ToolResult(NEEDS_OPTIONS, success=False)
    response = None
    ask = getattr(gate, "request_user_input", None)
    if ask is not None:
        response = await ask(call_id=call.call_id, turn_id=ctx.turn_id, questions=questions)
    return ToolResult(orjson.dumps(answers_of(response)).decode())
