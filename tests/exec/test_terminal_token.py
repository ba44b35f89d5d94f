"""The User-Agent's terminal token as 0.169 detects it, against the cases captured from the
official `codex exec` (tests/fixtures/terminal_token_official.json): every case through the
detection rules, a sample through the real `codex exec` and `codex app-server` processes (the
otel `terminal.type` takes the same token), and inside a real tmux with a client attached, where
0.169 reports the pane's own variables, never tmux's `TERM_PROGRAM`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.tmux_attached import attached_tmux

from codex.protocol.terminal import detect

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "terminal_token_official.json"
CASES: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["cases"]
BY_NAME = {c["name"]: c for c in CASES}
# Every variable any case sets, plus the multiplexers': none may leak in from the test's own
# terminal (the suite often runs inside tmux).
TERMINAL_VARS = {k for c in CASES for k in c["env"]} | {
    "TMUX", "TMUX_PANE", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "TERM_SESSION_ID", "ZELLIJ",
    "ZELLIJ_SESSION_NAME", "ZELLIJ_VERSION", "ITERM_PROFILE_NAME", "LC_TERMINAL", "COLORTERM",
}  # fmt: skip


def plain_env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in TERMINAL_VARS and not k.startswith(("CODEX_", "OPENAI_"))
    }
    return {**env, "CODEX_HOME": str(home), "MOCK_KEY": "k", "NO_COLOR": "1", **extra}


def exec_token(home: Path, cwd: Path, mock: MockModelServer, env: dict[str, str]) -> str:
    """The terminal token of the User-Agent our `codex exec` sent to the mock."""
    mock.enqueue(Turn([Message("ok")], Usage(10, 0, 1)))
    before = len(mock.requests)
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "hi"],
        cwd=cwd, env=plain_env(home, env), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    request = mock.requests[before]
    ua = request.header("user-agent")
    assert ua.startswith("codex_exec/0.169.0 (") and ua.endswith(" (codex_exec; 0.169.0)"), ua
    return ua.split(") ", 1)[1].rsplit(" (", 1)[0]


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c["tmux_client_term"]], ids=lambda c: c["name"]
)
def test_detection_rules_match_0169(case: dict[str, Any]) -> None:
    assert detect(case["env"]) == case["token"]


@pytest.mark.parametrize(
    "name",
    ["nothing", "term_only", "iterm_with_version", "term_program_unsafe", "wezterm",
     "ghostty_vs_wezterm", "kitty_window", "tmux_program_outside_tmux", "term_blank"],
)  # fmt: skip
def test_exec_user_agent_terminal_as_0169(
    name: str, home: Path, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    case = BY_NAME[name]
    assert exec_token(home, tmp_path, mock_model_server, case["env"]) == case["token"]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize(
    "name",
    ["tmux_attached_client", "tmux_attached_term_program_wins", "tmux_attached_wezterm_hint"],
)
def test_exec_inside_tmux_as_0169(
    name: str, home: Path, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    """tmux sets TERM_PROGRAM=tmux in its panes; 0.169 passes over it (and asks tmux nothing)."""
    case = BY_NAME[name]
    with attached_tmux(tmp_path / "tmux.sock", case["tmux_client_term"]) as tmux_env:
        token = exec_token(home, tmp_path, mock_model_server, {**tmux_env, **case["env"]})
    assert token == case["token"]


def test_app_server_initialize_user_agent_terminal(home: Path, tmp_path: Path) -> None:
    case = BY_NAME["wezterm"]
    client = RpcClient(
        [sys.executable, "-m", "codex", "app-server"], plain_env(home, case["env"]), tmp_path
    )
    try:
        ua = client.initialize(name="probe")["userAgent"]
    finally:
        client.close()
    assert f") {case['token']} (probe; 1.0)" in ua, ua
