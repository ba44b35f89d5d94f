"""One-call entry points: patch text in, plan or applied result out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from codex.tools.apply_patch.applier import apply_plan
from codex.tools.apply_patch.parser import parse_patch
from codex.tools.apply_patch.planner import PatchPlan, plan_hunks

__all__ = ["apply_patch_text", "plan_patch"]


def plan_patch(
    patch: str, cwd: Path | str, is_writable: Callable[[Path], bool] | None = None
) -> PatchPlan:
    """Parse and plan `patch` against the files under `cwd`; writes nothing.

    Raises ParseError or ApplyPatchError (messages as upstream's). Paths refused by
    `is_writable` are listed in `plan.unwritable` for the caller's approval decision."""
    return plan_hunks(parse_patch(patch).hunks, Path(cwd), is_writable)


def apply_patch_text(
    patch: str, cwd: Path | str, is_writable: Callable[[Path], bool] | None = None
) -> str:
    """Plan then apply all-or-nothing; returns the `Success. Updated the following files:` text."""
    return apply_plan(plan_patch(patch, cwd, is_writable))
