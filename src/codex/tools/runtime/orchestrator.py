"""Approval + sandbox orchestration for one command (spec-platform §5.3, matrix §5.6).

Decide (allow / ask / forbid) from the approval policy, the sandbox policy, command safety and an
escalation request; ask through the turn's ApprovalGate when needed; run the first attempt in the
sandbox unless escalation was approved or the policy is full access; and under `on-failure` /
`untrusted` offer one retry without the sandbox when the failure looks like a sandbox denial.
The command itself is run by the caller's `attempt` callback. Never runs anything unsandboxed
without either a full-access policy or the user's approval.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from codex.protocol.config_types import AskForApproval
from codex.tools.runtime.context import ReviewDecision, ToolContext, TurnAbortedByUser
from codex.tools.runtime.sandboxing import PolicyView, view

T = TypeVar("T")

RETRY_WITHOUT_SANDBOX_REASON = "command failed; retry without sandbox?"
REJECTED_BY_USER = "exec command rejected by user"
_POLICY_DEBUG_NAMES = {
    AskForApproval.NEVER: "Never",
    AskForApproval.ON_FAILURE: "OnFailure",
    AskForApproval.UNTRUSTED: "UnlessTrusted",
    AskForApproval.ON_REQUEST: "OnRequest",
}


class Decision:
    ALLOW = "allow"
    PROMPT = "prompt"
    FORBIDDEN = "forbidden"


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


def is_known_safe(argv: Sequence[str]) -> bool:
    try:
        from codex.sandbox import is_known_safe_command  # type: ignore[attr-defined]
    except ImportError:
        from codex.tools.runtime._safety_fallback import is_known_safe_command
    return bool(is_known_safe_command(list(argv)))


def might_be_dangerous(argv: Sequence[str]) -> bool:
    try:
        from codex.sandbox import command_might_be_dangerous  # type: ignore[attr-defined]
    except ImportError:
        from codex.tools.runtime._safety_fallback import command_might_be_dangerous
    return bool(command_might_be_dangerous(list(argv)))


def decide(
    approval: AskForApproval, policy: PolicyView, argv: Sequence[str], escalated: bool
) -> str:
    """The heuristic for a command no execpolicy rule matched (spec-platform §5.3 step 2)."""
    if not escalated and is_known_safe(argv):
        return Decision.ALLOW
    if might_be_dangerous(argv):
        return Decision.FORBIDDEN if approval == AskForApproval.NEVER else Decision.PROMPT
    if approval in (AskForApproval.NEVER, AskForApproval.ON_FAILURE):
        return Decision.ALLOW
    if approval == AskForApproval.UNTRUSTED:
        return Decision.PROMPT
    if policy.full_write:
        return Decision.ALLOW
    return Decision.PROMPT if escalated else Decision.ALLOW


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
) -> Outcome[T]:
    """Decide, maybe ask, run (sandboxed unless approved otherwise), maybe retry unsandboxed."""
    approval = AskForApproval(ctx.approval_policy)
    if escalated and approval != AskForApproval.ON_REQUEST:
        return Outcome(rejection=escalation_rejection(approval, unified=unified))
    policy = view(ctx.sandbox_policy, ctx.cwd)
    cache_key = (tuple(argv), str(cwd), escalated)
    decision = decide(approval, policy, argv, escalated)
    if decision == Decision.FORBIDDEN:
        return Outcome(rejection=f"`{' '.join(argv)}` rejected: blocked by policy")
    approved_by_user = False
    if decision == Decision.PROMPT and not ctx.gate.approved_for_session(cache_key):
        answer = await ctx.gate.request_exec(
            call_id=call_id,
            turn_id=ctx.turn_id,
            command=argv,
            cwd=cwd,
            reason=justification,
            cache_key=cache_key,
        )
        if answer == ReviewDecision.ABORT:
            raise TurnAbortedByUser
        if not ReviewDecision.is_approval(answer):
            return Outcome(rejection=REJECTED_BY_USER)
        approved_by_user = True
    elif decision == Decision.PROMPT:
        approved_by_user = True

    sandboxed = policy.needs_platform_sandbox() and not (escalated and approved_by_user)
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
        if not ReviewDecision.is_approval(answer):
            return Outcome(value=first.value, sandboxed=True)
    second = await attempt(False)
    return Outcome(value=second.value, sandboxed=False)
