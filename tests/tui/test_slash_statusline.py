"""/statusline in a real terminal, as 0.169's (tests/fixtures/tui_official_0169/
slash_statusline*.txt, captured 2026-12-07): a searchable checklist of status-line items, space
toggles, ←/→ reorder, Enter saves `[tui] status_line = [...]`; the status line then shows those
items, joined with " · ", and token counts as 0.169 writes them ("12.3K in")."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _ask, _run, _start
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
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


def _bold_at(line: str, text: str) -> bool:
    """Whether `text` in `line` (a `capture-pane -e` line) is drawn bold: the SGR escapes before
    it, replayed (1 sets bold; 0, 22 or a bare reset clear it)."""
    bold = False
    for sgr in re.findall(r"\x1b\[([0-9;]*)m", line[: line.index(text)]):
        for param in sgr.split(";"):
            if param == "1":
                bold = True
            elif param in ("", "0", "22"):
                bold = False
    return bold


def test_statusline_drops_unknown_and_repeated_items_and_bolds_the_highlighted_item(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """As 0.169 (tried in tmux 2026-12-07): an item it does not offer is not listed and not saved
    back, a repeated one is listed once (0.169 saved `status_line = ["bogus-item", "model"]` as
    `["model"]`), and the highlighted row's item is drawn bold, its description not (0.169:
    SGR 1;7 over `› [x] model  `, then 7). Ours kept "bogus-item" in the saved list, listed
    "model" twice and drew the highlighted item plain, unlike /title's checklist."""
    config = home / "config.toml"
    config.write_text(
        config.read_text() + '\n[tui]\nstatus_line = ["bogus-item", "model", "model"]\n'
    )
    trusted_home(home, repo)
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)
    pane.type("/statusline")
    pane.keys("Enter")
    screen = pane.wait_text(FOOTER)
    assert "bogus-item" not in screen
    assert [line.strip() for line in screen.splitlines() if "] model  " in line] == [
        "› [x] model                 Current model name"
    ], screen
    colored = pane._tmux("capture-pane", "-p", "-e", "-t", "e2e").splitlines()
    row = next(line for line in colored if "] model " in line)
    assert _bold_at(row, "model") and not _bold_at(row, "Current model name"), repr(row)
    pane.keys("Enter")
    pane.wait_for(lambda s: FOOTER not in s and COMPOSER in s)
    # (the save runs after the checklist closes: the file is read until it changes)
    saved = pane.wait_for(lambda _: _status_line(home) != ["bogus-item", "model", "model"])
    assert _status_line(home) == ["model"], saved


def _status_model(screen: str, repo: Path) -> str:
    """The model's name as the status line writes it (the word before " default · REPO")."""
    line = next(line for line in screen.splitlines() if f" default · {repo}" in line)
    return line.split(" default · ")[0].split()[-1]
