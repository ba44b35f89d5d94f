"""/statusline in a real terminal, as 0.169's (tests/fixtures/tui_official_0169/
slash_statusline*.txt, captured 2026-12-07): a searchable checklist of status-line items, space
toggles, ←/→ reorder, Enter saves `[tui] status_line = [...]`; the status line then shows those
items, joined with " · ", and token counts as 0.169 writes them ("12.3K in")."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _ask, _run, _start
from tests.tui.test_tmux_e2e import COMPOSER
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FOOTER = "space toggle · ←/→ reorder · enter save · esc cancel"


def _status_line(home: Path) -> object:
    return tomllib.loads((home / "config.toml").read_text()).get("tui", {}).get("status_line")


def test_si_counts_as_0169_shows_them() -> None:
    from codex.tui.statusline_cmd import si

    # (slash_statusline_tokens.txt / _all.txt: 12345 in, 12345+678 used, a 258000 window)
    assert [si(678), si(12345), si(13023), si(258000)] == ["678", "12.3K", "13K", "258K"]


def test_status_line_is_read_from_config_toml(home: Path, repo: Path) -> None:
    from codex.cli.context import CliContext

    config = home / "config.toml"
    config.write_text(config.read_text() + '\n[tui]\nstatus_line = ["model", "thread-id"]\n')
    loaded = CliContext(config_home=str(home)).load_config(cwd=repo)
    assert loaded.tui.status_line == ["model", "thread-id"]


def test_statusline_saves_the_items_and_the_line_follows(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = (OFFICIAL / "slash_statusline.txt").read_text().splitlines()
    _start(pane, home, repo, mock_model_server, "an answer")
    _ask(pane, "a question", "an answer")  # (100 in, 10 out: tokens to show)
    screen = _run(pane, "/statusline", FOOTER)
    lines = [line.rstrip() for line in screen.splitlines()]
    heads = ("Configure Status Line", "Select which", "[x] current-dir", "[ ] reasoning", FOOTER)
    rows = [row.rstrip() for row in official if row.strip().startswith(heads)]
    assert len(rows) == 5 and all(row in lines for row in rows), (rows, screen)  # as 0.169's
    assert any(line.startswith("› [x] model-with-reasoning  Current model") for line in lines)
    assert f" · {repo} · thread name" in screen  # the preview: 0.169's default items

    pane.keys("Down", "Down", "Down", "Space")  # model on
    pane.wait_text("› [x] model  ")
    pane.keys("Left")  # before thread-name, as saved in 0.169's capture
    pane.keys("Enter")
    screen = pane.wait_for(lambda s: FOOTER not in s and COMPOSER in s)
    model = _status_model(screen, repo)
    screen = pane.wait_text(f"{model} default · {repo} · {model}\n")  # (unnamed: no name)
    assert "workspace-write/" not in screen  # codex-py's own line is replaced
    saved = ["model-with-reasoning", "current-dir", "model", "thread-name"]
    # (the line 0.169 wrote for the same keys, tests/fixtures/tui_official_0169/settings_notes.md)
    line = 'status_line = ["model-with-reasoning", "current-dir", "model", "thread-name"]'
    assert line in (home / "config.toml").read_text()

    pane.type("/statusline")
    pane.keys("Enter")
    pane.wait_text(FOOTER)
    pane.type("tokens")  # the search: used-tokens, total-input-tokens, total-output-tokens
    pane.wait_text("› [ ] used-tokens")
    pane.keys("Space", "Down", "Space", "Down", "Space", "Enter")
    screen = pane.wait_text(f"{model} · 110 used · 100 in · 10 out")
    tokens = ["used-tokens", "total-input-tokens", "total-output-tokens"]
    assert _status_line(home) == [*saved, *tokens]


def _status_model(screen: str, repo: Path) -> str:
    """The model's name as the status line writes it (the word before " default · REPO")."""
    line = next(line for line in screen.splitlines() if f" default · {repo}" in line)
    return line.split(" default · ")[0].split()[-1]
