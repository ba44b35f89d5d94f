"""`codex` with no subcommand, `codex resume`, `codex fork`: argument handling that needs no
terminal (the real entry point in a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*argv: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd,
        env={"CODEX_HOME": str(home), "PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ask_for_approval_takes_only_what_0169_takes(tmp_path: Path) -> None:
    res = run("-a", "untrusted", cwd=tmp_path, home=tmp_path)
    assert res.returncode == 2
    assert "invalid choice: 'untrusted'" in res.stderr


def test_resume_and_fork_help_list_their_choices(tmp_path: Path) -> None:
    for word in ("resume", "fork"):
        res = run(word, "--help", cwd=tmp_path, home=tmp_path)
        assert res.returncode == 0, res.stderr
        assert "--last" in res.stdout and "SESSION_ID" in res.stdout


def test_top_level_help_still_lists_commands(tmp_path: Path) -> None:
    res = run("--help", cwd=tmp_path, home=tmp_path)
    assert res.returncode == 0
    assert "resume" in res.stdout and "fork" in res.stdout and "exec" in res.stdout


def test_resume_without_a_terminal_is_one_line(tmp_path: Path) -> None:
    res = run("resume", "--last", cwd=tmp_path, home=tmp_path)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        "codex: stdin is not a terminal; the interactive TUI needs one "
        "(use `codex exec` for non-interactive runs)"
    ]


def test_plain_codex_reaches_the_tui_without_argparse(tmp_path: Path) -> None:
    """`codex` with no arguments (the usual launch) goes to the TUI without building the
    argument parser (part of the time to the first frame); the same error as with options."""
    probe = (
        "import sys\n"
        "from codex.cli.main import main\n"
        "code = main([])\n"
        "print(code, 'argparse' in sys.modules, 'textual' in sys.modules)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"CODEX_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.stdout.split() == ["1", "False", "False"], res.stderr
    assert res.stderr.startswith("codex: stdin is not a terminal;")
