"""`notify`: after each completed turn the configured program gets the upstream JSON payload as
its last argument (a real script writing what it got to a file)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import orjson
from tests.core.harness import make_config, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session


def wait_for_lines(path: Path, n: int, deadline_s: float = 20) -> list[str]:
    """The notify program is detached: wait (bounded) until it has written `n` lines."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if path.exists():
            lines = path.read_text().splitlines()
            if len(lines) >= n:
                return lines
        time.sleep(0.02)
    raise AssertionError(f"{path} did not get {n} lines")


def test_notify_runs_after_each_turn_with_the_payload(tmp_path, mock_model_server):
    out = tmp_path / "notified.jsonl"
    script = tmp_path / "notify.py"
    script.write_text(
        "import sys\n"
        f"with open({str(out)!r}, 'a') as f:\n"
        "    f.write(sys.argv[1] + '|' + sys.argv[-1] + '\\n')\n"
    )
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "true"})]),
        Turn([Message("first answer")]),
        Turn([Message("second answer")]),
    )
    notify = orjson.dumps([sys.executable, str(script), "fixed-arg"]).decode()
    config = make_config(tmp_path, mock_model_server, extra=f"notify = {notify}")

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await run_turn(s, "hello")
            await run_turn(s, "again")
            return s.conversation_id

    thread_id = asyncio.run(main())
    lines = wait_for_lines(out, 2)
    payloads = []
    for line in lines:
        fixed, _, payload = line.partition("|")
        assert fixed == "fixed-arg"
        payloads.append(orjson.loads(payload))
    payloads.sort(key=lambda p: p["input-messages"] != ["hello"])
    first, second = payloads
    assert first == {
        "type": "agent-turn-complete",
        "thread-id": thread_id,
        "turn-id": first["turn-id"],
        "cwd": str(tmp_path / "work"),
        "client": "codex_cli_rs",  # the session's originator (Session's default)
        "input-messages": ["hello"],
        "last-assistant-message": "first answer",
    }
    # every message typed in the thread so far, as 0.169 sends (checked against its binary)
    assert second["input-messages"] == ["hello", "again"]
    assert second["last-assistant-message"] == "second answer"
    assert first["turn-id"] != second["turn-id"]


def test_missing_notify_program_does_not_fail_the_turn(tmp_path, mock_model_server, caplog):
    mock_model_server.enqueue(Turn([Message("fine")]))
    config = make_config(tmp_path, mock_model_server, extra=f'notify = ["{tmp_path / "nope"}"]')

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "hello")

    events = asyncio.run(main())
    assert events[-1].msg.TAG == "task_complete"
    assert any("could not start" in r.getMessage() for r in caplog.records)


def test_exec_names_itself_as_the_client(tmp_path, mock_model_server):
    """0.169 `codex exec` sends `"client": "codex_exec"` (checked against the official binary)."""
    from tests.exec.harness import run_codex, write_config

    out = tmp_path / "notified.jsonl"
    script = tmp_path / "notify.py"
    script.write_text(
        f"import sys\nwith open({str(out)!r}, 'a') as f:\n    f.write(sys.argv[-1] + '\\n')\n"
    )
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    config = home / "config.toml"
    notify = orjson.dumps([sys.executable, str(script)]).decode()
    config.write_text(f"notify = {notify}\n" + config.read_text())
    mock_model_server.enqueue(Turn([Message("answer")]))
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    res = run_codex("exec", "--skip-git-repo-check", "hi", home=home, cwd=work)
    assert res.rc == 0, res.stderr
    (line,) = wait_for_lines(out, 1)
    payload = orjson.loads(line)
    assert list(payload) == [
        "type", "thread-id", "turn-id", "cwd", "client", "input-messages",
        "last-assistant-message",
    ]  # fmt: skip
    assert payload["client"] == "codex_exec" and payload["input-messages"] == ["hi"]
