"""Smoke checks that keep bench/compare and its spawner honest (run by `pytest bench/`).

The spawner exists so a CLI's `ru_maxrss` is its own, not the driver's: a child forked from a
process holding hundreds of MiB would report that size. This checks it with a driver that does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from compare_suite import main, scenarios
from harness import Job, Spawner, find_official

TRUE = "/usr/bin/true" if os.path.exists("/usr/bin/true") else "/bin/true"


def test_spawner_reports_the_childs_rss_not_the_drivers(tmp_path: Path) -> None:
    ballast = bytearray(256 * 2**20)
    for i in range(0, len(ballast), 4096):  # touch every page: 256 MiB resident here
        ballast[i] = 1
    with Spawner() as spawner:
        sample = spawner.run(Job([TRUE], {}, tmp_path))
        batch, many = spawner.run_batch([Job([TRUE], {}, tmp_path) for _ in range(3)])
    assert sample.rc == 0
    assert sample.maxrss_kib < 32 * 1024, sample
    assert all(s.rc == 0 and s.maxrss_kib < 32 * 1024 for s in many)
    assert batch >= max(s.wall for s in many)
    del ballast


def test_spawner_reports_exit_codes_and_kills_on_timeout(tmp_path: Path) -> None:
    with Spawner() as spawner:
        failed = spawner.run(Job(["/bin/sh", "-c", "exit 3"], {}, tmp_path))
        hung = spawner.run(Job(["/bin/sleep", "30"], {}, tmp_path), timeout=1)
    assert failed.rc == 3
    assert hung.rc == -9 and hung.wall < 10


def test_every_scenario_of_the_issue_is_there() -> None:
    names = set(scenarios())
    assert {"version", "exec_one_turn", "exec_20k_deltas", "exec_100k_deltas", "exec_shell",
            "exec_apply_patch", "sandbox_true", "resume_1mb", "resume_30mb",
            "exec_concurrent_20"} <= names  # fmt: skip


@pytest.mark.skipif(find_official() is None, reason="official codex binary not installed")
def test_compare_runs_version_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--only", "version", "--rounds", "2", "--warmup", "0", "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "| `codex --version` |" in out and "--version` ≤ 1.5x" in out
