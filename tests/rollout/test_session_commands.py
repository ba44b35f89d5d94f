"""`codex archive`, `codex unarchive` and `codex delete` through the real CLI, on sessions a real
`codex exec` recorded against the loopback mock model server; and both directions with the
official 0.169 binary, which keeps archived sessions in the same place."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from tests.exec.harness import codex_env, rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    path = tmp_path / "codex-home"
    write_config(path, mock_model_server.base_url)
    mock_model_server.repeat(Turn([Message("recorded")]))
    return path


def record_session(home: Path, cwd: Path) -> tuple[str, Path]:
    res = run_codex("exec", "--json", "--skip-git-repo-check", "hello", home=home, cwd=cwd)
    assert res.rc == 0, res.stderr
    thread_id = res.events()[0]["thread_id"]
    (path,) = [p for p in rollout_files(home) if thread_id in p.name]
    return thread_id, path


def codex(home: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd, env=codex_env(home), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_archive_then_unarchive_moves_the_file_and_keeps_it_whole(
    home: Path, tmp_path: Path
) -> None:
    thread_id, path = record_session(home, tmp_path)
    _, other = record_session(home, tmp_path)
    content = path.read_bytes()
    res = codex(home, tmp_path, "archive", thread_id.upper())
    assert (res.returncode, res.stdout) == (0, f"Archived session {thread_id}.\n"), res.stderr
    archived = home / "archived_sessions" / path.name
    assert archived.read_bytes() == content and not path.exists()
    assert other.exists(), "only the named session moves"
    res = codex(home, tmp_path, "archive", thread_id)
    assert res.returncode == 1
    assert res.stderr == f"codex: session {thread_id} is already archived\n"
    res = codex(home, tmp_path, "unarchive", thread_id)
    assert (res.returncode, res.stdout) == (0, f"Unarchived session {thread_id}.\n"), res.stderr
    assert path.read_bytes() == content and not archived.exists()
    res = codex(home, tmp_path, "unarchive", thread_id)
    assert (res.returncode, res.stderr) == (1, f"codex: session {thread_id} is not archived\n")


@pytest.mark.parametrize("session", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_sessions_are_one_line_errors(home: Path, tmp_path: Path, session: str) -> None:
    for command in ("archive", "unarchive", "delete"):
        res = (
            codex(home, tmp_path, command, "--force", session)
            if command == "delete"
            else (codex(home, tmp_path, command, session))
        )
        assert res.returncode == 1 and res.stdout == ""
        assert res.stderr.startswith("codex: No ") and res.stderr.count("\n") == 1, res.stderr


def test_delete_needs_force_without_a_terminal(home: Path, tmp_path: Path) -> None:
    thread_id, path = record_session(home, tmp_path)
    res = codex(home, tmp_path, "delete", thread_id)
    assert res.returncode == 1
    assert "rerun with --force" in res.stderr and path.exists()
    assert codex(home, tmp_path, "archive", thread_id).returncode == 0
    res = codex(home, tmp_path, "delete", "--force", thread_id)
    assert (res.returncode, res.stdout) == (0, f"Deleted session {thread_id}.\n"), res.stderr
    assert rollout_files(home) == [] and not list((home / "archived_sessions").iterdir())


@pytest.mark.parametrize(("answer", "deleted"), [(b"n\n", False), (b"y\n", True)])
def test_delete_asks_on_a_terminal(
    home: Path, tmp_path: Path, answer: bytes, deleted: bool
) -> None:
    thread_id, path = record_session(home, tmp_path)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "codex", "delete", thread_id],
            cwd=tmp_path, env=codex_env(home), stdin=slave,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        os.write(master, answer)
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    prompt = f"Permanently delete session {thread_id}?\nThis cannot be undone.\nContinue? [y/N]: "
    result = f"Deleted session {thread_id}.\n" if deleted else "Delete cancelled.\n"
    assert (proc.returncode, out.decode()) == (0, prompt + result), err
    assert path.exists() is not deleted


def test_unarchive_never_overwrites_an_active_copy(home: Path, tmp_path: Path) -> None:
    thread_id, path = record_session(home, tmp_path)
    archived = home / "archived_sessions" / path.name
    archived.parent.mkdir()
    archived.write_bytes(b"an older copy\n")
    active = path.read_bytes()
    res = codex(home, tmp_path, "unarchive", thread_id)
    assert res.returncode == 1 and "already exists" in res.stderr
    assert path.read_bytes() == active and archived.read_bytes() == b"an older copy\n"
    # delete removes every copy of the session, active and archived.
    res = codex(home, tmp_path, "delete", "--force", thread_id)
    assert res.returncode == 0, res.stderr
    assert not path.exists() and not archived.exists()


def test_a_uuid_without_hyphens_names_the_session(home: Path, tmp_path: Path) -> None:
    thread_id, path = record_session(home, tmp_path)
    res = codex(home, tmp_path, "archive", thread_id.replace("-", ""))
    assert (res.returncode, res.stdout) == (0, f"Archived session {thread_id}.\n"), res.stderr
    assert (home / "archived_sessions" / path.name).exists()


def test_a_broken_archive_folder_is_a_one_line_error(home: Path, tmp_path: Path) -> None:
    thread_id, path = record_session(home, tmp_path)
    (home / "archived_sessions").write_text("not a folder\n")
    for command in ("archive", "unarchive"):
        res = codex(home, tmp_path, command, thread_id)
        assert res.returncode == 1, res.stderr
        assert res.stderr.startswith("codex: cannot ") and res.stderr.count("\n") == 1
    assert path.exists()


OFFICIAL = official_binary()


@pytest.mark.skipif(OFFICIAL is None, reason="official codex 0.169 not installed")
def test_official_binary_and_ours_share_archived_sessions(home: Path, tmp_path: Path) -> None:
    thread_id, path = record_session(home, tmp_path)
    env = {**codex_env(home), "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(OFFICIAL), "archive", thread_id], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (home / "archived_sessions" / path.name).exists()
    res = codex(home, tmp_path, "unarchive", thread_id)
    assert res.returncode == 0, res.stderr
    assert path.exists()
    assert codex(home, tmp_path, "archive", thread_id).returncode == 0
    done = subprocess.run(
        [str(OFFICIAL), "unarchive", thread_id], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert path.exists()
