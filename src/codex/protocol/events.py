"""The Event vocabulary: everything a session tells its front ends, as `Event{id, msg}`.

Each `msg` variant serializes as upstream's `{"type": "<snake_case_name>", ...fields}` (the form
found in rollout `event_msg` lines). Field names and order follow what the official CLI writes;
fields a newer CLI adds are kept in `extra`, and unknown event types parse to `RawEvent`, so a
rollout line survives a parse/serialize round trip unchanged. Pure data, no I/O.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from codex.protocol._record import record
from codex.protocol._wire import (
    RawWire,
    WireModel,
    absent_field,
    extra_field,
    parse_list,
    parse_sandbox_policy,
    tagged_parser,
    wire,
)
from codex.protocol.items import parse_item
from codex.protocol.usage import RateLimitSnapshot, TokenUsageInfo

__all__ = [
    "EVENT_TYPES",
    "AgentMessage",
    "AgentMessageDelta",
    "AgentReasoning",
    "AgentReasoningDelta",
    "AgentReasoningRawContent",
    "AgentReasoningRawContentDelta",
    "AgentReasoningSectionBreak",
    "ApplyPatchApprovalRequest",
    "BackgroundEvent",
    "ContextCompacted",
    "DeprecationNotice",
    "Duration",
    "ErrorEvent",
    "Event",
    "EventMsg",
    "ExecApprovalRequest",
    "ExecCommandBegin",
    "ExecCommandEnd",
    "ExecCommandOutputDelta",
    "ExecCommandSource",
    "ExecOutputStream",
    "FileAdd",
    "FileChange",
    "FileDelete",
    "FileUpdate",
    "ItemCompleted",
    "ItemStarted",
    "McpToolCallBegin",
    "McpToolCallEnd",
    "PatchApplyBegin",
    "PatchApplyEnd",
    "PlanItem",
    "PlanUpdate",
    "RawEvent",
    "RawResponseItem",
    "SessionConfigured",
    "ShutdownComplete",
    "StepStatus",
    "StreamError",
    "TaskComplete",
    "TaskStarted",
    "TerminalInteraction",
    "TokenCount",
    "TurnAbortReason",
    "TurnAborted",
    "TurnComplete",
    "TurnDiff",
    "TurnStarted",
    "UserMessage",
    "ViewImageToolCall",
    "WarningEvent",
    "WebSearchBegin",
    "WebSearchEnd",
    "parse_event",
    "parse_event_msg",
]


class ExecCommandSource(StrEnum):
    AGENT = "agent"
    USER_SHELL = "user_shell"
    UNIFIED_EXEC_STARTUP = "unified_exec_startup"
    UNIFIED_EXEC_INTERACTION = "unified_exec_interaction"


class ExecOutputStream(StrEnum):
    STDOUT = "stdout"
    STDERR = "stderr"


class TurnAbortReason(StrEnum):
    INTERRUPTED = "interrupted"
    REPLACED = "replaced"
    REVIEW_ENDED = "review_ended"


class StepStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


# ---- nested values ---------------------------------------------------------------------------


@wire()
@record
class Duration(WireModel):
    """A Rust `Duration` as serde writes it: whole seconds plus nanoseconds."""

    secs: int = 0
    nanos: int = 0
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()

    @classmethod
    def from_seconds(cls, seconds: float) -> Duration:
        secs = int(seconds)
        return cls(secs, round((seconds - secs) * 1e9))

    @property
    def seconds(self) -> float:
        return self.secs + self.nanos / 1e9


@wire("add")
@record
class FileAdd(WireModel):
    content: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("delete")
@record
class FileDelete(WireModel):
    content: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("update")
@record
class FileUpdate(WireModel):
    unified_diff: str
    move_path: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


FileChange = FileAdd | FileDelete | FileUpdate
_parse_file_change = tagged_parser(
    {"add": FileAdd, "delete": FileDelete, "update": FileUpdate}, lambda d: d
)


def _parse_changes(data: Any) -> dict[str, Any]:
    return {path: _parse_file_change(change) for path, change in data.items()}


@wire(parse={"status": StepStatus})
@record
class PlanItem(WireModel):
    step: str
    status: StepStatus
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


def _duration(data: Any) -> Any:
    return Duration.from_dict(data) if isinstance(data, Mapping) else data


# ---- event messages --------------------------------------------------------------------------


@wire("error")
@record
class ErrorEvent(WireModel):
    message: str
    codex_error_info: Any = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("warning")
@record
class WarningEvent(WireModel):
    message: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("context_compacted")
@record
class ContextCompacted(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "task_started",
    omit_none=("turn_attribution", "root_turn_id", "started_at", "collaboration_mode_kind"),
    order=(
        "turn_attribution",
        "turn_id",
        "root_turn_id",
        "started_at",
        "model_context_window",
        "collaboration_mode_kind",
    ),
)
@record
class TaskStarted(WireModel):
    """A turn began (upstream also accepts the newer name `turn_started`)."""

    turn_id: str = ""
    model_context_window: int | None = None
    started_at: int | None = None
    root_turn_id: str | None = None
    turn_attribution: dict[str, Any] | None = None
    collaboration_mode_kind: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "task_complete",
    omit_none=(
        "root_turn_id",
        "started_at",
        "completed_at",
        "duration_ms",
        "time_to_first_token_ms",
    ),
    order=(
        "root_turn_id",
        "turn_id",
        "last_agent_message",
        "started_at",
        "completed_at",
        "duration_ms",
        "time_to_first_token_ms",
    ),
)
@record
class TaskComplete(WireModel):
    """A turn finished; `last_agent_message` is the final assistant text or null."""

    turn_id: str = ""
    last_agent_message: str | None = None
    root_turn_id: str | None = None
    started_at: int | None = None
    completed_at: int | None = None
    duration_ms: int | None = None
    time_to_first_token_ms: int | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "turn_aborted",
    omit_none=("turn_id",),
    parse={"reason": TurnAbortReason},
    order=("turn_id", "reason"),
)
@record
class TurnAborted(WireModel):
    reason: TurnAbortReason
    turn_id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "token_count",
    parse={
        "info": lambda d: TokenUsageInfo.from_dict(d),
        "rate_limits": lambda d: RateLimitSnapshot.from_dict(d),
    },
)
@record
class TokenCount(WireModel):
    info: TokenUsageInfo | None = None
    rate_limits: RateLimitSnapshot | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_message", omit_none=("phase",))
@record
class AgentMessage(WireModel):
    message: str
    phase: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_message_delta")
@record
class AgentMessageDelta(WireModel):
    delta: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("user_message", omit_none=("images", "local_images", "text_elements"))
@record
class UserMessage(WireModel):
    message: str
    images: list[str] | None = None
    local_images: list[str] | None = None
    text_elements: list[Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_reasoning")
@record
class AgentReasoning(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_reasoning_delta")
@record
class AgentReasoningDelta(WireModel):
    delta: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_reasoning_raw_content")
@record
class AgentReasoningRawContent(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_reasoning_raw_content_delta")
@record
class AgentReasoningRawContentDelta(WireModel):
    delta: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("agent_reasoning_section_break")
@record
class AgentReasoningSectionBreak(WireModel):
    item_id: str = ""
    summary_index: int = 0
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "session_configured",
    omit_none=("reasoning_effort", "initial_messages"),
    parse={
        "initial_messages": lambda v: [parse_event_msg(m) for m in v],
        "sandbox_policy": parse_sandbox_policy,
    },
    order=(
        "session_id",
        "model",
        "model_provider_id",
        "approval_policy",
        "sandbox_policy",
        "cwd",
        "reasoning_effort",
        "history_log_id",
        "history_entry_count",
        "initial_messages",
        "rollout_path",
    ),
)
@record
class SessionConfigured(WireModel):
    """The first event of every session. `sandbox_policy` is a `SandboxPolicy` (or its JSON)."""

    session_id: str
    model: str
    model_provider_id: str
    approval_policy: str
    sandbox_policy: Any
    cwd: str
    rollout_path: str | None = None
    reasoning_effort: str | None = None
    history_log_id: int = 0
    history_entry_count: int = 0
    initial_messages: list[Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


_EXEC_ORDER = (
    "call_id",
    "process_id",
    "turn_id",
    "command",
    "cwd",
    "parsed_cmd",
    "source",
    "interaction_input",
)


@wire(
    "exec_command_begin",
    omit_none=("process_id", "interaction_input"),
    parse={"source": ExecCommandSource},
    order=_EXEC_ORDER,
)
@record
class ExecCommandBegin(WireModel):
    call_id: str
    turn_id: str
    command: list[str]
    cwd: str
    parsed_cmd: list[Any] = field(default_factory=list)
    source: ExecCommandSource = ExecCommandSource.AGENT
    process_id: str | None = None
    interaction_input: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "exec_command_output_delta",
    parse={
        "chunk": lambda v: base64.b64decode(v) if isinstance(v, str) else v,
        "stream": ExecOutputStream,
    },
    order=("call_id", "stream", "chunk"),
)
@record
class ExecCommandOutputDelta(WireModel):
    """A chunk of live output; on the wire `chunk` is base64 of the raw bytes."""

    call_id: str
    stream: ExecOutputStream
    chunk: bytes
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("terminal_interaction")
@record
class TerminalInteraction(WireModel):
    call_id: str
    process_id: str
    stdin: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "exec_command_end",
    omit_none=("process_id", "interaction_input", "status"),
    parse={"duration": _duration, "source": ExecCommandSource},
    order=(
        *_EXEC_ORDER,
        "stdout",
        "stderr",
        "aggregated_output",
        "exit_code",
        "duration",
        "formatted_output",
        "status",
    ),
)
@record
class ExecCommandEnd(WireModel):
    call_id: str
    turn_id: str
    command: list[str]
    cwd: str
    exit_code: int
    duration: Duration
    stdout: str = ""
    stderr: str = ""
    aggregated_output: str = ""
    formatted_output: str = ""
    parsed_cmd: list[Any] = field(default_factory=list)
    source: ExecCommandSource = ExecCommandSource.AGENT
    process_id: str | None = None
    interaction_input: str | None = None
    status: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("view_image_tool_call")
@record
class ViewImageToolCall(WireModel):
    call_id: str
    path: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "exec_approval_request",
    omit_none=(
        "approval_id",
        "reason",
        "network_approval_context",
        "proposed_execpolicy_amendment",
        "proposed_network_policy_amendments",
        "additional_permissions",
        "available_decisions",
    ),
    order=(
        "call_id",
        "approval_id",
        "turn_id",
        "command",
        "cwd",
        "reason",
        "network_approval_context",
        "proposed_execpolicy_amendment",
        "proposed_network_policy_amendments",
        "additional_permissions",
        "available_decisions",
        "parsed_cmd",
    ),
)
@record
class ExecApprovalRequest(WireModel):
    """Ask the user to approve a command; answered by `ExecApproval{id: approval_id or call_id}`."""

    call_id: str
    turn_id: str
    command: list[str]
    cwd: str
    reason: str | None = None
    parsed_cmd: list[Any] = field(default_factory=list)
    approval_id: str | None = None
    network_approval_context: Any = None
    proposed_execpolicy_amendment: list[str] | None = None
    proposed_network_policy_amendments: Any = None
    additional_permissions: Any = None
    available_decisions: list[Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "apply_patch_approval_request",
    omit_none=("reason", "grant_root"),
    parse={"changes": _parse_changes},
    order=("call_id", "turn_id", "changes", "reason", "grant_root"),
)
@record
class ApplyPatchApprovalRequest(WireModel):
    call_id: str
    turn_id: str
    changes: dict[str, FileChange]
    reason: str | None = None
    grant_root: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("deprecation_notice", omit_none=("details",))
@record
class DeprecationNotice(WireModel):
    summary: str
    details: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("background_event")
@record
class BackgroundEvent(WireModel):
    message: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("stream_error")
@record
class StreamError(WireModel):
    """The model stream failed and is being retried (`message` like "Reconnecting... 1/5")."""

    message: str
    codex_error_info: Any = None
    additional_details: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "patch_apply_begin",
    parse={"changes": _parse_changes},
    order=("call_id", "turn_id", "auto_approved", "changes"),
)
@record
class PatchApplyBegin(WireModel):
    call_id: str
    turn_id: str
    auto_approved: bool
    changes: dict[str, FileChange]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "patch_apply_end",
    omit_none=("status",),
    parse={"changes": _parse_changes},
    order=("call_id", "turn_id", "stdout", "stderr", "success", "changes", "status"),
)
@record
class PatchApplyEnd(WireModel):
    call_id: str
    turn_id: str
    stdout: str
    stderr: str
    success: bool
    changes: dict[str, FileChange] = field(default_factory=dict)
    status: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("turn_diff")
@record
class TurnDiff(WireModel):
    unified_diff: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "plan_update",
    parse={"plan": parse_list(lambda d: PlanItem.from_dict(d))},
    order=("explanation", "plan"),
)
@record
class PlanUpdate(WireModel):
    """The model's task plan (the `update_plan` tool's arguments)."""

    plan: list[PlanItem]
    explanation: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("shutdown_complete")
@record
class ShutdownComplete(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("web_search_begin")
@record
class WebSearchBegin(WireModel):
    call_id: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("web_search_end", omit_none=("action",))
@record
class WebSearchEnd(WireModel):
    call_id: str
    query: str
    action: dict[str, Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("mcp_tool_call_begin")
@record
class McpToolCallBegin(WireModel):
    """`invocation` is `{server, tool, arguments}`."""

    call_id: str
    invocation: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("mcp_tool_call_end", parse={"duration": _duration})
@record
class McpToolCallEnd(WireModel):
    """`result` is `{"Ok": CallToolResult}` or `{"Err": "message"}` (serde's Result form)."""

    call_id: str
    invocation: dict[str, Any]
    duration: Duration
    result: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "item_started",
    omit_none=("started_at_ms",),
    order=("thread_id", "turn_id", "item", "started_at_ms"),
)
@record
class ItemStarted(WireModel):
    """A turn item began; `item` is the TurnItem JSON (UserMessage, AgentMessage, ...)."""

    thread_id: str
    turn_id: str
    item: dict[str, Any]
    started_at_ms: int | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "item_completed",
    omit_none=("started_at_ms", "completed_at_ms"),
    order=("thread_id", "turn_id", "item", "started_at_ms", "completed_at_ms"),
)
@record
class ItemCompleted(WireModel):
    thread_id: str
    turn_id: str
    item: dict[str, Any]
    started_at_ms: int | None = None
    completed_at_ms: int | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("raw_response_item", parse={"item": parse_item})
@record
class RawResponseItem(WireModel):
    item: Any
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


class RawEvent(RawWire):
    """An event type we do not model (e.g. `thread_settings_applied`); kept verbatim."""

    __slots__ = ()


EventMsg = (
    ErrorEvent
    | WarningEvent
    | ContextCompacted
    | TaskStarted
    | TaskComplete
    | TurnAborted
    | TokenCount
    | AgentMessage
    | AgentMessageDelta
    | UserMessage
    | AgentReasoning
    | AgentReasoningDelta
    | AgentReasoningRawContent
    | AgentReasoningRawContentDelta
    | AgentReasoningSectionBreak
    | SessionConfigured
    | ExecCommandBegin
    | ExecCommandOutputDelta
    | TerminalInteraction
    | ExecCommandEnd
    | ViewImageToolCall
    | ExecApprovalRequest
    | ApplyPatchApprovalRequest
    | DeprecationNotice
    | BackgroundEvent
    | StreamError
    | PatchApplyBegin
    | PatchApplyEnd
    | TurnDiff
    | PlanUpdate
    | ShutdownComplete
    | WebSearchBegin
    | WebSearchEnd
    | McpToolCallBegin
    | McpToolCallEnd
    | ItemStarted
    | ItemCompleted
    | RawResponseItem
    | RawEvent
)

EVENT_TYPES: dict[str, type[WireModel]] = {
    cls.TAG: cls  # type: ignore[misc]
    for cls in (
        ErrorEvent,
        WarningEvent,
        ContextCompacted,
        TaskStarted,
        TaskComplete,
        TurnAborted,
        TokenCount,
        AgentMessage,
        AgentMessageDelta,
        UserMessage,
        AgentReasoning,
        AgentReasoningDelta,
        AgentReasoningRawContent,
        AgentReasoningRawContentDelta,
        AgentReasoningSectionBreak,
        SessionConfigured,
        ExecCommandBegin,
        ExecCommandOutputDelta,
        TerminalInteraction,
        ExecCommandEnd,
        ViewImageToolCall,
        ExecApprovalRequest,
        ApplyPatchApprovalRequest,
        DeprecationNotice,
        BackgroundEvent,
        StreamError,
        PatchApplyBegin,
        PatchApplyEnd,
        TurnDiff,
        PlanUpdate,
        ShutdownComplete,
        WebSearchBegin,
        WebSearchEnd,
        McpToolCallBegin,
        McpToolCallEnd,
        ItemStarted,
        ItemCompleted,
        RawResponseItem,
    )
}


class TurnStarted(TaskStarted):
    """`task_started` under upstream's newer name; same fields, written back as `turn_started`."""

    __slots__ = ()


class TurnComplete(TaskComplete):
    """`task_complete` under upstream's newer name."""

    __slots__ = ()


TurnStarted.TAG = "turn_started"
TurnComplete.TAG = "turn_complete"
EVENT_TYPES["turn_started"] = TurnStarted
EVENT_TYPES["turn_complete"] = TurnComplete


def parse_event_msg(data: Mapping[str, Any]) -> EventMsg:
    """Build the EventMsg for one JSON object; unknown types become RawEvent."""
    cls = EVENT_TYPES.get(data.get("type"))  # type: ignore[arg-type]
    if cls is None:
        return RawEvent(dict(data))
    return cls.from_dict(data)  # type: ignore[return-value]


@dataclass(slots=True)
class Event:
    """One entry of a session's event stream: `id` is the submission it answers."""

    id: str
    msg: EventMsg

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "msg": self.msg.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        return cls(data["id"], parse_event_msg(data["msg"]))


def parse_event(data: Mapping[str, Any]) -> Event:
    return Event.from_dict(data)
