"""The official 0.169 CLI resumes a session whose rollout holds codex-py's `codex_py_checkpoint`
event_msg lines (a type it does not know) with the history intact. Skipped without it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.official import INSTALL_HINT, official_binary

OFFICIAL = official_binary()

pytestmark = pytest.mark.skipif(
    OFFICIAL is None or shutil.which("git") is None,
    reason=f"needs git and the official codex 0.169 ({INSTALL_HINT})",
)


def _run(argv: list[str], home: Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        argv, cwd=cwd, env=codex_env(home), stdin=subprocess.DEVNULL,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip


def test_official_resumes_a_rollout_with_checkpoint_events(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("a\n")
    mock_model_server.repeat(Turn([Message("answer")], Usage(100, 0, 10)))
    ours = [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check"]
    first = _run([*ours, "--sandbox", "workspace-write", "first question"], home, work)
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    (rollout,) = rollout_files(home)
    kinds = [
        orjson.loads(line)["payload"].get("type") for line in rollout.read_bytes().splitlines()
    ]
    assert kinds.count("codex_py_checkpoint") == 2  # before and after the turn

    official = [str(OFFICIAL), "exec", "--skip-git-repo-check", "--json", "resume", "--last"]
    resumed = _run([*official, "second question"], home, work)
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    texts = mock_model_server.last_request().message_texts("user")
    assert "first question" in texts and texts[-1] == "second question"


def test_official_resumes_the_fork_an_undo_writes(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    work = tmp_path / "work"
    work.mkdir()
    mock_model_server.repeat(Turn([Message("answer")], Usage(100, 0, 10)))
    ours = [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check"]
    for prompt in ("first question", "second question"):
        argv = [*ours, "--sandbox", "workspace-write"]
        argv += ["resume", "--last", prompt] if prompt.startswith("second") else [prompt]
        done = _run(argv, home, work)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
    undo = _run([sys.executable, "-m", "codex", "undo", "--last"], home, work)
    assert undo.returncode == 0, undo.stderr.decode()
    fork_id = undo.stdout.decode().split("new session ")[1].split()[0]

    official = [str(OFFICIAL), "exec", "--skip-git-repo-check", "--json", "resume", fork_id]
    resumed = _run([*official, "third question"], home, work)
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    texts = mock_model_server.last_request().message_texts("user")
    assert "first question" in texts and "second question" not in texts
    assert texts[-1] == "third question"
