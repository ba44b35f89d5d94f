"""EmbeddedServer's SIGTERM trap covers the whole life of the server child: it is in place before
the child is spawned (a SIGTERM between spawn and trap would kill codex with the default action and
skip stopping the server), is removed again when start fails, and a SIGTERM while stop() reaps the
child is held until the child is gone, then ends codex with 143."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from codex.errors import CodexError
from codex.local import runtime
from codex.local.runtime import EmbeddedServer


def test_sigterm_is_trapped_before_the_child_exists_and_restored_after_a_failed_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not runtime.xllamacpp_available():
        pytest.skip("xllamacpp not installed: pip install '.[local]'")
    seen_at_spawn: list[Any] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        seen_at_spawn.append(signal.getsignal(signal.SIGTERM))
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(runtime.subprocess, "Popen", recording_popen)
    before = signal.getsignal(signal.SIGTERM)
    server = EmbeddedServer(tmp_path / "no-such-model.gguf", start_timeout=120)
    with pytest.raises(CodexError, match="exited"):
        server.start()
    assert seen_at_spawn == [runtime._raise_exit]
    assert signal.getsignal(signal.SIGTERM) is before
    assert server.process is None


STOP_WITH_SIGTERM = """
import subprocess, sys
from codex.local.runtime import EmbeddedServer

# A stand-in server: when its stdin closes (stop() began) it sends SIGTERM to codex, then exits.
child = subprocess.Popen(
    [sys.executable, "-c",
     "import os, signal, sys; sys.stdin.read(); os.kill(os.getppid(), signal.SIGTERM)"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
)
server = EmbeddedServer("unused.gguf")
server.process = child
server._trap_sigterm()  # as start() leaves it
try:
    server.stop()
finally:
    print("child reaped:", child.returncode, flush=True)
"""


def test_sigterm_while_stop_reaps_the_server_is_held_until_it_is_reaped(tmp_path: Path) -> None:
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", STOP_WITH_SIGTERM],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, proc.stderr)
    assert proc.stdout == "child reaped: 0\n"
    assert "Traceback" not in proc.stderr
