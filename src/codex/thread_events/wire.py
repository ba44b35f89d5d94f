"""The `codex exec --json` wire vocabulary: `ThreadEvent`s and the `ThreadItem`s they carry, as the
official CLI 0.169 emits them (shared/spec/samples/exec-json). Plain slotted dataclasses whose field
order IS the JSON key order; `encode_line` turns one into one JSONL line with orjson.

The TypeScript SDK parses these lines, so a field's name, position, presence and nullability are
part of the contract. `docs/exec-events.schema.json` is generated from these classes
(`codex.exec.schema`); never edit one without regenerating the other.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from codex.protocol._record import Record, record

if TYPE_CHECKING:
    from collections.abc import Callable

# ----------------------------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------------------------

CommandExecutionStatus = Literal["in_progress", "completed", "failed", "declined"]
PatchApplyStatus = Literal["in_progress", "completed", "failed"]
PatchChangeKind = Literal["add", "delete", "update"]
McpToolCallStatus = Literal["in_progress", "completed", "failed"]


@record(kw_only=True)
class AgentMessageItem(Record):
    """The agent's reply: prose, or the JSON string when `--output-schema` was given."""

    id: str
    type: Literal["agent_message"] = "agent_message"
    text: str


@record(kw_only=True)
class ReasoningItem(Record):
    """The agent's reasoning summary."""

    id: str
    type: Literal["reasoning"] = "reasoning"
    text: str


@record(kw_only=True)
class CommandExecutionItem(Record):
    """A command the agent ran: started when spawned, completed when it exits."""

    id: str
    type: Literal["command_execution"] = "command_execution"
    command: str
    aggregated_output: str
    exit_code: int | None
    status: CommandExecutionStatus


@record(kw_only=True)
class FileUpdateChange(Record):
    path: str
    kind: PatchChangeKind


@record(kw_only=True)
class FileChangeItem(Record):
    """A set of file changes made by one patch."""

    id: str
    type: Literal["file_change"] = "file_change"
    changes: list[FileUpdateChange]
    status: PatchApplyStatus


@record(kw_only=True)
class McpToolCallItemResult(Record):
    content: list[Any]
    structured_content: Any | None


@record(kw_only=True)
class McpToolCallItemError(Record):
    message: str


@record(kw_only=True)
class McpToolCallItem(Record):
    """A call to an MCP tool: started when dispatched, completed when the server answers."""

    id: str
    type: Literal["mcp_tool_call"] = "mcp_tool_call"
    server: str
    tool: str
    arguments: Any = None
    result: McpToolCallItemResult | None = None
    error: McpToolCallItemError | None = None
    status: McpToolCallStatus


@record(kw_only=True)
class WebSearchActionSearch(Record):
    type: Literal["search"] = "search"
    query: str


@record(kw_only=True)
class WebSearchActionOther(Record):
    type: Literal["other"] = "other"


WebSearchAction = WebSearchActionSearch | WebSearchActionOther


@record(kw_only=True)
class WebSearchItem(Record):
    """A web search the model ran. (0.169 repeats `id` with the raw call id; JSON parsers keep
    one, so we emit the item id once.)"""

    id: str
    type: Literal["web_search"] = "web_search"
    query: str
    action: WebSearchAction | None = None


@record(kw_only=True)
class TodoItem(Record):
    text: str
    completed: bool


@record(kw_only=True)
class TodoListItem(Record):
    """The agent's plan: started at the first plan update, then updated, completed at turn end."""

    id: str
    type: Literal["todo_list"] = "todo_list"
    items: list[TodoItem]


@record(kw_only=True)
class ErrorItem(Record):
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


@record(kw_only=True)
class Usage(Record):
    """Token usage, cumulative over the whole thread (resumes included), as upstream reports it."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0


@record(kw_only=True)
class ThreadErrorEvent(Record):
    """A fatal error message."""

    message: str


@record(kw_only=True)
class ThreadStarted(Record):
    """First event; `thread_id` resumes the thread later (`codex exec resume <id>`)."""

    type: Literal["thread.started"] = "thread.started"
    thread_id: str


@record(kw_only=True)
class TurnStarted(Record):
    """The prompt was sent; everything until turn.completed/turn.failed belongs to this turn."""

    type: Literal["turn.started"] = "turn.started"


@record(kw_only=True)
class TurnCompleted(Record):
    type: Literal["turn.completed"] = "turn.completed"
    usage: Usage = field(default_factory=Usage)


@record(kw_only=True)
class TurnFailed(Record):
    """Emitted instead of turn.completed when the turn saw an error."""

    type: Literal["turn.failed"] = "turn.failed"
    error: ThreadErrorEvent


@record(kw_only=True)
class ItemStarted(Record):
    type: Literal["item.started"] = "item.started"
    item: ThreadItem


@record(kw_only=True)
class ItemUpdated(Record):
    type: Literal["item.updated"] = "item.updated"
    item: ThreadItem


@record(kw_only=True)
class ItemCompleted(Record):
    type: Literal["item.completed"] = "item.completed"
    item: ThreadItem


@record(kw_only=True)
class ThreadError(Record):
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
