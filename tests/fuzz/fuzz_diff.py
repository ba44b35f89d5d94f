"""Line diff: csrc/diff.c (through its cffi binding) against the twin codex._native._py.diff.

Input: byte 0 is the context (mod 5), byte 1 the step budget (0: the default, else 3 * byte,
small enough to force the coarse path), the rest is the old text, a NUL byte, the new text (no
NUL: the new text is empty). Properties: C and twin give the same bytes and the same `coarse`
flag; applying the hunks to the old text with the strict applier gives exactly the new text
(coarse or not); no hunks if and only if the texts are equal; with the default budget these
small inputs never go coarse.
"""

from __future__ import annotations

from tests.fuzz._support import PropertyBroken, check
from tests.fuzz.unified import HunkError, apply_hunks

from codex._native._py.diff import unified_hunks as twin_hunks
from codex._native.diff import diff_lines, ext_loaded

if not ext_loaded():
    raise ImportError("codex._native._diff not loaded (not built, or CODEX_PY_NATIVE=0)")


def one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    context = data[0] % 5
    budget = data[1] * 3
    old, _, new = data[2:].partition(b"\0")
    c = diff_lines(old, new, context=context, budget=budget)
    twin, twin_coarse = twin_hunks(old, new, context, budget)
    check(c.hunks == twin, f"C and twin hunks differ:\n{c.hunks!r}\n{twin!r}")
    check(c.coarse == twin_coarse, "C and twin disagree on coarse")
    check((c.hunks == b"") == (old == new), "empty diff iff equal texts")
    if budget == 0:
        check(not c.coarse, "a small input went coarse with the default budget")
    try:
        rebuilt = apply_hunks(old, c.hunks)
    except HunkError as err:
        raise PropertyBroken(f"hunks do not apply: {err}\n{c.hunks!r}") from None
    check(rebuilt == new, f"applied hunks give {rebuilt!r}, not the new text {new!r}")
