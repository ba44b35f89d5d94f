"""`codex exec` end to end: the real `codex` process, a real loopback mock model server, real files.
Each stream is compared in shape with what the official CLI printed for the same scenario
(tests/fixtures/samples/exec-json)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import (
    FunctionCall,
    HttpError,
    Message,
    Reasoning,
    Turn,
    Usage,
    apply_patch_call,
)
from tests.support.official import SAMPLES as OFFICIAL_SAMPLES

SAMPLES = OFFICIAL_SAMPLES / "exec-json"
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)


def shape(events: list[dict[str, Any]]) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Event type, item type and key order: what must match the official stream."""
    out = []
    for e in events:
        item = e.get("item")
        keys = tuple(item) if item else tuple(e)
        out.append((e["type"], item["type"] if item else None, keys))
    return out


def sample(name: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (SAMPLES / name).read_bytes().splitlines() if line]


def test_plain_answer_json(mock_model_server: MockModelServer, home: Path, repo: Path) -> None:
    mock_model_server.enqueue(Turn([Message("hello", ["hel", "lo"])], USAGE))
    res = run_codex("exec", "--json", "say hello", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    events = res.events()
    assert shape(events) == shape(sample("A.jsonl"))
    assert events[2]["item"] == {"id": "item_0", "type": "agent_message", "text": "hello"}
    assert events[-1]["usage"] == {
        "input_tokens": 100,
        "cached_input_tokens": 0,
        "cache_write_input_tokens": 0,
        "output_tokens": 10,
        "reasoning_output_tokens": 0,
    }
    request = mock_model_server.single_request()
    assert request.header("originator") == "codex_exec"
    assert request.header("authorization") == "Bearer sk-mock-key"
    assert request.message_texts("user")[-1] == "say hello"
    # The session was recorded under CODEX_HOME, named after the thread id.
    (rollout,) = rollout_files(home)
    assert rollout.name.endswith(f"-{events[0]['thread_id']}.jsonl")
    meta = orjson.loads(rollout.read_bytes().split(b"\n", 1)[0])
    assert meta["type"] == "session_meta" and meta["payload"]["originator"] == "codex_exec"


def test_plain_answer_human_mode_only_the_answer_on_stdout(
    mock_model_server: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    mock_model_server.enqueue(Turn([Reasoning(summary=["**Plan** greet"]), Message("hi!")], USAGE))
    last = tmp_path / "last.txt"
    res = run_codex("e", "-o", str(last), "greet me", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.stdout == b"hi!\n"
    assert last.read_text() == "hi!"
    assert "--------\nworkdir: " in res.stderr
    assert "\nuser\ngreet me\n" in res.stderr
    assert "codex\nhi!\n" in res.stderr
    assert "tokens used\n110\n" in res.stderr
    assert "\x1b[" not in res.stderr  # NO_COLOR and not a TTY


def test_prompt_from_stdin(mock_model_server: MockModelServer, home: Path, repo: Path) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    res = run_codex("exec", "--json", home=home, cwd=repo, stdin=b"prompt from a pipe\n")
    assert res.rc == 0, res.stderr
    assert res.stderr.startswith("Reading prompt from stdin...\n")
    assert mock_model_server.single_request().message_texts("user")[-1] == "prompt from a pipe\n"


@pytest.mark.parametrize(
    ("piped", "sent"),
    [
        (b"git diff output\n", "summarize\n\n<stdin>\ngit diff output\n</stdin>"),
        (b"no newline", "summarize\n\n<stdin>\nno newline\n</stdin>"),
        (b"two\n\n", "summarize\n\n<stdin>\ntwo\n\n</stdin>"),
        (b"  padded  \n", "summarize\n\n<stdin>\n  padded  \n</stdin>"),
        (b"", "summarize"),
        (b" \n\t\n", "summarize"),
    ],
)
def test_prompt_argument_plus_piped_stdin_appends_a_stdin_block(
    piped: bytes, sent: str, mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    # 0.169's rule (the strings were captured from the official binary with the same inputs).
    # The prompt word is not `review`: that is `exec review`, a subcommand in 0.169.
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    res = run_codex("exec", "--json", "summarize", home=home, cwd=repo, stdin=piped)
    assert res.rc == 0, res.stderr
    assert res.stderr.startswith("Reading additional input from stdin...\n")
    assert mock_model_server.single_request().message_texts("user")[-1] == sent


@pytest.mark.parametrize(
    ("argv", "piped", "message"),
    [
        (
            ["summarize"],
            b"ab\xff",
            "Reading additional input from stdin...\nFailed to read prompt from stdin: input is "
            "not valid UTF-8 (invalid byte at offset 2). Convert it to UTF-8 and retry (e.g., "
            "`iconv -f <ENC> -t UTF-8 prompt.txt`).\n",
        ),
        (
            [],
            b"a\xffb",
            "Reading prompt from stdin...\nFailed to read prompt from stdin: input is not valid "
            "UTF-8 (invalid byte at offset 1). Convert it to UTF-8 and retry (e.g., "
            "`iconv -f <ENC> -t UTF-8 prompt.txt`).\n",
        ),
        (
            ["-"],
            b"\xff\xfe\x00\x00h\x00\x00\x00",
            "Failed to read prompt from stdin: input appears to be UTF-32LE. Convert it to UTF-8 "
            "and retry.\n",
        ),
        (
            ["-"],
            b"\xfe\xff\x00h\x00",
            "Failed to read prompt from stdin: input looked like UTF-16BE but could not be "
            "decoded. Convert it to UTF-8 and retry.\n",
        ),
    ],
)
def test_stdin_that_is_not_utf8_is_refused(
    argv: list[str], piped: bytes, message: str, home: Path, repo: Path
) -> None:
    # 0.169 (the first two captured from the official binary): exit 1 before any session.
    res = run_codex("exec", "--json", *argv, home=home, cwd=repo, stdin=piped)
    assert (res.rc, res.stdout, res.stderr) == (1, b"", message)


def test_a_non_blocking_stdin_is_one_line_error(home: Path, repo: Path) -> None:
    # An empty pipe left in non-blocking mode (some harnesses do): 0.169 fails the read with
    # the errno, exit 1. Captured from the official binary.
    read_end, write_end = os.pipe()
    try:
        os.set_blocking(read_end, False)
        proc = subprocess.run(
            [sys.executable, "-m", "codex", "exec", "--json", "summarize"],
            cwd=repo,
            env=codex_env(home),
            stdin=read_end,
            capture_output=True,
            timeout=90,
            check=False,
        )
    finally:
        os.close(read_end)
        os.close(write_end)
    assert (proc.returncode, proc.stdout) == (1, b"")
    assert proc.stderr.decode() == (
        "Reading additional input from stdin...\n"
        "Failed to read prompt from stdin: Resource temporarily unavailable (os error 11)\n"
    )


@pytest.mark.parametrize(
    ("piped", "sent"),
    [
        (b"\xef\xbb\xbfbom utf-8\n", "bom utf-8\n"),
        ("utf-16 \u00e9\n".encode("utf-16-le").join([b"\xff\xfe", b""]), "utf-16 \u00e9\n"),
        ("big \u00e9\n".encode("utf-16-be").join([b"\xfe\xff", b""]), "big \u00e9\n"),
    ],
)
def test_stdin_byte_order_marks(
    piped: bytes, sent: str, mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    res = run_codex("exec", "--json", home=home, cwd=repo, stdin=piped)
    assert res.rc == 0, res.stderr
    assert mock_model_server.single_request().message_texts("user")[-1] == sent


def test_command_execution_items(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(
        Turn([FunctionCall("call_1", "exec_command", {"cmd": "echo hello-from-shell"})], USAGE),
        Turn([Message("done: shell ran")], USAGE),
    )
    res = run_codex("exec", "--json", "run it", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    events = res.events()
    assert shape(events) == shape(sample("B.jsonl"))
    begin, end = events[2]["item"], events[3]["item"]
    assert begin["status"] == "in_progress" and begin["exit_code"] is None
    assert begin["aggregated_output"] == ""
    assert end["id"] == begin["id"] == "item_0"
    assert end["status"] == "completed" and end["exit_code"] == 0
    assert "hello-from-shell" in end["aggregated_output"]
    assert end["command"] == "/bin/bash -lc 'echo hello-from-shell'"  # as sample B
    assert events[-1]["usage"]["input_tokens"] == 200  # cumulative over both requests
    second = mock_model_server.requests[1]
    assert second.function_call_output("call_1") is not None
    assert not second.tool_pairing_problems()


PATCH = "*** Begin Patch\n*** Add File: hello_patch.txt\n+hello\n*** End Patch\n"


def test_patch_file_change_and_turn_diff(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(
        Turn([apply_patch_call("call_p", PATCH)], USAGE), Turn([Message("patched")], USAGE)
    )
    res = run_codex("exec", "--json", "--full-auto", "patch it", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    events = res.events()
    assert shape(events) == shape(sample("D.jsonl"))
    done = events[3]["item"]
    assert done["type"] == "file_change" and done["status"] == "completed"
    assert done["changes"] == [{"path": str(repo / "hello_patch.txt"), "kind": "add"}]
    assert (repo / "hello_patch.txt").read_text() == "hello\n"
    # Human mode prints the turn diff on stderr.
    (repo / "hello_patch.txt").unlink()
    mock_model_server.enqueue(
        Turn([apply_patch_call("call_q", PATCH)], USAGE), Turn([Message("patched")], USAGE)
    )
    res = run_codex("exec", "--full-auto", "patch it", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.stdout == b"patched\n"
    assert "+hello" in res.stderr and "hello_patch.txt" in res.stderr


def test_output_schema_becomes_the_text_format(
    mock_model_server: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    path = tmp_path / "schema.json"
    path.write_bytes(orjson.dumps(schema))
    mock_model_server.enqueue(Turn([Message('{"answer":"42"}')], USAGE))
    res = run_codex("exec", "--json", "--output-schema", str(path), "q", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.events()[2]["item"]["text"] == '{"answer":"42"}'
    fmt = mock_model_server.single_request().json["text"]["format"]
    assert fmt == {
        "type": "json_schema",
        "name": "codex_output_schema",
        "strict": True,
        "schema": schema,
    }


# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_images_are_sent_before_the_text(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    (repo / "a.png").write_bytes(PNG)
    (repo / "b.png").write_bytes(PNG)
    mock_model_server.enqueue(Turn([Message("two pixels")], USAGE))
    res = run_codex("exec", "--json", "-i", "a.png,b.png", "describe", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    user = [i for i in mock_model_server.single_request().input() if i.get("role") == "user"][-1]
    kinds = [part["type"] for part in user["content"]]
    assert kinds.count("input_image") == 2 and kinds[-1] == "input_text"
    images = [p for p in user["content"] if p["type"] == "input_image"]
    assert all(p["image_url"].startswith("data:image/png;base64,") for p in images)


def test_missing_image_is_a_clear_error(home: Path, repo: Path) -> None:
    res = run_codex("exec", "--json", "-i", "nope.png", "describe", home=home, cwd=repo)
    assert res.rc == 1
    assert res.stdout == b""
    assert res.stderr == (
        "Reading additional input from stdin...\ncodex: image file not found: nope.png\n"
    )


def test_model_failure_is_turn_failed_and_exit_1(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    body = {"error": {"message": "bad request from mock", "type": "invalid_request_error"}}
    mock_model_server.enqueue(HttpError(400, body))
    res = run_codex("exec", "--json", "x", home=home, cwd=repo)
    assert res.rc == 1
    events = res.events()
    assert shape(events) == shape(sample("E400.jsonl"))
    assert events[-1]["type"] == "turn.failed"
    assert events[-2] == {"type": "error", "message": events[-1]["error"]["message"]}
    assert "bad request from mock" in events[-1]["error"]["message"]


def test_retries_are_error_events_and_success_exits_0(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(Turn([], fault="failed"), Turn([Message("recovered")], USAGE))
    res = run_codex("exec", "--json", "x", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    types = res.types()
    assert types[:3] == ["thread.started", "turn.started", "error"]
    assert res.events()[2]["message"].startswith("Reconnecting... 1/")
    assert types[-2:] == ["item.completed", "turn.completed"]
    assert len(mock_model_server.requests) == 2


def test_resume_by_id_and_last_append_to_the_same_file(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.repeat(Turn([Message("answer")], USAGE))
    first = run_codex("exec", "--json", "first question", home=home, cwd=repo)
    assert first.rc == 0, first.stderr
    thread_id = first.events()[0]["thread_id"]
    (rollout,) = rollout_files(home)
    size_after_first = rollout.stat().st_size

    second = run_codex(
        "exec", "--json", "resume", thread_id, "second question", home=home, cwd=repo
    )
    assert second.rc == 0, second.stderr
    events = second.events()
    assert events[0] == {"type": "thread.started", "thread_id": thread_id}
    assert events[-1]["usage"]["input_tokens"] == 200  # cumulative across processes
    assert rollout_files(home) == [rollout]
    lines = rollout.read_bytes().splitlines()
    assert sum(1 for line in lines if b'"type":"session_meta"' in line[:100]) == 1
    assert rollout.stat().st_size > size_after_first
    texts = mock_model_server.requests[1].message_texts("user")
    assert "first question" in texts and texts[-1] == "second question"

    third = run_codex("exec", "--json", "resume", "--last", home=home, cwd=repo, stdin=b"third")
    assert third.rc == 0, third.stderr
    assert third.events()[0]["thread_id"] == thread_id
    assert mock_model_server.requests[2].message_texts("user")[-1] == "third"


def test_resume_with_a_prompt_leaves_stdin_alone(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    # 0.169 (checked on the official binary): `exec resume ... PROMPT` neither reads nor waits
    # for stdin, so a caller that leaves the pipe open (an agent harness) is not blocked and
    # what the pipe holds is not appended. Only a fresh `exec PROMPT` appends a <stdin> block.
    mock_model_server.repeat(Turn([Message("answer")], USAGE))
    first = run_codex("exec", "--json", "first", home=home, cwd=repo)
    assert first.rc == 0, first.stderr
    with subprocess.Popen(
        [sys.executable, "-m", "codex", "exec", "--json", "resume", "--last", "second"],
        cwd=repo,
        env=codex_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(b"never closed\n")
        proc.stdin.flush()  # the pipe stays open until codex has exited
        try:
            rc = proc.wait(timeout=90)  # a hang guard, not a timing check
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("codex exec resume PROMPT waited for stdin to close")
        stderr = proc.stderr.read().decode()
        proc.stdin.close()
    assert rc == 0, stderr
    assert "Reading additional input from stdin" not in stderr
    assert mock_model_server.requests[1].message_texts("user")[-1] == "second"


def test_resume_unknown_id_fails(home: Path, repo: Path) -> None:
    res = run_codex(
        "exec",
        "--json",
        "resume",
        "0199aaaa-0000-7000-8000-000000000000",
        "x",
        home=home,
        cwd=repo,
    )
    assert res.rc == 1 and res.stdout == b""
    assert "no rollout found for thread id 0199aaaa-0000-7000-8000-000000000000" in res.stderr


def test_ephemeral_writes_no_rollout(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("gone")], USAGE))
    res = run_codex("exec", "--json", "--ephemeral", "x", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert rollout_files(home) == []


def test_codex_api_key_is_the_bearer_for_the_builtin_provider(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path
) -> None:
    home = tmp_path / "bare-home"
    home.mkdir()
    mock_model_server.enqueue(Turn([Message("keyed")], USAGE))
    res = run_codex(
        "exec",
        "--json",
        "x",
        home=home,
        cwd=repo,
        env={"CODEX_API_KEY": "sk-exec-only", "OPENAI_BASE_URL": mock_model_server.base_url},
    )
    assert res.rc == 0, res.stderr
    assert mock_model_server.single_request().header("authorization") == "Bearer sk-exec-only"


def test_codex_api_key_still_honoured_under_the_sdk_originator(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path
) -> None:
    home = tmp_path / "bare-home"
    home.mkdir()
    mock_model_server.enqueue(Turn([Message("keyed")], USAGE))
    env = {
        "CODEX_API_KEY": "sk-from-the-sdk",
        "OPENAI_BASE_URL": mock_model_server.base_url,
        "CODEX_INTERNAL_ORIGINATOR_OVERRIDE": "codex_sdk_ts",
    }
    res = run_codex("exec", "--json", "x", home=home, cwd=repo, env=env)
    assert res.rc == 0, res.stderr
    request = mock_model_server.single_request()
    assert request.header("authorization") == "Bearer sk-from-the-sdk"
    assert request.header("originator") == "codex_sdk_ts"
    # resolved once by exec: the rollout records the same name the headers carried
    (rollout,) = rollout_files(home)
    meta = orjson.loads(rollout.read_bytes().split(b"\n", 1)[0])
    assert meta["payload"]["originator"] == "codex_sdk_ts"


def test_forced_chatgpt_login_refuses_an_api_key(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path
) -> None:
    home = tmp_path / "forced-home"
    write_config(home, mock_model_server.base_url)
    config = home / "config.toml"
    config.write_text('forced_login_method = "chatgpt"\n' + config.read_text())  # top level
    res = run_codex("exec", "--json", "x", home=home, cwd=repo, env={"CODEX_API_KEY": "sk-x"})
    assert res.rc == 1
    assert res.stdout == b""
    assert "ChatGPT login is required, but an API key is currently being used" in res.stderr
    assert mock_model_server.requests == []


def test_human_mode_failure_and_forced_colour(
    mock_model_server: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    body = {"error": {"message": "bad request from mock", "type": "invalid_request_error"}}
    mock_model_server.enqueue(HttpError(400, body))
    last = tmp_path / "last.txt"
    res = run_codex("exec", "--color", "always", "-o", str(last), "x", home=home, cwd=repo)
    assert res.rc == 1
    assert res.stdout == b""
    assert "\x1b[31mERROR:\x1b[0m" in res.stderr and "bad request from mock" in res.stderr
    assert last.read_text() == ""
    assert "Warning: no last agent message; wrote empty content to" in res.stderr


def test_spinner_and_colours_on_a_terminal(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    import os
    import pty
    import sys

    from tests.exec.harness import codex_env

    # A reply trickling in over ~1 s: the spinner ticks every 0.1 s while we wait.
    mock_model_server.enqueue(
        Turn([Message("slow answer", deltas=["slow "] * 10 + ["answer"])], USAGE, chunk_delay=0.1)
    )
    leader, follower = pty.openpty()
    env = codex_env(home)
    env.pop("NO_COLOR")
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(
            [sys.executable, "-m", "codex", "exec", "wait for it"],
            cwd=repo,
            env=env,
            stdin=devnull,
            stdout=subprocess.PIPE,
            stderr=follower,
        )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=60)
    os.close(leader)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, terminal
    assert out == b"slow answer\n"
    assert "Working (" in terminal and "\x1b[2K" in terminal
    assert "\x1b[" in terminal.split("Working (")[0]  # colour on: auto + TTY


def test_interrupt_stops_the_turn(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    import os
    import signal
    import sys

    from tests.exec.harness import codex_env

    mock_model_server.enqueue(Turn([Message("never", deltas=["x"] * 600)], USAGE, chunk_delay=0.1))
    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "exec", "--json", "long"],
        cwd=repo,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # wait until the turn is under way
        seen.append(orjson.loads(line)["type"])
        if seen[-1] == "turn.started":
            break
    mock_model_server.wait_for_requests(1)
    os.kill(proc.pid, signal.SIGINT)
    rest, _err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert all(orjson.loads(line) for line in rest.splitlines())
    assert "turn.completed" not in [orjson.loads(line)["type"] for line in rest.splitlines()]


def test_openai_base_url_config_key_reaches_the_builtin_provider(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path
) -> None:
    home = tmp_path / "bare-home"
    home.mkdir()
    mock_model_server.enqueue(Turn([Message("keyed")], USAGE))
    res = run_codex(
        "exec",
        "--json",
        "-c",
        f'openai_base_url="{mock_model_server.base_url}"',
        "x",
        home=home,
        cwd=repo,
        env={"CODEX_API_KEY": "sk-exec-only"},
        timeout=30,
    )
    assert res.rc == 0, res.stderr
    assert b'"text":"keyed"' in res.stdout
    assert mock_model_server.requests[-1].path.endswith("/responses")


@pytest.mark.parametrize(
    ("flags", "inside", "extra"),
    [
        ((), False, False),  # default: read-only
        (("--full-auto",), True, False),
        (("-s", "workspace-write", "--add-dir", "{extra}"), True, True),
        (("--dangerously-bypass-approvals-and-sandbox",), True, True),
    ],
)
def test_sandbox_flags_reach_the_commands(
    flags: tuple[str, ...],
    inside: bool,
    extra: bool,
    mock_model_server: MockModelServer,
    home: Path,
    repo: Path,
    tmp_path: Path,
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    cmd = f"touch in.txt; touch {other}/out.txt; echo done"
    mock_model_server.enqueue(
        Turn([FunctionCall("c", "exec_command", {"cmd": cmd})], USAGE), Turn([Message("ok")], USAGE)
    )
    # /tmp and $TMPDIR are writable roots by default; take them out so `other` is outside.
    argv = [
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "-c",
        "sandbox_workspace_write.exclude_tmpdir_env_var=true",
        *(f.format(extra=other) for f in flags),
    ]
    res = run_codex("exec", "--json", *argv, "write files", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert (repo / "in.txt").exists() is inside
    assert (other / "out.txt").exists() is extra


def test_reasoning_command_message_matches_sample_m9(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(
        Turn(
            [
                Reasoning(summary=["think"]),
                FunctionCall("c9", "exec_command", {"cmd": "echo M9", "login": False}),
            ],
            USAGE,
        ),
        Turn([Message("done")], USAGE),
    )
    res = run_codex("exec", "--json", "m9", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    events = res.events()
    expected = sample("min-M9.jsonl")
    assert shape(events) == shape(expected)
    for got, want in zip(events[1:], expected[1:], strict=True):
        assert got == want  # identical apart from the thread id


def test_runs_with_only_codex_home_and_path(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    """The TS SDK's `env` option replaces the environment: no HOME, no USER, no TERM."""
    import os
    import sys

    mock_model_server.enqueue(Turn([Message("bare")], USAGE))
    env = {"CODEX_HOME": str(home), "PATH": os.environ["PATH"], "MOCK_KEY": "k"}
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--experimental-json", "x"],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert [orjson.loads(line)["type"] for line in proc.stdout.splitlines()] == [
        "thread.started",
        "turn.started",
        "item.completed",
        "turn.completed",
    ]


@pytest.mark.parametrize("target", [("--last",), ("not-a-uuid",)])
def test_resume_with_nothing_to_resume_starts_a_new_session(
    target: tuple[str, ...], mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("fresh")], USAGE))
    res = run_codex("exec", "--json", "resume", *target, "hi", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.types() == ["thread.started", "turn.started", "item.completed", "turn.completed"]
    (rollout,) = rollout_files(home)
    assert res.events()[0]["thread_id"] in rollout.name
