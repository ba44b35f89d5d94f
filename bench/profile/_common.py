"""Helpers for the profiling scripts (bench/ proper is the suite's harness); they run with the
repository root on sys.path, as every script here sets it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

# This machine exports PYTHONDONTWRITEBYTECODE=1; an installed wheel has its .pyc files, so the
# profiles run with a bytecode cache outside the tree (filled by the first run).
PYCACHE = Path(tempfile.gettempdir()) / "codex-py-profile-pycache"
GNU_TIME = "/usr/bin/time"


@dataclass(slots=True)
class Sample:
    wall: float
    maxrss_kib: int
    rc: int


def make_home(root: Path, name: str, base_url: str) -> Path:
    return write_mock_config(root / name, base_url)


@contextlib.contextmanager
def ok_mock_scratch() -> Iterator[tuple[Path, Path]]:
    """(CODEX_HOME, an empty work folder) pointed at a loopback mock that answers every request
    with the message "ok", in a scratch folder under the bench cache (file creation in this
    machine's /tmp is ~10× slower than in the home file system); all gone on exit."""
    from bench._paths import CACHE

    (CACHE / "work").mkdir(parents=True, exist_ok=True)
    with MockModelServer() as mock, tempfile.TemporaryDirectory(dir=CACHE / "work") as scratch:
        mock.repeat(Turn([Message("ok")], usage=Usage(20, 0, 2)))
        home = write_mock_config(Path(scratch) / "home", mock.base_url)
        work = Path(scratch) / "work"
        work.mkdir()
        yield home, work


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        CODEX_HOME=str(home), MOCK_KEY="sk-mock", NO_COLOR="1", PYTHONPYCACHEPREFIX=str(PYCACHE)
    )
    return env


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> Sample:
    """Wall around the child; peak RSS from GNU time (a small forking parent, so the child's
    ru_maxrss is not inflated by this process's size)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        full = [GNU_TIME, "-q", "-f", "%M %x", "-o", rss.name, *argv]
        started = time.perf_counter()
        subprocess.run(
            full,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        wall = time.perf_counter() - started
        fields = rss.read().split()
        return Sample(wall, int(fields[-2]), int(fields[-1]))
