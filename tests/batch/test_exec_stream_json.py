"""`codex exec --json --input-format stream-json` through the real CLI against the mock: three
user turns over one stdin are three turns of one session, the rollout holds all three and
resumes; a malformed line is one error event naming the line and the conversation goes on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from tests.batch.harness import codex_env, run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn


def _exec_stream(stdin: bytes, home: Path, cwd: Path) -> tuple[int, list[dict], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--json", "--input-format", "stream-json"],
        cwd=cwd,
        env=codex_env(home),
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    events = [orjson.loads(line) for line in proc.stdout.splitlines()]
    return proc.returncode, events, proc.stderr.decode("utf-8", "replace")


def _lines(*objs: dict) -> bytes:
    return b"".join(orjson.dumps(o) + b"\n" for o in objs)


def test_three_turns_one_session(home: Path, repo: Path, mock_model_server: MockModelServer):
    mock_model_server.enqueue(
        Turn([Message("first answer")]),
        Turn([Message("second answer")]),
        Turn([Message("third answer")]),
    )
    stdin = _lines(
        {"type": "user", "message": {"role": "user", "content": "alpha"}},
        {
            "type": "user",
            "message": {"role": "user", "content": [{"type": "text", "text": "beta"}]},
        },
        {"prompt": "gamma"},
    )
    rc, events, stderr = _exec_stream(stdin, home, repo)
    assert rc == 0, stderr
    kinds = [e["type"] for e in events]
    assert kinds.count("thread.started") == 1
    assert kinds.count("turn.started") == 3 and kinds.count("turn.completed") == 3
    answers = [
        e["item"]["text"]
        for e in events
        if e["type"] == "item.completed" and e["item"]["type"] == "agent_message"
    ]
    assert answers == ["first answer", "second answer", "third answer"]
    # Each request carries the whole conversation so far: one session, not three.
    asked = [r.message_texts("user")[-1] for r in mock_model_server.requests]
    assert asked[-3:] == ["alpha", "beta", "gamma"]
    assert "first answer" in str(mock_model_server.requests[-1].input)

    thread_id = events[0]["thread_id"]
    rollouts = list((home / "sessions").rglob(f"*{thread_id}*.jsonl"))
    assert len(rollouts) == 1
    text = rollouts[0].read_text()
    for word in ("alpha", "beta", "gamma", "first answer", "second answer", "third answer"):
        assert word in text

    mock_model_server.enqueue(Turn([Message("resumed")]))
    rc, out, stderr = run_codex("exec", "resume", thread_id, "delta", home=home, cwd=repo)
    assert rc == 0, stderr
    assert out.strip() == b"resumed"
    resumed_input = str(mock_model_server.requests[-1].input)
    assert "gamma" in resumed_input and "third answer" in resumed_input


def test_malformed_line_is_one_error_and_the_session_goes_on(
    home: Path, repo: Path, mock_model_server: MockModelServer
):
    mock_model_server.enqueue(Turn([Message("one")]), Turn([Message("two")]))
    stdin = _lines({"prompt": "first"}) + b"{not json\n" + _lines({"prompt": "second"})
    rc, events, stderr = _exec_stream(stdin, home, repo)
    assert rc == 1, stderr
    errors = [e for e in events if e["type"] == "error"]
    assert len(errors) == 1 and errors[0]["message"].startswith("stdin line 2:")
    assert [e["type"] for e in events].count("turn.completed") == 2


def test_empty_stdin_ends_cleanly(home: Path, repo: Path, mock_model_server: MockModelServer):
    rc, events, stderr = _exec_stream(b"", home, repo)
    assert rc == 0, stderr
    assert [e["type"] for e in events] == ["thread.started"]
    assert mock_model_server.requests == []


def test_requires_json(home: Path, repo: Path):
    rc, _, stderr = run_codex("exec", "--input-format", "stream-json", home=home, cwd=repo)
    assert rc != 0 and "requires --json" in stderr


def test_sigint_while_waiting_for_stdin_exits_130(home: Path, repo: Path):
    """Ctrl-C between turns, with the orchestrator's pipe still open, ends the process."""
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "exec", "--json", "--input-format", "stream-json"],
        cwd=repo,
        env=codex_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None and proc.stdin is not None
    first = orjson.loads(proc.stdout.readline())
    assert first["type"] == "thread.started"  # the session is open, the read is pending
    proc.send_signal(signal.SIGINT)
    try:
        # stdin stays open: a reader the loop would join at shutdown keeps the process alive.
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        rc = None
    finally:
        proc.kill()
        proc.stdin.close()
        proc.wait()
    assert rc == 130
