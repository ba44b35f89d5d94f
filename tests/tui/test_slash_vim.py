"""/vim in a real terminal (tmux) against the loopback mock, as 0.169's TUI does it
(tests/fixtures/tui_official_0169/vim_notes.md, vim_official.json): `/vim` says
"• Vim mode enabled." and puts the composer in Normal mode (footer `Vim: Normal`); `i a I A o O`
enter Insert (`Vim: Insert`), Esc leaves it; Normal-mode keys edit (`x`, `u`, `dw`, `dd`, …)
and letters are not inserted; Enter in Normal mode sends the message, after which the composer
is in Insert mode; `/vim` again says "• Vim mode disabled.". `/vim` writes no config; `[tui]
vim_mode_default = true` (0.169's /config "Start in Vim mode") starts the TUI in Vim Insert."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"


def _composer(screen: str) -> str:
    """The screen without its transcript's echo: the lines from the last `Vim mode` notice on
    (the composer and the footer)."""
    return screen.rsplit("Vim mode enabled.", 1)[-1]


def _keys(pane: Pane, *keys: str, expect: str, gone: str | None = None) -> str:
    """Send tmux keys, then wait until the composer shows `expect` (and no longer `gone`)."""
    pane.keys(*keys)
    return pane.wait_for(
        lambda s: expect in _composer(s) and (gone is None or gone not in _composer(s))
    )


def _user_text(server: MockModelServer) -> str:
    [item] = [i for i in server.requests[-1].input() if i.get("role") == "user"][-1:]
    return str(item["content"][0]["text"])


def test_vim_edits_in_normal_mode_sends_and_turns_off(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = json.loads((OFFICIAL / "vim_official.json").read_text())
    _start(pane, home, repo, mock_model_server, "vim answer")
    assert "Vim:" not in pane.capture()
    pane.type("/vim")
    pane.wait_text("toggle Vim mode for the composer")  # (the popup's row, as 0.169's)
    pane.keys("Enter")
    pane.wait_for(lambda s: "• Vim mode enabled." in s and "Vim: Normal" in s)

    # Normal mode: a letter that is no command is not inserted; `i` enters Insert.
    _keys(pane, "q", "i", expect="Vim: Insert")
    pane.type("hello world foo")
    _keys(pane, "Escape", expect="Vim: Normal")
    assert "hello world foo" in _composer(pane.capture())
    _keys(pane, "0", "x", expect="ello world foo", gone="hello")  # as 0.169's "0x" step
    assert official["steps"]["0x"]["composer"] == ["› ello world foo"]
    _keys(pane, "u", expect="hello world foo")
    _keys(pane, "w", "d", "w", expect="hello foo", gone="world")
    assert official["steps"]["wdw"]["composer"] == ["› hello foo"]
    _keys(pane, "A", expect="Vim: Insert")
    pane.type("!")
    _keys(pane, "Escape", expect="Vim: Normal")
    _keys(pane, "o", expect="Vim: Insert")
    pane.type("second")
    _keys(pane, "Escape", expect="Vim: Normal")
    _keys(pane, "d", "d", expect="hello foo!", gone="second")
    _keys(pane, "u", expect="second")
    _keys(pane, "k", "O", expect="Vim: Insert")
    pane.type("zero")
    _keys(pane, "Escape", expect="Vim: Normal")

    # Enter in Normal mode sends; the next composer is in Insert mode (0.169's "submitted").
    pane.keys("Enter")
    pane.wait_for(lambda s: "vim answer" in s and "Vim: Insert" in s)
    assert _user_text(mock_model_server) == "zero\nhello foo!\nsecond"
    assert "Vim: Insert" in (OFFICIAL / "vim_submitted.txt").read_text()

    config = (home / "config.toml").read_text()
    _run(pane, "/vim", "• Vim mode disabled.")
    pane.wait_for(lambda s: "Vim:" not in s.rsplit("Vim mode disabled.", 1)[-1])
    assert (home / "config.toml").read_text() == config  # /vim persists nothing (0.169)


def test_vim_mode_default_starts_in_insert(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    config = home / "config.toml"
    config.write_text(config.read_text() + "\n[tui]\nvim_mode_default = true\n")
    _start(pane, home, repo, mock_model_server, "answer")
    pane.wait_text("Vim: Insert")
    assert "Vim: Insert" in (OFFICIAL / "vim_start_vim_default.txt").read_text()
    pane.type("vimtext")
    pane.wait_text("vimtext")
    pane.keys("Escape")
    pane.wait_text("Vim: Normal")
    _keys(pane, "x", expect="vimtex", gone="vimtext")
    # /vim off, then /clear: 0.169's new composer follows the setting again (Vim Insert).
    _keys(pane, "c", "c", expect="Vim: Insert", gone="vimtex")  # (0.169 has `cc`, no `S`)
    _run(pane, "/vim", "• Vim mode disabled.")
    pane.wait_for(lambda s: "Vim:" not in s)
    _run(pane, "/clear", "Vim: Insert")


def test_vim_off_by_default_and_after_clear(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """Without the setting a /vim is for the composer at hand: /clear's new one has no vim
    (0.169: `Vim: Normal`, then after /clear no `Vim:` in the footer)."""
    _start(pane, home, repo, mock_model_server, "answer")
    _run(pane, "/vim", "Vim: Normal")
    _keys(pane, "i", expect="Vim: Insert")
    _run(pane, "/clear", "? for shortcuts")
    pane.wait_for(lambda s: "Vim:" not in s)
    pane.type("plain q")  # (typed as text: no vim)
    pane.wait_text("plain q")


def _cursor_x(pane: Pane) -> int:
    return int(pane.option("#{cursor_x}"))


def _wait_cursor(pane: Pane, x: int) -> None:
    """Poll the pane's cursor column until it is `x`; AssertionError after a deadline."""
    end = time.monotonic() + 30
    while _cursor_x(pane) != x:
        assert time.monotonic() < end, f"cursor at {_cursor_x(pane)}, not {x}"
        time.sleep(0.01)  # polling interval, not a timing assumption


def test_normal_mode_motions_land_where_0169s_do(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """0.169's captured motions replayed one by one: the cursor lands on the same character
    after each (0.169's text starts at column 2 of the pane, ours where our composer's does:
    compared relative to it)."""
    steps = json.loads((OFFICIAL / "vim_official.json").read_text())["steps"]
    order = ["esc", "0", "w", "e", "b", "$", "h", "l"]
    column = {k: int(steps[k]["cursor"].split(",")[0]) - 2 for k in order}
    _start(pane, home, repo, mock_model_server, "answer")
    _run(pane, "/vim", "Vim: Normal")
    _keys(pane, "i", expect="Vim: Insert")
    pane.type("hello world foo")
    _keys(pane, "Escape", expect="Vim: Normal")
    base = _cursor_x(pane) - column["esc"]
    for key in order[1:]:
        pane.keys(key)
        _wait_cursor(pane, base + column[key])
