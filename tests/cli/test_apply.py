"""`codex apply`: a session made by the real `codex exec` against the mock model server, its last
file-changing turn applied to a fresh clone with git apply, conflicts refused untouched."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.exec.harness import Exec, rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage, apply_patch_call

PATCH = (
    "*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n three\n"
    "*** Add File: docs/new.txt\n+hello\n*** End Patch\n"
)
ORIGINAL = "one\ntwo\nthree\nfour\n"


def _git(cwd: Path, *argv: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def session(tmp_path: Path, mock_model_server: MockModelServer) -> tuple[Path, Path, str]:
    """(CODEX_HOME, the repository the session ran in, the session id)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.txt").write_text(ORIGINAL)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    mock_model_server.enqueue(
        Turn([apply_patch_call("c1", PATCH)], Usage()), Turn([Message("patched")], Usage())
    )
    res = run_codex("exec", "--full-auto", "patch it", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert (repo / "a.txt").read_text() == "one\nTWO\nthree\nfour\n"
    (rollout,) = rollout_files(home)
    meta = json.loads(rollout.read_text().splitlines()[0])
    return home, repo, meta["payload"]["id"]


def _clone(repo: Path, dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(repo), str(dest)], check=True)
    return dest


def _apply(home: Path, cwd: Path, *argv: str) -> Exec:
    return run_codex("apply", *argv, home=home, cwd=cwd)


def test_applies_the_session_diff_to_a_clone(
    session: tuple[Path, Path, str], tmp_path: Path
) -> None:
    home, repo, session_id = session
    clone = _clone(repo, tmp_path / "clone")
    assert (clone / "a.txt").read_text() == ORIGINAL and not (clone / "docs").exists()
    res = _apply(home, clone, session_id)
    assert res.rc == 0, res.stderr
    assert (clone / "a.txt").read_text() == "one\nTWO\nthree\nfour\n"
    assert (clone / "docs/new.txt").read_text() == "hello\n"
    assert session_id in res.stdout.decode()
    # The alias and --last name the same session; applied twice, the second is a conflict.
    again = run_codex("a", "--last", home=home, cwd=clone)
    assert again.rc == 1
    assert again.stderr.startswith("codex: conflicts, nothing applied:")
    assert again.stderr.count("\n") == 1


def test_conflicting_tree_is_refused_with_nothing_changed(
    session: tuple[Path, Path, str], tmp_path: Path
) -> None:
    home, repo, session_id = session
    clone = _clone(repo, tmp_path / "clone")
    # A committed change to the patched line, and an uncommitted one elsewhere: the patch's
    # second file would apply alone, so a half-applied result would show.
    (clone / "a.txt").write_text("one\nzwei\nthree\nfour\n")
    _git(clone, "commit", "-qam", "diverge")
    (clone / "a.txt").write_text("one\nzwei\nthree\nfour\nlocal\n")
    before = _git(clone, "status", "--porcelain")
    res = _apply(home, clone, session_id)
    assert res.rc == 1
    assert res.stderr.startswith("codex: ") and res.stderr.count("\n") == 1
    assert "does not apply" in res.stderr or "conflicts" in res.stderr
    assert _git(clone, "status", "--porcelain") == before
    assert (clone / "a.txt").read_text() == "one\nzwei\nthree\nfour\nlocal\n"
    assert not (clone / "docs").exists()


def test_uncommitted_conflict_is_refused_by_git_check(
    session: tuple[Path, Path, str], tmp_path: Path
) -> None:
    home, repo, session_id = session
    clone = _clone(repo, tmp_path / "clone")
    (clone / "a.txt").write_text("one\n2\nthree\nfour\n")
    res = _apply(home, clone, session_id)
    assert res.rc == 1
    assert res.stderr.startswith("codex: conflicts, nothing applied:"), res.stderr
    assert "a.txt" in res.stderr
    assert (clone / "a.txt").read_text() == "one\n2\nthree\nfour\n"
    assert not (clone / "docs").exists()


def test_one_line_errors(session: tuple[Path, Path, str], tmp_path: Path) -> None:
    home, repo, _ = session
    plain = tmp_path / "plain"
    plain.mkdir()
    res = _apply(home, plain, "--last")
    assert (res.rc, res.stderr.count("\n")) == (1, 1)
    assert res.stderr.startswith("codex: not a git repository")
    res = _apply(home, repo, "00000000-0000-4000-8000-000000000000")
    assert (res.rc, res.stderr) == (
        1,
        "codex: No session found matching '00000000-0000-4000-8000-000000000000'.\n",
    )


def test_session_without_changes_has_no_diff(
    tmp_path: Path, mock_model_server: MockModelServer, git_repo: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    mock_model_server.enqueue(Turn([Message("nothing to do")], Usage()))
    assert run_codex("exec", "hello", home=home, cwd=git_repo).rc == 0
    res = _apply(home, git_repo)
    assert res.rc == 1
    assert res.stderr.endswith("has no turn that changed files\n")
    assert res.stderr.count("\n") == 1


def test_absolute_paths_of_the_session_are_rebased(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    """A patch naming files by absolute path (in the session's directory) applies in the clone,
    not back in the session's repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.txt").write_text(ORIGINAL)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    patch = PATCH.replace("File: a.txt", f"File: {repo / 'a.txt'}")
    mock_model_server.enqueue(
        Turn([apply_patch_call("c1", patch)], Usage()), Turn([Message("patched")], Usage())
    )
    assert run_codex("exec", "--full-auto", "patch it", home=home, cwd=repo).rc == 0
    _git(repo, "checkout", "-q", "a.txt")  # the session's repository back to HEAD
    clone = _clone(repo, tmp_path / "clone")
    res = _apply(home, clone)
    assert res.rc == 0, res.stderr
    assert (clone / "a.txt").read_text() == "one\nTWO\nthree\nfour\n"
    assert (repo / "a.txt").read_text() == ORIGINAL


def test_replay_never_writes_outside_its_scratch_directory(tmp_path: Path) -> None:
    from codex.core.session_diff import PatchDoesNotApply, rebuild_diff

    outside = tmp_path / "outside.txt"
    patch = f"*** Begin Patch\n*** Add File: {outside}\n+x\n*** End Patch\n"
    with pytest.raises(PatchDoesNotApply):
        rebuild_diff([patch], lambda _path: None)
    with pytest.raises(PatchDoesNotApply):
        rebuild_diff([patch.replace(str(outside), "../outside.txt")], lambda _path: None)
    assert not outside.exists()


def test_local_edit_next_to_the_change_still_applies(
    session: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """An uncommitted edit inside the context a HEAD-based diff would carry (but outside the
    patch's own context) does not block: the diff is rebuilt on the work tree instead."""
    home, repo, session_id = session
    clone = _clone(repo, tmp_path / "clone")
    (clone / "a.txt").write_text("one\ntwo\nthree\n4\n")
    res = _apply(home, clone, session_id)
    assert res.rc == 0, res.stderr
    assert (clone / "a.txt").read_text() == "one\nTWO\nthree\n4\n"
    assert (clone / "docs/new.txt").read_text() == "hello\n"
