"""The interactive TUI's options written before `exec` (`codex -m MODEL exec hi`) are inherited
by exec as 0.169 inherits them (facts from 0.169: `codex -m root exec -m sub` asks for `sub`,
`codex -s read-only exec -s workspace-write` runs workspace-write, `codex -C DIR exec` runs in
DIR, `codex -m root exec resume --last` and `codex -m root exec review` ask for `root`, and
`codex -m root mcp list` just lists); real `codex` processes against the loopback mock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.exec.harness import run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

USAGE = Usage(input_tokens=10, cached_input_tokens=0, output_tokens=2)


def _last_body(mock: MockModelServer) -> str:
    return json.dumps(mock.requests[-1].json)


@pytest.mark.parametrize(
    ("root", "after", "model", "sandbox"),
    [
        (["-m", "root"], [], "root", "read-only"),
        (["--model=root"], ["-m", "sub"], "sub", "read-only"),
        (["-s", "danger-full-access"], [], None, "danger-full-access"),
        (["-s", "read-only"], ["-s", "workspace-write"], None, "workspace-write"),
        (["--dangerously-bypass-approvals-and-sandbox"], ["-s", "read-only"], None, "read-only"),
        (["-a", "never", "--search", "--no-alt-screen"], [], None, "read-only"),
    ],
    ids=[
        "model",
        "exec-model-wins",
        "sandbox",
        "exec-sandbox-wins",
        "sandbox-as-a-unit",
        "tui-only",
    ],
)
def test_root_tui_options_reach_exec(
    mock_model_server: MockModelServer,
    home: Path,
    repo: Path,
    root: list[str],
    after: list[str],
    model: str | None,
    sandbox: str,
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    res = run_codex(*root, "exec", *after, "hi", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.stdout.decode().strip() == "ok"
    body = mock_model_server.requests[-1].json
    if model is not None:
        assert body["model"] == model
    assert f"<sandbox_mode>{sandbox}</sandbox_mode>" in _last_body(mock_model_server)


def test_root_cd_and_resume_and_review(
    mock_model_server: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    res = run_codex(
        "-C", str(elsewhere), "exec", "--skip-git-repo-check", "hi", home=home, cwd=repo
    )
    assert res.rc == 0, res.stderr
    assert f"<cwd>{elsewhere}</cwd>" in _last_body(mock_model_server)
    mock_model_server.enqueue(Turn([Message("again")], USAGE))
    res = run_codex("-m", "root", "exec", "resume", "--last", "more", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert mock_model_server.requests[-1].json["model"] == "root"
    mock_model_server.enqueue(Turn([Message("no findings")], USAGE))
    res = run_codex("-m", "root", "exec", "review", "--uncommitted", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert mock_model_server.requests[-1].json["model"] == "root"


def test_root_tui_options_before_other_commands_are_checked_then_ignored(
    home: Path, repo: Path
) -> None:
    res = run_codex("-m", "root", "--search", "mcp", "list", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert "No MCP servers configured" in res.stdout.decode()
    res = run_codex("-s", "bogus", "mcp", "list", home=home, cwd=repo)
    assert res.rc == 2
    assert "invalid choice: 'bogus'" in res.stderr
    assert "Traceback" not in res.stderr
