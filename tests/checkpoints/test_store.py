"""The shadow store on real files with real git: what a checkpoint leaves out and what a restore
must not touch (large files, ignored files, nested repositories), and type changes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from codex.core.checkpoints import CheckpointStore

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def test_left_out_files_are_noted_and_never_touched(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / ".gitignore").write_text("*.log\n")
    (work / "a.txt").write_text("a\n")
    store = CheckpointStore(tmp_path / "home", work, size_limit=100)
    (work / "big.bin").write_bytes(b"x" * 101)
    (work / "build.log").write_text("log 1\n")
    nested = work / "vendor"
    nested.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=nested, check=True)
    (nested / "lib.txt").write_text("lib 1\n")
    first = store.checkpoint("first")
    assert store.skipped == ["big.bin"]
    files = {path for _, path in store.changed("4b825dc642cb6eb9a060e54bf8d69288fbee4904", first)}
    assert "a.txt" in files and "big.bin" not in files and "build.log" not in files
    assert not any(p.startswith("vendor/") for p in files)

    (work / "big.bin").write_bytes(b"y" * 200)
    (work / "build.log").write_text("log 2\n")
    (nested / "lib.txt").write_text("lib 2\n")
    (work / "a.txt").unlink()
    os.symlink("elsewhere", work / "a.txt")  # a file becomes a symlink
    (work / "made" / "deep").mkdir(parents=True)
    (work / "made" / "deep" / "n.txt").write_text("n\n")
    result = store.restore(first)
    assert result.applied and result.conflicts == []
    assert (work / "a.txt").read_text() == "a\n" and not (work / "a.txt").is_symlink()
    assert not (work / "made").exists()  # directories the deleted files lived in go too
    assert (work / "big.bin").read_bytes() == b"y" * 200
    assert (work / "build.log").read_text() == "log 2\n"
    assert (nested / "lib.txt").read_text() == "lib 2\n"
    assert not (work / ".git").exists()


def test_a_checkpoint_after_the_first_adds_only_changed_content(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for i in range(50):
        (work / f"f{i}.txt").write_text(f"{i}\n")
    store = CheckpointStore(tmp_path / "home", work)
    store.checkpoint("one")

    def objects() -> int:
        out = subprocess.run(
            ["git", "--git-dir", str(store.git_dir), "count-objects", "-v"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        return int(out.split("count: ")[1].split("\n")[0])

    count = objects()
    (work / "f3.txt").write_text("changed\n")
    store.checkpoint("two")
    assert objects() - count == 3  # the new blob, the root tree, the commit
