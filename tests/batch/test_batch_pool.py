"""The batch's shared HTTP pool through the real CLI: a 429 pauses the provider for every task
(no request sent during the pause, one probe after it), and all tasks share keep-alive
connections instead of opening their own.

The 429 gate runs on both of the batch's paths: the lean client (the default: the batch process
never imports httpx, which proves its model requests took the lean client) and the httpx client
(taken when a proxy is configured)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.batch.harness import codex_env, read_results, start_codex, write_tasks
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import HttpError, Message, Turn

RATE_LIMITED = {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}}


def _retrying_home(tmp_path: Path, server: MockModelServer) -> Path:
    # Retries allowed: the task that gets the 429 retries it, as `exec` does.
    extra = "request_max_retries = 6\nstream_max_retries = 0\n"
    return write_mock_config(tmp_path / "codex-home", server.base_url, extra)


# `python -m codex` that writes, at exit, which of httpx and its stack the process imported.
CHILD = """
import atexit, os, sys

def held():
    mods = [m for m in ("httpx", "httpcore", "h11", "anyio") if m in sys.modules]
    with open(os.environ["HELD_MODULES_OUT"], "w") as out:
        out.write(",".join(mods) or "none")

atexit.register(held)
from codex.cli.main import entry
entry()
"""

# A proxy for https only, which 127.0.0.1 is exempt from (and never used): the batch then
# takes its httpx client, as httpx would mount a proxy transport.
PROXY_ENV = {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1"}


def _start_reporting(
    *argv: str, home: Path, cwd: Path, held: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    child_env = {k: v for k, v in codex_env(home).items() if not k.lower().endswith("_proxy")}
    child_env.update(env, HELD_MODULES_OUT=str(held))
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *argv],
        cwd=cwd,
        env=child_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("path", ["lean", "httpx"])
def test_429_pauses_the_provider_for_the_whole_pool(
    tmp_path: Path, repo: Path, mock_model_server: MockModelServer, path: str
) -> None:
    server = mock_model_server
    home = _retrying_home(tmp_path, server)
    ok = Turn([Message("ok")])
    # The first of the four first requests is rate limited for 3 s; the other three are held
    # (in flight) until the batch has seen the 429. The first request after the pause, the
    # probe, is rate limited again for 1 s; then the provider recovers.
    server.enqueue(
        HttpError(429, RATE_LIMITED, {"Retry-After": "3"}),
        Hold(ok),
        Hold(ok),
        Hold(ok),
        HttpError(429, RATE_LIMITED, {"Retry-After": "1"}),
    )
    server.repeat(ok)
    tasks = write_tasks(
        tmp_path / "tasks.jsonl", *({"id": f"t{i}", "prompt": f"task {i}"} for i in range(8))
    )
    out = tmp_path / "results.jsonl"
    argv = ("batch", str(tasks), "-o", str(out), "--jobs", "4")
    held = tmp_path / "held-modules"
    env = PROXY_ENV if path == "httpx" else {}
    proc = _start_reporting(*argv, home=home, cwd=repo, held=held, env=env)
    try:
        assert proc.stderr is not None
        # The batch's notice of the pause: it has taken the 429 in.
        notice = proc.stderr.readline().decode()
        assert "429" in notice and "waits 3 s" in notice, notice
        server.wait_held(3)
        server.release()  # three tasks finish now; the next ones start during the pause
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr.decode()
    # Which client carried the requests: the lean one never imports httpx.
    if path == "lean":
        assert held.read_text() == "none"
    else:
        assert "httpx" in held.read_text().split(",")
    assert stderr.decode().count("answered 429") == 1  # the probe's: one more notice
    results = read_results(out)
    assert sorted(r["status"] for r in results) == ["completed"] * 8
    seen = [r for r in server.requests if r.path.endswith("/responses")]
    assert len(seen) == 8 + 2  # each task once, plus the two rate-limited attempts
    first, held, probe, after = seen[0], seen[1:4], seen[4], seen[5:]
    assert first.replied_at is not None and probe.replied_at is not None
    # Nothing was sent while the provider was paused: requests received in the 3 s after the
    # first 429 are only the three that were in flight already.
    pause_end = first.replied_at + 3.0
    during = [r for r in seen if first.replied_at < r.received_at < pause_end]
    assert len(during) <= len(held)
    assert all(r in held for r in during)
    assert probe.received_at >= pause_end
    assert orjson.loads(probe.body)["input"]  # a real request (the probe), not a stray GET
    # After the pause one probe went alone; its 429 paused everyone again for 1 s ...
    assert all(r.received_at >= probe.replied_at + 1.0 for r in after)
    # ... and after that pause one probe went alone again; the rest followed its success.
    second_probe, rest = after[0], after[1:]
    assert second_probe.replied_at is not None
    assert all(r.received_at >= second_probe.replied_at for r in rest)


def test_tasks_share_keep_alive_connections(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """40 tasks at once, twice over: the first 40 replies are held and then released together,
    so 40 connections go idle at about the same moment. All tasks share the batch's one pool,
    which keeps up to --jobs idle connections: the next 40 tasks reuse them (at most one
    connection per running task, never one per task)."""
    jobs, count = 40, 80
    mock_model_server.enqueue(*(Hold(Turn([Message("ok")])) for _ in range(jobs)))
    mock_model_server.repeat(Turn([Message("ok")]))
    tasks = write_tasks(
        tmp_path / "tasks.jsonl", *({"id": f"t{i}", "prompt": "hi"} for i in range(count))
    )
    out = tmp_path / "results.jsonl"
    argv = ("batch", str(tasks), "-o", str(out), "--jobs", str(jobs))
    proc = start_codex(*argv, home=home, cwd=repo)
    try:
        mock_model_server.wait_held(jobs, timeout=120)
        mock_model_server.release()
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    results = read_results(out)
    assert proc.returncode == 0, [r["error"] for r in results if r["status"] != "completed"]
    assert len(results) == count
    seen = [r for r in mock_model_server.requests if r.path.endswith("/responses")]
    assert len(seen) == count
    connections = {r.peer for r in seen}
    assert len(connections) <= jobs, f"{len(connections)} connections for {jobs} jobs"
