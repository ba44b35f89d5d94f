"""The Event vocabulary: everything a session tells its front ends, as `Event{id, msg}`.

Each `msg` variant serializes as upstream's `{"type": "<snake_case_name>", ...fields}` (the form
found in rollout `event_msg` lines). Field names and order follow what the official CLI writes;
fields a newer CLI adds are kept in `extra`, and unknown event types parse to `RawEvent`, so a
rollout line survives a parse/serialize round trip unchanged. Pure data, no I/O.

Each event is declared once, at its class: `@event("type", ...)` (codex.protocol._event_registry)
is the wire table and the registration `parse_event_msg` looks up. The events of tool calls and
the values they carry live in codex.protocol.tool_events and are re-exported here; `EventMsg`
spells out the union for type checkers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from codex._dataclass import dataclass
from codex.protocol._event_registry import EVENT_TYPES, event
from codex.protocol._record import record
from codex.protocol._wire import RawWire, WireModel, absent_field, extra_field, parse_sandbox_policy
from codex.protocol.items import parse_item
from codex.protocol.tool_events import (
    ApplyPatchApprovalRequest,
    Duration,
    ElicitationRequest,
    ExecApprovalRequest,
    ExecCommandBegin,
    ExecCommandEnd,
    ExecCommandOutputDelta,
    ExecCommandSource,
    ExecOutputStream,
    FileAdd,
    FileChange,
    FileDelete,
    FileUpdate,
    McpToolCallBegin,
    McpToolCallEnd,
    PatchApplyBegin,
    PatchApplyEnd,
    PlanItem,
    PlanUpdate,
    StepStatus,
    TerminalInteraction,
    TurnDiff,
    ViewImageToolCall,
    WebSearchBegin,
    WebSearchEnd,
)
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
    "ElicitationRequest",
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


class TurnAbortReason(StrEnum):
    INTERRUPTED = "interrupted"
    REPLACED = "replaced"
    REVIEW_ENDED = "review_ended"


# ---- event messages --------------------------------------------------------------------------


@event("error")
@record
class ErrorEvent(WireModel):
    message: str
    codex_error_info: Any = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("warning")
@record
class WarningEvent(WireModel):
    message: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("hook_started")
@record
class HookStarted(WireModel):
    """A hook run began (0.169's hook progress: `codex exec` prints "hook: <Event>", the
    app-server sends `hook/started`). `run` is the run summary (codex.tools.hook_runs)."""

    turn_id: str | None
    run: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("hook_completed")
@record
class HookCompleted(WireModel):
    """A hook run ended: `run` with its status (completed / failed / blocked / stopped) and
    entries (a `systemMessage` as a warning, a block's reason as feedback, ...)."""

    turn_id: str | None
    run: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("context_compacted")
@record
class ContextCompacted(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event(
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


@event(
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


@event(
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


@event("agent_message", omit_none=("phase",))
@record
class AgentMessage(WireModel):
    message: str
    phase: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("agent_message_delta")
@record
class AgentMessageDelta(WireModel):
    delta: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("user_message", omit_none=("images", "local_images", "text_elements", "skills"))
@record
class UserMessage(WireModel):
    message: str
    images: list[str] | None = None
    local_images: list[str] | None = None
    text_elements: list[Any] | None = None
    # The turn's skill inputs ({"type": "skill", "name", "path"}): 0.169 keeps them in the
    # rollout's UserMessage item.
    skills: list[dict[str, Any]] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("agent_reasoning")
@record
class AgentReasoning(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("agent_reasoning_delta")
@record
class AgentReasoningDelta(WireModel):
    delta: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("agent_reasoning_raw_content")
@record
class AgentReasoningRawContent(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("agent_reasoning_raw_content_delta")
@record
class AgentReasoningRawContentDelta(WireModel):
    delta: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("agent_reasoning_section_break")
@record
class AgentReasoningSectionBreak(WireModel):
    item_id: str = ""
    summary_index: int = 0
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event("deprecation_notice", omit_none=("details",))
@record
class DeprecationNotice(WireModel):
    summary: str
    details: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("background_event")
@record
class BackgroundEvent(WireModel):
    message: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("stream_error")
@record
class StreamError(WireModel):
    """The model stream failed and is being retried (`message` like "Reconnecting... 1/5")."""

    message: str
    codex_error_info: Any = None
    additional_details: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("shutdown_complete")
@record
class ShutdownComplete(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event(
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


@event("raw_response_item", parse={"item": parse_item})
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
    | ElicitationRequest
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
