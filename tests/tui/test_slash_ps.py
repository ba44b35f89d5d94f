"""/ps and /stop in a real terminal (tmux) against the mock, as 0.169 shows them
(tests/fixtures/tui_official_0169/slash_ps.txt, slash_stop.txt): a command the model started
with `exec_command` that outlived its yield time is a background terminal; /ps lists it under
"Background terminals", /stop says "• Stopping all background terminals." and kills it, and
/ps then says "• No background terminals running.". While one runs, the line "1 background
terminal running · /ps to view · /stop to close" sits above the composer."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.tui.test_slash_thread import _ask, _run, _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
COMMAND = "echo $$ > bg.pid; exec sleep 300"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_ps_lists_and_stop_kills_background_terminals(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official_ps = (OFFICIAL / "slash_ps.txt").read_text()
    official_stop = (OFFICIAL / "slash_stop.txt").read_text()
    _start(pane, home, repo, mock_model_server)
    call = FunctionCall("call_bg", "exec_command", {"cmd": COMMAND, "yield_time_ms": 250})
    mock_model_server.enqueue(Turn([call], USAGE), Turn([Message("started it")], USAGE))
    _ask(pane, "/ps", "• No background terminals running.")
    _ask(pane, "start it", "started it")
    running = "1 background terminal running · /ps to view · /stop to close"
    assert running in (OFFICIAL / "slash_bg_running.txt").read_text()
    pane.wait_text(running)
    pid_file = repo / "bg.pid"  # (written once the login shell is up: may be after the turn)
    pane.wait_for(lambda _: pid_file.exists() and pid_file.read_text().strip().isdigit())
    pid = int(pid_file.read_text())
    assert _alive(pid)
    screen = _run(pane, "/ps", f"  • {COMMAND}")
    assert "Background terminals" in official_ps and "Background terminals" in screen
    assert "  • sleep 300" in official_ps
    stopping = "• Stopping all background terminals."
    assert stopping in official_stop
    _run(pane, "/stop", stopping)
    pane.wait_for(lambda _: not _alive(pid))  # (polled: another process's state)
    pane.wait_for(lambda s: running not in s)
    pane.type("/ps")
    pane.keys("Enter")
    pane.wait_for(lambda s: s.count("• No background terminals running.") == 2)
