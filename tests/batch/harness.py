"""Running the real `codex batch` process against the loopback mock model server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson


def codex_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock-key", NO_COLOR="1")
    # Ray (codex batch --ray) on the loopback test cluster: no token auth, whose default reads
    # and writes ~/.ray/auth_token, shared by every cluster on the machine.
    env["RAY_AUTH_MODE"] = "disabled"
    return env


def write_tasks(path: Path, *tasks: dict[str, Any] | str) -> Path:
    lines = [t if isinstance(t, str) else orjson.dumps(t).decode() for t in tasks]
    path.write_text("".join(line + "\n" for line in lines))
    return path


def start_codex(*argv: str, home: Path, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_codex(*argv: str, home: Path, cwd: Path, timeout: float = 120) -> tuple[int, bytes, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def read_results(path: Path) -> list[dict[str, Any]]:
    """Every line of a RESULTS file; fails on any line that is not one whole JSON object."""
    data = path.read_bytes()
    assert data.endswith(b"\n") or not data
    out = []
    for line in data.split(b"\n")[:-1]:
        obj = orjson.loads(line)
        assert isinstance(obj, dict)
        out.append(obj)
    return out
