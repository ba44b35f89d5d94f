"""Planning and applying patches on real files in tmp_path (upstream's scenarios, our words)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from codex.tools.apply_patch import (
    ApplyPatchError,
    ChangeKind,
    PatchRejected,
    apply_patch_text,
    apply_plan,
    plan_patch,
    protocol_changes,
)


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_bytes().decode("utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def patch(*body: str) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"]) + "\n"


# (name, files before, patch, files after, success message)
APPLY = [
    (
        "add file in new directory",
        {},
        patch("*** Add File: nested/new.txt", "+created", "+"),
        {"nested/new.txt": "created\n\n"},
        "A nested/new.txt\n",
    ),
    (
        "multiple operations",
        {"delete.txt": "obsolete\n", "modify.txt": "line1\nline2\n"},
        patch(
            "*** Add File: nested/new.txt",
            "+created",
            "*** Delete File: delete.txt",
            "*** Update File: modify.txt",
            "@@",
            "-line2",
            "+changed",
        ),
        {"modify.txt": "line1\nchanged\n", "nested/new.txt": "created\n"},
        "A nested/new.txt\nM modify.txt\nD delete.txt\n",
    ),
    (
        "multiple chunks",
        {"multi.txt": "line1\nline2\nline3\nline4\n"},
        patch(
            "*** Update File: multi.txt", "@@", "-line2", "+changed2", "@@", "-line4", "+changed4"
        ),
        {"multi.txt": "line1\nchanged2\nline3\nchanged4\n"},
        "M multi.txt\n",
    ),
    (
        "move to a new directory",
        {"old/name.txt": "old content\n", "old/other.txt": "unrelated\n"},
        patch(
            "*** Update File: old/name.txt",
            "*** Move to: renamed/dir/name.txt",
            "@@",
            "-old content",
            "+new content",
        ),
        {"old/other.txt": "unrelated\n", "renamed/dir/name.txt": "new content\n"},
        "M renamed/dir/name.txt\n",
    ),
    (
        "move overwrites an existing destination",
        {"a.txt": "from a\n", "b.txt": "old b\n"},
        patch("*** Update File: a.txt", "*** Move to: b.txt", "@@", "-from a", "+moved"),
        {"b.txt": "moved\n"},
        "M b.txt\n",
    ),
    (
        "add overwrites an existing file",
        {"duplicate.txt": "old content\n"},
        patch("*** Add File: duplicate.txt", "+new content"),
        {"duplicate.txt": "new content\n"},
        "A duplicate.txt\n",
    ),
    (
        "update appends the missing trailing newline",
        {"no_newline.txt": "no newline at end"},
        patch(
            "*** Update File: no_newline.txt",
            "@@",
            "-no newline at end",
            "+first line",
            "+second line",
        ),
        {"no_newline.txt": "first line\nsecond line\n"},
        "M no_newline.txt\n",
    ),
    (
        "pure addition chunk appends at the end",
        {"input.txt": "line1\nline2\n"},
        patch("*** Update File: input.txt", "@@", "+added line 1", "+added line 2"),
        {"input.txt": "line1\nline2\nadded line 1\nadded line 2\n"},
        "M input.txt\n",
    ),
    (
        "deletion-only chunk",
        {"lines.txt": "line1\nline2\nline3\n"},
        patch("*** Update File: lines.txt", "@@", " line1", "-line2", " line3"),
        {"lines.txt": "line1\nline3\n"},
        "M lines.txt\n",
    ),
    (
        "end-of-file marker picks the last occurrence",
        {"tail.txt": "x\nend\nx\nend\n"},
        patch("*** Update File: tail.txt", "@@", "-end", "+END", "*** End of File"),
        {"tail.txt": "x\nend\nx\nEND\n"},
        "M tail.txt\n",
    ),
    (
        "context header narrows the search",
        {"f.py": "def a():\n    return 1\n\ndef b():\n    return 1\n"},
        patch("*** Update File: f.py", "@@ def b():", "-    return 1", "+    return 2"),
        {"f.py": "def a():\n    return 1\n\ndef b():\n    return 2\n"},
        "M f.py\n",
    ),
    (
        "fuzzy: trailing whitespace in the file",
        {"f.txt": "alpha   \nbeta\t\n"},
        patch("*** Update File: f.txt", "@@", "-alpha", " beta", "+ALPHA"),
        {"f.txt": "beta\t\nALPHA\n"},  # context lines keep the file's own text
        "M f.txt\n",
    ),
    (
        "context lines keep the file's whitespace",
        {"f.txt": "A  \nB\nC  \n"},
        patch("*** Update File: f.txt", "@@", " A", "-B", "+X", " C"),
        {"f.txt": "A  \nX\nC  \n"},
        "M f.txt\n",
    ),
    (
        "context moved past an added line keeps its text",
        {"f.txt": "a\nb  \nc\n"},
        patch("*** Update File: f.txt", "@@", "-a", " b", "+a2", " c"),
        {"f.txt": "b  \na2\nc\n"},
        "M f.txt\n",
    ),
    (
        "fuzzy: leading whitespace differs",
        {"f.txt": "    indented\nnext\n"},
        patch("*** Update File: f.txt", "@@", "-indented", "+replaced"),
        {"f.txt": "replaced\nnext\n"},
        "M f.txt\n",
    ),
    (
        "fuzzy: unicode punctuation in the file",
        {"f.txt": "say \u201chello\u201d \u2014 it\u2019s\u00a0fine\nend\n"},
        patch("*** Update File: f.txt", "@@", '-say "hello" - it\'s fine', "+ok"),
        {"f.txt": "ok\nend\n"},
        "M f.txt\n",
    ),
    (
        "unicode content round-trips",
        {"foo.txt": "héllo wörld\nçava\n"},
        patch("*** Update File: foo.txt", "@@", "-çava", "+ça va ✓"),
        {"foo.txt": "héllo wörld\nça va ✓\n"},
        "M foo.txt\n",
    ),
    (
        "add then update the same file in one patch",
        {},
        patch("*** Add File: x.txt", "+one", "*** Update File: x.txt", "@@", "-one", "+two"),
        {"x.txt": "two\n"},
        "A x.txt\nM x.txt\n",
    ),
    (
        "CRLF file: added lines take CRLF, untouched lines keep theirs",
        {"f.txt": "a\r\nb\n"},
        patch("*** Update File: f.txt", "@@", "-a", "+c"),
        {"f.txt": "c\r\nb\n"},
        "M f.txt\n",
    ),
    (
        "CRLF file without final newline gains CRLF",
        {"f.txt": "a\r\nb"},
        patch("*** Update File: f.txt", "@@", "+z"),
        {"f.txt": "a\r\nb\r\nz\r\n"},
        "M f.txt\n",
    ),
    (
        "deleting every line leaves an empty file",
        {"f.txt": "a\n"},
        patch("*** Update File: f.txt", "@@", "-a"),
        {"f.txt": ""},
        "M f.txt\n",
    ),
    (
        "pure addition goes after a trailing blank line",
        {"f.txt": "a\n\n"},
        patch("*** Update File: f.txt", "@@", "+x"),
        {"f.txt": "a\n\nx\n"},
        "M f.txt\n",
    ),
    (
        # Official 0.169 output: the end-of-file chunk may not re-match the blank line the first
        # chunk consumed, so its retry (without the trailing empty line) inserts after it.
        "end-of-file chunk after a chunk that consumed the last line",
        {"f.txt": "alpha\n\n"},
        patch("*** Update File: f.txt", "@@", " ", "@@", "-", "+alpha", "*** End of File"),
        {"f.txt": "alpha\n\nalpha\n"},
        "M f.txt\n",
    ),
    (
        "end-of-file chunk still matches the file's last lines",
        {"f.txt": "a\n\n\n"},
        patch("*** Update File: f.txt", "@@", " ", "@@", "-", "+Z", "*** End of File"),
        {"f.txt": "a\n\nZ\n"},
        "M f.txt\n",
    ),
    (
        "whitespace-padded hunk header",
        {"foo.txt": "old\n"},
        patch("  *** Update File: foo.txt  ", "@@", "-old", "+new"),
        {"foo.txt": "new\n"},
        "M foo.txt\n",
    ),
]


@pytest.mark.parametrize(
    ("name", "before", "text", "after", "summary"), APPLY, ids=[c[0] for c in APPLY]
)
def test_apply(tmp_path: Path, name: str, before, text: str, after, summary: str) -> None:
    for rel, content in before.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content, encoding="utf-8")
    message = apply_patch_text(text, tmp_path, lambda p: p.is_relative_to(tmp_path))
    assert message == "Success. Updated the following files:\n" + summary
    assert tree(tmp_path) == after


# (name, files before, patch, expected message with {root})
FAILURES = [
    ("empty patch", {"foo.txt": "x\n"}, patch(), "No files were modified."),
    (
        "missing context header",
        {"modify.txt": "line1\n"},
        patch("*** Update File: modify.txt", "@@ def nowhere():", "-line1", "+x"),
        "Failed to find context 'def nowhere():' in {root}/modify.txt",
    ),
    (
        "missing lines",
        {"modify.txt": "line1\nline2\n"},
        patch("*** Update File: modify.txt", "@@", "-missing", "+changed"),
        "Failed to find expected lines in {root}/modify.txt:\nmissing",
    ),
    (
        "end-of-file chunk overlapping an earlier chunk",
        {"f.txt": "a\nb\nc\n"},
        patch(
            "*** Update File: f.txt",
            "@@",
            "-a",
            "-b",
            "+A",
            "@@",
            "-b",
            "-c",
            "+X",
            "*** End of File",
        ),
        "Failed to find expected lines in {root}/f.txt:\nb\nc",
    ),
    (
        "update of a missing file",
        {"foo.txt": "x\n"},
        patch("*** Update File: missing.txt", "@@", "-a", "+b"),
        "Failed to read file to update {root}/missing.txt: No such file or directory (os error 2)",
    ),
    (
        "delete of a missing file",
        {"foo.txt": "x\n"},
        patch("*** Delete File: missing.txt"),
        "Failed to delete file {root}/missing.txt",
    ),
    (
        "delete of a directory",
        {"dir/foo.txt": "x\n"},
        patch("*** Delete File: dir"),
        "Failed to delete file {root}/dir",
    ),
    (
        "failure after a good hunk writes nothing",
        {},
        patch(
            "*** Add File: created.txt", "+hello", "*** Update File: missing.txt", "@@", "-a", "+b"
        ),
        "Failed to read file to update {root}/missing.txt: No such file or directory (os error 2)",
    ),
]


@pytest.mark.parametrize(
    ("name", "before", "text", "message"), FAILURES, ids=[c[0] for c in FAILURES]
)
def test_failures_leave_the_tree_untouched(
    tmp_path: Path, name: str, before, text: str, message: str
) -> None:
    for rel, content in before.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content, encoding="utf-8")
    with pytest.raises(ApplyPatchError) as info:
        apply_patch_text(text, tmp_path)
    assert str(info.value) == message.format(root=tmp_path)
    assert tree(tmp_path) == before


def test_path_outside_the_roots_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "keep.txt").write_text("keep\n")
    text = patch(
        "*** Add File: inside.txt",
        "+fine",
        "*** Update File: keep.txt",
        "@@",
        "-keep",
        "+changed",
        "*** Add File: ../outside.txt",
        "+nope",
    )
    plan = plan_patch(text, root, lambda p: p.is_relative_to(root))
    assert plan.unwritable == [tmp_path / "outside.txt"]
    with pytest.raises(PatchRejected) as info:
        apply_plan(plan)
    assert str(tmp_path / "outside.txt") in str(info.value)
    assert tree(tmp_path) == {"ws/keep.txt": "keep\n"}


def test_absolute_paths_and_dotdot_are_checked_after_normalising(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    sneaky = f"{root}/sub/../../escape.txt"
    plan = plan_patch(
        patch(f"*** Add File: {sneaky}", "+x"), root, lambda p: p.is_relative_to(root)
    )
    assert plan.unwritable == [tmp_path / "escape.txt"]


def test_move_checks_source_and_destination(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "a.txt").write_text("a\n")
    checked: list[Path] = []

    def writable(p: Path) -> bool:
        checked.append(p)
        return True

    plan_patch(
        patch("*** Update File: a.txt", "*** Move to: b/a.txt", "@@", "-a", "+b"), root, writable
    )
    assert checked == [root / "a.txt", root / "b" / "a.txt"]


def test_approved_plan_may_write_outside(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    plan = plan_patch(
        patch("*** Add File: ../out.txt", "+x"), root, lambda p: p.is_relative_to(root)
    )
    assert (
        apply_plan(plan, allow_unwritable=True)
        == "Success. Updated the following files:\nA ../out.txt\n"
    )
    assert (tmp_path / "out.txt").read_text() == "x\n"


def test_plan_reports_changes_without_writing(tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text("a\nb\n")
    (tmp_path / "d.txt").write_text("gone\n")
    plan = plan_patch(
        patch(
            "*** Add File: n.txt",
            "+new",
            "*** Update File: m.txt",
            "@@",
            "-b",
            "+B",
            "*** Delete File: d.txt",
        ),
        tmp_path,
    )
    kinds = {c.path.name: c.kind for c in plan.changes}
    assert kinds == {
        "n.txt": ChangeKind.ADD,
        "m.txt": ChangeKind.UPDATE,
        "d.txt": ChangeKind.DELETE,
    }
    update = next(c for c in plan.changes if c.kind is ChangeKind.UPDATE)
    assert update.unified_diff == "@@ -1,2 +1,2 @@\n a\n-b\n+B\n"
    assert update.new_content == "a\nB\n"
    assert not (tmp_path / "n.txt").exists()
    assert (tmp_path / "m.txt").read_text() == "a\nb\n"


def test_update_keeps_permission_bits(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("echo a\n")
    script.chmod(0o751)
    apply_patch_text(patch("*** Update File: run.sh", "@@", "-echo a", "+echo b"), tmp_path)
    assert stat.S_IMODE(script.stat().st_mode) == 0o751
    assert script.read_text() == "echo b\n"


def test_commit_failure_rolls_back(tmp_path: Path) -> None:
    # The second change targets a non-empty directory: staging succeeds, the rename into place
    # fails, and the first (already committed) change must be undone.
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "inner.txt").write_text("i\n")
    with pytest.raises(ApplyPatchError):
        apply_patch_text(
            patch("*** Update File: a.txt", "@@", "-a", "+A", "*** Add File: d", "+x"), tmp_path
        )
    assert tree(tmp_path) == {"a.txt": "a\n", "d/inner.txt": "i\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "d"]  # no staged leftovers


def test_protocol_changes_match_the_official_file_change_item(tmp_path: Path) -> None:
    # The official 0.169 CLI reported exactly these changes (FileChange item of its rollout) for
    # this patch; paths are absolute, renames are keyed by their source.
    (tmp_path / "a.txt").write_text("".join(f"l{i}\n" for i in range(1, 11)))
    (tmp_path / "b.txt").write_text("x\n")
    (tmp_path / "c.txt").write_text("gone\n")
    text = (
        "*** Begin Patch\n*** Update File: a.txt\n@@\n l1\n-l2\n+L2\n l3\n@@\n-l9\n+L9\n"
        "*** Update File: b.txt\n*** Move to: sub/b2.txt\n@@\n-x\n+y\n*** Delete File: c.txt\n"
        "*** End Patch\n"
    )
    plan = plan_patch(text, tmp_path)
    changes = {path: change.to_dict() for path, change in protocol_changes(plan).items()}
    root = str(tmp_path)
    assert changes == {
        f"{root}/b.txt": {
            "type": "update",
            "unified_diff": "@@ -1 +1 @@\n-x\n+y\n",
            "move_path": f"{root}/sub/b2.txt",
        },
        f"{root}/a.txt": {
            "type": "update",
            "unified_diff": (
                "@@ -1,3 +1,3 @@\n l1\n-l2\n+L2\n l3\n@@ -8,3 +8,3 @@\n l8\n-l9\n+L9\n l10\n"
            ),
            "move_path": None,
        },
        f"{root}/c.txt": {"type": "delete", "content": "gone\n"},
    }
    assert apply_plan(plan) == (
        "Success. Updated the following files:\nM a.txt\nM sub/b2.txt\nD c.txt\n"
    )
