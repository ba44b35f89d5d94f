"""A SKILL.md that fails to load shows in the TUI as a startup warning, `<path>: <message>`, as
0.169's TUI lists it (tests/fixtures/tui_skills_official.json `load_errors`), and /warnings
retains it. Real terminal (tmux), real TUI, the mock model server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.test_slash_thread import _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui_skills_official.json"


def test_broken_skill_is_a_startup_warning(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    # 0.169: "{codex_home}/skills/broken/SKILL.md: missing field `description`"
    want = json.loads(FIXTURE.read_text())["load_errors"]["f2_view"][-1].strip()
    message = want.split(": ", 1)[1]
    skill = home / "skills" / "broken" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("---\nname: broken\n---\nbody\n")
    _start(pane, home, repo, mock_model_server)
    pane.wait_text(message)
    screen = _run(pane, "/warnings", "Warnings · 1 of 1")
    assert message in screen and "broken/SKILL.md" in screen
