"""/hooks in a real terminal, as 0.169's (tests/fixtures/tui_official_0169/slash_hooks*.txt,
captured 2026-12-07): the events table (Event / Installed / Active / Description) and, on Enter,
an event's hooks with matcher, source, command and timeout. codex-py's hooks are
`tool_hook_command` (before and after every tool call) and `$CODEX_HOME/hooks.json`."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _run, _start
from tests.tui.test_tmux_e2e import COMPOSER
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
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


def test_hooks_lists_the_configured_hooks(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    (home / "hooks.json").write_bytes(orjson.dumps(HOOKS))
    config = home / "config.toml"
    config.write_text('tool_hook_command = ["/bin/echo", "hi there"]\n' + config.read_text())
    _start(pane, home, repo, mock_model_server)
    screen = _run(pane, "/hooks", "enter details · esc close")
    lines = [line.rstrip() for line in screen.splitlines()]
    header = "  Event                 Installed   Active      Description"
    assert header in lines and header in (OFFICIAL / "slash_hooks.txt").read_text()
    assert "› PreToolUse            2           2           Before a tool executes" in lines
    assert "  PostToolUse           2           2           After a tool executes" in lines

    pane.keys("Enter")
    screen = pane.wait_text("PreToolUse hooks")
    assert "›  1  Unnamed hook" in screen and "   2  Unnamed hook" in screen
    assert "  Source    config.toml - tool_hook_command" in screen
    assert "  Command   /bin/echo 'hi there'" in screen
    pane.keys("Down")
    screen = pane.wait_text("Command   ~/check.sh")
    official = (OFFICIAL / "slash_hooks_review.txt").read_text().replace("{codex_home}", str(home))
    for label in ("Matcher", "Source", "Command", "Timeout"):  # as 0.169 shows the same hook
        [row] = [line.rstrip() for line in official.splitlines() if line.startswith(f"  {label}")]
        assert row in screen.splitlines(), (row, screen)
    pane.keys("Escape")
    pane.wait_text("› PreToolUse")
    pane.keys("Escape")
    pane.wait_for(lambda s: "enter details" not in s and COMPOSER in s)
