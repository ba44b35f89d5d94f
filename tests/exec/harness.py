"""Running the real `codex exec` process against the loopback mock model server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tests.support.mock_config import write_mock_config


@dataclass(slots=True)
class Exec:
    rc: int
    stdout: bytes
    stderr: str

    def events(self) -> list[dict[str, Any]]:
        """stdout as JSONL; fails on any line that is not exactly one JSON object."""
        lines = self.stdout.split(b"\n")
        assert lines[-1] == b"", "stdout must end with a newline"
        out = []
        for line in lines[:-1]:
            obj = orjson.loads(line)
            assert isinstance(obj, dict), line
            out.append(obj)
        return out

    def types(self) -> list[str]:
        return [e["type"] for e in self.events()]


def codex_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock-key", NO_COLOR="1")
    env.update(extra or {})
    return env


def write_config(home: Path, base_url: str, extra: str = "") -> None:
    write_mock_config(home, base_url, extra)


def run_codex(
    *argv: str,
    home: Path,
    cwd: Path,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 90,
) -> Exec:
    proc = subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd,
        env=codex_env(home, env),
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Exec(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


def rollout_files(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("rollout-*.jsonl"))
