"""Line diffs as unified hunks that `git apply` accepts: the engine behind turn diffs.

`unified_hunks(old, new)` returns only the `@@` hunks (3 lines of context by default, git's hunk
merging, "\\ No newline at end of file" markers); callers add the `diff --git`/`---`/`+++`
headers. Myers' algorithm in linear space with a step budget: past it, the remaining regions are
reported whole (removed + added) and their hunk headers say so after the second "@@".
"""

from __future__ import annotations

from dataclasses import dataclass

from codex._native import load_extension


@dataclass(frozen=True, slots=True)
class DiffResult:
    hunks: bytes
    coarse: bool  # True when the budget ran out and part of the diff is not minimal


def diff_lines(old: bytes, new: bytes, *, context: int = 3, budget: int = 0) -> DiffResult:
    """Diff two byte strings line by line. `budget` <= 0 picks a default proportional to size."""
    if context < 0:
        raise ValueError("context must be >= 0")
    ext = load_extension("diff")
    if ext is None:
        from codex._native._py.diff import unified_hunks as py_hunks

        hunks, coarse = py_hunks(old, new, context, budget)
        return DiffResult(hunks, coarse)
    out = ext.ffi.new("codex_diff_result *")
    rc = ext.lib.codex_diff_unified(old, len(old), new, len(new), context, budget, out)
    if rc != 0:
        if rc == -12:
            raise MemoryError("diff: out of memory")
        raise OSError(-rc, "diff failed")
    try:
        data = bytes(ext.ffi.buffer(out.data, out.len)) if out.len else b""
    finally:
        ext.lib.codex_diff_free(out)
    return DiffResult(data, bool(out.coarse))


def unified_hunks(old: bytes, new: bytes, context: int = 3) -> bytes:
    return diff_lines(old, new, context=context).hunks


def ext_loaded() -> bool:
    return load_extension("diff") is not None
