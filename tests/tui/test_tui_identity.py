"""The TUI names itself as 0.169's does (tests/fixtures/tui_identity_official.json): `codex-tui`
in the requests' `originator` header and User-Agent, in the rollout's session_meta with source
"vscode" (0.169's TUI is an app-server client), unchanged by `codex resume --last`, and in the
sign-in URL of its onboarding; CODEX_INTERNAL_ORIGINATOR_OVERRIDE still wins."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.seed_sessions import seed_sessions
from tests.tui.tmux import Pane, tmux_path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "tui_identity_official.json"
OFFICIAL: dict[str, Any] = json.loads(FIXTURE.read_text())
CODEX = [sys.executable, "-m", "codex"]
COMPOSER = "Ask Codex to do anything"
needs_tmux = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")


def _env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {
        **keep,
        "CODEX_HOME": str(home),
        "MOCK_KEY": "k",
        "TERM": "xterm-256color",
        **(extra or {}),
    }


def _one_turn(pane: Pane, home: Path, repo: Path, args: list[str], text: str, **env: str) -> None:
    pane.start([*CODEX, *args], cwd=repo, env=_env(home, env))
    pane.wait_text(COMPOSER)
    pane.type(text)
    pane.keys("Enter")
    pane.wait_text(f"reply to {text}")
    pane.keys("C-c")
    pane.keys("C-c")
    pane.wait_text("[exited")


def _metas(home: Path) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((home / "sessions").rglob("rollout-*.jsonl")):
        for line in path.read_text().splitlines():
            item = json.loads(line)
            if item["type"] == "session_meta":
                out.append((path.name, item["payload"]))
    return out


def _trust(home: Path, repo: Path) -> None:
    with open(home / "config.toml", "a") as f:
        f.write(f'\n[projects."{repo}"]\ntrust_level = "trusted"\n')


@needs_tmux
def test_tui_requests_and_rollout_say_codex_tui_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    _trust(home, repo)
    mock_model_server.enqueue(Turn([Message("reply to first")], Usage(10, 0, 1)))
    _one_turn(pane, home, repo, [], "first")
    request = mock_model_server.requests[-1]
    assert request.header("originator") == OFFICIAL["request_originator"]
    assert request.header("user-agent") == OFFICIAL["user_agent"]  # xterm-256color: TERM in tmux
    ((name, meta),) = _metas(home)
    assert {k: meta[k] for k in ("originator", "source")} == OFFICIAL["session_meta"]

    # `codex resume --last`: the same rollout goes on, its session_meta as it was.
    mock_model_server.enqueue(Turn([Message("reply to second")], Usage(10, 0, 1)))
    second = Pane(tmp_path / "tmux2.sock")
    try:
        _one_turn(second, home, repo, ["resume", "--last"], "second")
    finally:
        second.close()
    assert (
        mock_model_server.requests[-1].header("originator")
        == OFFICIAL["resumed"]["request_originator"]
    )
    assert _metas(home) == [(name, meta)]


@needs_tmux
def test_originator_override_still_wins_in_the_tui(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    _trust(home, repo)
    mock_model_server.enqueue(Turn([Message("reply to hi")], Usage(10, 0, 1)))
    _one_turn(pane, home, repo, [], "hi", CODEX_INTERNAL_ORIGINATOR_OVERRIDE="embedder")
    request = mock_model_server.requests[-1]
    assert request.header("originator") == "embedder"
    assert request.header("user-agent").startswith("embedder/0.169.0 (")
    ((_, meta),) = _metas(home)
    assert (meta["originator"], meta["source"]) == ("embedder", "vscode")


def _signin_url(tmp_path: Path) -> str:
    """The authorize URL the TUI's sign-in screen shows for "Sign in with ChatGPT"."""
    from textual.app import App

    from codex.tui.signin import SignInScreen

    config = SimpleNamespace(codex_home=tmp_path, forced_login_method=None)
    screen = SignInScreen(config, login_port=0)
    url: list[str] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async def run() -> None:
        async with Host().run_test(size=(100, 30)) as pilot:
            await pilot.press("1")
            while screen.mode != "browser":  # bounded by pytest's timeout, no timing asserted
                await pilot.pause()
            url.append(screen.url)
            await pilot.press("escape")
            while screen._flow is not None:
                await pilot.pause()

    asyncio.run(run())
    return url[0]


def test_signin_url_says_codex_tui_as_0169(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE", raising=False)
    url = _signin_url(tmp_path)
    assert url.endswith(f"&originator={OFFICIAL['signin_url_originator']}")


def test_signin_url_takes_the_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE", "embedder")
    assert _signin_url(tmp_path).endswith("&originator=embedder")


# ---- which recorded sessions the TUI offers to resume, by session_meta.source -----------------


def _seed(home: Path, cwd: Path, sources: list[Any], mock: MockModelServer) -> list[str]:
    """One session per source, oldest first; returns their first prompts."""
    prompts = [f"prompt-from-{i}-{source or 'none'}" for i, source in enumerate(sources)]
    seed_sessions(home, cwd, mock, list(zip(prompts, sources, strict=True)), _env(home))
    return prompts


def test_picker_lists_the_sessions_0169_lists(
    home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """0.169's picker (also with --all) lists cli, vscode and source-less sessions, newest first,
    never exec, mcp, unknown or a subagent's (tests/fixtures/tui_identity_official.json)."""
    from codex.tui.picker import list_sessions

    facts = OFFICIAL["by_source"]
    omits, lists = facts["resume_picker_omits"], facts["resume_picker_lists"]
    sources = [omits[0], lists[2], omits[1], lists[1], omits[2], lists[0], omits[3]]  # mixed
    prompts = _seed(home, repo, sources, mock_model_server)
    listed = [item.preview for item in list_sessions(home, str(repo))]
    wanted = [p for p, s in zip(prompts, sources, strict=True) if s in facts["resume_picker_lists"]]
    assert listed == wanted[::-1]


@needs_tmux
def test_resume_last_passes_over_exec_sessions_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    _trust(home, repo)
    prompts = _seed(home, repo, ["exec", "vscode", "exec", "mcp"], mock_model_server)
    pane.start([*CODEX, "resume", "--last"], cwd=repo, env=_env(home))
    screen = pane.wait_text(prompts[1])  # the newest interactive session's history
    assert prompts[3] not in screen and prompts[2] not in screen
    pane.keys("C-c")
    pane.keys("C-c")
    pane.wait_text("[exited")


def test_exec_resume_last_takes_a_tui_session(
    home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """`codex exec resume --last` takes the newest session whatever its source, as 0.169's."""
    import subprocess

    prompts = _seed(home, repo, ["exec", "vscode"], mock_model_server)
    mock_model_server.enqueue(Turn([Message("ok")], Usage(10, 0, 1)))
    before = len(mock_model_server.requests)
    proc = subprocess.run(
        [*CODEX, "exec", "--skip-git-repo-check", "resume", "--last", "again"],
        cwd=repo, env=_env(home), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=90,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    body = mock_model_server.requests[before].body.decode()
    assert prompts[1] in body and prompts[0] not in body
