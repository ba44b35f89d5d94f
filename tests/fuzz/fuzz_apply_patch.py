"""The apply_patch parser (codex.tools.apply_patch): patch text in, hunks out, then the hunks
applied in memory to a file the fuzzer also writes.

Input: the patch text, a NUL byte, the file's original text (both UTF-8; undecodable bytes
become lone surrogates, as a JSON string from a model may carry). Properties: `parse_patch`
raises only ParseError; re-parsing the patch it returns gives the same hunks (for patches
without CRs); an update's chunks applied to the file raise only ApplyPatchError and give text
that is empty or ends in a line break; recognising the patch as a shell command
(`["apply_patch", patch]`, a `bash -lc` script, a heredoc) raises only InvocationError.
"""

from __future__ import annotations

import contextlib

from tests.fuzz._support import check

from codex.tools.apply_patch.invocation import (
    InvocationError,
    extract_heredoc,
    maybe_parse_apply_patch,
)
from codex.tools.apply_patch.parser import ParseError, UpdateFile, parse_patch
from codex.tools.apply_patch.planner import ApplyPatchError, apply_chunks


def _classify(argv: list[str]) -> None:
    with contextlib.suppress(InvocationError):
        maybe_parse_apply_patch(argv)


def one_input(data: bytes) -> None:
    patch_bytes, _, original_bytes = data.partition(b"\0")
    patch = patch_bytes.decode("utf-8", "surrogateescape")
    original = original_bytes.decode("utf-8", "surrogateescape")
    _classify(["apply_patch", patch])
    _classify(["bash", "-lc", patch])
    _classify(["bash", "-lc", f"apply_patch <<'EOF'\n{patch}\nEOF\n"])
    extract_heredoc(patch)
    try:
        parsed = parse_patch(patch)
    except ParseError:
        return
    if "\r" not in parsed.patch:
        # Not with CRs: like upstream's `lines()`, parsing drops one CR per line end, so a line
        # ending in "\r\r\n" keeps a CR that the next parse would drop (the fuzzer's first
        # find, upstream's behaviour too, not a bug).
        again = parse_patch(parsed.patch)
        check(again.hunks == parsed.hunks, "re-parsing the parsed patch changed its hunks")
    for hunk in parsed.hunks:
        if not isinstance(hunk, UpdateFile):
            continue
        try:
            new = apply_chunks(original, hunk.path, hunk.chunks)
        except ApplyPatchError:
            continue
        check(new == "" or new.endswith("\n"), f"applied text does not end a line: {new!r}")
