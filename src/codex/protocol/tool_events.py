"""The events of tool calls: commands (begin, live output, end), patches, approvals asked, plans,
web searches, MCP tool calls, and the values they carry (durations, file changes, plan steps).
Split from codex.protocol.events, which re-exports every name here; register with `@event`
(codex.protocol._event_registry) like the rest. Pure data, no I/O.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import field
from enum import StrEnum
from typing import Any

from codex.protocol._event_registry import event
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
    "ApplyPatchApprovalRequest",
    "Duration",
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
    "McpToolCallBegin",
    "McpToolCallEnd",
    "PatchApplyBegin",
    "PatchApplyEnd",
    "PlanItem",
    "PlanUpdate",
    "StepStatus",
    "TerminalInteraction",
    "TurnDiff",
    "ViewImageToolCall",
    "WebSearchBegin",
    "WebSearchEnd",
]


class ExecCommandSource(StrEnum):
    AGENT = "agent"
    USER_SHELL = "user_shell"
    UNIFIED_EXEC_STARTUP = "unified_exec_startup"
    UNIFIED_EXEC_INTERACTION = "unified_exec_interaction"


class ExecOutputStream(StrEnum):
    STDOUT = "stdout"
    STDERR = "stderr"


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


@event(
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


@event(
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


@event("terminal_interaction")
@record
class TerminalInteraction(WireModel):
    call_id: str
    process_id: str
    stdin: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event("view_image_tool_call")
@record
class ViewImageToolCall(WireModel):
    call_id: str
    path: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event(
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


@event(
    "elicitation_request",
    omit_none=("turn_id",),
    order=("turn_id", "server_name", "id", "request"),
)
@record
class ElicitationRequest(WireModel):
    """An MCP elicitation put to the user; answered by `ResolveElicitation{server_name,
    request_id: id}`. Upstream 0.169 asks approval of an MCP tool call this way: `id` is
    `mcp_tool_call_approval_<call_id>`, `request` a form `{mode, _meta, message,
    requested_schema}` whose `_meta.codex_approval_kind` is "mcp_tool_call"."""

    server_name: str
    id: str
    request: dict[str, Any]
    turn_id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event(
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


@event("turn_diff")
@record
class TurnDiff(WireModel):
    unified_diff: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event(
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


@event("web_search_begin")
@record
class WebSearchBegin(WireModel):
    call_id: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("web_search_end", omit_none=("action",))
@record
class WebSearchEnd(WireModel):
    call_id: str
    query: str
    action: dict[str, Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("mcp_tool_call_begin")
@record
class McpToolCallBegin(WireModel):
    """`invocation` is `{server, tool, arguments}`."""

    call_id: str
    invocation: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@event("mcp_tool_call_end", parse={"duration": _duration})
@record
class McpToolCallEnd(WireModel):
    """`result` is `{"Ok": CallToolResult}` or `{"Err": "message"}` (serde's Result form)."""

    call_id: str
    invocation: dict[str, Any]
    duration: Duration
    result: dict[str, Any]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()
