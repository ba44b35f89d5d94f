"""The `web_search` mode reaches the request's web_search tool: `codex --search` (the TUI) and
`codex exec -c web_search=...` send what 0.169 sends (tests/fixtures/web_search_official.json,
captured from its `exec` against the mock). The mode was never passed to the tools, so
`--search` and `web_search="live"` left `external_web_access: false`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

FIXTURE = orjson.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "web_search_official.json").read_bytes()
)
OFFICIAL = FIXTURE["cases"]
REFUSED = FIXTURE["errors"]
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)


def _web_search_tools(server: MockModelServer) -> list[Any]:
    return [t for t in server.requests[0].json.get("tools", []) if t.get("type") == "web_search"]


@pytest.mark.parametrize("case", OFFICIAL, ids=lambda c: " ".join(c["args"]) or "default")
def test_exec_web_search_mode_as_0169(
    case: dict[str, Any], home: Path, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CODEX_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", *case["args"], "hi"],
        cwd=tmp_path,
        env={**env, "MOCK_KEY": "k"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert _web_search_tools(mock_model_server) == case["web_search_tools"]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: " ".join(c["args"]))
def test_exec_refuses_a_bad_web_search_mode_as_0169(
    case: dict[str, Any], home: Path, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    """A `web_search` that is not one of 0.169's four modes (a boolean, a typo; a profile's
    too) stops the run before any request, naming the key: one line of ours, exit 1 as 0.169.
    Before, ours ignored it and sent cached search."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CODEX_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", *case["args"], "hi"],
        cwd=tmp_path,
        env={**env, "MOCK_KEY": "k"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == case["exit_code"]
    assert mock_model_server.requests == []
    last = proc.stderr.strip().splitlines()[-1]
    key = case["stderr"][-1].removeprefix("in `").removesuffix("`")  # 0.169 names the key
    assert last.startswith("codex: ") and f"{key}: expected one of disabled, cached" in last


@pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
def test_tui_search_flag_sends_live_web_search(
    tmp_path: Path, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(Turn([Message("searched")], USAGE))
    pane = Pane(tmp_path / "tmux.sock")
    try:
        launch(pane, home, repo, "--search")
        pane.wait_text(COMPOSER)
        pane.type("look it up")
        pane.keys("Enter")
        pane.wait_text("searched")
    finally:
        pane.close()
    live = next(c for c in OFFICIAL if c["args"] == ["-c", 'web_search="live"'])
    assert _web_search_tools(mock_model_server) == live["web_search_tools"]
    assert live["web_search_tools"][0]["external_web_access"] is True
