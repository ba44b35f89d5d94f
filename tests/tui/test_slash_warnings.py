"""/warnings in a real terminal (tmux), shaped as 0.169's view
(tests/fixtures/tui_official_0169/slash_warnings.txt with none, slash_warnings_one.txt with
one): "Warnings · N of M", the warning, and `k keep & next · esc dismiss & close · ^o copy ·
←/→ warning`. The warnings here are core's own: a manual /compact's long-conversation notice,
then a second /compact with nothing new to compact."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_slash_thread import _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FOOTER = "k keep & next · esc dismiss & close · ^o copy · ←/→ warning"
SKIPPED = "Nothing to compact"
HEADS_UP = "Heads up: Long conversations"


def test_warnings_are_retained_kept_and_dismissed(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    assert FOOTER in (OFFICIAL / "slash_warnings_one.txt").read_text()
    assert "No warnings" in (OFFICIAL / "slash_warnings.txt").read_text()
    _start(pane, home, repo, mock_model_server)
    screen = _run(pane, "/warnings", FOOTER)
    assert "No warnings" in screen
    pane.keys("Escape")
    pane.wait_for(lambda s: FOOTER not in s)
    usage = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
    mock_model_server.enqueue(Turn([Message("the summary")], usage))  # the compact request
    _run(pane, "/compact", HEADS_UP)
    _run(pane, "/compact", SKIPPED)
    screen = _run(pane, "/warnings", "Warnings · 1 of 2")
    assert FOOTER in screen
    pane.keys("Right")
    pane.wait_text("Warnings · 2 of 2")
    pane.keys("k")  # keep the last one: the view closes
    pane.wait_for(lambda s: FOOTER not in s)
    _run(pane, "/warnings", "Warnings · 1 of 2")  # both still retained
    pane.keys("Escape")  # dismiss the first one
    pane.wait_for(lambda s: FOOTER not in s)
    _run(pane, "/warnings", "Warnings · 1 of 1")
