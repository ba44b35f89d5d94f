"""Protocol types of the `item/tool/requestUserInput` server request
(codex.app_server.user_input), with 0.169's type names and fields (its
`generate-json-schema`: ToolRequestUserInputParams / Response). Registered into
types.SERVER_REQUESTS."""

# No `from __future__ import annotations` (as types.py): TypedDict sees NotRequired only in
# evaluated annotations.
from typing import NotRequired, TypedDict


class ToolRequestUserInputOption(TypedDict):
    label: str
    description: str


class ToolRequestUserInputQuestion(TypedDict):
    id: str
    header: str
    question: str
    isOther: NotRequired[bool]  # the user may type their own answer (0.169: with options)
    isSecret: NotRequired[bool]
    options: NotRequired[list[ToolRequestUserInputOption] | None]


class ToolRequestUserInputParams(TypedDict):
    threadId: str
    turnId: str
    itemId: str  # the tool call's id
    questions: list[ToolRequestUserInputQuestion]
    isBlocking: bool
    autoResolutionMs: NotRequired[int | None]  # deprecated in 0.169; always null


class ToolRequestUserInputAnswer(TypedDict):
    answers: list[str]


class ToolRequestUserInputResponse(TypedDict):
    answers: dict[str, ToolRequestUserInputAnswer]  # question id -> the answers


SERVER_REQUESTS: dict[str, tuple[type, type]] = {
    "item/tool/requestUserInput": (ToolRequestUserInputParams, ToolRequestUserInputResponse),
}
