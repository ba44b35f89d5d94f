"""`codex review` / `codex exec review` argument rules as 0.169 has them (clap conflicts): the
target flags and custom instructions exclude each other, and `--title` alone asks for `--commit`;
each is a usage error (exit 2) before any model request, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer

CASES = [
    (
        ["--base", "main", "--commit", "HEAD"],
        "'--base <BRANCH>' cannot be used with '--commit <SHA>'",
    ),
    (["--uncommitted", "look here"], "'--uncommitted' cannot be used with '[PROMPT]'"),
    (["--uncommitted", "-"], "'--uncommitted' cannot be used with '[PROMPT]'"),
    (["--commit", "HEAD", "look here"], "'--commit <SHA>' cannot be used with '[PROMPT]'"),
    (["--base", "main", "look here"], "'--base <BRANCH>' cannot be used with '[PROMPT]'"),
    (["--uncommitted", "--base", "main"], "'--uncommitted' cannot be used with '--base <BRANCH>'"),
    (["--title", "T"], "the following required arguments were not provided: --commit <SHA>"),
]


@pytest.mark.parametrize("command", [["review"], ["exec", "review"]])
@pytest.mark.parametrize(("argv", "message"), CASES)
def test_conflicting_targets_are_usage_errors_before_any_request(
    command: list[str],
    argv: list[str],
    message: str,
    tmp_path: Path,
    mock_model_server: MockModelServer,
    git_repo: Path,
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    run = run_codex(*command, *argv, home=home, cwd=git_repo, timeout=30)
    assert run.rc == 2, run.stderr
    expected = message if message.startswith("the following") else f"the argument {message}"
    assert run.stderr == f"codex: {expected}\n"
    assert mock_model_server.requests == []
