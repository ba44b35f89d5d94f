"""`codex export` end to end: the real command on sessions our CLI recorded (against the mock
model server) and on the official 0.169 CLI's recordings (tests/fixtures/samples/rollouts), by
UUID and by rollout path, in each format; secrets, malformed lines and unknown ids."""

from __future__ import annotations

import html as html_mod
import re
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.viewer.helpers import SAMPLES, every_kind, place, place_sample

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SID = "0199a213-81c0-7800-8aa1-bbab2a035a60"


def export(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    res = run_codex("export", *args, home=home, cwd=home, env=env)
    return res.rc, res.stdout.decode(), res.stderr


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "codex-home"
    h.mkdir()
    return h


def items_of(text: str) -> list[dict]:
    data = orjson.loads(text)
    assert set(data) == {"session", "items"}
    return data["items"]


def test_our_exec_session_in_every_format(
    mock_model_server: MockModelServer, git_repo: Path, home: Path
) -> None:
    write_config(home, mock_model_server.base_url)
    plan = {"explanation": "why", "plan": [{"step": "echo it", "status": "completed"}]}
    mock_model_server.enqueue(
        Turn([FunctionCall("call_1", "exec_command", {"cmd": "echo export-out"})], USAGE),
        Turn([FunctionCall("call_2", "update_plan", plan)], USAGE),
        Turn([Message("all **done** here")], USAGE),
    )
    res = run_codex("exec", "--full-auto", "run the echo", home=home, cwd=git_repo)
    assert res.rc == 0, res.stderr
    (path,) = rollout_files(home)
    sid = path.stem[-36:]

    rc, out, err = export(home, sid, "--format", "json")
    assert rc == 0, err
    data = orjson.loads(out)
    assert data["session"]["id"] == sid and data["session"]["cwd"] == str(git_repo)
    items = data["items"]
    assert all("payload" not in i and "line" in i for i in items)  # items, not envelopes
    kinds = [i["type"] for i in items if i["type"] != "context"]
    assert kinds == [
        "turn_started",
        "user_message",
        "command",
        "plan",
        "agent_message",
        "turn_ended",
    ]
    by = {i["type"]: i for i in items}
    assert by["user_message"]["text"] == "run the echo"  # recorded twice, exported once
    cmd = by["command"]
    assert cmd["command"] == "echo export-out" and cmd["exit_code"] == 0
    assert "export-out" in cmd["output"] and cmd["duration_ms"] >= 0
    assert by["plan"]["steps"] == [{"step": "echo it", "status": "completed"}]
    assert by["turn_started"]["model"]
    assert by["turn_ended"]["status"] == "completed" and by["turn_ended"]["duration_ms"] >= 0
    assert by["turn_ended"]["tokens"]["total_tokens"] == 330

    rc, md, err = export(home, sid)  # Markdown is the default
    assert rc == 0, err
    assert md.startswith(f"# Codex session {sid}\n")
    assert re.search(r"^### . User · \d\d:\d\d:\d\d$", md, re.M) and "run the echo" in md
    assert "```sh\n$ echo export-out\n```" in md and "— exit 0 ·" in md
    assert "all **done** here" in md and "- [x] echo it (completed)" in md
    assert "turn tokens: in 300 · out 30 · total 330" in md

    out_file = home / "s.html"
    rc, stdout, err = export(home, str(path), "--format", "html", "-o", str(out_file))
    assert rc == 0 and stdout == "", err
    page = out_file.read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page and "echo export-out" in page and "all <strong>done</strong>" in page
    # Self-contained: nothing fetched from anywhere, no script at all.
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert 'src="' not in page and "Content-Security-Policy" in page


@pytest.mark.parametrize("name", ["B.rollout.jsonl", "D.rollout.jsonl", "appserver.rollout.jsonl"])
def test_official_recordings_by_uuid_and_path(name: str, home: Path) -> None:
    sid, placed = place_sample(home, name)
    rc, out, err = export(home, sid, "-f", "json")
    assert rc == 0, err
    items = items_of(out)
    kinds = [i["type"] for i in items if i["type"] != "context"]
    if name == "D.rollout.jsonl":
        assert kinds == ["turn_started", "user_message", "patch", "agent_message", "turn_ended"]
        patch = next(i for i in items if i["type"] == "patch")
        assert "+line one" in patch["patch"] and patch["changes"]
    else:
        assert kinds == ["turn_started", "user_message", "command", "agent_message", "turn_ended"]
        cmd = next(i for i in items if i["type"] == "command")
        assert cmd["command"] == "echo hello-from-shell; pwd; id -u" and cmd["exit_code"] == 0
        assert "duration_ms" in cmd and "hello-from-shell" in cmd["output"]
    end = items[-1]
    assert end["duration_ms"] > 0 and end["tokens"]["total_tokens"] == 220
    # The same session by its rollout path (the sample file itself, outside any CODEX_HOME).
    rc, md, err = export(home, str(SAMPLES / name), "--format", "md")
    assert rc == 0, err
    assert md.startswith(f"# Codex session {sid}")
    assert "Line " not in md  # no line of an official recording is malformed
    rc, page, err = export(home, str(placed), "--format", "html")
    assert rc == 0 and page.count('class="line ') == len(placed.read_bytes().splitlines())
    assert "line k-bad" not in page


def test_every_kind_and_malformed_lines(home: Path) -> None:
    path = place(home, SID, every_kind(SID))
    with open(path, "ab") as f:
        f.write(b"{not json at all\n")
        f.write(b'{"timestamp": "2026-11-24T20:49:00Z", "type": "event_msg", "payl')  # torn
    rc, out, err = export(home, SID, "-f", "json")
    assert rc == 0, err
    items = items_of(out)
    kinds = [i["type"] for i in items]
    for kind in (
        "user_message",
        "reasoning",
        "command",
        "patch",
        "plan",
        "web_search",
        "mcp_tool_call",
        "tool_call",
        "error",
        "compaction",
        "agent_message",
        "turn_ended",
    ):
        assert kind in kinds, kind
    bad = [i for i in items if i["type"] == "malformed"]
    assert [(i["line"], i["reason"]) for i in bad] == [
        (29, "unreadable line (not a JSON object)"),
        (30, "truncated line (no newline at the end of the file)"),
    ]
    assert bad[1]["excerpt"].endswith('"payl')
    ends = [i for i in items if i["type"] == "turn_ended"]
    assert [e["status"] for e in ends] == ["completed", "aborted"]
    assert ends[0]["duration_ms"] == 12000 and ends[1]["duration_ms"] == 2000
    assert ends[0]["tokens"]["cached_input_tokens"] == 80 and "tokens" not in ends[1]
    cmd = next(i for i in items if i["type"] == "command")
    assert (cmd["exit_code"], cmd["duration_ms"], cmd["output"]) == (2, 1500, "ls: no such file\n")
    mcp = next(i for i in items if i["type"] == "mcp_tool_call")
    assert (mcp["server"], mcp["tool"], mcp["duration_ms"]) == ("docs", "lookup", 400)

    rc, md, err = export(home, SID)
    assert rc == 0, err
    assert "**Line 29: unreadable line (not a JSON object)**" in md
    assert "**Line 30: truncated line (no newline at the end of the file)**" in md
    assert "_↻ turn aborted · in 2.0 s_" in md
    rc, page, err = export(home, SID, "-f", "html")
    assert rc == 0, err
    assert page.count("line k-bad") == 2 and "truncated line (no newline" in page
    assert "12.0 s" in page and "turn tokens: in 200 · cached 80" in page


def test_secrets_are_never_exported(home: Path) -> None:
    env_key = "sk-envkey-" + "E" * 30  # the value of OPENAI_API_KEY while exporting
    shaped = "sk-proj-" + "A1b2" * 10
    github = "ghp_" + "x" * 36
    bearer = "Bearer " + "t0ken" * 6
    url = "https://alice:hunter2pass@git.example.com/repo.git"
    evil_text = f"key {shaped} gh {github} auth {bearer} env {env_key} remote {url}"
    lines = every_kind(SID)
    lines[0]["payload"]["git"] = {"repository_url": url}
    lines[3]["payload"]["content"][0]["text"] = evil_text
    lines[4]["payload"]["message"] = evil_text
    lines.append(
        {
            "timestamp": "2026-11-24T20:49:00Z",
            "type": "response_item",
            "payload": {"type": "function_call_output", "call_id": "c1", "output": evil_text},
        }
    )
    path = place(home, SID, lines)
    # The same shaped key written JSON-escaped, as a writer may: whole only once parsed.
    escaped = shaped.replace("p", "\\u0070")
    with open(path, "ab") as f:
        f.write(b'{"type": "event_msg", "payload": {"type": "agent_message", "message": "')
        f.write(f'escaped {escaped}"}}}}\n'.encode())
    assert "\\u0070" in path.read_text() and shaped not in path.read_text().splitlines()[-1]
    for fmt in ("md", "json", "html"):
        rc, out, err = export(home, SID, "-f", fmt, env={"OPENAI_API_KEY": env_key})
        assert rc == 0, err
        text = html_mod.unescape(out) if fmt == "html" else out
        for secret in (shaped, escaped, github, "t0ken" * 6, env_key, "hunter2pass"):
            assert secret not in text, (fmt, secret)
        assert "escaped [REDACTED]" in text
        assert "[REDACTED]" in text
        assert "git.example.com/repo.git" in text  # only the credential goes


def test_unknown_sessions_and_bad_arguments(home: Path) -> None:
    place(home, SID, every_kind(SID))
    other = SID[:-2] + "ff"
    rc, out, err = export(home, other)
    assert rc == 1 and out == ""
    assert err == f"codex: No session found matching '{other}'.\n"
    rc, out, err = export(home, "not-a-session")
    assert rc == 1 and out == ""
    assert err.splitlines() == [
        "codex: no session 'not-a-session': give a session UUID or a rollout file path"
    ]
    rc, out, err = export(home, str(home))  # a directory
    assert rc == 1 and err.splitlines() == [f"codex: {home} is not a rollout file"]
    rc, out, err = export(home, SID, "--format", "pdf")
    assert rc == 2 and "invalid choice: 'pdf'" in err
    rc, out, err = export(home, SID, "-o", str(home / "missing-dir" / "x.md"))
    assert rc == 1 and len(err.splitlines()) == 1 and err.startswith("codex: cannot write ")
    assert not (home / "missing-dir").exists()


def test_hostile_text_is_escaped_in_html(home: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    lines = every_kind(SID)
    lines[4]["payload"]["message"] = evil
    lines[0]["payload"]["cwd"] = evil
    place(home, SID, lines)
    rc, page, err = export(home, SID, "-f", "html")
    assert rc == 0, err
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_a_message_said_twice_is_exported_twice(home: Path) -> None:
    """Two records of one message (response item + event, in either order) are one item; the
    same words said again later in the turn are a second item."""
    lines = every_kind(SID)[:5]  # meta, turn start, context, the prompt as item + event

    def said(kind: str, text: str) -> dict:
        if kind == "event":
            return {"type": "event_msg", "payload": {"type": "agent_message", "message": text}}
        content = [{"type": "output_text", "text": text}]
        return {
            "type": "response_item",
            "payload": {"type": "message", "role": "assistant", "content": content},
        }

    lines += [said("event", "Done."), said("response", "Done.")]
    lines += [said("response", "Checking."), said("event", "Checking.")]
    lines += [said("response", "Done."), said("event", "Done.")]
    place(home, SID, lines)
    rc, out, err = export(home, SID, "-f", "json")
    assert rc == 0, err
    said_items = [(i["type"], i.get("text")) for i in items_of(out) if "message" in i["type"]]
    assert said_items == [
        ("user_message", "do every thing"),
        ("agent_message", "Done."),
        ("agent_message", "Checking."),
        ("agent_message", "Done."),
    ]
