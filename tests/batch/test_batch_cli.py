"""`codex batch` through the real CLI against the loopback mock model server: results, failures
isolated per task, validation before anything runs, --json tagging, resumable sessions."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.batch.harness import read_results, run_codex, write_tasks
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import HttpError, Message, Turn

RESULT_KEYS = {
    "id",
    "status",
    "thread_id",
    "final_message",
    "structured_output",
    "usage",
    "duration_ms",
    "error",
    "rollout_path",
}


def test_mixed_success_and_failure(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("all good")]))
    with MockModelServer() as broken:
        broken.repeat(HttpError(400, {"error": {"message": "bad task", "type": "invalid"}}))
        bad = {"model_providers.mock.base_url": broken.base_url}
        tasks = write_tasks(
            tmp_path / "tasks.jsonl",
            {"id": "t1", "prompt": "one"},
            {"id": "t2", "prompt": "two", "config": bad},
            {"id": "t3", "prompt": "three"},
            {"id": "t4", "prompt": "four"},
        )
        out = tmp_path / "results.jsonl"
        rc, stdout, stderr = run_codex(
            "batch", str(tasks), "-o", str(out), "--jobs", "3", home=home, cwd=repo
        )
    assert rc == 1, stderr
    assert stdout == b""
    results = {r["id"]: r for r in read_results(out)}
    assert sorted(results) == ["t1", "t2", "t3", "t4"]
    for task_id in ("t1", "t3", "t4"):
        result = results[task_id]
        assert set(result) == RESULT_KEYS
        assert result["status"] == "completed"
        assert result["final_message"] == "all good"
        assert result["error"] is None
        assert Path(result["rollout_path"]).is_file()
        assert result["thread_id"] in result["rollout_path"]
    failed = results["t2"]
    assert failed["status"] == "failed"
    assert "bad task" in failed["error"] and "\n" not in failed["error"]
    # Every prompt reached the model exactly once (three on the good server).
    prompts = sorted(r.message_texts("user")[-1] for r in mock_model_server.requests)
    assert prompts == ["four", "one", "three"]


def test_results_to_stdout_and_exit_zero(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("fine")]))
    tasks = write_tasks(tmp_path / "t.jsonl", {"id": "a", "prompt": "x"}, {"id": 7, "prompt": "y"})
    rc, stdout, stderr = run_codex("batch", str(tasks), home=home, cwd=repo)
    assert rc == 0, stderr
    lines = [orjson.loads(line) for line in stdout.splitlines()]
    assert sorted((r["id"], r["status"]) for r in lines) == [("7", "completed"), ("a", "completed")]


def test_structured_output_with_schema(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message('{"answer": 42}')]))
    schema = {"type": "object", "properties": {"answer": {"type": "integer"}}}
    tasks = write_tasks(tmp_path / "t.jsonl", {"id": "s", "prompt": "q", "output_schema": schema})
    rc, stdout, stderr = run_codex("batch", str(tasks), home=home, cwd=repo)
    assert rc == 0, stderr
    (result,) = [orjson.loads(line) for line in stdout.splitlines()]
    assert result["structured_output"] == {"answer": 42}
    sent = mock_model_server.single_request().json
    assert sent["text"]["format"]["schema"] == schema


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"id": "x", "prompt": "p", "colour": 1}', 'unknown field "colour"'),
        ('{"id": "a", "prompt": "again"}', 'duplicate id "a" (first on line 1)'),
        ('{"id": "y"}', '"prompt" must be a non-empty string'),
        ('{"id": "z", "prompt": "p", "sandbox": "open"}', '"sandbox" must be one of'),
    ],
)
def test_malformed_task_file_runs_nothing(
    tmp_path: Path,
    home: Path,
    repo: Path,
    mock_model_server: MockModelServer,
    line: str,
    message: str,
) -> None:
    mock_model_server.repeat(Turn([Message("never")]))
    tasks = write_tasks(tmp_path / "t.jsonl", {"id": "a", "prompt": "ok"}, "", line)
    out = tmp_path / "results.jsonl"
    rc, stdout, stderr = run_codex("batch", str(tasks), "-o", str(out), home=home, cwd=repo)
    assert rc == 2
    assert stdout == b""
    assert stderr.strip().splitlines() == [stderr.strip()]
    assert stderr.startswith(f"codex: {tasks}:3: ")
    assert message in stderr
    assert not out.exists()
    assert mock_model_server.requests == []


def test_json_events_tagged_with_task_id(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("tagged")]))
    tasks = write_tasks(
        tmp_path / "t.jsonl", {"id": "a", "prompt": "x"}, {"id": "b", "prompt": "y"}
    )
    out = tmp_path / "r.jsonl"
    rc, stdout, stderr = run_codex(
        "batch", str(tasks), "--json", "-o", str(out), home=home, cwd=repo
    )
    assert rc == 0, stderr
    events = [orjson.loads(line) for line in stdout.splitlines()]
    for task_id in ("a", "b"):
        mine = [
            {k: v for k, v in e.items() if k != "task_id"}
            for e in events
            if e["task_id"] == task_id
        ]
        assert [e["type"] for e in mine] == [
            "thread.started",
            "turn.started",
            "item.completed",
            "turn.completed",
        ]
        result = next(r for r in read_results(out) if r["id"] == task_id)
        assert mine[0]["thread_id"] == result["thread_id"]
        assert mine[2]["item"]["text"] == "tagged"


def test_results_resume_with_codex_exec_resume(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(Turn([Message("first answer")]), Turn([Message("second answer")]))
    tasks = write_tasks(tmp_path / "t.jsonl", {"id": "a", "prompt": "remember me"})
    rc, stdout, stderr = run_codex("batch", str(tasks), home=home, cwd=repo)
    assert rc == 0, stderr
    thread_id = orjson.loads(stdout)["thread_id"]
    rc, stdout, stderr = run_codex(
        "exec", "--json", "resume", thread_id, "and now?", home=home, cwd=repo
    )
    assert rc == 0, stderr
    events = [orjson.loads(line) for line in stdout.splitlines()]
    assert events[0] == {"type": "thread.started", "thread_id": thread_id}
    # The resumed request carries the batch turn's history.
    texts = mock_model_server.last_request().message_texts("user")
    assert "remember me" in texts and texts[-1] == "and now?"


def test_per_task_failures_before_the_turn(
    tmp_path: Path, home: Path, repo: Path, plain_dir: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("fine")]))
    outside = plain_dir
    tasks = write_tasks(
        tmp_path / "t.jsonl",
        {"id": "ok", "prompt": "x"},
        {"id": "norepo", "prompt": "y", "cwd": str(outside)},
        {"id": "ghost", "prompt": "z", "resume": "0199a213-81c0-7800-8aa1-bbab2a035a53"},
        {"id": "noimage", "prompt": "w", "images": ["missing.png"]},
    )
    rc, stdout, stderr = run_codex("batch", str(tasks), home=home, cwd=repo)
    assert rc == 1, stderr
    results = {r["id"]: r for r in (orjson.loads(line) for line in stdout.splitlines())}
    assert results["ok"]["status"] == "completed"
    assert results["norepo"]["status"] == "failed"
    assert "--skip-git-repo-check" in results["norepo"]["error"]
    assert results["ghost"]["status"] == "failed"
    assert results["noimage"]["error"] == "image file not found: missing.png"
    assert len(mock_model_server.requests) == 1


def test_fail_fast_cancels_the_rest(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("fine")]))
    tasks = write_tasks(
        tmp_path / "t.jsonl",
        {"id": "bad", "prompt": "x", "images": ["missing.png"]},
        *({"id": f"t{i}", "prompt": "y"} for i in range(3)),
    )
    rc, stdout, stderr = run_codex(
        "batch", str(tasks), "--jobs", "1", "--fail-fast", home=home, cwd=repo
    )
    assert rc == 1, stderr
    results = [orjson.loads(line) for line in stdout.splitlines()]
    assert [(r["id"], r["status"]) for r in results] == [("bad", "failed")]
    assert mock_model_server.requests == []


def test_progress_line_on_a_terminal(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    import os
    import pty
    import subprocess
    import sys

    from tests.batch.harness import codex_env

    mock_model_server.repeat(Turn([Message("fine")]))
    tasks = write_tasks(
        tmp_path / "t.jsonl", {"id": "a", "prompt": "x"}, {"id": "b", "prompt": "y"}
    )
    out = tmp_path / "r.jsonl"
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "batch", str(tasks), "-o", str(out)],
        cwd=repo,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0
    assert proc.stdout is not None and proc.stdout.read() == b""
    last = seen.decode().replace("\r\n", "\n").split("\r")[-1]
    assert "2/2 done · 0 failed · 0 cancelled · 0 running" in last
    assert len(read_results(out)) == 2
