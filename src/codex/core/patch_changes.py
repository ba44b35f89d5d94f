"""The file changes an `apply_patch` input makes, as the thread views list them (app-server
`fileChange` items, rebuilt from a rollout): sorted by path, paths absolute, an update's diff
built from the patch's own chunks. Front-end neutral, so it lives in core."""

from __future__ import annotations

import difflib
import os
from typing import Any

__all__ = ["patch_changes"]


def _abs(cwd: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(cwd, path)


def _chunk_diff(old: list[str], new: list[str]) -> str:
    lines = list(difflib.unified_diff(old, new, lineterm="", n=max(len(old), len(new))))
    return "".join(line + "\n" for line in lines[2:])  # without the ---/+++ header


def patch_changes(patch: str, cwd: str) -> list[dict[str, Any]]:
    """The `changes` of a fileChange item for an apply_patch input, sorted by path (as the
    official server lists them). An update's diff is built from the patch's own chunks."""
    from codex.tools.apply_patch.parser import (
        AddFile,
        DeleteFile,
        ParseError,
        UpdateFile,
        parse_patch,
    )

    try:
        parsed = parse_patch(patch)
    except ParseError:
        return []
    changes = []
    for hunk in parsed.hunks:
        if isinstance(hunk, AddFile):
            kind: dict[str, Any] = {"type": "add"}
            diff = hunk.contents
        elif isinstance(hunk, DeleteFile):
            kind = {"type": "delete"}
            diff = ""
        elif isinstance(hunk, UpdateFile):
            move = _abs(cwd, hunk.move_path) if hunk.move_path else None
            kind = {"type": "update", "move_path": move}
            diff = "".join(_chunk_diff(c.old_lines, c.new_lines) for c in hunk.chunks)
        else:
            continue
        changes.append({"path": _abs(cwd, hunk.path), "kind": kind, "diff": diff})
    changes.sort(key=lambda change: str(change["path"]))
    return changes
