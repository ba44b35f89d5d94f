"""Approval + sandbox orchestration for one command (spec-platform §5.3, matrix §5.6).

Decide (allow / ask / forbid) from the approval policy, the sandbox policy, command safety and an
escalation request; ask through the turn's ApprovalGate when needed; run the first attempt in the
sandbox unless escalation was approved or the policy is full access; and under `on-failure` /
`untrusted` offer one retry without the sandbox when the failure looks like a sandbox denial.
The command itself is run by the caller's `attempt` callback. Never runs anything unsandboxed
without either a full-access policy or the user's approval.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from codex.protocol.config_types import AskForApproval
from codex.protocol.ops import ReviewDecision
from codex.tools.runtime.context import ToolContext, TurnAbortedByUser, is_approval
from codex.tools.runtime.sandboxing import needs_platform_sandbox

T = TypeVar("T")

RETRY_WITHOUT_SANDBOX_REASON = "command failed; retry without sandbox?"
REJECTED_BY_USER = "exec command rejected by user"
_POLICY_DEBUG_NAMES = {
    AskForApproval.NEVER: "Never",
    AskForApproval.ON_FAILURE: "OnFailure",
    AskForApproval.UNTRUSTED: "UnlessTrusted",
    AskForApproval.ON_REQUEST: "OnRequest",
}


@dataclass(slots=True)
class Attempt(Generic[T]):
    value: T
    exit_code: int | None  # None: still running (unified exec), never a denial
    texts: tuple[str, ...] = ()


@dataclass(slots=True)
class Outcome(Generic[T]):
    """Either the attempt's value or the text to give the model instead."""

    value: T | None = None
    rejection: str | None = None
    sandboxed: bool = True


def escalation_rejection(policy: AskForApproval, *, unified: bool) -> str:
    name = _POLICY_DEBUG_NAMES.get(policy, str(policy))
    verb = "cannot" if unified else "should not"
    return (
        f"approval policy is {name}; reject command — you {verb} ask for escalated "
        f"permissions if the approval policy is {name}"
    )


def requirement_for(
    ctx: ToolContext, argv: Sequence[str], escalated: bool, prefix_rule: Sequence[str] | None
) -> Any:
    """codex.sandbox's decision (execpolicy rules first, then the heuristics of §5.3)."""
    from codex.sandbox.approval import SandboxPermissions, decide_exec_approval

    return decide_exec_approval(
        list(argv),
        approval_policy=ctx.approval_policy,
        sandbox_policy=ctx.sandbox_policy,
        sandbox_permissions=(
            SandboxPermissions.REQUIRE_ESCALATED if escalated else SandboxPermissions.USE_DEFAULT
        ),
        exec_policy=ctx.exec_policy,
        prefix_rule=prefix_rule,
    )


async def permission_hook(ctx: ToolContext, argv: Sequence[str], justification: str | None) -> Any:
    """The PermissionRequest hooks' verdict on a command about to be put to the user (True:
    allowed, a string: denied with that message, None: ask; codex.tools.lifecycle_hooks)."""
    lifecycle = getattr(ctx.hook, "lifecycle", None) if ctx.hook is not None else None
    if lifecycle is None or not lifecycle.has("PermissionRequest"):
        return None
    # The command as the model wrote it: the script of `<shell> -lc <script>`.
    shell_script = len(argv) == 3 and argv[1] in ("-lc", "-c")
    command = argv[2] if shell_script else shlex.join(argv)
    tool_input: dict[str, Any] = {"command": command}
    if justification:
        tool_input["description"] = justification
    return await lifecycle.permission_request(ctx.turn_id, tool_input)


def hook_rejection(message: str, *, unified: bool) -> str:
    """What the model gets when a PermissionRequest hook denies a command (0.169's words for
    exec_command: its process-creation error around the rejection)."""
    if not unified:
        return message
    inner = f"Rejected({json.dumps(message)})"
    return f"exec_command failed: CreateProcess {{ message: {json.dumps(inner)} }}"


async def run_orchestrated(
    ctx: ToolContext,
    *,
    call_id: str,
    argv: list[str],
    cwd: Path,
    escalated: bool,
    justification: str | None,
    attempt: Callable[[bool], Awaitable[Attempt[T]]],
    unified: bool = False,
    prefix_rule: Sequence[str] | None = None,
) -> Outcome[T]:
    """Decide, maybe ask, run (sandboxed unless approved otherwise), maybe retry unsandboxed."""
    approval = AskForApproval(ctx.approval_policy)
    if escalated and approval != AskForApproval.ON_REQUEST:
        return Outcome(rejection=escalation_rejection(approval, unified=unified))
    from codex.sandbox.approval import Requirement

    cache_key = (tuple(argv), str(cwd), escalated)
    requirement = requirement_for(ctx, argv, escalated, prefix_rule)
    if requirement.kind == Requirement.FORBIDDEN:
        return Outcome(rejection=requirement.reason or f"`{' '.join(argv)}` rejected")
    approved_by_user = False
    if requirement.kind == Requirement.NEEDS_APPROVAL:
        verdict = None
        if not ctx.gate.approved_for_session(cache_key):
            verdict = await permission_hook(ctx, argv, justification)
            if isinstance(verdict, str):
                return Outcome(rejection=hook_rejection(verdict, unified=unified))
        if verdict is None and not ctx.gate.approved_for_session(cache_key):
            answer = await ctx.gate.request_exec(
                call_id=call_id,
                turn_id=ctx.turn_id,
                command=argv,
                cwd=cwd,
                reason=justification or requirement.reason,
                cache_key=cache_key,
                proposed_execpolicy_amendment=requirement.proposed_execpolicy_amendment,
            )
            if answer == ReviewDecision.ABORT:
                raise TurnAbortedByUser
            if not is_approval(answer):
                return Outcome(rejection=REJECTED_BY_USER)
        approved_by_user = True
    elif requirement.bypass_sandbox:
        first = await attempt(False)
        return Outcome(value=first.value, sandboxed=False)

    sandboxed = needs_platform_sandbox(ctx.sandbox_policy) and not (escalated and approved_by_user)
    first = await attempt(sandboxed)
    if not sandboxed or first.exit_code is None:
        return Outcome(value=first.value, sandboxed=sandboxed)
    from codex.tools.runtime.sandboxing import is_likely_sandbox_denied

    if not is_likely_sandbox_denied(first.exit_code, *first.texts):
        return Outcome(value=first.value, sandboxed=True)
    wants_retry = approval in (AskForApproval.ON_FAILURE, AskForApproval.UNTRUSTED)
    if not wants_retry:
        return Outcome(value=first.value, sandboxed=True)
    # Already approved for this call (or this session): retry without asking again.
    if not approved_by_user and not ctx.gate.approved_for_session(cache_key):
        answer = await ctx.gate.request_exec(
            call_id=call_id,
            turn_id=ctx.turn_id,
            command=argv,
            cwd=cwd,
            reason=RETRY_WITHOUT_SANDBOX_REASON,
            cache_key=cache_key,
        )
        if answer == ReviewDecision.ABORT:
            raise TurnAbortedByUser
        if not is_approval(answer):
            return Outcome(value=first.value, sandboxed=True)
    second = await attempt(False)
    return Outcome(value=second.value, sandboxed=False)
