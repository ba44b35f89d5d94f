"""A strict applier of the unified hunks codex._native.diff emits: the diff round-trip oracle.

Stricter than `patch`/`git apply` on purpose: no fuzz, no offsets. Every hunk must sit exactly
where its header says, in order, with the counts its header gives, and every context or removed
line must equal the old text byte for byte. So "apply(old, diff(old, new)) == new" proves the
hunks right, not merely acceptable to a tolerant tool.
"""

from __future__ import annotations

import re

__all__ = ["HunkError", "apply_hunks"]

_HEADER = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_NEWLINE = b"\\ No newline at end of file\n"


class HunkError(ValueError):
    """The hunks are malformed or do not fit the old text."""


def _lines(buf: bytes) -> list[bytes]:
    out = [line + b"\n" for line in buf.split(b"\n")]
    out[-1] = out[-1][:-1]
    return out if out[-1] else out[:-1]


def _start(start: int, count: int) -> int:
    # "-5,0" means "after line 5" (0-based index 5); "-5,2" starts at line 5 (index 4).
    return start if count == 0 else start - 1


def apply_hunks(old: bytes, hunks: bytes) -> bytes:
    """The new text, or HunkError."""
    old_lines = _lines(old)
    rows = _lines(hunks)
    if rows and not rows[-1].endswith(b"\n"):
        raise HunkError("the hunks do not end in a newline")
    out: list[bytes] = []
    cursor = 0  # next old line to copy
    i = 0
    last_new_end = 0
    while i < len(rows):
        m = _HEADER.match(rows[i])
        if m is None:
            raise HunkError(f"expected a hunk header, got {rows[i]!r}")
        a_count = 1 if m[2] is None else int(m[2])
        b_count = 1 if m[4] is None else int(m[4])
        a_at, b_at = _start(int(m[1]), a_count), _start(int(m[3]), b_count)
        if a_at < cursor or a_at > len(old_lines):
            raise HunkError(f"hunk at old line {a_at} overlaps or is out of order")
        out.extend(old_lines[cursor:a_at])
        if len(out) != b_at or b_at < last_new_end:
            raise HunkError(f"hunk says new line {b_at}, the text so far has {len(out)}")
        cursor = a_at
        seen_a = seen_b = 0
        i += 1
        while i < len(rows) and rows[i][:1] in (b" ", b"-", b"+"):
            mark, text = rows[i][:1], rows[i][1:]
            i += 1
            if i < len(rows) and rows[i] == _NO_NEWLINE:
                text = text[:-1]
                i += 1
            if mark in (b" ", b"-"):
                if cursor >= len(old_lines) or old_lines[cursor] != text:
                    raise HunkError(f"old line {cursor} is not {text!r}")
                cursor += 1
                seen_a += 1
            if mark in (b" ", b"+"):
                out.append(text)
                seen_b += 1
        if (seen_a, seen_b) != (a_count, b_count):
            raise HunkError(f"header counts {a_count},{b_count}, body {seen_a},{seen_b}")
        last_new_end = len(out)
    out.extend(old_lines[cursor:])
    return b"".join(out)
