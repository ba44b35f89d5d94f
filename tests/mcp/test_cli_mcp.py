"""`codex mcp list/get/add/remove` against the official 0.169 CLI: the same scenario
(tests/mcp/cli_cases.py) run by ours, compared step by step with the captured answers
(tests/fixtures/mcp/cli.json), and live with the official binary when it is installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.mcp.cli_cases import run_scenario
from tests.support.official import INSTALL_HINT, official_binary

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "cli.json"


def _ours(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _comparable(step: dict) -> dict:
    """A `--json` step compares as parsed JSON: the official prints `env` from a hash map, so
    its key order changes from run to run; everything else compares byte for byte."""
    if "--json" in step.get("argv", []) and step["stdout"]:
        return {**step, "stdout": json.loads(step["stdout"])}
    return step


def _compare(ours: list[dict], theirs: list[dict]) -> None:
    assert len(ours) == len(theirs)
    for mine, official in zip(ours, theirs, strict=True):
        assert _comparable(mine) == _comparable(official), mine.get("argv")


def test_mcp_cli_matches_captured_official_answers(tmp_path):
    _compare(run_scenario(_ours, tmp_path / "home"), json.loads(FIXTURE.read_text()))


def test_mcp_cli_matches_live_official(tmp_path):
    binary = official_binary()
    if binary is None:
        pytest.skip(f"official binary not installed ({INSTALL_HINT})")

    def official(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(binary), *argv], env=env, capture_output=True, text=True, check=False
        )

    _compare(run_scenario(_ours, tmp_path / "ours"), run_scenario(official, tmp_path / "theirs"))
