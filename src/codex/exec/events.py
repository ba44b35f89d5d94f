"""The `codex exec --json` wire vocabulary: `ThreadEvent`s and the `ThreadItem`s they carry, as the
official CLI 0.169 emits them (shared/spec/samples/exec-json). Plain slotted dataclasses whose field
order IS the JSON key order; `encode_line` turns one into one JSONL line with orjson.

The TypeScript SDK parses these lines, so a field's name, position, presence and nullability are
part of the contract. `docs/exec-events.schema.json` is generated from these classes
(`codex.exec.schema`); never edit one without regenerating the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

# ----------------------------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------------------------

CommandExecutionStatus = Literal["in_progress", "completed", "failed", "declined"]
PatchApplyStatus = Literal["in_progress", "completed", "failed"]
PatchChangeKind = Literal["add", "delete", "update"]
McpToolCallStatus = Literal["in_progress", "completed", "failed"]


@dataclass(slots=True, kw_only=True)
class AgentMessageItem:
    """The agent's reply: prose, or the JSON string when `--output-schema` was given."""

    id: str
    type: Literal["agent_message"] = "agent_message"
    text: str


@dataclass(slots=True, kw_only=True)
class ReasoningItem:
    """The agent's reasoning summary."""

    id: str
    type: Literal["reasoning"] = "reasoning"
    text: str


@dataclass(slots=True, kw_only=True)
class CommandExecutionItem:
    """A command the agent ran: started when spawned, completed when it exits."""

    id: str
    type: Literal["command_execution"] = "command_execution"
    command: str
    aggregated_output: str
    exit_code: int | None
    status: CommandExecutionStatus


@dataclass(slots=True, kw_only=True)
class FileUpdateChange:
    path: str
    kind: PatchChangeKind


@dataclass(slots=True, kw_only=True)
class FileChangeItem:
    """A set of file changes made by one patch."""

    id: str
    type: Literal["file_change"] = "file_change"
    changes: list[FileUpdateChange]
    status: PatchApplyStatus


@dataclass(slots=True, kw_only=True)
class McpToolCallItemResult:
    content: list[Any]
    structured_content: Any | None


@dataclass(slots=True, kw_only=True)
class McpToolCallItemError:
    message: str


@dataclass(slots=True, kw_only=True)
class McpToolCallItem:
    """A call to an MCP tool: started when dispatched, completed when the server answers."""

    id: str
    type: Literal["mcp_tool_call"] = "mcp_tool_call"
    server: str
    tool: str
    arguments: Any = None
    result: McpToolCallItemResult | None = None
    error: McpToolCallItemError | None = None
    status: McpToolCallStatus


@dataclass(slots=True, kw_only=True)
class WebSearchActionSearch:
    type: Literal["search"] = "search"
    query: str


@dataclass(slots=True, kw_only=True)
class WebSearchActionOther:
    type: Literal["other"] = "other"


WebSearchAction = WebSearchActionSearch | WebSearchActionOther


@dataclass(slots=True, kw_only=True)
class WebSearchItem:
    """A web search the model ran. (0.169 repeats `id` with the raw call id; JSON parsers keep
    one, so we emit the item id once.)"""

    id: str
    type: Literal["web_search"] = "web_search"
    query: str
    action: WebSearchAction | None = None


@dataclass(slots=True, kw_only=True)
class TodoItem:
    text: str
    completed: bool


@dataclass(slots=True, kw_only=True)
class TodoListItem:
    """The agent's plan: started at the first plan update, then updated, completed at turn end."""

    id: str
    type: Literal["todo_list"] = "todo_list"
    items: list[TodoItem]


@dataclass(slots=True, kw_only=True)
class ErrorItem:
    """A non-fatal warning surfaced as an item."""

    id: str
    type: Literal["error"] = "error"
    message: str


ThreadItem = (
    AgentMessageItem
    | ReasoningItem
    | CommandExecutionItem
    | FileChangeItem
    | McpToolCallItem
    | WebSearchItem
    | TodoListItem
    | ErrorItem
)

# ----------------------------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Usage:
    """Token usage, cumulative over the whole thread (resumes included), as upstream reports it."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0


@dataclass(slots=True, kw_only=True)
class ThreadErrorEvent:
    """A fatal error message."""

    message: str


@dataclass(slots=True, kw_only=True)
class ThreadStarted:
    """First event; `thread_id` resumes the thread later (`codex exec resume <id>`)."""

    type: Literal["thread.started"] = "thread.started"
    thread_id: str


@dataclass(slots=True, kw_only=True)
class TurnStarted:
    """The prompt was sent; everything until turn.completed/turn.failed belongs to this turn."""

    type: Literal["turn.started"] = "turn.started"


@dataclass(slots=True, kw_only=True)
class TurnCompleted:
    type: Literal["turn.completed"] = "turn.completed"
    usage: Usage = field(default_factory=Usage)


@dataclass(slots=True, kw_only=True)
class TurnFailed:
    """Emitted instead of turn.completed when the turn saw an error."""

    type: Literal["turn.failed"] = "turn.failed"
    error: ThreadErrorEvent


@dataclass(slots=True, kw_only=True)
class ItemStarted:
    type: Literal["item.started"] = "item.started"
    item: ThreadItem


@dataclass(slots=True, kw_only=True)
class ItemUpdated:
    type: Literal["item.updated"] = "item.updated"
    item: ThreadItem


@dataclass(slots=True, kw_only=True)
class ItemCompleted:
    type: Literal["item.completed"] = "item.completed"
    item: ThreadItem


@dataclass(slots=True, kw_only=True)
class ThreadError:
    """A stream error: every retry (`Reconnecting... n/5`) and every fatal error."""

    type: Literal["error"] = "error"
    message: str


ThreadEvent = (
    ThreadStarted
    | TurnStarted
    | TurnCompleted
    | TurnFailed
    | ItemStarted
    | ItemUpdated
    | ItemCompleted
    | ThreadError
)

EVENT_TYPES: tuple[type, ...] = (
    ThreadStarted,
    TurnStarted,
    TurnCompleted,
    TurnFailed,
    ItemStarted,
    ItemUpdated,
    ItemCompleted,
    ThreadError,
)
ITEM_TYPES: tuple[type, ...] = (
    AgentMessageItem,
    ReasoningItem,
    CommandExecutionItem,
    FileChangeItem,
    McpToolCallItem,
    WebSearchItem,
    TodoListItem,
    ErrorItem,
)


def _dumps() -> Callable[[Any], bytes]:
    import orjson

    option = orjson.OPT_APPEND_NEWLINE

    def dumps(event: Any) -> bytes:
        return orjson.dumps(event, option=option)

    return dumps


_DUMPS: Callable[[Any], bytes] | None = None


def encode_line(event: ThreadEvent) -> bytes:
    """One event → one JSONL line (with the trailing newline)."""
    global _DUMPS
    if _DUMPS is None:
        _DUMPS = _dumps()
    return _DUMPS(event)
