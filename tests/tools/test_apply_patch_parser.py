"""The patch parser: accepted shapes and upstream's exact error texts."""

from __future__ import annotations

import pytest

from codex.tools.apply_patch import ParseError, parse_patch
from codex.tools.apply_patch.parser import AddFile, DeleteFile, UpdateChunk, UpdateFile

HEADERS = "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'"

ERRORS = [
    ("bad", "invalid patch: The first line of the patch must be '*** Begin Patch'"),
    ("", "invalid patch: The first line of the patch must be '*** Begin Patch'"),
    ("*** Begin Patch\nbad", "invalid patch: The last line of the patch must be '*** End Patch'"),
    (
        "*** Begin Patch\n*** Update File: test.py\n*** End Patch",
        "invalid hunk at line 2, Update file hunk for path 'test.py' is empty",
    ),
    (
        "*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch",
        "invalid hunk at line 2, '*** Frobnicate File: foo' is not a valid hunk header. "
        f"Valid hunk headers: {HEADERS}",
    ),
    (
        "*** Begin Patch\n*** Update File: a\n@@\nxyz\n*** End Patch",
        "invalid hunk at line 4, Unexpected line found in update hunk: 'xyz'. Every line should "
        "start with ' ' (context line), '+' (added line), or '-' (removed line)",
    ),
    (
        "*** Begin Patch\n*** Update File: a\n@@\n-x\n+y\nxyz\n*** End Patch",
        "invalid hunk at line 6, "
        "Expected update hunk to start with a @@ context marker, got: 'xyz'",
    ),
    (
        "*** Begin Patch\n*** Add File: a\n+x\n*** Update File: b\n@@\n*** End of File\n"
        "*** End Patch",
        "invalid hunk at line 6, Update hunk does not contain any lines",
    ),
]


@pytest.mark.parametrize(("patch", "message"), ERRORS)
def test_parse_errors_use_upstream_wording(patch: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_patch(patch)
    assert str(info.value) == message


def test_all_hunk_kinds() -> None:
    parsed = parse_patch(
        "*** Begin Patch\n"
        "*** Add File: path/add.py\n+abc\n+def\n"
        "*** Delete File: path/delete.py\n"
        "*** Update File: path/update.py\n*** Move to: path/update2.py\n"
        "@@ def f():\n-    pass\n+    return 123\n"
        "*** End Patch"
    )
    assert parsed.hunks == [
        AddFile("path/add.py", "abc\ndef\n"),
        DeleteFile("path/delete.py"),
        UpdateFile(
            "path/update.py",
            "path/update2.py",
            [UpdateChunk("def f():", ["    pass"], ["    return 123"])],
        ),
    ]


def test_first_chunk_may_omit_the_marker_and_blank_lines_are_context() -> None:
    parsed = parse_patch("*** Begin Patch\n*** Update File: f\n import foo\n\n+bar\n*** End Patch")
    assert parsed.hunks[0].chunks == [
        UpdateChunk(None, ["import foo", ""], ["import foo", "", "bar"])
    ]


def test_end_of_file_marker_and_multiple_chunks() -> None:
    parsed = parse_patch(
        "*** Begin Patch\n*** Update File: f\n@@ a\n-1\n+2\n\n@@\n-x\n+y\n*** End of File\n"
        "*** End Patch\n"
    )
    chunks = parsed.hunks[0].chunks
    assert [c.change_context for c in chunks] == ["a", None]
    assert [c.is_end_of_file for c in chunks] == [False, True]


def test_padded_markers_crlf_and_heredoc_wrapper_are_tolerated() -> None:
    padded = parse_patch("  *** Begin Patch \r\n  *** Add File: foo  \r\n+hi\r\n *** End Patch  \n")
    assert padded.hunks == [AddFile("foo", "hi\n")]
    wrapped = parse_patch("<<'EOF'\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nEOF\n")
    assert wrapped.hunks == [DeleteFile("x")]
    assert wrapped.patch == "*** Begin Patch\n*** Delete File: x\n*** End Patch"


def test_empty_patch_parses_to_no_hunks() -> None:
    assert parse_patch("*** Begin Patch\n*** End Patch").hunks == []
