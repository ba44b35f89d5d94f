"""examples/sdk_*.py run as a user runs them (a subprocess, `python examples/...`) against the
real mock model server, through $CODEX_SDK_HOME pointing at a home configured for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.model_stream import FunctionCall, Message, Turn, Usage

ROOT = Path(__file__).resolve().parents[2]


def run_example(name: str, *args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env["CODEX_SDK_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def setup(tmp_path: Path, server) -> tuple[Path, Path]:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nmodel_provider = "mock"\n[model_providers.mock]\n'
        f'name = "mock"\nbase_url = "{server.base_url}"\nwire_api = "responses"\n'
        'env_key = "PATH"\nstream_max_retries = 0\n'
    )
    return home, work


def test_quickstart_then_resume(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(
        Turn([Message("hello from the mock")], usage=Usage(5, 0, 2)), Turn([Message("again")])
    )
    first = run_example("sdk_quickstart.py", "greet me", home=home, cwd=work)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["hello from the mock", "tokens: 7"]
    second = run_example("sdk_resume.py", "and now?", home=home, cwd=work)
    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    assert lines[0].endswith("greet me") and lines[-1] == "again"
    assert "greet me" in mock_model_server.requests[1].message_texts("user")


def test_stream_prints_deltas_then_the_status(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(Turn([Message("one two", deltas=["one", " two"])]))
    proc = run_example("sdk_stream.py", "count", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["one two", "turn completed"]


def test_async_threads_answer_each(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.repeat(Turn([Message("n")]))
    proc = run_example("sdk_async_threads.py", "5", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 5 and all(line.endswith(": n") for line in lines)
    assert len({line.split(":")[0] for line in lines}) == 5


def test_approvals_decline_a_write(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    write = {"cmd": "touch notes.txt", "login": False}
    read = {"cmd": "ls -a", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", write)]),
        Turn([FunctionCall("c2", "exec_command", read)]),
        Turn([Message("done")]),
    )
    proc = run_example("sdk_approvals.py", "go", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert not (work / "notes.txt").exists()
    asked = [line for line in proc.stdout.splitlines() if line.startswith("approval?")]
    # `ls -a` is known-safe under `untrusted`: it runs without asking; the write was asked.
    assert len(asked) == 1
    assert "touch notes.txt" in asked[0] and asked[0].endswith("-> decline")
    assert proc.stdout.splitlines()[-1] == "done"


def test_fork_names_and_branches(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(Turn([Message("Tom")]), Turn([Message("Bartholomew")]))
    proc = run_example("sdk_fork.py", "a cat name", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:4] == ["default model: GPT-6.1-Sol", "signed in: no", "Tom", "Bartholomew"]
    assert lines[4].startswith("naming: 1 turn(s) in the fork, forked from ")
    # The fork's request carried the first exchange; the original thread was not asked again.
    assert "a cat name" in mock_model_server.requests[1].message_texts("user")
    assert len(mock_model_server.requests) == 2
