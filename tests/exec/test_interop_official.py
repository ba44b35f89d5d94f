"""`codex exec` sessions cross over with the official 0.169 CLI on the same CODEX_HOME: a thread
started by one is continued by the other with `exec resume --last` (same id, same file, the
history re-sent, usage still thread-cumulative). Skipped without the official binary."""

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
OURS = [sys.executable, "-m", "codex"]

pytestmark = pytest.mark.skipif(
    OFFICIAL is None or shutil.which("git") is None,
    reason=f"needs git and the official codex 0.169 ({INSTALL_HINT})",
)


def _run(argv: list[str], home: Path, repo: Path) -> list[dict[str, object]]:
    proc = subprocess.run(
        argv,
        cwd=repo,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return [orjson.loads(line) for line in proc.stdout.splitlines()]


@pytest.mark.parametrize("first", ["ours", "official"])
def test_resume_across_implementations(
    first: str, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    mock_model_server.repeat(Turn([Message("answer")], Usage(100, 0, 10)))
    ours, official = OURS, [str(OFFICIAL)]
    starter, resumer = (ours, official) if first == "ours" else (official, ours)

    started = _run([*starter, "exec", "--json", "first question"], home, repo)
    thread_id = started[0]["thread_id"]
    resumed = _run([*resumer, "exec", "--json", "resume", "--last", "second question"], home, repo)

    assert resumed[0] == {"type": "thread.started", "thread_id": thread_id}
    assert resumed[-1]["type"] == "turn.completed"
    assert resumed[-1]["usage"]["input_tokens"] == 200  # type: ignore[index]
    (rollout,) = rollout_files(home)
    assert thread_id in rollout.name
    texts = mock_model_server.last_request().message_texts("user")
    assert "first question" in texts and texts[-1] == "second question"


@pytest.mark.parametrize("piped", [b"diff --git a/x b/x\n+1\n", b"tail", b"", b"  \n"])
def test_prompt_plus_piped_stdin_reaches_the_model_as_the_official_sends_it(
    piped: bytes, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    sent = []
    for name, argv in (("ours", OURS), ("official", [str(OFFICIAL)])):
        home = tmp_path / name
        write_config(home, mock_model_server.base_url)
        mock_model_server.enqueue(Turn([Message("ok")], Usage(1, 0, 1)))
        proc = subprocess.run(
            [*argv, "exec", "--json", "look at this"],
            cwd=repo,
            env=codex_env(home),
            input=piped,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
        assert b"Reading additional input from stdin...\n" in proc.stderr
        sent.append(mock_model_server.last_request().message_texts("user")[-1])
    assert sent[0] == sent[1]
