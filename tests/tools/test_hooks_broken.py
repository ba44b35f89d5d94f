"""Broken hooks never fail a turn (issue 13, item 7).

A hook is an observer: one that exits without reading its input, fails, crashes, prints garbage,
hangs until its timeout or does not exist is logged (one line on stderr per run) and the turn
goes on. Before the fix, a hook that exited before we wrote its input failed the whole turn about
two times in three under `codex exec` (uvloop raises RuntimeError on a write to the closed pipe).

Each kind runs through the real `codex exec --json` against the mock model: one response with
20 `exec_command` calls (they run concurrently), each wrapped by the kind's `tool_hook_command`
and by the same command as a hooks.json PreToolUse and PostToolUse hook, so 40 runs of each hook
per process. A PreToolUse veto from a hook that never reads its input must still block every call.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.support.hook_trust import trust_home
from tests.support.mock_config import MOCK_CONFIG
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

CALLS = 20
RUNS = 2 * CALLS  # before and after every call

# kind -> (argv, the line each run of the tool_hook_command leaves on stderr, the same for the
# hooks.json hook); None: a run leaves no line (the hook did nothing wrong that we can see).
KINDS: dict[str, tuple[list[str], str | None, str | None]] = {
    "exits_without_reading": (["true"], None, None),
    "exit_1": (["sh", "-c", "exit 1"], "tool hook sh exited with status 1", "exited with status 1"),
    "crash": (
        ["sh", "-c", "kill -SEGV $$"],
        "tool hook sh exited with status -11",
        "exited with status 139",  # hooks.json commands run under /bin/sh: 128 + SIGSEGV
    ),
    "garbage_stdout": (["sh", "-c", r"printf '\377\001 GARBAGE {{{\n'"], "GARBAGE {{{", None),
    "hang": (
        ["sh", "-c", "exec sleep 60"],
        "tool hook sh did not finish within 200 ms; killed",
        "did not finish within 1.0s; killed",
    ),
    "missing_program": (
        ["/nonexistent/hook"],
        "tool hook /nonexistent/hook could not start",
        "exited with status 127",
    ),
}


def _setup(
    tmp_path: Path,
    server: MockModelServer,
    argv: list[str],
    *,
    hang: bool = False,
    veto: bool = False,
) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    # A short timeout only where the hook hangs for sure: on a busy machine a healthy hook
    # may take longer than 200 ms to start, and must not be counted as a hang.
    timeout = 0.2 if hang else 60
    hook = f"tool_hook_command = {orjson.dumps(argv).decode()}\n"
    hook += f"tool_hook_timeout_ms = {int(timeout * 1000)}\n"
    config = MOCK_CONFIG.format(base_url=server.base_url, extra="")
    (home / "config.toml").write_text(("" if veto else hook) + config)
    command = shlex.join(argv) if not veto else "echo 'no way' >&2; exit 2"
    # hooks.json timeouts are whole seconds (0.169): 1s for the hang, as short as they go.
    seconds = 1 if hang else 60
    entry = [{"hooks": [{"type": "command", "command": command, "timeout": seconds}]}]
    hooks = {"PreToolUse": entry} if veto else {"PreToolUse": entry, "PostToolUse": entry}
    (home / "hooks.json").write_bytes(orjson.dumps({"hooks": hooks}))
    calls = [FunctionCall(f"c{i}", "exec_command", {"cmd": f"echo ran-{i}"}) for i in range(CALLS)]
    server.enqueue(Turn(calls), Turn([Message("done")]))
    trust_home(home)  # hooks run only once trusted (codex.tools.hook_trust)
    return home


def _exec(home: Path, cwd: Path) -> tuple[int, list[dict[str, object]], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock-key", NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--json", "--skip-git-repo-check", "go"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    events = [orjson.loads(line) for line in done.stdout.splitlines()]  # every line is JSON
    return done.returncode, events, done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("kind", list(KINDS))
def test_broken_hook_never_fails_a_turn(
    kind: str, tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    argv, seed_line, claude_line = KINDS[kind]
    home = _setup(tmp_path, mock_model_server, argv, hang=kind == "hang")
    rc, events, stderr = _exec(home, tmp_path)

    assert [e for e in events if e["type"] in ("error", "turn.failed")] == [], stderr[-3000:]
    assert rc == 0 and events[-1]["type"] == "turn.completed", stderr[-3000:]
    assert "Traceback" not in stderr and "RuntimeError" not in stderr, stderr[-3000:]
    follow_up = mock_model_server.requests[1]
    for i in range(CALLS):
        output = follow_up.function_call_output(f"c{i}")
        assert output is not None and f"ran-{i}" in str(output["output"]), output
    lines = stderr.splitlines()
    if seed_line is not None:
        assert sum(seed_line in line for line in lines) == RUNS, stderr[-3000:]
    if claude_line is not None:
        assert sum("hook `" in line and claude_line in line for line in lines) == RUNS


def test_veto_from_a_hook_that_never_reads_its_input_blocks_every_call(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    home = _setup(tmp_path, mock_model_server, [], veto=True)
    rc, events, stderr = _exec(home, tmp_path)

    assert rc == 0 and events[-1]["type"] == "turn.completed", stderr[-3000:]
    follow_up = mock_model_server.requests[1]
    for i in range(CALLS):
        output = follow_up.function_call_output(f"c{i}")
        assert output is not None, f"c{i} unanswered"
        # 0.169's words; the command did not run (its output would follow otherwise).
        blocked = f"Command blocked by PreToolUse hook: no way. Command: echo ran-{i}"
        assert output["output"] == blocked, output
