"""Model-facing conversation items (`ResponseItem`), spelled exactly as the Responses API and the
official CLI's rollout files spell them.

Every item is a slotted dataclass with `to_dict()` / `from_dict()`; `parse_item` dispatches on
`"type"` and keeps unknown item types as `RawItem` so nothing a newer CLI wrote is lost. Field
order follows what the official 0.169 CLI writes, so its rollout lines round-trip byte for byte.
Pure data: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Any

from codex._dataclass import dataclass
from codex.protocol._record import record
from codex.protocol._wire import (
    WireModel,
    absent_field,
    extra_field,
    parse_list,
    tagged_parser,
    wire,
)

__all__ = [
    "ContentItem",
    "CustomToolCall",
    "CustomToolCallOutput",
    "FunctionCall",
    "FunctionCallOutput",
    "InputImage",
    "InputText",
    "LocalShellAction",
    "LocalShellCall",
    "Message",
    "OutputText",
    "RawContent",
    "RawItem",
    "Reasoning",
    "ReasoningText",
    "ResponseItem",
    "SummaryText",
    "Text",
    "WebSearchCall",
    "assistant_message",
    "custom_tool_call_output",
    "developer_message",
    "function_call_output",
    "parse_content",
    "parse_item",
    "parse_items",
    "user_message",
]


# ---- content parts --------------------------------------------------------------------------


@dataclass(slots=True)
class RawContent:
    """A content part of a type we do not model; written back unchanged."""

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


@wire("input_text")
@record
class InputText(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("input_image", omit_none=("detail",))
@record
class InputImage(WireModel):
    """An image as a URL (usually a `data:` URL built from a local file)."""

    image_url: str
    detail: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("output_text", omit_none=("annotations",))
@record
class OutputText(WireModel):
    text: str
    annotations: list[Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


ContentItem = InputText | InputImage | OutputText | RawContent

_CONTENT_TYPES: dict[str, type[WireModel]] = {
    "input_text": InputText,
    "input_image": InputImage,
    "output_text": OutputText,
}
parse_content = tagged_parser(_CONTENT_TYPES, RawContent)


@wire("summary_text")
@record
class SummaryText(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("reasoning_text")
@record
class ReasoningText(WireModel):
    """Raw chain of thought (never echoed back to the model)."""

    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("text")
@record
class Text(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


_parse_summary = tagged_parser({"summary_text": SummaryText}, RawContent)
_parse_reasoning_content = tagged_parser(
    {"reasoning_text": ReasoningText, "text": Text}, RawContent
)


def _parse_output(value: Any) -> Any:
    # A tool output is a plain string, or (MCP results with images) a list of content parts.
    if isinstance(value, list):
        return [parse_content(v) for v in value]
    return value


# ---- items ----------------------------------------------------------------------------------


@dataclass(slots=True)
class RawItem:
    """An item of a type we do not model (e.g. ghost snapshots, newer types); kept verbatim."""

    data: dict[str, Any]

    @property
    def type(self) -> str | None:
        return self.data.get("type")

    def to_dict(self) -> dict[str, Any]:
        return self.data


@wire("message", omit_none=("status", "id"), parse={"content": parse_list(parse_content)})
@record
class Message(WireModel):
    """A chat message; `role` is user, assistant, developer or system."""

    role: str
    content: list[ContentItem]
    status: str | None = None
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()

    def text(self) -> str:
        """The concatenated text parts (input_text and output_text)."""
        return "".join(c.text for c in self.content if isinstance(c, InputText | OutputText))


Message._wire_fields = ("status", "id", "role", "content")


@wire(
    "reasoning",
    omit_none=("id",),
    parse={
        "summary": parse_list(_parse_summary),
        "content": parse_list(_parse_reasoning_content),
    },
    order=("id", "summary", "content", "encrypted_content"),
)
@record
class Reasoning(WireModel):
    """A reasoning item: summaries, optional raw content and the opaque encrypted blob."""

    summary: list[SummaryText | RawContent] = field(default_factory=list)
    content: list[ReasoningText | Text | RawContent] | None = None
    encrypted_content: str | None = None
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()

    def to_dict(self) -> dict[str, Any]:
        out = WireModel.to_dict(self)
        # Upstream quirk: content holding raw reasoning_text parts is not serialized at all.
        if self.content and any(isinstance(c, ReasoningText) for c in self.content):
            out.pop("content", None)
        return out


@wire(
    "function_call",
    omit_none=("status", "id"),
    order=("status", "id", "name", "arguments", "call_id"),
)
@record
class FunctionCall(WireModel):
    """A JSON function tool call; `arguments` is the raw JSON text the model produced."""

    name: str
    arguments: str
    call_id: str
    status: str | None = None
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "function_call_output",
    omit_none=("id",),
    parse={"output": _parse_output},
    local=("success",),
    order=("id", "call_id", "output"),
)
@record
class FunctionCallOutput(WireModel):
    """A tool result. `success` is bookkeeping only: it never goes on the wire."""

    call_id: str
    output: str | list[ContentItem]
    id: str | None = None
    success: bool | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "custom_tool_call",
    omit_none=("status", "id"),
    order=("id", "status", "call_id", "name", "input"),
)
@record
class CustomToolCall(WireModel):
    """A freeform (grammar) tool call; `input` is the raw text, e.g. a whole patch."""

    call_id: str
    name: str
    input: str
    status: str | None = None
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "custom_tool_call_output",
    omit_none=("id",),
    parse={"output": _parse_output},
    order=("id", "call_id", "output"),
)
@record
class CustomToolCallOutput(WireModel):
    call_id: str
    output: str | list[ContentItem]
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("exec")
@record
class LocalShellAction(WireModel):
    command: list[str]
    timeout_ms: int | None = None
    working_directory: str | None = None
    env: dict[str, str] | None = None
    user: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


def _parse_local_shell_action(data: Any) -> Any:
    if isinstance(data, Mapping) and data.get("type") == "exec":
        return LocalShellAction.from_dict(data)
    return RawContent(dict(data))


@wire(
    "local_shell_call",
    omit_none=("id",),
    parse={"action": _parse_local_shell_action},
    order=("id", "call_id", "status", "action"),
)
@record
class LocalShellCall(WireModel):
    """The `local_shell` tool's call (codex-mini); answered with a function_call_output."""

    call_id: str | None
    status: str
    action: LocalShellAction | RawContent
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("web_search_call", omit_none=("id", "status", "action"), order=("id", "status", "action"))
@record
class WebSearchCall(WireModel):
    """A server-side web search; `action` is kept as JSON (search / open_page / find_in_page)."""

    status: str | None = None
    action: dict[str, Any] | None = None
    id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()

    @property
    def query(self) -> str | None:
        return (self.action or {}).get("query")


@wire("compaction_summary")
@record
class CompactionSummary(WireModel):
    """The opaque summary returned by the remote compaction endpoint."""

    encrypted_content: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


ResponseItem = (
    Message
    | Reasoning
    | FunctionCall
    | FunctionCallOutput
    | CustomToolCall
    | CustomToolCallOutput
    | LocalShellCall
    | WebSearchCall
    | CompactionSummary
    | RawItem
)

ITEM_TYPES: dict[str, type[WireModel]] = {
    cls.TAG: cls  # type: ignore[misc]
    for cls in (
        Message,
        Reasoning,
        FunctionCall,
        FunctionCallOutput,
        CustomToolCall,
        CustomToolCallOutput,
        LocalShellCall,
        WebSearchCall,
        CompactionSummary,
    )
}


def _raw_item(data: Any) -> RawItem:
    return RawItem(data if isinstance(data, dict) else {"value": data})


parse_item = tagged_parser(ITEM_TYPES, _raw_item)
"""Build the ResponseItem for one JSON object (unknown types become RawItem)."""


def parse_items(values: Sequence[Mapping[str, Any]]) -> list[ResponseItem]:
    return [parse_item(v) for v in values]


# ---- constructors the agent loop uses ------------------------------------------------------


def user_message(text: str, images: Sequence[str] = ()) -> Message:
    """A user message with one text part followed by image parts (image URLs / data URLs)."""
    content: list[ContentItem] = [InputText(text)] if text else []
    content.extend(InputImage(url) for url in images)
    return Message("user", content)


def developer_message(*texts: str) -> Message:
    return Message("developer", [InputText(t) for t in texts])


def assistant_message(text: str, *, id: str | None = None) -> Message:
    return Message("assistant", [OutputText(text)], id=id)


def function_call_output(
    call_id: str, output: str | list[ContentItem], *, success: bool | None = None
) -> FunctionCallOutput:
    return FunctionCallOutput(call_id, output, success=success)


def custom_tool_call_output(call_id: str, output: str) -> CustomToolCallOutput:
    return CustomToolCallOutput(call_id, output)
