"""Arguments that are not UTF-8 (Python hands their bytes over as surrogates) are refused in one
line before anything runs, as 0.169's argument parser refuses them (exit 2); path values and a
command line after `--` may hold any bytes, as on 0.169 (whose paths are OS strings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.codex_cli import RunCodex

BAD = "a\udcffb"  # the byte 0xff, as Python decodes it from argv (surrogateescape)
REFUSAL = "codex: invalid UTF-8 was detected in one or more arguments\n"


@pytest.mark.parametrize(
    "args",
    [
        ("-c", f'model_reasoning_effort="{BAD}"', "debug", "config"),
        ("exec", "--skip-git-repo-check", BAD),
        ("exec", "-m", BAD, "hi"),
        (f"--config=model={BAD}", "exec", "hi"),
    ],
    ids=["config-override", "prompt", "model", "joined-option"],
)
def test_text_arguments_with_stray_bytes_are_one_line_exit_2(
    run_codex: RunCodex, args: tuple[str, ...]
) -> None:
    result = run_codex(*args)
    assert (result.returncode, result.stderr, result.stdout) == (2, REFUSAL, "")


def test_path_values_and_a_command_after_double_dash_may_hold_any_bytes(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    missing = str(tmp_path / BAD)
    result = run_codex("exec", "--skip-git-repo-check", f"--output-schema={missing}", "hi")
    assert "invalid UTF-8" not in result.stderr
    assert "Failed to read output schema file" in result.stderr
    assert result.returncode == 1
    result = run_codex("exec", "--skip-git-repo-check", "-C", missing, "hi")
    assert "invalid UTF-8" not in result.stderr
    assert result.returncode != 0
