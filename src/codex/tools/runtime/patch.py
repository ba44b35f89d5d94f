"""The `apply_patch` handler: plan → safety decision (maybe ask) → apply all-or-nothing → patch
events and the turn diff (spec-core §2.3, spec-platform §5.5).

Reached three ways: the freeform custom tool, the JSON function tool, and a shell tool whose
command is an apply_patch invocation. Nothing is written before the whole patch has been planned
against the files and every touched path checked against the writable roots; a path outside them
needs the user's approval (or is refused under `never`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from codex.protocol.config_types import AskForApproval
from codex.protocol.events import PatchApplyBegin, PatchApplyEnd
from codex.protocol.ops import ReviewDecision
from codex.tools.apply_patch.api import protocol_changes
from codex.tools.apply_patch.applier import apply_plan
from codex.tools.apply_patch.parser import ParsedPatch, ParseError, parse_patch
from codex.tools.apply_patch.planner import ApplyPatchError, plan_hunks
from codex.tools.output import (
    apply_patch_verification_failed,
    format_freeform_exec_output,
    format_structured_exec_output,
)
from codex.tools.runtime.args import parse_arguments
from codex.tools.runtime.context import (
    ToolCall,
    ToolContext,
    ToolResult,
    TurnAbortedByUser,
    is_approval,
)
from codex.tools.runtime.sandboxing import writable_paths

PATCH_REJECTED_BY_USER = "patch rejected by user"
OUTSIDE_PROJECT = (
    "patch rejected: writing outside of the project; rejected by user approval settings"
)
READ_ONLY_BLOCKED = (
    "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings"
)
EMPTY_PATCH = "patch rejected: empty patch"


async def handle_apply_patch_custom(ctx: ToolContext, call: ToolCall, _i: object) -> ToolResult:
    return await apply_patch(ctx, call, call.payload, ctx.cwd)


async def handle_apply_patch_function(ctx: ToolContext, call: ToolCall, _i: object) -> ToolResult:
    data = parse_arguments(call.payload, ("input",))
    return await apply_patch(ctx, call, str(data["input"]), ctx.cwd)


async def apply_patch(
    ctx: ToolContext, call: ToolCall, patch: str | ParsedPatch, cwd: Path
) -> ToolResult:
    """Run one patch end to end; returns the text the model reads."""
    started = time.monotonic()
    writable = writable_paths(ctx.sandbox_policy, ctx.cwd)

    # The approval decision looks at the paths as the patch names them (lexically, like the
    # official CLI: a link inside the workspace counts as inside). Where a link really leads is
    # the sandbox's business: `can_write` below, checked on real paths at write time.
    def is_writable(path: Path) -> bool:
        absolute = path if path.is_absolute() else cwd / path
        return writable.allows(Path(os.path.normpath(absolute)))

    try:
        parsed = parse_patch(patch) if isinstance(patch, str) else patch
        plan = plan_hunks(parsed.hunks, cwd, is_writable)
    except ParseError as exc:
        return ToolResult(apply_patch_verification_failed(str(exc)), success=False)
    except ApplyPatchError as exc:
        return ToolResult(apply_patch_verification_failed(exc.verification), success=False)
    if not plan.changes:
        return ToolResult(EMPTY_PATCH, success=False)

    changes = protocol_changes(plan)
    approval = AskForApproval(ctx.approval_policy)
    keys: list[object] = [("patch", str(p)) for p in plan.touched_paths()]
    confined = not plan.unwritable
    ask = False
    reason: str | None = None
    if approval == AskForApproval.UNTRUSTED:
        ask = True
    elif confined:
        ask = False
    elif approval == AskForApproval.NEVER:
        return ToolResult(
            READ_ONLY_BLOCKED if ctx.sandbox_policy.type == "read-only" else OUTSIDE_PROJECT,
            success=False,
            ran=False,  # rejected before it ran: no PostToolUse hook (as 0.169)
        )
    else:
        ask = True
        if approval == AskForApproval.ON_FAILURE:
            reason = "command failed; retry without sandbox?"
    user_approved = False
    if ask:
        decision = await ctx.gate.request_patch(
            call_id=call.call_id,
            turn_id=ctx.turn_id,
            changes=changes,
            reason=reason,
            cache_keys=keys,
        )
        if decision == ReviewDecision.ABORT:
            raise TurnAbortedByUser
        if not is_approval(decision):
            return ToolResult(PATCH_REJECTED_BY_USER, success=False, ran=False)
        user_approved = True

    ctx.emit(PatchApplyBegin(call.call_id, ctx.turn_id, not user_approved, changes))
    tracker = ctx.diff_tracker
    if tracker is not None:
        tracker.on_patch_begin(changes)
    # Unsandboxed only when the user approved writing outside the writable roots; otherwise every
    # real write location (links resolved) must be writable, as the official sandbox enforces.
    unsandboxed = writable.everything or (user_approved and bool(plan.unwritable))
    can_write = None if unsandboxed else writable.allows
    try:
        stdout = apply_plan(plan, allow_unwritable=user_approved, can_write=can_write)
        stderr, exit_code = "", 0
    except (ApplyPatchError, OSError) as exc:
        # The official CLI runs the patch as a program: its stderr line ends with a newline.
        stdout, stderr, exit_code = "", f"{exc}\n", 1
    ctx.emit(
        PatchApplyEnd(
            call.call_id,
            ctx.turn_id,
            stdout,
            stderr,
            exit_code == 0,
            changes,
            status="completed" if exit_code == 0 else "failed",
        )
    )
    if ctx.on_patch_applied is not None:
        ctx.on_patch_applied()
    output = stdout if exit_code == 0 else stderr
    seconds = time.monotonic() - started
    if call.kind == "custom" or ctx.freeform_apply_patch:
        text = format_freeform_exec_output(
            output, exit_code=exit_code, duration_seconds=seconds, policy=ctx.truncation
        )
    else:
        text = format_structured_exec_output(
            output, exit_code=exit_code, duration_seconds=seconds, policy=ctx.truncation
        )
    return ToolResult(text, success=exit_code == 0)
