"""End to end through the in-process SDK: a thread's turns and its shutdown fsync the rollout
from worker threads, never from the thread running the event loop (an fsync there stalled every
other thread of the process). Seen with strace on a real child process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.sdk.test_sdk import make_home
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

_CHILD = r"""
import asyncio, sys, threading
from codex import AsyncCodex, CodexConfig

async def main():
    async with AsyncCodex(CodexConfig(codex_home=sys.argv[1], cwd=sys.argv[2])) as codex:
        threads = [await codex.thread_start() for _ in range(3)]
        for t in threads:
            await t.run("one")
            await t.run("two")
    print("LOOP", threading.get_native_id(), flush=True)

asyncio.run(main())
"""


STRACE = ("strace", "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync")


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    return subprocess.run(["strace", "-f", "-o", "/dev/null", "true"]).returncode == 0


@pytest.mark.skipif(not _strace_works(), reason="strace missing or ptrace not permitted here")
def test_no_rollout_fsync_on_the_event_loop_thread(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.repeat(Turn([Message("ok")]))
    config = make_home(tmp_path, mock_model_server)
    trace = tmp_path / "trace"
    env = {**os.environ, "CODEX_HOME": str(config.codex_home)}
    dirs = (config.codex_home, config.cwd)
    out = subprocess.run(
        [*STRACE, "-o", str(trace), sys.executable, "-c", _CHILD, *map(str, dirs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    loop_tid = int(re.search(r"LOOP (\d+)", out).group(1))  # type: ignore[union-attr]
    # (thread id, rollout file) of every fsync of a rollout (strace -y names the fd's file).
    rollout_syncs = [
        (int(line.split()[0]), found.group(1))
        for line in trace.read_text().splitlines()
        if "fsync(" in line and (found := re.search(r"/(rollout-[^/>]+\.jsonl)>", line))
    ]
    # Every thread's rollout is fsynced (the turn ends' background fsync; a close adds one only
    # when writes came after it, so how many there are depends on timing), none on the loop.
    assert len({name for _, name in rollout_syncs}) == 3, trace.read_text()[-3000:]
    assert loop_tid not in {tid for tid, _ in rollout_syncs}, trace.read_text()[-3000:]
