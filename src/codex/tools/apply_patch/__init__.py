"""The `apply_patch` tool: parse the `*** Begin Patch` format, plan every change (checking each
path against the caller's writable roots) before touching disk, then apply all or nothing.

    plan = plan_patch(patch_text, cwd, is_writable)     # reads files, writes nothing
    if plan.unwritable: ...ask the user or reject...
    text = apply_plan(plan, allow_unwritable=approved)  # "Success. Updated the following ..."

Shell interception: `maybe_parse_apply_patch(argv)` recognises `apply_patch` run via a shell tool.
"""

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
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

# Lazy: the spec needs only the grammar; the parser and planner load with the first patch.
__getattr__ = lazy_exports(
    globals(),
    {
        "apply_patch_text": "codex.tools.apply_patch.api",
        "plan_invocation": "codex.tools.apply_patch.api",
        "plan_patch": "codex.tools.apply_patch.api",
        "protocol_changes": "codex.tools.apply_patch.api",
        "PatchRejected": "codex.tools.apply_patch.applier",
        "apply_plan": "codex.tools.apply_patch.applier",
        "APPLY_PATCH_LARK_GRAMMAR": "codex.tools.apply_patch.grammar",
        "IMPLICIT_INVOCATION_MESSAGE": "codex.tools.apply_patch.invocation",
        "ApplyPatchInvocation": "codex.tools.apply_patch.invocation",
        "InvocationError": "codex.tools.apply_patch.invocation",
        "NotApplyPatch": "codex.tools.apply_patch.invocation",
        "maybe_parse_apply_patch": "codex.tools.apply_patch.invocation",
        "ParsedPatch": "codex.tools.apply_patch.parser",
        "ParseError": "codex.tools.apply_patch.parser",
        "parse_patch": "codex.tools.apply_patch.parser",
        "ApplyPatchError": "codex.tools.apply_patch.planner",
        "ChangeKind": "codex.tools.apply_patch.planner",
        "FileChange": "codex.tools.apply_patch.planner",
        "PatchPlan": "codex.tools.apply_patch.planner",
        "plan_hunks": "codex.tools.apply_patch.planner",
    },
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
