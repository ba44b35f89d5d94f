"""The `request_user_input` tool's definition. 0.169 offers it to every model on every turn,
right after the shell tools; its shape (keys, order, types, required lists) is checked against
0.169's tool list in tests/tools/test_spec.py. The descriptions are ours; like 0.169's, the
tool's own description names the modes it works in, which depend on
`features.default_mode_request_user_input`."""

from __future__ import annotations

from typing import Any


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": dict(sorted(properties.items())),
        "required": required,
        "additionalProperties": False,
    }


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def request_user_input_tool(default_mode: bool = False) -> dict[str, Any]:
    """The definition; `default_mode`: the tool also works in Default mode (the feature)."""
    modes = "Default and Plan modes" if default_mode else "Plan mode only"
    option = _object(
        {
            "label": _string("What the user sees for this choice, one to five words."),
            "description": _string("One short sentence on what picking this choice means."),
        },
        ["label", "description"],
    )
    question = _object(
        {
            "id": _string("A stable snake_case key; the answer comes back under it."),
            "header": _string("A label of at most 12 characters shown above the question."),
            "question": _string("The question itself, one sentence."),
            "options": {
                "type": "array",
                "description": (
                    "Two or three choices that exclude each other, the recommended one first "
                    'with "(Recommended)" after its label. Leave out an "Other" choice: the '
                    "user can always type their own answer."
                ),
                "items": option,
            },
        },
        ["id", "header", "question", "options"],
    )
    return {
        "type": "function",
        "name": "request_user_input",
        "description": (
            "Ask the user one to three short questions and wait for their answers. Works in "
            f"{modes}."
        ),
        "strict": False,
        "parameters": _object(
            {
                "questions": {
                    "type": "array",
                    "description": "The questions to ask: one is best, never more than three.",
                    "items": question,
                }
            },
            ["questions"],
        ),
    }
