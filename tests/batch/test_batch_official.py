"""A batch task's rollout continues in the official 0.169 CLI (`codex exec resume <id>`): the
same thread id, the batch turn's history re-sent. Skipped without the official binary."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest
from tests.batch.harness import codex_env, run_codex, write_tasks
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import INSTALL_HINT, official_binary

OFFICIAL = official_binary()

pytestmark = pytest.mark.skipif(
    OFFICIAL is None, reason=f"needs the official codex 0.169 ({INSTALL_HINT})"
)


def test_official_cli_resumes_a_batch_task(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("noted")]))
    tasks = write_tasks(
        tmp_path / "t.jsonl", {"id": "a", "prompt": "batch one"}, {"id": "b", "prompt": "batch two"}
    )
    rc, stdout, stderr = run_codex("batch", str(tasks), home=home, cwd=repo)
    assert rc == 0, stderr
    results = {r["id"]: r for r in (orjson.loads(line) for line in stdout.splitlines())}
    thread_id = results["b"]["thread_id"]
    proc = subprocess.run(
        [str(OFFICIAL), "exec", "--json", "resume", thread_id, "official follow-up"],
        cwd=repo,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    events = [orjson.loads(line) for line in proc.stdout.splitlines()]
    assert events[0] == {"type": "thread.started", "thread_id": thread_id}
    assert events[-1]["type"] == "turn.completed"
    texts = mock_model_server.last_request().message_texts("user")
    assert "batch two" in texts and "batch one" not in texts
    assert texts[-1] == "official follow-up"
