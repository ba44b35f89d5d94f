"""EmbeddedServer's SIGTERM trap covers the whole life of the server child: it is in place before
the child is spawned (a SIGTERM between spawn and trap would kill codex with the default action and
skip stopping the server) and is removed again when start fails."""

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
