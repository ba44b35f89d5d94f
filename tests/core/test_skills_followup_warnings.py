"""A SKILL.md that fails to load, as 0.169 reports it (tests/fixtures/skills_followup_official.json
`load_error_exec`, `load_error_app_server`; tests/fixtures/tui_skills_official.json
`load_errors`): `codex exec` prints one error log line on stderr and nothing on stdout (no
event in --json), the app-server sends no notification for it (skills/list carries it), and the
TUI lists `<path>: <message>` among its startup warnings (core's `warning` event, asked for by
the TUI's FrontEnd)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from tests.core.capture_skills_followup import FIXTURE, load_error_app_server, load_error_exec
from tests.core.harness import make_config, of_type, run_turn
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

from codex.core.front_end import LIBRARY, FrontEnd
from codex.core.open import open_session

OFFICIAL = json.loads(FIXTURE.read_text())
TUI = json.loads((FIXTURE.parent / "tui_skills_official.json").read_text())
OURS = [sys.executable, "-m", "codex"]
_LOG_TEXT = "failed to load skill "


def _message(line: str) -> str:
    """The log line from its message on (0.169 prefixes time, level and its Rust target)."""
    return line[line.index(_LOG_TEXT) :]


def test_exec_logs_a_broken_skill_as_0169() -> None:
    want = OFFICIAL["load_error_exec"]
    got = load_error_exec(OURS)
    for mode in ("json", "human"):
        assert got[mode]["stdout"] == want[mode]["stdout"] == []  # no event, no item
        assert [_message(x) for x in got[mode]["stderr"]] == [
            _message(x) for x in want[mode]["stderr"]
        ]
        assert all(" ERROR " in x for x in got[mode]["stderr"])


def test_app_server_sends_nothing_for_a_broken_skill_as_0169() -> None:
    want = OFFICIAL["load_error_app_server"]
    got = load_error_app_server(OURS)
    assert got["notifications_naming_it"] == want["notifications_naming_it"] == []
    assert got["skills_list_errors"] == want["skills_list_errors"]


def _warnings(tmp_path: Path, mock: MockModelServer, front_end: FrontEnd) -> tuple[Path, list[str]]:
    config = make_config(tmp_path, mock)
    skill = Path(config.codex_home) / "skills" / "broken" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("---\nname: broken\n---\nbody\n")  # TUI fixture's case: no description
    mock.enqueue(Turn([Message("ok")], Usage(3, 0, 4)))

    async def go() -> list[str]:
        async with open_session(config, front_end) as session:
            events = await run_turn(session, "hi")
        return [str(w.message) for w in of_type(events, "warning")]

    return skill, asyncio.run(go())


def test_tui_front_end_gets_a_startup_warning_as_0169(
    tmp_path: Path, mock_model_server: MockModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    tui = FrontEnd("codex_cli_rs", "cli", skill_load_warnings=True)
    skill, warnings = _warnings(tmp_path, mock_model_server, tui)
    # 0.169's TUI F2 view: "{codex_home}/skills/broken/SKILL.md: missing field `description`"
    want = TUI["load_errors"]["f2_view"][-1].strip()
    assert warnings == [want.replace("{codex_home}/skills/broken/SKILL.md", str(skill))]


def test_other_front_ends_get_no_warning_event(
    tmp_path: Path, mock_model_server: MockModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    _, warnings = _warnings(tmp_path, mock_model_server, LIBRARY)
    assert warnings == []
