"""A real `codex viewer --port 0` process over a scratch CODEX_HOME, and rollouts to put in it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.exec.harness import codex_env
from tests.viewer.helpers import Viewer

pytest.importorskip("fastapi", reason="the viewer extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the viewer extra (uvicorn) is not installed")


@pytest.fixture
def viewer_home(tmp_path: Path) -> Path:
    home = tmp_path / "codex-home"
    home.mkdir()
    return home


@pytest.fixture
def start_viewer(viewer_home: Path) -> Iterator[object]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(home: Path = viewer_home) -> Viewer:
        proc = subprocess.Popen(
            [sys.executable, "-m", "codex", "viewer", "--port", "0"],
            env=codex_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith("codex viewer: http://127.0.0.1:"), (
            line,
            proc.stderr.read().decode() if proc.poll() is not None and proc.stderr else "",
        )
        return Viewer(proc, line.split(": ", 1)[1].strip())

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
