"""The checkpoint fast path (codex.core.checkpoints.fastpath: objects written by codex, the store's
index left alone) against git's own: every step of a hostile edit sequence is checkpointed by
a store that takes the fast path and by one made to take git's path every time (its side table
removed before each checkpoint), and the two trees and size-limit notes must be identical."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from codex.core.checkpoints import CheckpointStore, fastpath

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LIMIT = 64  # bytes: small, so files cross the size limit in both directions


def git(store: CheckpointStore, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    out = subprocess.run(
        ["git", "--git-dir", str(store.git_dir), *args],
        env={**env, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull},
        capture_output=True,
        check=True,
    )
    return out.stdout.decode(errors="replace")


def tree_of(store: CheckpointStore, commit: str) -> str:
    return git(store, "ls-tree", "-r", "-t", "--full-tree", commit)


def pending_files(store: CheckpointStore) -> int:
    import json

    return len(json.loads((store.git_dir / "pending.json").read_text())["files"])


def w(root: Path, rel: str, data: bytes | str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def rm(root: Path, rel: str) -> None:
    path = root / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def nested_repo(root: Path) -> None:
    w(root, "sub/inner.txt", "inner\n")
    subprocess.run(["git", "init", "-q", str(root / "sub")], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    subprocess.run(["git", "-C", str(root / "sub"), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root / "sub"), "commit", "-qm", "x"], check=True, env=env)


def steps(root: Path, outside: Path) -> list[tuple[str, Callable[[], None]]]:
    bad = os.fsdecode(b"caf\xe9.bin")
    return [
        ("same size", lambda: w(root, "a.txt", "A\n")),
        ("other size", lambda: w(root, "a.txt", "longer\n")),
        ("chmod +x", lambda: (root / "a.txt").chmod(0o755)),
        ("chmod -x", lambda: (root / "x.sh").chmod(0o644)),
        ("new files", lambda: (w(root, "new.txt", "n\n"), w(root, "n/deep/f.txt", "f\n"))),
        ("nothing", lambda: None),
        ("delete", lambda: rm(root, "d/e/c.txt")),
        ("file to dir", lambda: (rm(root, "a.txt"), w(root, "a.txt/inner", "i\n"))),
        ("dir to file", lambda: (rm(root, "n/deep"), w(root, "n/deep", "now a file\n"))),
        ("retarget", lambda: (rm(root, "link"), os.symlink("x.sh", root / "link"))),
        ("file to link", lambda: (rm(root, "new.txt"), os.symlink("a.txt", root / "new.txt"))),
        ("dir to link", lambda: (rm(root, "d"), os.symlink(outside, root / "d"))),
        ("link to dir", lambda: (rm(root, "d"), w(root, "d/b.txt", "b again\n"))),
        ("ignored file", lambda: w(root, "trace.log", "t\n")),
        ("negated", lambda: (w(root, "d/.gitignore", "!keep.log\n"), w(root, "d/keep.log", "k"))),
        ("ignore a tracked file", lambda: w(root, ".gitignore", "*.log\nnew.txt\nb.txt\n")),
        ("tracked, now ignored, edited", lambda: w(root, "d/b.txt", "edited\n")),
        ("new big file", lambda: w(root, "big.bin", b"x" * (LIMIT + 1))),
        ("tracked file grows big", lambda: w(root, "x.sh", b"y" * (LIMIT + 5))),
        ("big file shrinks", lambda: w(root, "x.sh", "small again\n")),
        ("odd names", lambda: (w(root, bad, "e\n"), w(root, "new\nline", "nl\n"))),
        ("nested repository", lambda: nested_repo(root)),
        ("revert", lambda: w(root, "d/b.txt", "b again\n")),
        ("create", lambda: w(root, "tmp.txt", "short-lived\n")),
        ("then delete", lambda: rm(root, "tmp.txt")),
        ("same size again", lambda: w(root, "n/deep", "now a FILE\n")),
        ("many files", lambda: [w(root, f"many/f{i:03d}.txt", str(i)) for i in range(300)]),
        ("one more", lambda: w(root, "many/f000.txt", "changed")),
        ("everything gone", lambda: [rm(root, p.name) for p in list(root.iterdir())]),
        ("back", lambda: w(root, "a.txt", "a\n")),
    ]


def test_the_fast_path_takes_the_same_checkpoints_as_git(tmp_path: Path) -> None:
    root = tmp_path / "work"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.txt").write_text("outside\n")
    w(root, "a.txt", "a\n")
    w(root, "d/b.txt", "b\n")
    w(root, "d/e/c.txt", "c\n")
    w(root, "x.sh", "#!/bin/sh\n")
    (root / "x.sh").chmod(0o755)
    os.symlink("a.txt", root / "link")
    w(root, ".gitignore", "*.log\n")
    fast = CheckpointStore(tmp_path / "home-fast", root, size_limit=LIMIT)
    slow = CheckpointStore(tmp_path / "home-git", root, size_limit=LIMIT)
    fast.checkpoint("first")
    slow.checkpoint("first")
    used = 0
    for name, step in steps(root, outside):
        step()
        a = fast.checkpoint(name)
        used += pending_files(fast) > 0
        (slow.git_dir / "pending.json").unlink(missing_ok=True)
        b = slow.checkpoint(name)
        assert tree_of(fast, a) == tree_of(slow, b), name
        assert fast.skipped == slow.skipped, name
    assert used > 10  # the fast path did take most of them
    git(fast, "fsck", "--strict", "--no-dangling")  # git reads every object codex wrote


def test_a_small_change_leaves_the_index_alone_and_restores(tmp_path: Path) -> None:
    root = tmp_path / "work"
    for i in range(20):
        w(root, f"f{i}.txt", f"file {i}\n")
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("first")
    index = (store.git_dir / "index").stat()
    w(root, "f1.txt", "changed\n")
    w(root, "new.txt", "new\n")
    rm(root, "f2.txt")
    os.chmod(root / "f3.txt", 0o700)
    second = store.checkpoint("second")
    after = (store.git_dir / "index").stat()
    assert (after.st_mtime_ns, after.st_ino) == (index.st_mtime_ns, index.st_ino)
    assert sorted(store.changed(first, second)) == [
        ("A", "new.txt"), ("D", "f2.txt"), ("M", "f1.txt"), ("M", "f3.txt"),
    ]  # fmt: skip
    store.restore(first, expected=second)
    assert not (root / "new.txt").exists()
    assert (root / "f1.txt").read_text() == "file 1\n"
    assert (root / "f2.txt").read_text() == "file 2\n"
    assert (root / "f3.txt").stat().st_mode & 0o111 == 0
    store.restore(second)
    assert (root / "f1.txt").read_text() == "changed\n"
    assert (root / "f3.txt").stat().st_mode & 0o100


@pytest.mark.parametrize("racy_window", [True, False])
def test_a_rewrite_that_keeps_size_and_mtime_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, racy_window: bool
) -> None:
    """A rewrite keeping the size and (restored) mtime: the side table's stat key has the
    ctime, and a file modified within RACY_NS of a checkpoint keeps no key at all, so it is
    read again (git's racy-clean rule). Without the window the key alone must catch it."""
    if not racy_window:
        monkeypatch.setattr(fastpath, "RACY_NS", 0)
    root = tmp_path / "work"
    w(root, "a.txt", "aaaa\n")
    w(root, "other.txt", "o\n")
    store = CheckpointStore(tmp_path / "home", root)
    store.checkpoint("first")
    w(root, "a.txt", "bbbb\n")
    second = store.checkpoint("second")
    st = (root / "a.txt").stat()
    w(root, "a.txt", "cccc\n")
    os.utime(root / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
    third = store.checkpoint("third")
    assert third != second
    assert git(store, "show", f"{third}:a.txt") == "cccc\n"


def test_two_stores_of_one_tree_share_the_side_table(tmp_path: Path) -> None:
    """Two sessions (two store objects, as two processes have) alternate checkpoints."""
    root = tmp_path / "work"
    w(root, "a.txt", "a\n")
    one = CheckpointStore(tmp_path / "home", root)
    two = CheckpointStore(tmp_path / "home", root)
    one.checkpoint("first")
    for i in range(6):
        w(root, f"s{i % 2}.txt", f"round {i}\n")
        w(root, "a.txt", f"a {i}\n")
        commit = (one if i % 2 else two).checkpoint(f"round {i}")
        assert git(one, "show", f"{commit}:a.txt") == f"a {i}\n"
        assert git(one, "show", f"{commit}:s{i % 2}.txt") == f"round {i}\n"


@pytest.mark.parametrize(
    "damage",
    [{"files": {"a.txt": 5}}, {"tree": "not a tree id", "files": {"a.txt": None}}, {"files": []}],
)
def test_a_damaged_side_table_falls_back_to_git(tmp_path: Path, damage: dict[str, object]) -> None:
    import json

    root = tmp_path / "work"
    w(root, "a.txt", "a\n")
    w(root, "b.txt", "b\n")
    store = CheckpointStore(tmp_path / "home", root)
    store.checkpoint("first")
    table = store.git_dir / "pending.json"
    table.write_text(json.dumps({**json.loads(table.read_text()), **damage}))
    w(root, "a.txt", "a2\n")
    commit = store.checkpoint("second")  # was: a TypeError out of the checkpoint
    assert git(store, "show", f"{commit}:a.txt") == "a2\n"
    assert git(store, "show", f"{commit}:b.txt") == "b\n"
