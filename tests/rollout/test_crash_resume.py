"""`kill -9` of `codex exec` at any moment of a turn leaves a rollout that resumes with every turn
the model saw (issue 13, item 6).

Each case runs the real CLI against the loopback mock model server, kills it with SIGKILL at one
moment, then runs `codex exec resume --last "next"` and checks the request that resume sends:

- before_request: the server holds the first request unanswered (`Hold(frames=None)`);
- mid_stream: the server has sent the first deltas of the answer and holds the rest;
- mid_tool_call: the model called `exec_command` with `cat <fifo>`, which blocks until the test
  closes the fifo; the test kills codex once the command has opened it.

What the model was sent (the prompt, the environment context) and the call it made must be in the
resumed request, with the call answered (`aborted`, as 0.169 does). The same cases run against the
official 0.169 binary when it is installed, as the reference the behaviour was taken from.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import official_binary

PROMPT = "remember the word PELICAN"
MOMENTS = ("before_request", "mid_stream", "mid_tool_call")
OFFICIAL = official_binary()


def _cli(which: str) -> list[str]:
    if which == "official":
        if OFFICIAL is None:
            pytest.skip("official codex 0.169 binary not installed")
        return [str(OFFICIAL)]
    return [sys.executable, "-m", "codex"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), HOME=str(home.parent), MOCK_KEY="sk-mock-key", NO_COLOR="1")
    return env


class _FifoWriter:
    """Opens the write end of `fifo` in a thread: the open returns once a reader (the command the
    model asked for) has opened the other end, which is how the test knows the tool is running.
    `close()` gives that reader EOF, so the orphaned command ends once codex is gone."""

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.fd: int | None = None
        self._thread = threading.Thread(target=self._open, daemon=True)
        self._thread.start()

    def _open(self) -> None:
        self.fd = os.open(self.fifo, os.O_WRONLY)

    def wait_reader(self, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
        """Until the command opened the fifo; fails if codex exits first or nothing comes."""
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while not deadline.is_set():
                self._thread.join(0.05)
                if not self._thread.is_alive():
                    return
                if proc.poll() is not None:
                    pytest.fail(f"codex exited ({proc.returncode}) before running the command")
            pytest.fail("the command never opened the fifo")
        finally:
            timer.cancel()

    def close(self) -> None:
        if self._thread.is_alive():  # never opened: a reader of our own unblocks the thread
            os.close(os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK))
            self._thread.join(10)
        if self.fd is not None:
            os.close(self.fd)


@pytest.fixture
def server() -> Iterator[MockModelServer]:
    with MockModelServer() as server:
        yield server


def _start_and_kill(cli: list[str], moment: str, home: Path, work: Path, server: MockModelServer):
    """Run `codex exec PROMPT` until `moment`, then SIGKILL it; returns the rollout file."""
    fifo = work / "fifo"
    if moment == "before_request":
        server.enqueue(Hold(Turn([Message("never sent")]), frames=None))
    elif moment == "mid_stream":
        # response.created, .in_progress, output_item.added, content_part.added, two deltas
        answer = Message("never finished", ["never ", "fin", "ished"])
        server.enqueue(Hold(Turn([answer]), frames=6))
    else:
        os.mkfifo(fifo)
        server.enqueue(Turn([FunctionCall("call_fifo", "exec_command", {"cmd": f"cat {fifo}"})]))
    proc = subprocess.Popen(
        [*cli, "exec", "--skip-git-repo-check", PROMPT],
        cwd=work,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    writer = _FifoWriter(fifo) if moment == "mid_tool_call" else None
    try:
        if writer is not None:
            writer.wait_reader(proc)
        else:
            server.wait_held(timeout=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        _, stderr = proc.communicate(timeout=30)
        if writer is not None:
            writer.close()
        server.release()
    assert proc.returncode == -signal.SIGKILL, stderr.decode(errors="replace")[-2000:]
    (path,) = (home / "sessions").rglob("rollout-*.jsonl")
    return path


@pytest.mark.parametrize("which", ["ours", "official"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_kill_9_then_resume_sends_what_the_model_saw(
    moment: str, which: str, tmp_path: Path, server: MockModelServer
) -> None:
    cli = _cli(which)
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_mock_config(home, server.base_url)
    rollout = _start_and_kill(cli, moment, home, work, server)

    # The killed run's first request carried the prompt: that is what must survive.
    first = server.requests[0]
    assert PROMPT in first.message_texts("user")
    # Whole lines only: a kill never leaves a torn line behind.
    lines = rollout.read_bytes().splitlines()
    assert all(isinstance(orjson.loads(line), dict) for line in lines)

    server.enqueue(Turn([Message("resumed")]))
    done = subprocess.run(
        [*cli, "exec", "--skip-git-repo-check", "resume", "--last", "next"],
        cwd=work,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    resumed = server.last_request()
    users = resumed.message_texts("user")
    assert PROMPT in users, f"the resumed request lost the prompt: {users}"
    assert users[-1] == "next"
    # The environment context the model saw came back from the file (not re-made, not lost).
    assert sum("<environment_context>" in text for text in users) == 1
    assert resumed.tool_pairing_problems() == []
    if moment == "mid_tool_call":
        calls = resumed.inputs_of_type("function_call")
        assert [c["call_id"] for c in calls] == ["call_fifo"]
        output = resumed.function_call_output("call_fifo")
        assert output is not None and output["output"] == "aborted"
