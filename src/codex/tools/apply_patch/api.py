"""One-call entry points: patch text in, plan or applied result out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from codex.protocol.events import FileAdd, FileDelete, FileUpdate
from codex.tools.apply_patch.applier import apply_plan
from codex.tools.apply_patch.invocation import ApplyPatchInvocation
from codex.tools.apply_patch.parser import parse_patch
from codex.tools.apply_patch.planner import ChangeKind, PatchPlan, plan_hunks

__all__ = ["apply_patch_text", "plan_invocation", "plan_patch", "protocol_changes"]


def plan_patch(
    patch: str, cwd: Path | str, is_writable: Callable[[Path], bool] | None = None
) -> PatchPlan:
    """Parse and plan `patch` against the files under `cwd`; writes nothing.

    Raises ParseError or ApplyPatchError (messages as upstream's). Paths refused by
    `is_writable` are listed in `plan.unwritable` for the caller's approval decision."""
    return plan_hunks(parse_patch(patch).hunks, Path(cwd), is_writable)


def plan_invocation(
    invocation: ApplyPatchInvocation,
    cwd: Path | str,
    is_writable: Callable[[Path], bool] | None = None,
) -> PatchPlan:
    """Plan a patch recognised in a shell command; a `cd <dir> &&` prefix moves the base
    directory (relative to `cwd`), as it would have in the shell."""
    base = Path(cwd)
    if invocation.workdir:
        base = base / invocation.workdir
    return plan_hunks(invocation.parsed.hunks, base, is_writable)


def apply_patch_text(
    patch: str, cwd: Path | str, is_writable: Callable[[Path], bool] | None = None
) -> str:
    """Plan then apply all-or-nothing; returns the `Success. Updated the following files:` text."""
    return apply_plan(plan_patch(patch, cwd, is_writable))


def protocol_changes(plan: PatchPlan) -> dict[str, FileAdd | FileDelete | FileUpdate]:
    """The `changes` map of patch events (approval request, apply begin/end, FileChange items):
    absolute path → add{content} / delete{content} / update{unified_diff, move_path}."""
    out: dict[str, FileAdd | FileDelete | FileUpdate] = {}
    for ch in plan.changes:
        if ch.kind is ChangeKind.ADD:
            out[str(ch.path)] = FileAdd(ch.new_content or "")
        elif ch.kind is ChangeKind.DELETE:
            out[str(ch.path)] = FileDelete(ch.original_content or "")
        else:
            move = str(ch.move_path) if ch.move_path is not None else None
            out[str(ch.path)] = FileUpdate(ch.unified_diff, move)
    return out
