"""Helpers for the profiling scripts (bench/ proper is the suite's harness); they run with the
repository root on sys.path, as every script here sets it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


# The first lines of a measuring child that may run another source tree: its last argument,
# "" for this checkout, else a tree with its built .so files (bench/profile/ab_revision.py
# makes one from any revision). The editable install's finder steps aside for it.
OTHER_TREE = """
import sys as _sys
if _sys.argv[-1]:
    _sys.meta_path = [f for f in _sys.meta_path if "Redirecting" not in type(f).__name__]
    _sys.path.insert(0, _sys.argv[-1])
"""


def run_child(code: str, argv: Callable[[Path], list[str]]) -> subprocess.CompletedProcess[str]:
    """`python -c code *argv(work)` in a fresh `ok_mock_scratch` (its CODEX_HOME in `env_for`'s
    environment, its work folder the cwd): how every profiling script runs its measuring child."""
    with ok_mock_scratch() as (home, work):
        return subprocess.run(
            [sys.executable, "-c", code, *argv(work)],
            env=env_for(home),
            cwd=work,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def pyinstrument_text(
    argv: list[str],
    interval: str,
    env: dict[str, str],
    cwd: Path,
    extra: tuple[str, ...] = (),
    runs: int = 2,
) -> str:
    """pyinstrument's text profile of `argv`'s last of `runs` runs (the first fills the bytecode
    cache; 1 for a command that changes what the next run would read), or one line and exit 1
    when pyinstrument is missing or the profiled command fails."""
    import importlib.util

    if importlib.util.find_spec("pyinstrument") is None:
        raise SystemExit("pyinstrument is not installed here (pip install pyinstrument)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "profile.txt"
        full = [sys.executable, "-m", "pyinstrument", "-i", interval, *extra, "-o", str(out)]
        for _ in range(runs):
            proc = subprocess.run(
                [*full, *argv], env=env, cwd=cwd, capture_output=True, text=True, check=False
            )
            if proc.returncode != 0 or not out.exists():
                last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                raise SystemExit(f"the profiled command failed (exit {proc.returncode}): {last}")
        return out.read_text()


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
