"""The short fuzzing run inside the test command: seconds per target, a fixed seed.

Three layers, each cheap: every committed seed (the regression inputs included) replayed
in-process, no fuzzer needed; each atheris target for a couple of thousand coverage-guided
inputs (skipped without atheris); each libFuzzer harness of csrc/fuzz built with clang, ASan and
UBSan and run for a few thousand inputs (skipped without clang). The long run is scripts/fuzz.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
from tests.fuzz import _support
from tests.fuzz.driver import C_TARGETS, PYTHON_TARGETS, ROOT, SEEDS, build_c_targets, command

SHORT_RUNS = 2000


def _run(target: str, tmp_path: Path, runs: int) -> None:
    corpus, crashes = tmp_path / "corpus", tmp_path / "crashes"
    corpus.mkdir()
    crashes.mkdir()
    args = argparse.Namespace(seed=1, seconds=None, runs=runs)
    # Scratch files on tmpfs, as scripts/fuzz does (the jsonl target fsyncs).
    tmpfs = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="codex-fuzz-", dir=tmpfs) as scratch:
        done = subprocess.run(
            command(target, corpus, crashes, args),
            cwd=ROOT,
            capture_output=True,
            text=True,
            errors="replace",
            env={**os.environ, "CODEX_FUZZ_SCRATCH": scratch},
            timeout=110,
            check=False,
        )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"{target} failed; crash inputs in {crashes}:\n{log[-4000:]}"
    assert f"stat::number_of_executed_units: {runs}" in log, log[-2000:]
    assert not list(crashes.iterdir())


def _target_module(target: str) -> ModuleType:
    try:
        return importlib.import_module(f"tests.fuzz.fuzz_{target}")
    except ImportError as err:  # a C engine not built (or CODEX_PY_NATIVE=0): nothing to compare
        pytest.skip(str(err))


@pytest.mark.parametrize("target", list(PYTHON_TARGETS))
def test_seed_corpus_replays(target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _target_module(target)
    monkeypatch.setattr(_support, "_SCRATCH", str(tmp_path))
    seeds = sorted((SEEDS / PYTHON_TARGETS[target][0]).iterdir())
    assert seeds, "a target without seeds"
    for seed in seeds:
        module.one_input(seed.read_bytes())


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
@pytest.mark.parametrize("target", list(PYTHON_TARGETS))
def test_atheris_short_run(target: str, tmp_path: Path) -> None:
    _target_module(target)
    _run(target, tmp_path, SHORT_RUNS)


@pytest.fixture(scope="module")
def c_harnesses() -> None:
    reason = build_c_targets()  # BuildFailed (harnesses that do not compile) fails the tests
    if reason is not None:
        pytest.skip(f"no libFuzzer here: {reason}")


@pytest.mark.parametrize("target", list(C_TARGETS))
def test_libfuzzer_short_run(target: str, tmp_path: Path, c_harnesses: None) -> None:
    _run(target, tmp_path, 5000)


def test_scripts_fuzz_rejects_bad_arguments_in_one_line() -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "fuzz"), "--runs", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "must be positive" in done.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.driver", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "c_diff" in helped.stdout and "--seconds" in helped.stdout
