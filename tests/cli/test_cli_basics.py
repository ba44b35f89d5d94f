"""The multitool's surface: version, help, the TUI placeholder, global options anywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.support.codex_cli import RunCodex


def test_version_prints_official_format(run_codex: RunCodex) -> None:
    for flag in ("--version", "-V"):
        result = run_codex(flag)
        assert result.returncode == 0
        assert result.stdout == "codex-cli 0.169.0\n"
        assert result.stderr == ""


def test_console_script_is_installed() -> None:
    exe = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "codex"
    found = str(exe) if exe.exists() else shutil.which("codex")
    assert found, "the `codex` console script is not installed"
    result = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout == "codex-cli 0.169.0\n"


def test_help_lists_global_options_and_commands(run_codex: RunCodex) -> None:
    result = run_codex("--help")
    assert result.returncode == 0
    for option in ("--config", "--config-home", "--config-file", "--profile", "--version"):
        assert option in result.stdout
    assert "debug" in result.stdout


def test_no_subcommand_without_a_terminal_is_one_line_exit_1(run_codex: RunCodex) -> None:
    # No subcommand is the interactive TUI; without a terminal it refuses in one line, exit 1
    # (0.169: "Error: stdin is not a terminal", exit 1).
    result = run_codex()
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("codex: stdin is not a terminal")


def test_unknown_word_is_the_tui_prompt_one_line_without_a_terminal(run_codex: RunCodex) -> None:
    # As 0.169: a first word that is no subcommand is the TUI's PROMPT.
    result = run_codex("frobnicate")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_global_options_before_and_after_subcommand(run_codex: RunCodex, tmp_path: Path) -> None:
    home = tmp_path / "h"
    before = run_codex("-c", "model=o3", "--config-home", str(home), "debug", "config", "--json")
    after = run_codex("debug", "config", "--json", "-c", "model=o3", "--config-home", str(home))
    mixed = run_codex("-c", "model=o3", "debug", "config", "--config-home", str(home), "--json")
    for result in (before, after, mixed):
        assert result.returncode == 0, result.stderr
        shown = json.loads(result.stdout)
        assert shown["codex_home"] == str(home)
        assert shown["values"]["model"] == {"value": "o3", "source": "-c model=o3"}


def test_config_options_repeat_and_accumulate_in_order(run_codex: RunCodex, tmp_path: Path) -> None:
    result = run_codex(
        "-c", "model=a", "--config-home", str(tmp_path), "debug", "config", "--json",
        "-c", "model=b",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["values"]["model"]["value"] == "b"


def test_profile_option_after_subcommand(run_codex: RunCodex, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[profiles.p]\nmodel = "from-profile"\n')
    result = run_codex("debug", "config", "--json", "-p", "p", "--config-home", str(tmp_path))
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["profile"] == "p"
    assert shown["values"]["model"] == {"value": "from-profile", "source": "profile p"}
