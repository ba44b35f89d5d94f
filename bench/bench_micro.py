"""pytest-benchmark groups for the diff and JSONL engines: C vs twin vs the obvious alternative.

    .venv/bin/pytest bench/bench_micro.py --benchmark-only --benchmark-group-by=group

bench_diff.py and bench_jsonl.py are one-shot scripts with bigger inputs; this module puts the
same comparisons under pytest-benchmark so every C hot path has a table with rounds and ratios
(SSE: bench_sse.py, launcher vs bare fork+exec: bench_sandbox.py):

  diff-small   2,000-line files, every other line changed: C, pure-Python twin,
               `git diff --no-index` (a process, files on disk), difflib.unified_diff
  diff-large   200,000 lines (100k changed): C and git only (difflib is quadratic here and the
               twin takes seconds)
  jsonl        5,000 rollout-like records, a turn boundary every 50: the C writer, its twin,
               orjson.dumps + file.write (flush per turn), and write + flush per line
Serialization (orjson) is included in every JSONL variant, as in the rollout recorder.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from bench_diff import make_inputs
from bench_jsonl import records, run_file, run_per_line, run_writer
from codex._native import diff as native_diff
from codex._native._py import diff as twin_diff

GIT = ["git", "diff", "--no-index", "--no-color", "-U3", "old", "new"]


@pytest.fixture(scope="module", params=[2_000, 200_000], ids=["small", "large"])
def diff_inputs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    old, new = make_inputs(request.param)
    tmp = tmp_path_factory.mktemp(f"diff-{request.param}")
    (tmp / "old").write_bytes(old)
    (tmp / "new").write_bytes(new)
    return request.param, old, new, tmp


def _c(old: bytes, new: bytes, _tmp: Path) -> bytes:
    return native_diff.diff_lines(old, new).hunks


def _twin(old: bytes, new: bytes, _tmp: Path) -> bytes:
    return twin_diff.unified_hunks(old, new)[0]


def _git(_old: bytes, _new: bytes, tmp: Path) -> bytes:
    return subprocess.run(GIT, cwd=tmp, capture_output=True, check=False).stdout


def _difflib(old: bytes, new: bytes, _tmp: Path) -> bytes:
    a, b = old.decode().splitlines(True), new.decode().splitlines(True)
    return "".join(difflib.unified_diff(a, b, n=3)).encode()


DIFFS: dict[str, Callable[[bytes, bytes, Path], bytes]] = {
    "c": _c,
    "twin": _twin,
    "git --no-index": _git,
    "difflib": _difflib,
}


def _changed(patch: bytes) -> int:
    return sum(
        1 for line in patch.split(b"\n") if line.startswith(b"+") and not line.startswith(b"+++")
    )


@pytest.mark.skipif(not native_diff.ext_loaded(), reason="C engine not built")
@pytest.mark.parametrize("impl", list(DIFFS))
def test_diff(benchmark, diff_inputs, impl: str) -> None:
    lines, old, new, tmp = diff_inputs
    if lines > 10_000 and impl in ("twin", "difflib"):
        pytest.skip("quadratic or pure-Python at 200k lines: see bench_diff.py --twin")
    benchmark.group = f"diff-{lines}-lines"
    rounds = 20 if lines <= 10_000 else 3
    out = benchmark.pedantic(DIFFS[impl], args=(old, new, tmp), rounds=rounds, warmup_rounds=1)
    # Every implementation must report the same number of added lines as the C engine.
    assert _changed(out) == _changed(_c(old, new, tmp))


RECORDS = records(5_000)
EVERY = 50


def _fresh(directory: Path) -> Iterator[Path]:
    for i in range(10**9):
        yield directory / f"{i}.jsonl"


JSONL: dict[str, Callable[[Path], None]] = {
    "c writer": lambda p: run_writer(p, RECORDS, EVERY, fsync="never"),
    "twin writer": lambda p: run_writer(p, RECORDS, EVERY, fsync="never"),
    "orjson + file.write": lambda p: run_file(p, RECORDS, EVERY, fsync=False),
    "write + flush per line": lambda p: run_per_line(p, RECORDS, EVERY),
}


@pytest.mark.parametrize("impl", list(JSONL))
def test_jsonl(benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, impl: str) -> None:
    if impl == "twin writer":
        monkeypatch.setenv("CODEX_PY_NATIVE", "0")
    else:
        monkeypatch.delenv("CODEX_PY_NATIVE", raising=False)
    paths = _fresh(tmp_path)
    benchmark.group = "jsonl-5000-records"
    benchmark.pedantic(lambda: JSONL[impl](next(paths)), rounds=10, warmup_rounds=1)
    written = sorted(tmp_path.glob("*.jsonl"), key=os.path.getmtime)[-1]
    expected = b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in RECORDS)
    assert written.read_bytes() == expected
