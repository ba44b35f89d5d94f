"""What a tool handler gets to see and use during one turn, and what it hands back.

`ToolCall` is a model call normalized across function / custom / local_shell items; `ToolResult`
is the text (or content parts) the model reads back. `ToolContext` is filled in by the session
(codex.core) for each turn: policies, cwd, the event sink, the approval gate, the conversation's
exec sessions. Handlers never reach past this object into the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from codex._dataclass import dataclass
from codex.protocol.config_types import AskForApproval
from codex.protocol.items import (
    CustomToolCallOutput,
    FunctionCallOutput,
    ResponseItem,
)
from codex.protocol.ops import ReviewDecision
from codex.protocol.sandbox_policy import SandboxPolicy
from codex.tools.output import TruncationPolicy

if TYPE_CHECKING:
    from codex.sandbox.execpolicy import ExecPolicy
    from codex.tools.runtime.unified_exec import UnifiedExecManager

CallKind = Literal["function", "custom", "local_shell"]

# The tools that run a command line (the one list: parallel safety, the `aborted` answer's
# wording, anything else that asks "is this a shell call").
SHELL_TOOLS: frozenset[str] = frozenset(
    {"shell", "shell_command", "exec_command", "local_shell", "container.exec"}
)


@dataclass(slots=True)
class ToolCall:
    call_id: str
    name: str
    kind: CallKind
    payload: str  # function: the JSON arguments text; custom: the raw input
    item: ResponseItem | None = None
    # (server, raw tool name) when the call names an MCP server's tool (set by the router)
    mcp_target: tuple[str, str] | None = None


@dataclass(slots=True)
class ToolResult:
    output: str | list[Any]
    success: bool = True
    ran: bool = True  # False: rejected before it ran (no PostToolUse hook, as 0.169)

    def to_item(self, call: ToolCall) -> ResponseItem:
        if call.kind == "custom":
            text = self.output if isinstance(self.output, str) else str(self.output)
            return CustomToolCallOutput(call.call_id, text)
        return FunctionCallOutput(call.call_id, self.output, success=self.success)


def is_approval(decision: str) -> bool:
    """The gate's answer (a codex.protocol.ops.ReviewDecision spelling) lets the action run."""
    return decision in (ReviewDecision.APPROVED, ReviewDecision.APPROVED_FOR_SESSION)


class ApprovalGate(Protocol):
    """Asks the user (through events) and waits for the decision Op."""

    async def request_exec(
        self,
        *,
        call_id: str,
        turn_id: str,
        command: list[str],
        cwd: Path,
        reason: str | None,
        cache_key: object | None,
        proposed_execpolicy_amendment: list[str] | None = None,
    ) -> str: ...

    async def request_patch(
        self,
        *,
        call_id: str,
        turn_id: str,
        changes: dict[str, Any],
        reason: str | None,
        cache_keys: list[object],
    ) -> str: ...

    def approved_for_session(self, key: object) -> bool: ...


class TurnAbortedByUser(Exception):
    """Raised when the user answers an approval with `abort`: the whole turn stops."""


class ExecRules:
    """The session's exec-policy rules (codex.sandbox.execpolicy.ExecPolicy, or None: no rules),
    shared by reference between the session and every turn's ToolContext: an approved amendment
    replaces `policy` here and the running turn's next command sees it, without anyone patching
    the turn's context."""

    __slots__ = ("policy",)

    def __init__(self, policy: ExecPolicy | None = None) -> None:
        self.policy = policy


@dataclass
class ToolContext:
    turn_id: str
    cwd: Path
    approval_policy: AskForApproval
    sandbox_policy: SandboxPolicy  # parsed once by the session
    emit: Callable[[Any], None]
    gate: ApprovalGate
    unified_exec: UnifiedExecManager
    env: dict[str, str]
    user_shell: str = "/bin/bash"
    truncation: TruncationPolicy = field(default_factory=lambda: TruncationPolicy.tokens(10_000))
    freeform_apply_patch: bool = False
    diff_tracker: Any = None
    rules: ExecRules | None = None  # from $CODEX_HOME/rules
    pending_input: list[ResponseItem] = field(default_factory=list)
    # Set by the session so the apply_patch handler can announce diffs after each patch.
    on_patch_applied: Callable[[], None] | None = None
    # The fork's `tool_hook_command` (codex.tools.hooks.ToolHook) and `[custom_tools]`
    # (codex.tools.custom.CustomTool by API name), both from the config.
    hook: Any = None
    custom_tools: dict[str, Any] = field(default_factory=dict)
    mcp: Any = None  # codex.mcp_client.manager.McpManager, when MCP servers are configured
    goals: Any = None  # codex.core.goals.GoalRuntime: the thread's goal, for the goal tools
    collaboration_mode: str = "default"  # the turn's mode (codex.core.modes)
    model: str = ""  # the turn's model (the `model` of PreToolUse / PostToolUse hook documents)

    @property
    def exec_policy(self) -> ExecPolicy | None:
        """The rules in force now (None: none)."""
        return self.rules.policy if self.rules is not None else None
