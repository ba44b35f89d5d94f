"""The shadow store against trees that fight back: the store's own home inside the work tree,
files crossing the size limit, `.gitignore` edits, private files, directories that cannot become
files, nested repositories, symlinked directories and names that look like pathspec magic. Each
test here but the names one and the killed lock holder failed on the first version of the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codex.core.checkpoints import CheckpointError, CheckpointStore

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def tree(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under root: kind, bytes or link target, permission bits."""
    out: dict[str, tuple[object, ...]] = {}
    for dirpath, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(dirpath, name)
            rel = os.fsencode(path.relative_to(root))
            if path.is_symlink():
                out[os.fsdecode(rel)] = ("link", os.readlink(path))
            elif path.is_dir():
                out[os.fsdecode(rel)] = ("dir",)
            else:
                out[os.fsdecode(rel)] = ("file", path.read_bytes(), path.stat().st_mode & 0o777)
    return out


def work(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    root.mkdir()
    return root


def test_a_codex_home_inside_the_work_tree_is_never_checkpointed(tmp_path: Path) -> None:
    root = work(tmp_path)
    home = root / ".codex"  # a project-local CODEX_HOME
    (root / "a.txt").write_text("a\n")
    store = CheckpointStore(home, root)
    first = store.checkpoint("one")
    (home / "sessions").mkdir(parents=True)
    (home / "sessions" / "rollout.jsonl").write_text("line 1\n")
    (root / "a.txt").write_text("b\n")
    second = store.checkpoint("two")
    assert store.changed(first, second) == [("M", "a.txt")]
    (home / "sessions" / "rollout.jsonl").write_text("line 1\nline 2\n")
    store.restore(first)
    assert (home / "sessions" / "rollout.jsonl").read_text() == "line 1\nline 2\n"
    assert (root / "a.txt").read_text() == "a\n"


def test_a_file_growing_over_the_limit_does_not_stop_later_checkpoints(tmp_path: Path) -> None:
    root = work(tmp_path)
    for name in ("a.bin", "b.bin", "[ab].bin", "keep.txt"):
        (root / name).write_text("small")
    store = CheckpointStore(tmp_path / "home", root, size_limit=100)
    first = store.checkpoint("one")
    (root / "[ab].bin").write_bytes(b"x" * 500)  # a glob-looking name crosses the limit
    second = store.checkpoint("two")  # raised: git rm refused ("staged content different")
    assert store.changed(first, second) == [("D", "[ab].bin")]  # only that file leaves
    assert store.skipped == ["[ab].bin"]
    (root / "keep.txt").write_text("changed")
    third = store.checkpoint("three")
    assert store.changed(second, third) == [("M", "keep.txt")]


def test_undo_keeps_files_the_turn_only_unignored_or_shrank(tmp_path: Path) -> None:
    root = work(tmp_path)
    (root / ".gitignore").write_text(".env\n")
    (root / ".env").write_text("TOKEN=mine\n")
    (root / "big.dat").write_bytes(b"B" * 500)
    store = CheckpointStore(tmp_path / "home", root, size_limit=100)
    before = store.checkpoint("before turn")
    # The turn edits .gitignore (now .env is a file like any other) and shrinks big.dat.
    (root / ".gitignore").write_text("")
    (root / "big.dat").write_bytes(b"small")
    (root / "made.txt").write_text("the turn's own file\n")
    after = store.checkpoint("after turn")
    paths = {path for _, path in store.changed(before, after)}
    assert {".env", "big.dat", "made.txt"} <= paths
    result = store.restore(before, expected=after, paths=paths)
    assert result.applied
    assert (root / ".env").read_text() == "TOKEN=mine\n"  # was deleted: the user's secret file
    assert (root / "big.dat").read_bytes() == b"small"  # was deleted; its old bytes never kept
    assert not (root / "made.txt").exists()
    assert (root / ".gitignore").read_text() == ".env\n"
    assert result.kept == [".env", "big.dat"] and result.deleted == ["made.txt"]


def test_a_restored_file_keeps_its_permissions(tmp_path: Path) -> None:
    root = work(tmp_path)
    secret = root / "secret.key"
    secret.write_text("one\n")
    secret.chmod(0o600)
    script = root / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o700)
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")
    secret.write_text("two\n")
    script.write_text("#!/bin/sh\nexit 1\n")
    store.restore(first)
    assert secret.read_text() == "one\n"
    assert secret.stat().st_mode & 0o777 == 0o600  # was 0644: readable by everyone
    assert script.stat().st_mode & 0o777 == 0o700


def test_a_restore_that_must_refuse_changes_nothing(tmp_path: Path) -> None:
    root = work(tmp_path)
    (root / ".gitignore").write_text("*.log\n")
    (root / "a").write_text("file a\n")
    (root / "z.txt").write_text("z1\n")
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")
    (root / "a").unlink()
    (root / "a").mkdir()
    (root / "a" / "f.txt").write_text("f\n")
    (root / "a" / "x.log").write_text("an ignored file the store never had\n")
    (root / "z.txt").write_text("z2\n")
    store.checkpoint("two")
    state = tree(root)
    with pytest.raises(CheckpointError, match=r"a/x\.log"):
        store.restore(first)
    assert tree(root) == state  # was: a/f.txt deleted, z.txt not restored, then the error


def test_a_tracked_file_replaced_by_a_nested_repository_or_a_symlink(tmp_path: Path) -> None:
    root = work(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "sub").write_text("file\n")
    (root / "d").mkdir()
    (root / "d" / "f.txt").write_text("in d\n")
    (root / "o.txt").write_text("o1\n")
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")
    (root / "sub").unlink()
    (root / "sub").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root / "sub", check=True)  # no commit yet
    (root / "sub" / "lib.txt").write_text("lib\n")
    shutil.rmtree(root / "d")
    os.symlink(outside, root / "d")
    (root / ".gitignore").write_text("/d\n")
    (root / "o.txt").write_text("o2\n")
    second = store.checkpoint("two")  # raised: git add refused both
    assert set(store.changed(first, second)) == {
        ("D", "sub"), ("D", "d/f.txt"), ("M", "o.txt"), ("A", ".gitignore"),
    }  # fmt: skip
    with pytest.raises(CheckpointError, match="symbolic link"):
        store.restore(first)
    assert list(outside.iterdir()) == []


def test_names_git_would_read_as_pathspecs_or_quote(tmp_path: Path) -> None:
    root = work(tmp_path)
    names = ["new\nline", "sp ace", os.fsdecode(b"bad\xff"), "-dash", ":(glob)*", "*", "#x", "!y"]
    for name in names:
        (root / name).write_bytes(b"v1 " + os.fsencode(name))
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")
    state = tree(root)
    for name in names:
        (root / name).write_bytes(b"v2")
    (root / names[0]).unlink()
    (root / "-dash").chmod(0o755)
    second = store.checkpoint("two")
    assert len(store.changed(first, second)) == len(names)
    store.restore(first, expected=second)
    assert tree(root) == state


@pytest.mark.parametrize(
    "damage",
    ["index", "ref", "ref-object", "objects", "head"],
)
def test_a_damaged_store_heals_on_the_next_checkpoint(tmp_path: Path, damage: str) -> None:
    root = work(tmp_path)
    (root / "a.txt").write_text("one\n")
    store = CheckpointStore(tmp_path / "home", root)
    store.checkpoint("one")
    git_dir = store.git_dir
    if damage == "index":
        (git_dir / "index").write_bytes(b"garbage")
    elif damage == "ref":
        (git_dir / "refs" / "heads" / "checkpoints").write_text("not a commit\n")
    elif damage == "ref-object":
        (git_dir / "refs" / "heads" / "checkpoints").write_text("1" * 40 + "\n")
    elif damage == "objects":
        shutil.rmtree(git_dir / "objects")
    else:
        (git_dir / "HEAD").write_text("garbage")
    (root / "a.txt").write_text("two\n")
    # Was: every checkpoint of this work tree failed from then on, in every later session.
    second = store.checkpoint("two")
    (root / "a.txt").write_text("three\n")
    store.restore(second)
    assert (root / "a.txt").read_text() == "two\n"


def test_a_killed_lock_holder_does_not_block_the_store(tmp_path: Path) -> None:
    root = work(tmp_path)
    (root / "a.txt").write_text("one\n")
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\n"
         "from codex.core.checkpoints import CheckpointStore\n"
         "s = CheckpointStore(Path(sys.argv[1]), Path(sys.argv[2]))\n"
         "with s._locked():\n    print('locked', flush=True)\n    time.sleep(3600)\n",
         str(tmp_path / "home"), str(root)],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
    holder.kill()  # dies holding the flock: the kernel releases it
    holder.wait()
    (root / "a.txt").write_text("two\n")
    assert store.checkpoint("two") != first


def test_a_file_where_a_restored_path_needs_a_directory_refuses_up_front(tmp_path: Path) -> None:
    root = work(tmp_path)
    (root / "d").mkdir()
    (root / "d" / "f.txt").write_text("one\n")
    (root / "z.txt").write_text("z1\n")
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")
    (root / "d" / "f.txt").write_text("two\n")
    (root / "z.txt").write_text("z2\n")
    second = store.checkpoint("two")
    # Another session (not this restore's paths) turned `d` into a file meanwhile.
    shutil.rmtree(root / "d")
    (root / "d").write_text("another session's file\n")
    state = tree(root)
    with pytest.raises(
        CheckpointError, match="needs a directory"
    ):  # was: FileExistsError, half applied
        store.restore(first, expected=second, force=True, paths={"d/f.txt", "z.txt"})
    assert tree(root) == state


def test_a_checkpoint_that_holds_our_home_never_writes_it_back(tmp_path: Path) -> None:
    """A store made before $CODEX_HOME was excluded holds the session's rollout in its
    checkpoints: restoring one must not put that old rollout back."""
    root = work(tmp_path)
    home = root / ".codex"
    (root / "a.txt").write_text("a1\n")
    store = CheckpointStore(home, root)
    first = store.checkpoint("one")
    rollout = home / "sessions" / "rollout.jsonl"
    rollout.parent.mkdir(parents=True)
    rollout.write_text("old\n")
    git = store._git  # what the first version of the store recorded, made by hand
    blob = git("hash-object", "-w", "--", ".codex/sessions/rollout.jsonl").decode().strip()
    index = tmp_path / "old-index"
    git("read-tree", first, index=index)
    git("update-index", "--add", "--cacheinfo", f"100644,{blob},.codex/sessions/rollout.jsonl",
        index=index)  # fmt: skip
    tree_id = git("write-tree", index=index).decode().strip()
    old = git("commit-tree", tree_id, "-p", first, "-m", "old store").decode().strip()
    rollout.write_text("old\nnew line of the session\n")
    (root / "a.txt").write_text("a2\n")
    result = store.restore(old)
    assert result.written == ["a.txt"]  # was: the rollout too, cut back to "old"
    assert rollout.read_text() == "old\nnew line of the session\n"


def test_a_first_checkpoint_of_many_files_writes_one_pack(tmp_path: Path) -> None:
    root = work(tmp_path)
    for i in range(400):
        (root / f"f{i:03d}.txt").write_text(f"{i}\n")
    store = CheckpointStore(tmp_path / "home", root)
    first = store.checkpoint("one")

    def counts() -> dict[str, int]:
        out = subprocess.run(
            ["git", "--git-dir", str(store.git_dir), "count-objects", "-v"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        return {k: int(v) for k, v in (line.split(": ") for line in out.splitlines()[:4])}

    # Was: 400 loose blob files (10,000 files: ~10 s of file system time on a busy disk).
    assert counts()["count"] <= 2 and counts()["in-pack"] >= 400  # the tree, the commit
    (root / "f001.txt").write_text("changed\n")
    second = store.checkpoint("two")  # a few files stay loose: no pack per small checkpoint
    assert counts()["count"] == 5 and store.changed(first, second) == [("M", "f001.txt")]
    (root / "f001.txt").write_text("again\n")
    store.restore(first)
    assert (root / "f001.txt").read_text() == "1\n"
