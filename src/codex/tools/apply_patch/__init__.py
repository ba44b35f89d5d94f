"""The `apply_patch` tool: parse the `*** Begin Patch` format, plan every change (checking each
path against the caller's writable roots) before touching disk, then apply all or nothing.

    plan = plan_patch(patch_text, cwd, is_writable)     # reads files, writes nothing
    if plan.unwritable: ...ask the user or reject...
    text = apply_plan(plan, allow_unwritable=approved)  # "Success. Updated the following ..."

Shell interception: `maybe_parse_apply_patch(argv)` recognises `apply_patch` run via a shell tool.
"""

from codex.tools.apply_patch.api import (
    apply_patch_text,
    plan_invocation,
    plan_patch,
    protocol_changes,
)
from codex.tools.apply_patch.applier import PatchRejected, apply_plan
from codex.tools.apply_patch.grammar import APPLY_PATCH_LARK_GRAMMAR
from codex.tools.apply_patch.invocation import (
    IMPLICIT_INVOCATION_MESSAGE,
    ApplyPatchInvocation,
    InvocationError,
    NotApplyPatch,
    maybe_parse_apply_patch,
)
from codex.tools.apply_patch.parser import ParsedPatch, ParseError, parse_patch
from codex.tools.apply_patch.planner import (
    ApplyPatchError,
    ChangeKind,
    FileChange,
    PatchPlan,
    plan_hunks,
)

__all__ = [
    "APPLY_PATCH_LARK_GRAMMAR",
    "IMPLICIT_INVOCATION_MESSAGE",
    "ApplyPatchError",
    "ApplyPatchInvocation",
    "ChangeKind",
    "FileChange",
    "InvocationError",
    "NotApplyPatch",
    "ParseError",
    "ParsedPatch",
    "PatchPlan",
    "PatchRejected",
    "apply_patch_text",
    "apply_plan",
    "maybe_parse_apply_patch",
    "parse_patch",
    "plan_hunks",
    "plan_invocation",
    "plan_patch",
    "protocol_changes",
]
