"""`codex undo` through the real CLI: sessions against the mock model server change files with
apply_patch and shell commands, then the tree is undone and redone and compared byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import codex_env, run_codex, write_config
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
    res = run_codex("undo", "--last", "--files-only", home=home, cwd=plain)
    assert res.rc == 1 and "no checkpoints" in res.stderr
    # Without --files-only the conversation half still applies: the turn is dropped in a fork.
    res = run_codex("undo", "--last", home=home, cwd=plain)
    assert res.rc == 0, res.stderr
    assert b"no checkpoints" in res.stdout and b"dropped in a new session" in res.stdout


def rollouts(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("rollout-*.jsonl"))


def lines(path: Path) -> list[dict]:
    return [orjson.loads(raw) for raw in path.read_bytes().splitlines()]


def test_undo_forks_the_conversation_before_the_turn_and_the_fork_resumes(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("a0\n")
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "printf a1 > a.txt", "login": False})]),
        Turn([Message("first done")], USAGE),
    )
    run_turn(home, plain, "workspace-write")
    (original,) = rollouts(home)
    session = original.name.removesuffix(".jsonl")[-36:]
    mock_model_server.enqueue(
        Turn([FunctionCall("c2", "exec_command", {"cmd": "printf a2 > a.txt", "login": False})]),
        Turn([Message("second done")], USAGE),
    )
    res = run_codex(
        "exec", "--skip-git-repo-check", "--sandbox", "workspace-write", "resume", session,
        "second question", home=home, cwd=plain,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    assert (plain / "a.txt").read_text() == "a2"
    old_bytes = original.read_bytes()

    undo = run_codex("undo", session, home=home, cwd=plain)
    assert undo.rc == 0, undo.stderr
    assert (plain / "a.txt").read_text() == "a1"  # back to before turn 2, not turn 1
    assert original.read_bytes() == old_bytes  # the old rollout is never rewritten
    fork = next(p for p in rollouts(home) if p != original)
    meta = lines(fork)[0]["payload"]
    assert meta["forked_from_id"] == session and meta["id"] in fork.name
    kept = [x["payload"].get("type") for x in lines(fork)]
    assert kept.count("task_started") == 1  # turn 2 and everything after it is gone
    texts = [
        c.get("text")
        for x in lines(fork)
        if x["payload"].get("type") == "message"
        for c in x["payload"]["content"]
    ]
    assert any("change files" in (t or "") for t in texts)
    assert not any("second question" in (t or "") for t in texts)

    # The fork resumes: the model sees turn 1 and the new question, never turn 2.
    mock_model_server.enqueue(Turn([Message("third")], USAGE))
    res = run_codex(
        "exec", "--skip-git-repo-check", "resume", meta["id"], "third question",
        home=home, cwd=plain,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    seen = mock_model_server.last_request().message_texts("user")
    assert "change files" in seen and "third question" in seen and "second question" not in seen

    # The fork is now the newest session: redo --last finds the undo it came from.
    redo = run_codex("undo", "--redo", "--last", home=home, cwd=plain)
    assert redo.rc == 0, redo.stderr
    assert (plain / "a.txt").read_text() == "a2"


def test_a_tool_call_after_a_write_gets_its_own_checkpoint(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    seed(plain)
    enqueue_turn(mock_model_server)  # apply_patch, then a shell command
    run_turn(home, plain, "workspace-write")
    (rollout,) = rollouts(home)
    marks = [
        x["payload"] for x in lines(rollout) if x["payload"].get("type") == "codex_py_checkpoint"
    ]
    assert [m["phase"] for m in marks] == ["before", "before_tool", "after"]
    assert marks[1]["call_id"] == "s1"  # the patch (the first write) starts from "before"
    assert len({m["checkpoint"] for m in marks}) == 3


def test_two_sessions_in_one_tree_each_undo_only_their_own_files(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("a0\n")
    (plain / "b.txt").write_text("b0\n")
    for name in ("a", "b"):
        mock_model_server.enqueue(
            Turn([FunctionCall("c", "exec_command", {"cmd": f"printf {name}1 > {name}.txt"})]),
            Turn([Message("done")], USAGE),
        )
        run_turn(home, plain, "workspace-write")
    first, _second = rollouts(home)
    session_a = first.name.removesuffix(".jsonl")[-36:]
    undo = run_codex("undo", session_a, "--files-only", home=home, cwd=plain)
    assert undo.rc == 0, undo.stderr
    assert (plain / "a.txt").read_text() == "a0\n"
    assert (plain / "b.txt").read_text() == "b1"  # the other session's change stays


def test_concurrent_sessions_in_one_tree_all_get_checkpoints(
    mock_model_server: MockModelServer, home: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for i in range(40):
        (plain / f"f{i}.txt").write_text(f"{i}\n")
    mock_model_server.repeat(Turn([Message("done")], USAGE))
    argv = [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check"]
    argv += ["--sandbox", "workspace-write"]
    procs = [
        subprocess.Popen(
            [*argv, f"task {i}"],
            cwd=plain,
            env=codex_env(home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(6)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    for rollout in rollouts(home):
        phases = [
            x["payload"]["phase"]
            for x in lines(rollout)
            if x["payload"].get("type") == "codex_py_checkpoint"
        ]
        assert phases == ["before", "after"], rollout  # none lost to git's index.lock
