"""The turn-end fsync runs off the caller's thread (the event loop), for the C engine and the twin,
while the lines themselves are written on the caller's thread before turn_end() returns."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codex._native.jsonl import JsonlWriter

ENGINES = [pytest.param("1", id="c"), pytest.param("0", id="twin")]

# Writes two turns (and, with "tail", one line after them), then prints its main thread id and
# closes.
_CHILD = r"""
import os, sys, threading
from codex._native.jsonl import JsonlWriter
w = JsonlWriter(sys.argv[1])
for turn in range(2):
    w.append(b'{"turn":%d}\n' % turn)
    w.turn_end()
    w.wait_synced()
if sys.argv[2] == "tail":
    w.append(b'{"tail":1}\n')
print("MAIN", threading.get_native_id(), flush=True)
w.close()
print("CLOSED", flush=True)
"""


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-o", "/dev/null", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _strace_works(), reason="strace missing or ptrace not permitted here")
@pytest.mark.parametrize("tail", [False, True], ids=["synced", "tail"])
@pytest.mark.parametrize("native", ENGINES)
def test_turn_end_fsync_runs_on_a_worker_thread(tmp_path: Path, native: str, tail: bool) -> None:
    path = tmp_path / "r.jsonl"
    trace = tmp_path / "trace"
    env = {**os.environ, "CODEX_PY_NATIVE": native}
    child = [sys.executable, "-c", _CHILD, str(path), "tail" if tail else "-"]
    out = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", str(trace), *child],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    main_tid = int(re.search(r"MAIN (\d+)", out).group(1))  # type: ignore[union-attr]
    fsync_tids = [
        int(line.split()[0]) for line in trace.read_text().splitlines() if "fsync(" in line
    ]
    # Two turn ends in workers. close() on the caller's thread fsyncs only a line written since
    # (durable on return either way): after the synced turn end there is nothing to sync.
    on_main = [t for t in fsync_tids if t == main_tid]
    assert len(fsync_tids) == 2 + tail, trace.read_text()
    assert on_main == ([main_tid] if tail else []), trace.read_text()
    tail_line = b'{"tail":1}\n' if tail else b""
    assert path.read_bytes() == b'{"turn":0}\n{"turn":1}\n' + tail_line


@pytest.mark.parametrize("native", ENGINES)
def test_lines_are_written_before_turn_end_returns(
    tmp_path: Path, native: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEX_PY_NATIVE", native)
    path = tmp_path / "r.jsonl"
    w = JsonlWriter(path)
    assert w.native == (native == "1")
    for n in range(50):
        w.append(b'{"n":%d}\n' % n)
        w.turn_end()
        # Already in the file (write(2) happened here): a kill -9 now would lose nothing.
        assert path.read_bytes().count(b"\n") == n + 1
    w.wait_synced()
    # Coalesced: never more fsyncs than turn ends, at least one.
    assert 1 <= w.background_syncs <= 50
    w.close()
    assert path.read_bytes().count(b"\n") == 50


@pytest.mark.parametrize("native", ENGINES)
def test_a_failed_background_fsync_is_reported_by_close(
    native: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fsync(2) of /dev/null fails with EINVAL: a real failure, reported on the owner's thread.
    monkeypatch.setenv("CODEX_PY_NATIVE", native)
    w = JsonlWriter("/dev/null")
    w.append(b"{}\n")
    w.turn_end()  # returns: the fsync has not (necessarily) run yet
    with pytest.raises(OSError) as info:
        w.close()
    assert info.value.errno == 22
    assert w.closed


@pytest.mark.parametrize("native", ENGINES)
def test_every_flush_policy_stays_synchronous(
    tmp_path: Path, native: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEX_PY_NATIVE", native)
    w = JsonlWriter("/dev/null", fsync="every_flush")
    w.append(b"{}\n")
    with pytest.raises(OSError):
        w.turn_end()  # the fsync runs here and fails here
    w2 = JsonlWriter(tmp_path / "r.jsonl", fsync="every_flush")
    w2.append(b"{}\n")
    w2.turn_end()
    assert w2.background_syncs == 0
    w2.close()


def test_recorder_aclose_leaves_a_whole_durable_file(tmp_path: Path) -> None:
    import asyncio

    from codex.rollout.recorder import RolloutRecorder, SessionMetaParams

    async def main() -> Path:
        meta = SessionMetaParams(str(tmp_path), "codex_exec", "0.0.0", "exec", "openai")
        rec = RolloutRecorder.create(tmp_path, meta)
        rec.record_event({"type": "agent_message", "message": "hi"})
        rec.turn_end()
        await rec.aclose()
        await rec.aclose()  # idempotent
        return rec.path

    path = asyncio.run(main())
    lines = path.read_bytes().splitlines()
    assert len(lines) == 2 and b"AgentMessage" in lines[1]


def test_a_sync_that_raises_anything_never_leaves_close_waiting() -> None:
    """A bug in the sync (not an OSError) once left the writer busy forever: close() hung."""
    import threading

    from codex._native.jsonl_sync import BackgroundSync

    done = threading.Event()

    def broken() -> None:
        done.set()
        raise ValueError("not an OSError")

    bg = BackgroundSync(broken)
    bg.request()
    assert done.wait(10)
    assert bg.wait(timeout=10)
    with pytest.raises(OSError, match="not an OSError"):
        bg.raise_error()


def test_close_waits_for_a_hung_fsync_only_so_long() -> None:
    """A disk that never answers an fsync must not hang the process at exit."""
    import threading

    from codex._native.jsonl_sync import BackgroundSync

    release = threading.Event()
    bg = BackgroundSync(lambda: release.wait(30))
    bg.request()
    try:
        assert bg.wait(timeout=0.2) is False
    finally:
        release.set()
    assert bg.wait(timeout=10)


@pytest.mark.parametrize("native", ENGINES)
def test_a_closed_writer_answers_about_its_fsyncs_without_touching_freed_memory(
    tmp_path: Path, native: str
) -> None:
    """wait_synced() and background_syncs after close(): the C writer is freed by then, and an
    earlier version handed its NULL pointer to the engine (SIGSEGV). In a child process, so a
    crash fails this test instead of ending the run."""
    child = (
        "import sys\n"
        "from codex._native.jsonl import JsonlWriter\n"
        "w = JsonlWriter(sys.argv[1])\n"
        "w.append(b'{}\\n'); w.turn_end(); w.close()\n"
        "w.wait_synced()\n"
        "print(w.background_syncs, w.closed)\n"
    )
    env = {**os.environ, "CODEX_PY_NATIVE": native}
    out = subprocess.run(
        [sys.executable, "-c", child, str(tmp_path / "r.jsonl")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    syncs, closed = out.stdout.split()
    assert int(syncs) >= 1 and closed == "True"
