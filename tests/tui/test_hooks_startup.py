"""The start-up question about hooks waiting for review, in a real terminal, as 0.169's TUI asks
it (tests/fixtures/tui_official_0169/hooks_startup_*, captured by capture_hooks_startup.py):
"Hooks need review" before the session (after the folder-trust prompt), "2. Trust all and
continue" writing 0.169's `[hooks.state]` records so the hook then runs, Esc and "3" writing
nothing (the hook does not run, the next start asks again), "1" opening /hooks, a changed hook
asked about again, and nothing asked with `--dangerously-bypass-hook-trust`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
PROMPT = "Hooks need review"
FACTS = orjson.loads((OFFICIAL / "hooks_startup_official.json").read_bytes())


@pytest.fixture
def pane(tmp_path: Path) -> Any:
    """0.169's screens were captured at 110x45."""
    pane = Pane(tmp_path / "tmux.sock", width=110, height=45)
    yield pane
    pane.close()


@pytest.fixture
def again(tmp_path: Path) -> Any:
    """A second pane (its own tmux server) for the next start."""
    pane = Pane(tmp_path / "again.sock", width=110, height=45)
    yield pane
    pane.close()


def _hooks(home: Path, mark: Path, command: str = "") -> None:
    """hooks.json as in the captures: a PreToolUse hook that touches `mark`, a PostToolUse one."""
    pre = command or f"touch {mark}"
    doc = {
        "hooks": {
            "PreToolUse": [
                {"hooks": [{"type": "command", "command": pre, "timeout": 30}]}  # (any tool)
            ],
            "PostToolUse": [{"hooks": [{"type": "command", "command": "true"}]}],
        }
    }
    (home / "hooks.json").write_bytes(orjson.dumps(doc))


def _lines(screen: str) -> list[str]:
    return [line.rstrip() for line in screen.splitlines()]


def _official(name: str) -> list[str]:
    """The prompt's lines of an official screen, from its title to its footer."""
    lines = (OFFICIAL / name).read_text().splitlines()
    start = lines.index("  " + PROMPT)
    return lines[start:]


def _prompt_lines(screen: str | list[str]) -> list[str]:
    """A screen's lines from the prompt's title to its footer."""
    lines = _lines(screen) if isinstance(screen, str) else screen
    start = lines.index("  " + PROMPT)
    end = next(i for i, line in enumerate(lines) if "enter confirm · esc skip" in line)
    return lines[start : end + 1]


def _states(home: Path) -> dict[str, Any]:
    doc = tomllib.loads((home / "config.toml").read_text())
    return dict(doc.get("hooks", {}).get("state", {}))


def _start(
    pane: Pane, home: Path, repo: Path, *args: str, trust: bool = True, expect: str = PROMPT
) -> str:
    """Launch ours and wait for `expect` (the composer is drawn before the config is read, so
    a prompt shows a moment after it)."""
    if trust:
        trusted_home(home, repo)
    launch(pane, home, repo, *args)
    return pane.wait_text(expect)


def _run_tool_turn(pane: Pane, server: MockModelServer) -> None:
    """One turn in which the model runs `true` through exec_command (the hook's matcher)."""
    server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "true"})]), Turn([Message("all done")])
    )
    pane.wait_text(COMPOSER)
    pane.type("run true")
    pane.keys("Enter")
    pane.wait_for(lambda s: "all done" in s and "esc to interrupt" not in s)


def test_prompt_as_0169_then_trust_all_and_the_hook_runs(
    pane: Pane, home: Path, repo: Path, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    mark = tmp_path / "hook-ran"
    _hooks(home, mark)
    screen = _start(pane, home, repo)
    assert PROMPT in screen, screen
    assert _prompt_lines(screen) == _official("hooks_startup_prompt.txt")

    pane.keys("2")  # as 0.169: `2` only moves there; trusting all takes an Enter
    screen = pane.wait_text("› 2. Trust all and continue")
    assert PROMPT in screen and _states(home) == {}
    pane.keys("Enter")
    pane.wait_for(lambda s: PROMPT not in s and COMPOSER in s)
    # the records 0.169 writes on "Trust all" (hooks_startup_official.json: one per hook)
    official = FACTS["trust_all"]["records"]
    records = {k.replace(str(home), "{codex_home}"): v for k, v in _states(home).items()}
    assert sorted(records) == sorted(official)
    assert all(set(v) == {"trusted_hash"} for v in records.values())
    post = "{codex_home}/hooks.json:post_tool_use:0:0"  # (the same command in both runs)
    assert records[post] == official[post]

    _run_tool_turn(pane, mock_model_server)
    assert mark.exists()  # the trusted hook ran
    assert FACTS["trust_all"]["hook_ran"] is True


def test_esc_and_3_trust_nothing_and_the_next_start_asks_again(
    pane: Pane,
    again: Pane,
    home: Path,
    repo: Path,
    tmp_path: Path,
    mock_model_server: MockModelServer,
) -> None:
    mark = tmp_path / "hook-ran"
    _hooks(home, mark)
    assert PROMPT in _start(pane, home, repo)
    pane.keys("Escape")  # 0.169: "esc skip"
    pane.wait_for(lambda s: PROMPT not in s and COMPOSER in s)
    _run_tool_turn(pane, mock_model_server)
    assert not mark.exists() and FACTS["skip_esc"]["hook_ran"] is False
    assert _states(home) == {} and FACTS["skip_esc"]["records"] == {}
    pane.close()

    screen = _start(again, home, repo, trust=False)  # asked again; `3` continues at once
    assert PROMPT in screen, screen
    again.keys("3")
    again.wait_for(lambda s: PROMPT not in s and COMPOSER in s)
    assert _states(home) == {} and FACTS["skip_choice_3"]["records"] == {}


def test_review_opens_hooks_and_a_changed_hook_is_asked_about_again(
    pane: Pane, again: Pane, home: Path, repo: Path, tmp_path: Path
) -> None:
    _hooks(home, tmp_path / "hook-ran")
    assert PROMPT in _start(pane, home, repo)
    pane.keys("1")  # 0.169: the /hooks table, its Review column; esc closes it
    screen = pane.wait_text("t trust all · enter review · esc close")
    assert "  ⚠ 2 hooks need review before they can run." in _lines(screen)
    pane.keys("t")
    pane.wait_text("enter details · esc close")
    pane.keys("Escape")
    pane.wait_for(lambda s: "enter details" not in s and COMPOSER in s)
    assert len(_states(home)) == 2
    pane.close()

    _hooks(home, tmp_path / "hook-ran", "~/other.sh")  # the PreToolUse hook changed
    screen = _start(again, home, repo, trust=False)
    assert PROMPT in screen, screen
    assert _prompt_lines(screen) == _official("hooks_startup_prompt_one.txt")


def test_folder_trust_is_asked_first(pane: Pane, home: Path, repo: Path, tmp_path: Path) -> None:
    _hooks(home, tmp_path / "hook-ran")
    screen = _start(pane, home, repo, trust=False, expect="Folder access")
    assert PROMPT not in screen
    assert any("Folder access" in line for line in FACTS["untrusted_folder"]["screens"]["start"])
    pane.keys("Enter")
    screen = pane.wait_text(PROMPT)
    assert _prompt_lines(screen) == _prompt_lines(FACTS["untrusted_folder"]["screens"]["1:Enter"])


def test_bypass_flag_asks_nothing_and_the_hook_runs(
    pane: Pane, home: Path, repo: Path, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    mark = tmp_path / "hook-ran"
    _hooks(home, mark)
    _start(pane, home, repo, "--dangerously-bypass-hook-trust", expect=COMPOSER)
    assert not any(PROMPT in line for line in FACTS["bypass_flag"]["screens"]["start"])
    _run_tool_turn(pane, mock_model_server)  # (a prompt would hold the turn back)
    assert PROMPT not in pane.capture()
    assert mark.exists() and FACTS["bypass_flag"]["hook_ran"] is True
    assert _states(home) == {}
