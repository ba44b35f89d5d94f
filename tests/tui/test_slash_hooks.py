"""/hooks in a real terminal, as 0.169's (tests/fixtures/tui_official_0169/slash_hooks*.txt,
captured 2026-12-07): the events table, and the trust review 0.169 asks before a hook runs:
the Review column and `⚠ N hooks need review`, an event's hooks (`[!] … · new`), `t` trusting
one (the `[hooks.state]` record 0.169 writes, with 0.169's hash), space switching it off
(`enabled = false`), `t` in the table trusting the rest. codex-py's hooks are
`tool_hook_command` (before and after every tool call) and `$CODEX_HOME/hooks.json`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _run
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OFFICIAL = FIXTURES / "tui_official_0169"
HOOKS = {  # the file 0.169 was shown (slash_hooks_review.txt)
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "exec_command|shell",
                "hooks": [{"type": "command", "command": "~/check.sh", "timeout": 30}],
            }
        ],
        "PostToolUse": [{"hooks": [{"type": "command", "command": "logger -t codex"}]}],
    }
}


def _start(pane: Pane, home: Path, repo: Path) -> None:
    """Start with the hooks waiting for review: skip the start-up question about them (Esc, as
    0.169: tests/tui/test_hooks_startup.py) to review them in /hooks."""
    trusted_home(home, repo)
    pane.width = 160  # (the status line is cut to the width; the session's part must show)
    launch(pane, home, repo)
    pane.wait_text("Hooks need review")
    pane.keys("Escape")
    pane.wait_text("workspace-write/")  # the session is configured


def _official(name: str, home: Path) -> list[str]:
    text = (OFFICIAL / name).read_text().replace("{codex_home}", str(home))
    return [line.rstrip() for line in text.splitlines()]


def _lines(screen: str) -> list[str]:
    return [line.rstrip() for line in screen.splitlines()]


def _states(home: Path) -> dict[str, dict[str, object]]:
    return tomllib.loads((home / "config.toml").read_text())["hooks"]["state"]


def test_review_trust_and_switch_off_as_0169(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    (home / "hooks.json").write_bytes(orjson.dumps(HOOKS))
    _start(pane, home, repo)
    screen = _run(pane, "/hooks", "t trust all · enter review · esc close")
    assert "⚠ 2 hooks need review before they can run." in screen
    header = "  Event                 Installed   Active      Review      Description"
    assert header in _lines(screen) and header in _official("slash_hooks_after_trust.txt", home)

    pane.keys("Enter")  # PreToolUse's hooks: 0.169's review screen, line for line
    screen = pane.wait_text("t trust · esc back")
    review = _official("slash_hooks_review.txt", home)
    start = review.index("  PreToolUse hooks")
    for line in review[start:]:
        assert line in _lines(screen), (line, screen)

    pane.keys("t")  # trusted: the record 0.169 writes, with 0.169's hash for this hook
    screen = pane.wait_text("space/enter toggle · esc back")
    for line in _official("slash_hooks_trusted.txt", home)[1:]:
        assert line in _lines(screen), (line, screen)
    [official] = [
        c
        for c in orjson.loads((FIXTURES / "hook_trust_official.json").read_bytes())["cases"]
        if c["name"] == "claude_shape"
    ]
    key = f"{home}/hooks.json:pre_tool_use:0:0"
    assert _states(home) == {key: {"trusted_hash": official["official"]["hooks"][0]["currentHash"]}}

    pane.keys("Space")  # switched off
    pane.wait_text("› [ ]  1  Unnamed hook")
    assert _states(home)[key]["enabled"] is False
    pane.keys("Escape")  # the table as 0.169 showed it after the same steps
    screen = pane.wait_text("⚠ 1 hook needs review before it can run.")
    after = _official("slash_hooks_after_trust.txt", home)
    for event in ("PreToolUse", "PostToolUse"):
        [row] = [line for line in after if line[2:].startswith(event)]
        assert row in _lines(screen), (row, screen)

    pane.keys("t")  # trust all: the Review column goes
    screen = pane.wait_text("enter details · esc close")
    assert "  PostToolUse           1           1           After a tool executes" in _lines(screen)
    assert len(_states(home)) == 2
    pane.keys("Escape")
    pane.wait_for(lambda s: "enter details" not in s and COMPOSER in s)


def test_tool_hook_command_is_reviewed_too(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    config = home / "config.toml"
    config.write_text('tool_hook_command = ["/bin/echo", "hi there"]\n' + config.read_text())
    _start(pane, home, repo)
    screen = _run(pane, "/hooks", "t trust all · enter review · esc close")
    assert "⚠ 1 hook needs review before it can run." in screen
    assert "› PreToolUse            1           0           1           Before a tool executes" in (
        _lines(screen)
    )
    pane.keys("Enter")
    # The whole detail screen, not its first line: a capture can land mid-repaint, with the new
    # screen's top over the old one's rest (it did once in CI under load).
    detail = ("› [!]  1  Unnamed hook · new", "Source    config.toml", "Command   /bin/echo")
    screen = pane.wait_for(lambda s: all(part in s for part in detail))
    assert "  Source    config.toml - tool_hook_command" in _lines(screen)
    assert "  Command   /bin/echo 'hi there'" in _lines(screen)
    pane.keys("t")
    pane.wait_text("› [x]  1  Unnamed hook")
    pane.keys("Escape")  # one record for both events: PostToolUse's listing is trusted too
    screen = pane.wait_text("enter details · esc close")
    assert "  PostToolUse           1           1           After a tool executes" in _lines(screen)
    [key] = _states(home)
    assert key == f"{config}:tool_hook_command:0:0"
