"""TurnDiffTracker: baselines on first touch, git-style blocks, renames, binary, modes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from codex.core.turn_diff import ZERO_OID, TurnDiffTracker, git_blob_oid

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git not installed")


def update(move: str | None = None) -> dict[str, object]:
    return {"type": "update", "unified_diff": "", "move_path": move}


def test_nothing_touched_means_no_diff(tmp_path: Path) -> None:
    assert TurnDiffTracker().get_unified_diff() is None


def test_add_outside_git_uses_absolute_paths(tmp_path: Path) -> None:
    t = TurnDiffTracker()
    f = tmp_path / "new.txt"
    t.on_patch_begin({str(f): {"type": "add", "content": "hi\n"}})
    f.write_text("hi\n")
    shown = str(f).replace("\\", "/")
    assert t.get_unified_diff() == (
        f"diff --git a/{shown} b/{shown}\n"
        "new file mode 100644\n"
        f"index {ZERO_OID}..{git_blob_oid(b'hi' + bytes([10]))}\n"
        "--- /dev/null\n"
        f"+++ b/{shown}\n"
        "@@ -0,0 +1 @@\n"
        "+hi\n"
    )


def test_outside_git_paths_under_the_threads_folder_are_relative_to_it(tmp_path: Path) -> None:
    """0.169's turn/diff/updated names `a/sub/a.txt` for a thread in a plain folder; a file
    outside the folder keeps its absolute path."""
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    inside = work / "sub" / "a.txt"
    outside = tmp_path / "elsewhere.txt"
    t = TurnDiffTracker(work)
    t.on_patch_begin({str(inside): {"type": "add"}, str(outside): {"type": "add"}})
    inside.write_text("x\n")
    outside.write_text("y\n")
    diff = t.get_unified_diff() or ""
    assert "diff --git a/sub/a.txt b/sub/a.txt\n" in diff
    shown = str(outside).replace("\\", "/")
    assert f"diff --git a/{shown} b/{shown}\n" in diff


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    (r / ".git").mkdir(parents=True)
    return r


def test_update_aggregates_across_patches_against_first_baseline(repo: Path) -> None:
    f = repo / "src" / "a.py"
    f.parent.mkdir()
    f.write_text("one\ntwo\nthree\n")
    t = TurnDiffTracker()
    t.on_patch_begin({str(f): update()})
    f.write_text("one\nTWO\nthree\n")
    t.on_patch_begin({str(f): update()})  # second patch: the baseline stays the original
    f.write_text("one\nTWO\nthree\nfour\n")
    diff = t.get_unified_diff()
    assert diff is not None
    assert diff.startswith("diff --git a/src/a.py b/src/a.py\nindex ")
    assert (
        "--- a/src/a.py\n+++ b/src/a.py\n@@ -1,3 +1,4 @@\n one\n-two\n+TWO\n three\n+four\n" in diff
    )


def test_pure_rename_has_no_diff_and_rename_with_edit_has_one_block(repo: Path) -> None:
    a, b = repo / "old.txt", repo / "new.txt"
    a.write_text("same\n")
    t = TurnDiffTracker()
    t.on_patch_begin({str(a): update(str(b))})
    os.rename(a, b)
    assert t.get_unified_diff() is None
    b.write_text("same\nplus\n")
    diff = t.get_unified_diff()
    assert diff is not None
    assert diff.startswith("diff --git a/old.txt b/new.txt\nindex ")
    assert "--- a/old.txt\n+++ b/new.txt\n@@ -1 +1,2 @@\n same\n+plus\n" in diff


def test_delete_and_mode_change_and_binary(repo: Path) -> None:
    gone, script, blob = repo / "gone.txt", repo / "run.sh", repo / "img.bin"
    gone.write_text("bye\n")
    script.write_text("echo\n")
    blob.write_bytes(b"\x89PNG\x00\xff")
    t = TurnDiffTracker()
    t.on_patch_begin({str(gone): {"type": "delete"}, str(script): update(), str(blob): update()})
    gone.unlink()
    script.write_text("echo hi\n")
    script.chmod(0o755)
    blob.write_bytes(b"\x89PNG\x00\xfe")
    diff = t.get_unified_diff()
    assert diff is not None
    blocks = ["diff --git" + b for b in diff.split("diff --git")[1:]]
    assert [b.split("\n", 1)[0] for b in blocks] == [
        "diff --git a/gone.txt b/gone.txt",
        "diff --git a/img.bin b/img.bin",
        "diff --git a/run.sh b/run.sh",
    ]
    assert "deleted file mode 100644\n" in blocks[0] and "+++ /dev/null\n" in blocks[0]
    assert f"..{ZERO_OID}\n" in blocks[0]
    assert blocks[1].endswith("--- a/img.bin\n+++ b/img.bin\nBinary files differ\n")
    assert "old mode 100644\nnew mode 100755\n" in blocks[2]


def test_symlink_mode(repo: Path) -> None:
    link = repo / "link"
    t = TurnDiffTracker()
    t.track_paths([link])
    os.symlink("target.txt", link)
    diff = t.get_unified_diff()
    assert diff is not None and "new file mode 120000\n" in diff and "+target.txt\n" in diff


@needs_git
def test_git_agrees_on_blob_ids_and_applies_the_turn_diff(tmp_path: Path) -> None:
    repo = tmp_path / "w"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str, cwd: Path = repo) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    files = {
        "keep.txt": "".join(f"line {i}\n" for i in range(40)),
        "del.txt": "remove me\n",
        "tail.txt": "no newline at end",
    }
    for name, text in files.items():
        (repo / name).write_text(text)
    assert git("hash-object", "keep.txt").strip() == git_blob_oid(files["keep.txt"].encode())
    pristine = tmp_path / "pristine"
    shutil.copytree(repo, pristine)

    t = TurnDiffTracker()
    t.on_patch_begin(
        {
            str(repo / "keep.txt"): update(),
            str(repo / "del.txt"): {"type": "delete"},
            str(repo / "tail.txt"): update(),
            str(repo / "sub" / "added.txt"): {"type": "add"},
        }
    )
    lines = files["keep.txt"].splitlines(keepends=True)
    lines[3] = "changed 3\n"
    del lines[20:22]
    lines.append("appended\n")
    (repo / "keep.txt").write_text("".join(lines))
    (repo / "del.txt").unlink()
    (repo / "tail.txt").write_text("no newline at end\nnow has one\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "added.txt").write_text("fresh\n")
    diff = t.get_unified_diff()
    assert diff is not None
    (tmp_path / "turn.diff").write_text(diff)
    git("apply", "--check", str(tmp_path / "turn.diff"), cwd=pristine)
    git("apply", str(tmp_path / "turn.diff"), cwd=pristine)
    for name in ("keep.txt", "tail.txt", "sub/added.txt"):
        assert (pristine / name).read_text() == (repo / name).read_text()
    assert not (pristine / "del.txt").exists()
