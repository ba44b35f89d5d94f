"""End to end in a real terminal: the `codex` entry point in a private tmux server against the
loopback mock model server. Screens are read with capture-pane, polled until a condition holds
(bounded deadline), never after a fixed sleep."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import orjson
import pytest
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage, apply_patch_call
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
CODEX = [sys.executable, "-m", "codex"]
COMPOSER = "Ask Codex to do anything"


def trusted_home(home: Path, repo: Path) -> Path:
    with open(home / "config.toml", "a") as f:
        f.write(f'\n[projects."{repo}"]\ntrust_level = "trusted"\n')
    return home


def env_for(home: Path) -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {**keep, "CODEX_HOME": str(home), "MOCK_KEY": "k", "TERM": "xterm-256color"}


def launch(pane: Pane, home: Path, repo: Path, *args: str) -> None:
    pane.start([*CODEX, *args], cwd=repo, env=env_for(home))


def test_launch_prompt_streamed_reply(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(
        Turn([Message("hello from the mock", ["hello ", "from ", "the mock"])], USAGE)
    )
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)
    screen = pane.wait_text("? for shortcuts")
    assert ">_ OpenAI Codex" in screen
    pane.type("say hi")
    pane.keys("Enter")
    screen = pane.wait_text("hello from the mock")
    assert "› say hi" in screen
    pane.wait_text("Worked for")
    pane.keys("C-d")
    screen = pane.wait_text("[exited 0]")
    assert "To continue this session, run codex resume" in screen


def test_trust_prompt_records_trust(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    launch(pane, home, repo)
    pane.wait_text("Trust and continue")
    pane.keys("Enter")
    pane.wait_text(COMPOSER)
    assert f'[projects."{repo}"]\ntrust_level = "trusted"' in (home / "config.toml").read_text()
    pane.keys("C-c")  # an empty, idle composer: quits at once, as 0.169
    pane.wait_text("[exited 0]")


def test_command_approval(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    args = {
        "cmd": "touch created_outside_sandbox.txt",
        "sandbox_permissions": "require_escalated",
        "justification": "Create a marker file in the repo root?",
    }
    mock_model_server.enqueue(
        Turn([FunctionCall("call_1", "exec_command", args)], USAGE),
        Turn([Message("Done after tool call.")], USAGE),
    )
    launch(pane, home, repo, "-a", "on-request", "please create the marker")
    screen = pane.wait_text("Would you like to run the following command?")
    assert "Reason: Create a marker file in the repo root?" in screen
    assert "$ touch created_outside_sandbox.txt" in screen
    pane.keys("Enter")
    screen = pane.wait_text("Done after tool call.")
    assert "You approved codex to run touch created_outside_sandbox.txt" in screen
    assert (repo / "created_outside_sandbox.txt").exists()


def test_patch_approval_shows_diff(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    patch = "*** Begin Patch\n*** Add File: docs/notes.txt\n+line one\n+line two\n*** End Patch\n"
    mock_model_server.enqueue(
        Turn([apply_patch_call("call_p", patch)], USAGE),
        Turn([Message("Done after tool call.")], USAGE),
    )
    launch(pane, home, repo, "-s", "read-only", "-a", "on-request", "write notes")
    screen = pane.wait_text("Would you like to make the following edits?")
    assert "docs/notes.txt" in screen and "+line one" in screen and "+line two" in screen
    pane.keys("y")
    screen = pane.wait_text("Done after tool call.")
    assert "Edited 1 file (+2 -0)" in screen
    assert (repo / "docs" / "notes.txt").read_text() == "line one\nline two\n"


def test_escape_interrupts_a_running_turn(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(Hold(Turn([Message("never shown")], USAGE), frames=None))
    launch(pane, home, repo, "wait for it")
    pane.wait_text("esc to interrupt")
    mock_model_server.wait_held()
    pane.keys("Escape")
    pane.wait_text("Conversation interrupted")
    mock_model_server.release()
    pane.wait_text("? for shortcuts")


def test_resume_picker_then_transcript(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(Turn([Message("first answer")], USAGE))
    first = Pane(tmp_path / "first.sock")
    try:
        first.start([*CODEX, "remember the tulips"], cwd=repo, env=env_for(home))
        first.wait_text("first answer")
        first.keys("C-d")
        first.wait_text("[exited 0]")
    finally:
        first.close()
    launch(pane, home, repo, "resume")
    screen = pane.wait_text("Resume a previous session")
    assert "remember the tulips" in screen
    pane.type("tulip")
    pane.keys("Enter")
    screen = pane.wait_text("first answer")
    assert "› remember the tulips" in screen


def test_compact_and_export(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(
        Turn([Message("an answer")], USAGE), Turn([Message("the summary")], USAGE)
    )
    launch(pane, home, repo, "a question")
    pane.wait_text("an answer")
    pane.wait_text("? for shortcuts")
    pane.type("/compact")
    pane.keys("Enter")
    pane.wait_text("Compact task completed")
    pane.type("/export json session.json")
    pane.keys("Enter")
    pane.wait_text("Exported the conversation")
    data = orjson.loads((repo / "session.json").read_bytes())  # codex export's JSON
    said = [(i["type"], i["text"]) for i in data["items"] if i["type"].endswith("_message")]
    assert ("user_message", "a question") in said and ("agent_message", "an answer") in said


def test_kill_restores_the_terminal(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)
    assert pane.option("#{alternate_on}") == "1"
    # The pane's shell runs `env ... python -m codex`: env execs python, so the child is codex.
    shell = pane.pane_pid()
    child = int(Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0])
    os.kill(child, signal.SIGTERM)
    pane.wait_text("[exited")
    assert pane.option("#{alternate_on}") == "0"
    assert pane.option("#{mouse_any_flag}") == "0"
    assert pane.option("#{cursor_flag}") == "1"


def test_fork_continues_in_a_new_thread(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    import re

    trusted_home(home, repo)
    mock_model_server.enqueue(
        Turn([Message("first answer")], USAGE), Turn([Message("forked answer")], USAGE)
    )
    first = Pane(tmp_path / "first.sock")
    try:
        first.start([*CODEX, "remember the tulips"], cwd=repo, env=env_for(home))
        first.wait_text("first answer")
        first.keys("C-d")
        screen = first.wait_text("[exited 0]")
    finally:
        first.close()
    found = re.search(r"codex resume ([0-9a-f-]{36})", screen)
    assert found is not None, screen
    original = found.group(1)
    rollouts = list((home / "sessions").rglob("rollout-*.jsonl"))
    assert len(rollouts) == 1
    before = rollouts[0].read_bytes()
    launch(pane, home, repo, "fork", original)
    pane.wait_text("› remember the tulips")
    pane.wait_text(COMPOSER)
    pane.type("and now?")
    pane.keys("Enter")
    pane.wait_text("forked answer")
    # The model saw the old conversation; a second rollout holds the fork, the first is intact.
    texts = orjson.dumps(mock_model_server.requests[-1].json["input"]).decode()
    assert "remember the tulips" in texts and "first answer" in texts
    after = list((home / "sessions").rglob("rollout-*.jsonl"))
    assert len(after) == 2
    assert rollouts[0].read_bytes() == before


def test_inline_mode_keeps_the_scrollback(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.enqueue(Turn([Message("inline answer")], USAGE))
    launch(pane, home, repo, "--no-alt-screen", "hi there")
    pane.wait_text("inline answer")
    assert pane.option("#{alternate_on}") == "0"
    pane.keys("C-d")
    screen = pane.wait_text("[exited 0]")
    # The conversation stays on the normal screen after leaving.
    assert "inline answer" in screen and "› hi there" in screen


def test_long_streamed_reply_stays_pinned_to_the_bottom(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    deltas = [f"line {i}\n\n" for i in range(3000)] + ["END-OF-REPLY"]
    mock_model_server.enqueue(Turn([Message("".join(deltas), deltas)], USAGE))
    launch(pane, home, repo, "stream a lot")
    pane.wait_text("END-OF-REPLY")


def test_hangup_ends_the_process(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    import time

    trusted_home(home, repo)
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)
    shell = pane.pane_pid()
    child = int(Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0])
    pane.close()  # the terminal goes away (SIGHUP), as when an SSH session drops
    end = time.monotonic() + 60
    while Path(f"/proc/{child}").exists() and b"Z" not in _state(child):
        assert time.monotonic() < end, "codex outlived its terminal"
        time.sleep(0.05)  # polling interval


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return b"Z"


def test_messages_typed_back_to_back_stay_apart(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    trusted_home(home, repo)
    mock_model_server.repeat(Turn([Message("an answer")], USAGE))
    launch(pane, home, repo)
    pane.wait_text(COMPOSER)  # (messages typed before the session is ready wait for it)
    for i in range(1, 5):  # no wait between messages: what a fast typist or a paste does
        pane.type(f"msg-0{i}")
        pane.keys("Enter")
    pane.wait_for(lambda s: len(mock_model_server.requests) >= 4 and "? for shortcuts" in s)
    sent = [r.json["input"][-1]["content"][0]["text"] for r in mock_model_server.requests]
    assert sorted(sent) == ["msg-01", "msg-02", "msg-03", "msg-04"]
