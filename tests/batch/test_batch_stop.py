"""A batch that stops early: `kill -9` mid-batch then `--resume` (no task lost, none completed
twice), and SIGINT/SIGTERM (running turns written as cancelled, the file whole, exit 130)."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest
from tests.batch.harness import read_results, run_codex, start_codex, write_tasks
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn

OK = Turn([Message("done")])


def _tasks(tmp_path: Path, n: int) -> Path:
    return write_tasks(
        tmp_path / "tasks.jsonl", *({"id": f"t{i}", "prompt": f"p{i}"} for i in range(n))
    )


def test_resume_after_kill_9(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    tasks = _tasks(tmp_path, 5)
    out = tmp_path / "results.jsonl"
    # One at a time: two tasks complete, the third's request is held while the runner is killed.
    mock_model_server.enqueue(OK, OK, Hold(OK, frames=None))
    proc = start_codex("batch", str(tasks), "-o", str(out), "--jobs", "1", home=home, cwd=repo)
    try:
        mock_model_server.wait_held()
        proc.kill()
    finally:
        proc.wait(timeout=60)
        mock_model_server.release()
    first = read_results(out)
    assert [(r["id"], r["status"]) for r in first] == [("t0", "completed"), ("t1", "completed")]
    mock_model_server.repeat(OK)
    before = len(mock_model_server.requests)
    rc, _, stderr = run_codex("batch", str(tasks), "-o", str(out), "--resume", home=home, cwd=repo)
    assert rc == 0, stderr
    results = read_results(out)
    completed = Counter(r["id"] for r in results if r["status"] == "completed")
    assert completed == Counter({f"t{i}": 1 for i in range(5)})
    # Only the three unfinished tasks were asked again.
    resent = [r.message_texts("user")[-1] for r in mock_model_server.requests[before:]]
    assert sorted(resent) == ["p2", "p3", "p4"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_cancels_running_tasks(
    tmp_path: Path,
    home: Path,
    repo: Path,
    mock_model_server: MockModelServer,
    signum: signal.Signals,
) -> None:
    tasks = _tasks(tmp_path, 4)
    out = tmp_path / "results.jsonl"
    mock_model_server.enqueue(Hold(OK, frames=None), Hold(OK, frames=None))
    proc = start_codex("batch", str(tasks), "-o", str(out), "--jobs", "2", home=home, cwd=repo)
    try:
        mock_model_server.wait_held(2)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        mock_model_server.release()
    assert proc.returncode == 130, stderr
    results = read_results(out)
    assert sorted((r["id"], r["status"]) for r in results) == [
        ("t0", "cancelled"),
        ("t1", "cancelled"),
    ]
    assert all(r["thread_id"] and r["error"] == "interrupted" for r in results)
    # The tasks that never started run on --resume, and so do the cancelled ones.
    mock_model_server.repeat(OK)
    rc, _, stderr = run_codex("batch", str(tasks), "-o", str(out), "--resume", home=home, cwd=repo)
    assert rc == 0, stderr
    completed = sorted(r["id"] for r in read_results(out) if r["status"] == "completed")
    assert completed == ["t0", "t1", "t2", "t3"]


def test_a_hung_task_times_out_alone(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    tasks = _tasks(tmp_path, 2)
    out = tmp_path / "results.jsonl"
    # The first request is never answered, the second is.
    mock_model_server.enqueue(Hold(OK, frames=None), OK)
    try:
        rc, _, stderr = run_codex(
            "batch",
            str(tasks),
            "-o",
            str(out),
            "--jobs",
            "2",
            "--timeout",
            "2",
            home=home,
            cwd=repo,
        )
    finally:
        mock_model_server.release()
    assert rc == 1, stderr
    # Whichever request reached the server first is the one held.
    results = sorted(read_results(out), key=lambda r: r["status"])
    assert [r["status"] for r in results] == ["completed", "failed"]
    assert results[1]["error"] == "timed out after 2 s"
    assert sorted(r["id"] for r in results) == ["t0", "t1"]


def test_resume_over_a_torn_last_line(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """A results file cut mid-line (a crash on a filesystem that split the write): the torn line
    is ignored, the next result starts on a line of its own."""
    import orjson

    tasks = _tasks(tmp_path, 2)
    out = tmp_path / "results.jsonl"
    done = {"id": "t0", "status": "completed"}
    out.write_bytes(orjson.dumps(done) + b'\n{"id": "t1", "status": "compl')
    mock_model_server.repeat(OK)
    rc, _, stderr = run_codex("batch", str(tasks), "-o", str(out), "--resume", home=home, cwd=repo)
    assert rc == 0, stderr
    lines = out.read_bytes().split(b"\n")
    assert lines[1] == b'{"id": "t1", "status": "compl'
    assert lines[-1] == b""
    (new,) = [orjson.loads(line) for line in lines[2:-1]]
    assert (new["id"], new["status"]) == ("t1", "completed")
    assert [r.message_texts("user")[-1] for r in mock_model_server.requests] == ["p1"]
