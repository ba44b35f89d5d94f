"""Vim Normal mode's `k`/`j` past the composer's first/last line, as 0.169's (its keymap: "Move
up or recall older history"; tests/tui/capture_vim_history.py →
tests/fixtures/tui_official_0169/vim_history_official.json): on an empty composer `k` recalls
the sent messages, newest first, and `j` walks back to the empty draft; on a draft `k` on the
first line puts the cursor at column 0 and `j` on the last just past the line's end, no
history. Driven in tmux as tests/tui/test_vim_motions.py (the cursor shown by a typed `|`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.tui.test_vim_motions import NORMAL, _footer, _send, _text, start_vim
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
FACTS = json.loads(
    (
        Path(__file__).resolve().parents[1]
        / "fixtures"
        / "tui_official_0169"
        / "vim_history_official.json"
    ).read_text()
)


@pytest.fixture
def vim_pane(pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer) -> Pane:
    return start_vim(pane, home, repo, mock_model_server)


def _lines(step: dict[str, Any]) -> list[str]:
    """0.169's composer text (its placeholder: empty)."""
    lines = [x[2:].rstrip() for x in step["composer"]]
    return [] if lines == ["Ask Codex to do anything"] else lines


def _marked(step: dict[str, Any]) -> list[str]:
    """0.169's composer with a `|` at its tmux cursor (text starts at column 2; the last line
    of the composer is row 41)."""
    lines = _lines(step)
    x, y = (int(n) for n in step["cursor"].split(","))
    row = y - (41 - len(lines) + 1)
    lines[row] = lines[row][: x - 2] + "|" + lines[row][x - 2 :]
    return lines


def test_k_and_j_recall_history_on_an_empty_composer(
    vim_pane: Pane, mock_model_server: MockModelServer
) -> None:
    pane = vim_pane
    mock_model_server.enqueue(Turn([Message("second answer")]))  # ("vim answer" is queued)
    for text, answer in (("first message", "vim answer"), ("second message", "second answer")):
        _send(pane, f"i{text}<Escape>")
        pane.keys("Enter")
        pane.wait_for(lambda s: answer in s and "Vim: Insert" in _footer(s))  # noqa: B023
        _send(pane, "<Escape>")
    for step in FACTS["empty"]:
        want = _lines(step)
        pane.keys(step["key"], literal=True)
        pane.wait_for(lambda s: _text(s) == want and NORMAL in _footer(s))  # noqa: B023
    _send(pane, "ikept<Escape>")  # the draft is not history: `k` stays in it
    pane.keys("k", literal=True)
    _send(pane, "i|<Escape>")
    pane.wait_for(lambda s: _text(s) == ["|kept"])


@pytest.mark.parametrize("steps", [2, 3, 4])  # (1: a plain `k`, no edge)
def test_k_and_j_on_a_draft_go_to_the_line_ends(vim_pane: Pane, steps: int) -> None:
    done = FACTS["draft"][:steps]
    _send(vim_pane, "idraft one<Escape>odraft two<Escape>")
    vim_pane.keys(*(s["key"] for s in done), literal=True)
    _send(vim_pane, "i|<Escape>")
    want = _marked(done[-1])
    vim_pane.wait_for(lambda s: _text(s) == want and NORMAL in _footer(s))
