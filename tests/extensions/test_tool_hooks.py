"""`tool_hook_command` end to end: one JSON document before and after every tool call, hooks
that fail, crash, hang or print garbage never stop or change the agent, and the hook runs only
once the user trusted it (as 0.169 asks for hooks in the user's own config.toml)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import orjson
from tests.core.harness import make_config, run_turn
from tests.exec.harness import run_codex, write_config
from tests.support.hook_trust import trust_home, trusted
from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call

from codex.core import Session

LOGGER = Path(__file__).resolve().parents[2] / "examples" / "hooks" / "log_tool_calls.py"


def hook_config(argv: list[str], extra: str = "") -> str:
    return f"tool_hook_command = {orjson.dumps(argv).decode()}\n{extra}"


def run_session(config, *turns: str, trust: bool = True):
    """Run `turns` in one session, after trusting the configured hook (unless not `trust`)."""
    if trust:
        trusted(config)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            out = []
            for text in turns:
                out.append(await run_turn(s, text))
            return out

    return asyncio.run(main())


def read_log(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_documents_for_shell_patch_custom_and_failing_calls(
    tmp_path, mock_model_server, monkeypatch
):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("CODEX_TOOL_LOG", str(log))
    patch = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n"
    mock_model_server.enqueue(
        Turn([FunctionCall("c_exec", "exec_command", {"cmd": "echo from-shell"})]),
        Turn([apply_patch_call("c_patch", patch)]),
        Turn([FunctionCall("c_custom", "custom__echo", {"text": "yo"})]),
        Turn([FunctionCall("c_bad", "no_such_tool", "not json")]),
        Turn([Message("done")]),
    )
    extra = (
        "[custom_tools.echo]\n"
        f'command = ["{sys.executable}", "-c", '
        "\"import os; print(os.environ['CODEX_TOOL_NAME'])\"]\n"
    )
    config = make_config(
        tmp_path,
        mock_model_server,
        model="gpt-5.1-codex",
        extra=hook_config([sys.executable, str(LOGGER)], extra),
    )
    run_session(config, "do things")
    docs = read_log(log)
    assert [(d["phase"], d["call"]["call_id"]) for d in docs] == [
        (phase, cid)
        for cid in ("c_exec", "c_patch", "c_custom", "c_bad")
        for phase in ("before_execution", "after_execution")
    ]
    by = {(d["call"]["call_id"], d["phase"]): d for d in docs}

    exec_before = by["c_exec", "before_execution"]
    assert exec_before["call"]["tool_name"] == "exec_command"
    assert exec_before["call"]["payload"]["type"] == "function"
    assert exec_before["call"]["payload"]["parsed_arguments"] == {"cmd": "echo from-shell"}
    assert orjson.loads(exec_before["call"]["payload"]["arguments"]) == {"cmd": "echo from-shell"}
    assert "outcome" not in exec_before
    exec_after = by["c_exec", "after_execution"]
    response = exec_after["outcome"]["success"]["response"]
    assert response["type"] == "function_call_output" and response["call_id"] == "c_exec"
    assert "from-shell" in str(response["output"])

    patch_before = by["c_patch", "before_execution"]["call"]
    assert patch_before["tool_name"] == "apply_patch"
    assert patch_before["payload"] == {"type": "custom", "input": patch}
    patch_response = by["c_patch", "after_execution"]["outcome"]["success"]["response"]
    assert patch_response["type"] == "custom_tool_call_output"
    assert (tmp_path / "work" / "hello.txt").read_text() == "hi\n"

    custom_after = by["c_custom", "after_execution"]
    assert custom_after["call"]["tool_name"] == "custom__echo"
    assert orjson.loads(custom_after["outcome"]["success"]["response"]["output"])["stdout"] == (
        "echo\n"
    )

    bad_before = by["c_bad", "before_execution"]["call"]["payload"]
    assert bad_before == {"type": "function", "arguments": "not json", "parsed_arguments": None}
    assert by["c_bad", "after_execution"]["outcome"] == {
        "error": {"message": "unsupported call: no_such_tool"}
    }


def _hook_script(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "hook.py"
    script.write_text("import os, sys, time\n" + body)
    return [sys.executable, str(script)]


def _one_shell_call(server) -> None:
    server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo still-works"})]),
        Turn([Message("done")]),
    )


def _assert_tool_ran(server, events) -> None:
    output = server.requests[1].function_call_output("c1")
    assert "still-works" in str(output["output"])
    assert events[-1].msg.TAG == "task_complete"
    assert events[-1].msg.last_agent_message == "done"


def test_failing_hook_is_logged_and_ignored(tmp_path, mock_model_server, caplog):
    argv = _hook_script(tmp_path, "sys.stdin.read()\nsys.exit(3)\n")
    _one_shell_call(mock_model_server)
    config = make_config(tmp_path, mock_model_server, extra=hook_config(argv))
    [events] = run_session(config, "go")
    _assert_tool_ran(mock_model_server, events)
    assert sum("exited with status 3" in r.getMessage() for r in caplog.records) == 2


def test_crashing_hook_is_logged_and_ignored(tmp_path, mock_model_server, caplog):
    argv = _hook_script(tmp_path, "os.kill(os.getpid(), 11)\n")
    _one_shell_call(mock_model_server)
    config = make_config(tmp_path, mock_model_server, extra=hook_config(argv))
    [events] = run_session(config, "go")
    _assert_tool_ran(mock_model_server, events)
    assert sum("exited with status -11" in r.getMessage() for r in caplog.records) == 2


def test_missing_hook_program_is_logged_and_ignored(tmp_path, mock_model_server, caplog):
    _one_shell_call(mock_model_server)
    argv = [str(tmp_path / "no-such-hook")]
    config = make_config(tmp_path, mock_model_server, extra=hook_config(argv))
    [events] = run_session(config, "go")
    _assert_tool_ran(mock_model_server, events)
    assert sum("could not start" in r.getMessage() for r in caplog.records) == 2


def test_hanging_hook_is_killed_after_its_timeout(tmp_path, mock_model_server, caplog):
    pids = tmp_path / "pids"
    argv = _hook_script(
        tmp_path,
        f"open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\nos.close(0)\ntime.sleep(3600)\n",
    )
    _one_shell_call(mock_model_server)
    extra = hook_config(argv, "tool_hook_timeout_ms = 300")
    config = make_config(tmp_path, mock_model_server, extra=extra)
    [events] = run_session(config, "go")
    _assert_tool_ran(mock_model_server, events)
    assert sum("did not finish within 300 ms" in r.getMessage() for r in caplog.records) == 2
    for pid in map(int, pids.read_text().split()):
        assert not Path(f"/proc/{pid}").exists() or "Z" in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except OSError:
        return "Z"


def test_hook_that_never_reads_a_huge_document_is_bounded(tmp_path, mock_model_server, caplog):
    """The after-document of a big output exceeds a pipe buffer; a hook not reading it hangs
    our write, and the timeout still applies."""
    argv = _hook_script(tmp_path, "time.sleep(3600)\n")
    mock_model_server.enqueue(
        Turn(
            [
                FunctionCall(
                    "c1",
                    "exec_command",
                    {"cmd": "head -c 300000 /dev/zero | tr '\\0' x; echo still-works"},
                )
            ]
        ),
        Turn([Message("done")]),
    )
    extra = hook_config(argv, "tool_hook_timeout_ms = 300")
    config = make_config(tmp_path, mock_model_server, extra=extra)
    [events] = run_session(config, "go")
    _assert_tool_ran(mock_model_server, events)
    assert sum("did not finish" in r.getMessage() for r in caplog.records) == 2


def test_garbage_printing_hook_does_not_corrupt_exec_json(tmp_path, mock_model_server):
    script = tmp_path / "garbage.py"
    script.write_text(
        "import sys\n"
        "sys.stdout.buffer.write(b'\\x00\\xff not json {{{\\n' * 50)\n"
        "sys.stderr.buffer.write(b'\\xfe garbage on stderr\\n')\n"
    )
    _one_shell_call(mock_model_server)
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    extra = hook_config([sys.executable, str(script)])
    write_config(home, mock_model_server.base_url, extra)
    # write_config appends `extra` after the provider table; the hook key must be top-level.
    text = (home / "config.toml").read_text().replace(extra, "")
    (home / "config.toml").write_text(extra + text)
    assert trust_home(home) == 1
    run = run_codex("exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=work)
    assert run.rc == 0, run.stderr
    events = run.events()  # every stdout line is one JSON object
    assert events[-1]["type"] == "turn.completed"
    assert "garbage on stderr" in run.stderr
    assert "not json" in run.stderr  # the hook's stdout went to stderr
    assert "still-works" in str(mock_model_server.requests[1].function_call_output("c1"))


def test_hooks_do_not_block_the_event_loop(tmp_path, mock_model_server):
    """Call A's before-hook waits for a file that only call B's command creates; both calls
    start together, so A's hook can only see the file if the loop keeps running B meanwhile."""
    marker = tmp_path / "marker"
    seen = tmp_path / "seen"
    argv = _hook_script(
        tmp_path,
        "import json\n"
        "doc = json.load(sys.stdin)\n"
        "if doc['phase'] == 'before_execution' and doc['call']['call_id'] == 'A':\n"
        f"    while not os.path.exists({str(marker)!r}):\n"
        "        time.sleep(0.01)\n"
        f"    open({str(seen)!r}, 'w').write('yes')\n",
    )
    mock_model_server.enqueue(
        Turn(
            [
                FunctionCall("A", "exec_command", {"cmd": "echo a"}),
                FunctionCall("B", "exec_command", {"cmd": f"touch {marker}"}),
            ]
        ),
        Turn([Message("done")]),
    )
    config = make_config(tmp_path, mock_model_server, extra=hook_config(argv))
    [events] = run_session(config, "go")
    assert events[-1].msg.TAG == "task_complete"
    assert seen.read_text() == "yes"
    assert "a" in str(mock_model_server.requests[1].function_call_output("A")["output"])


def test_tilde_in_hook_argv_is_expanded(tmp_path, mock_model_server, monkeypatch):
    home = tmp_path / "userhome"
    (home / "scripts").mkdir(parents=True)
    log = tmp_path / "tilde.jsonl"
    (home / "scripts" / "log.py").write_text(LOGGER.read_text())
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CODEX_TOOL_LOG", str(log))
    _one_shell_call(mock_model_server)
    config = make_config(
        tmp_path, mock_model_server, extra=hook_config([sys.executable, "~/scripts/log.py"])
    )
    run_session(config, "go")
    assert [d["phase"] for d in read_log(log)] == ["before_execution", "after_execution"]
    assert os.environ["HOME"] == str(home)


def test_the_hook_runs_only_while_trusted(tmp_path, mock_model_server, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("CODEX_TOOL_LOG", str(log))
    argv = [sys.executable, str(LOGGER)]
    config = make_config(tmp_path, mock_model_server, extra=hook_config(argv))
    review = "1 hook needs review before it can run. Review it with /hooks in the TUI."

    _one_shell_call(mock_model_server)
    [events] = run_session(config, "untrusted", trust=False)
    _assert_tool_ran(mock_model_server, events)
    assert not log.exists()
    assert [e.msg.message for e in events if e.msg.TAG == "warning"] == [review]

    _one_shell_call(mock_model_server)
    [events] = run_session(config, "trusted")
    assert [d["phase"] for d in read_log(log)] == ["before_execution", "after_execution"]
    assert [e.msg.message for e in events if e.msg.TAG == "warning"] == []

    # The same argv with another timeout is another hook: modified since trusted, so it stops.
    log.unlink()
    text = (tmp_path / "home" / "config.toml").read_text()
    (tmp_path / "home" / "config.toml").write_text("tool_hook_timeout_ms = 5000\n" + text)
    from codex.config import load_config
    from codex.config.overrides import ConfigOverrides

    changed = load_config(ConfigOverrides(config_home=str(tmp_path / "home")), cwd=config.cwd)
    _one_shell_call(mock_model_server)
    [events] = run_session(changed, "modified", trust=False)
    assert events[-1].msg.TAG == "task_complete"
    assert not log.exists()
    assert [e.msg.message for e in events if e.msg.TAG == "warning"] == [review]
