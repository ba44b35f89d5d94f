"""`codex undo` through the real CLI: sessions against the mock model server change files with
apply_patch and shell commands, then the tree is undone and redone and compared byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage, apply_patch_call

USAGE = Usage(input_tokens=10, output_tokens=1)

PATCH = """*** Begin Patch
*** Update File: keep.txt
@@
-old line
+new line
*** Delete File: gone.txt
*** Add File: sub/new.txt
+brand new
*** End Patch"""

SHELL = (
    "rm bin.dat && printf 'made by shell' > shell.txt && chmod 755 run.sh && ln -s keep.txt link"
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def snapshot(root: Path) -> dict[str, tuple[str, bytes, int]]:
    """Every entry under root (the user's .git aside): kind, bytes or link target, mode."""
    out: dict[str, tuple[str, bytes, int]] = {}
    for dirpath, dirs, files in os.walk(root):
        if Path(dirpath) == root and ".git" in dirs:
            dirs.remove(".git")
        for name in [*dirs, *files]:
            path = Path(dirpath, name)
            rel = str(path.relative_to(root))
            st = path.lstat()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path).encode(), 0)
            elif path.is_dir():
                out[rel] = ("dir", b"", st.st_mode & 0o777)
            else:
                out[rel] = ("file", path.read_bytes(), st.st_mode & 0o777)
    return out


def git_state(repo: Path) -> tuple[str, ...]:
    # GIT_OPTIONAL_LOCKS=0: our own `git status` must not refresh the index we compare.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env
        ).stdout

    index = repo / ".git" / "index"
    return (
        git("status", "--porcelain", "--ignored"),
        git("rev-parse", "HEAD"),
        git("for-each-ref"),
        git("stash", "list"),
        index.read_bytes().hex(),
        (repo / ".git" / "config").read_text(),
        " ".join(sorted(os.listdir(repo / ".git" / "hooks"))),
    )


def seed(root: Path) -> None:
    (root / "keep.txt").write_text("old line\nsecond\n")
    (root / "gone.txt").write_text("to be deleted\n")
    (root / "bin.dat").write_bytes(bytes(range(256)))
    (root / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(root / "run.sh", 0o644)
    (root / ".gitignore").write_text("ignored.log\n")
    (root / "ignored.log").write_text("not checkpointed\n")


def enqueue_turn(server: MockModelServer) -> None:
    server.enqueue(
        Turn([apply_patch_call("p1", PATCH)], USAGE),
        Turn([FunctionCall("s1", "exec_command", {"cmd": SHELL, "login": False})], USAGE),
        Turn([Message("done")], USAGE),
    )


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    path = tmp_path / "codex-home"
    write_config(path, mock_model_server.base_url)
    return path


def make_repo(path: Path) -> Path:
    path.mkdir()
    seed(path)
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    subprocess.run(["git", "add", "keep.txt", "gone.txt", ".gitignore"], cwd=path, check=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
    }
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", "commit", "-qm", "base"], cwd=path, check=True, env=env)
    (path / "keep.txt").write_text("old line\nsecond\nunstaged\n".replace("unstaged\n", ""))
    (path / "untracked.txt").write_text("untracked before the turn\n")
    return path


def run_turn(home: Path, cwd: Path, mode: str, *extra: str) -> None:
    res = run_codex(
        "exec", "--skip-git-repo-check", "--sandbox", mode, *extra, "change files",
        home=home, cwd=cwd,
    )  # fmt: skip
    assert res.rc == 0, res.stderr


@pytest.mark.parametrize("mode", ["workspace-write", "danger-full-access"])
def test_undo_and_redo_in_a_git_repo(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path, mode: str
) -> None:
    repo = make_repo(tmp_path / "repo")
    before, git_before = snapshot(repo), git_state(repo)
    enqueue_turn(mock_model_server)
    run_turn(home, repo, mode)
    after = snapshot(repo)
    assert after != before
    assert after["shell.txt"][1] == b"made by shell" and after["link"] == ("link", b"keep.txt", 0)
    assert "gone.txt" not in after and after["run.sh"][2] == 0o755
    assert git_state(repo)[1:] == git_before[1:]  # status differs: the turn's own changes

    undo = run_codex("undo", "--last", home=home, cwd=repo)
    assert undo.rc == 0, undo.stderr
    assert snapshot(repo) == before
    assert git_state(repo) == git_before

    redo = run_codex("undo", "--redo", "--last", home=home, cwd=repo)
    assert redo.rc == 0, redo.stderr
    assert snapshot(repo) == after
    assert git_state(repo)[1:] == git_before[1:]
    again = run_codex("undo", "--redo", "--last", home=home, cwd=repo)
    assert again.rc == 1 and "nothing to redo" in again.stderr


def test_plain_directory_and_hand_edits(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    seed(plain)
    before = snapshot(plain)
    enqueue_turn(mock_model_server)
    run_turn(home, plain, "workspace-write")
    assert not (plain / ".git").exists()

    (plain / "shell.txt").write_text("edited by hand\n")
    dry = run_codex("undo", "--last", "--dry-run", home=home, cwd=plain)
    assert dry.rc == 1 and "shell.txt" in dry.stderr and "--force" in dry.stderr
    refused = run_codex("undo", "--last", home=home, cwd=plain)
    assert refused.rc == 1 and "changed by hand" in refused.stderr
    assert (plain / "shell.txt").read_text() == "edited by hand\n"  # nothing overwritten
    assert (plain / "sub" / "new.txt").exists()

    forced = run_codex("undo", "--last", "--force", home=home, cwd=plain)
    assert forced.rc == 0, forced.stderr
    assert snapshot(plain) == before
    redo = run_codex("undo", "--redo", "--last", home=home, cwd=plain)
    assert redo.rc == 0, redo.stderr
    assert (plain / "shell.txt").read_text() == "edited by hand\n"  # redo returns the hand edit


def test_read_only_turn_has_no_checkpoint(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    mock_model_server.enqueue(Turn([Message("just looking")], USAGE))
    run_turn(home, plain, "read-only")
    res = run_codex("undo", "--last", home=home, cwd=plain)
    assert res.rc == 1 and "no checkpoints" in res.stderr
