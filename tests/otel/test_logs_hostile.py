"""Log files that cannot be written: a `log_dir` that is not a directory, and a symlink planted
at the log's name. Neither stops the TUI or a batch (one line on stderr says why), and nothing is
written, or re-moded, through the link."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import orjson
from tests.exec.harness import codex_env, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

SCRIPT = (
    "import logging\n"
    "from codex.cli.context import CliContext\n"
    "CliContext(log_target='tui').load_config()\n"
    "CliContext(log_target='tui').load_config()\n"  # a second load must not warn again
    "logging.getLogger('codex.core.session').info('a line for the log')\n"
    "print('still running')\n"
)


def tui_start(home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=codex_env(home), capture_output=True, text=True,
        check=False,
    )  # fmt: skip


def test_a_log_dir_that_is_not_a_directory_is_one_line_on_stderr(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    (home / "config.toml").write_text(f'log_dir = "{blocker / "logs"}"\n')
    proc = tui_start(home)
    assert proc.returncode == 0, proc.stderr  # was a NotADirectoryError traceback
    assert proc.stdout == "still running\n"
    (line,) = proc.stderr.splitlines()
    assert line.startswith("codex: not logging to ") and "Not a directory" in line


def test_a_symlink_at_the_logs_name_is_not_followed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "log").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file\n")
    victim.chmod(0o644)
    os.symlink(victim, home / "log" / "codex-tui.log")
    proc = tui_start(home)
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == "the user's file\n"  # was: the log line appended to it
    assert victim.stat().st_mode & 0o777 == 0o644  # was: chmod 0600 through the link
    assert len(proc.stderr.splitlines()) == 1


def test_a_batch_with_an_unwritable_log_dir_still_runs(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    write_config(home, mock_model_server.base_url)
    config = home / "config.toml"  # a top-level key, before the provider's table
    config.write_text(f'log_dir = "{blocker / "logs"}"\n' + config.read_text())
    mock_model_server.repeat(Turn([Message("answer")]))
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_bytes(orjson.dumps({"id": "t1", "prompt": "hi"}) + b"\n")
    res = run_codex(
        "batch", str(tasks), "-o", str(tmp_path / "out.jsonl"), "--skip-git-repo-check",
        home=home, cwd=tmp_path,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.count("not logging to") == 1
    assert (tmp_path / "out.jsonl").read_bytes().count(b"\n") == 1
    assert logging.getLogger("codex").handlers == []  # nothing leaked into the test process
