"""apply_patch end to end through the freeform tool and the shell: add, fuzzy update, move,
delete, and a patch touching a path outside the writable roots (nothing written)."""

from __future__ import annotations

import asyncio

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call

from codex.core import Session

NO_TMP_ROOTS = (
    "[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n"
)


def _run(config, decide=None):
    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "patch", decide=decide)

    return asyncio.run(main())


def test_add_update_move_delete(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    # Curly quotes and trailing spaces in the file: the patch's plain context must still match.
    (work / "greet.py").write_text("def greet():\n    print(\u201chi\u201d)  \n    return 1\n")
    (work / "old.txt").write_text("keep me\n")
    (work / "gone.txt").write_text("bye\n")
    patch = (
        "*** Begin Patch\n"
        "*** Add File: new/hello.txt\n"
        "+hello\n"
        "*** Update File: greet.py\n"
        "@@ def greet():\n"
        '-    print("hi")\n'
        '+    print("hello")\n'
        "     return 1\n"
        "*** Update File: old.txt\n"
        "*** Move to: moved/renamed.txt\n"
        "@@\n"
        "-keep me\n"
        "+kept\n"
        "*** Delete File: gone.txt\n"
        "*** End Patch\n"
    )
    mock_model_server.enqueue(Turn([apply_patch_call("p1", patch)]), Turn([Message("patched")]))
    config = make_config(tmp_path, mock_model_server, cwd=work)
    events = _run(config)
    assert (work / "new/hello.txt").read_text() == "hello\n"
    assert (work / "greet.py").read_text() == 'def greet():\n    print("hello")\n    return 1\n'
    assert (work / "moved/renamed.txt").read_text() == "kept\n"
    assert not (work / "old.txt").exists() and not (work / "gone.txt").exists()
    out = mock_model_server.requests[1].custom_tool_call_output("p1")["output"]
    assert out.startswith("Exit code: 0\nWall time: ")
    assert out.endswith(
        "Output:\nSuccess. Updated the following files:\n"
        "A new/hello.txt\nM greet.py\nM moved/renamed.txt\nD gone.txt\n"
    )
    begin = of_type(events, "patch_apply_begin")[0]
    assert begin.auto_approved is True
    assert set(begin.changes) == {
        str(work / p) for p in ("new/hello.txt", "greet.py", "old.txt", "gone.txt")
    }
    end = of_type(events, "patch_apply_end")[0]
    assert end.success is True
    diff = of_type(events, "turn_diff")[-1].unified_diff
    assert "greet.py b/" in diff and "new file mode 100644" in diff
    assert '+    print("hello")' in diff
    assert "+hello" in diff


def test_patch_outside_roots_rejected_under_never(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    patch = (
        "*** Begin Patch\n"
        "*** Add File: inside.txt\n+in\n"
        f"*** Add File: {outside}/evil.txt\n+out\n"
        "*** End Patch\n"
    )
    mock_model_server.enqueue(Turn([apply_patch_call("p1", patch)]), Turn([Message("ok")]))
    config = make_config(
        tmp_path,
        mock_model_server,
        cwd=work,
        approval="never",
        extra=NO_TMP_ROOTS,
    )
    events = _run(config)
    out = mock_model_server.requests[1].custom_tool_call_output("p1")["output"]
    assert out == (
        "patch rejected: writing outside of the project; rejected by user approval settings"
    )
    assert not (outside / "evil.txt").exists()
    assert not (work / "inside.txt").exists()  # all or nothing
    assert of_type(events, "patch_apply_begin") == []


def test_patch_outside_roots_asks_on_request(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    patch = f"*** Begin Patch\n*** Add File: {outside}/a.txt\n+a\n*** End Patch\n"
    mock_model_server.enqueue(
        Turn([apply_patch_call("p1", patch)]),
        Turn([apply_patch_call("p2", patch.replace("a.txt", "b.txt"))]),
        Turn([Message("ok")]),
    )
    config = make_config(
        tmp_path,
        mock_model_server,
        cwd=work,
        approval="on-request",
        extra=NO_TMP_ROOTS,
    )
    answers = iter(["denied", "approved"])
    events = _run(config, decide=lambda _msg: next(answers))
    assert len(of_type(events, "apply_patch_approval_request")) == 2
    first = mock_model_server.requests[1].custom_tool_call_output("p1")["output"]
    assert first == "patch rejected by user"
    assert not (outside / "a.txt").exists()
    assert (outside / "b.txt").read_text() == "a\n"


def test_patch_through_shell_heredoc(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    (work / "f.txt").write_text("a\nb\nc\n")
    script = (
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: f.txt\n@@\n a\n-b\n+B\n c\n"
        "*** End Patch\nEOF\n"
    )
    mock_model_server.enqueue(
        Turn([FunctionCall("s1", "exec_command", {"cmd": script})]), Turn([Message("ok")])
    )
    events = _run(make_config(tmp_path, mock_model_server, cwd=work))
    assert (work / "f.txt").read_text() == "a\nB\nc\n"
    assert of_type(events, "patch_apply_end")[0].success is True
    assert of_type(events, "exec_command_begin") == []


def test_patch_verification_failure_writes_nothing(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    (work / "f.txt").write_text("x\n")
    patch = (
        "*** Begin Patch\n*** Add File: a.txt\n+a\n*** Update File: f.txt\n@@\n-nope\n+y\n"
        "*** End Patch\n"
    )
    mock_model_server.enqueue(Turn([apply_patch_call("p1", patch)]), Turn([Message("ok")]))
    _run(make_config(tmp_path, mock_model_server, cwd=work))
    out = mock_model_server.requests[1].custom_tool_call_output("p1")["output"]
    assert out.startswith("apply_patch verification failed: Failed to find expected lines")
    assert not (work / "a.txt").exists()
    assert (work / "f.txt").read_text() == "x\n"


def test_json_apply_patch_tool_for_function_families(tmp_path, mock_model_server):
    import orjson

    work = tmp_path / "work"
    work.mkdir()
    patch = "*** Begin Patch\n*** Add File: j.txt\n+json\n*** End Patch\n"
    mock_model_server.enqueue(
        Turn([FunctionCall("j1", "apply_patch", {"input": patch})]), Turn([Message("ok")])
    )
    config = make_config(tmp_path, mock_model_server, cwd=work, model="gpt-4.1")
    _run(config)
    tools = {t.get("name"): t for t in mock_model_server.requests[0].json["tools"]}
    assert tools["apply_patch"]["type"] == "function"
    out = orjson.loads(mock_model_server.requests[1].function_call_output("j1")["output"])
    assert out["metadata"]["exit_code"] == 0
    assert out["output"] == "Success. Updated the following files:\nA j.txt\n"
    assert (work / "j.txt").read_text() == "json\n"


def test_structured_outputs_are_sent_freeform_when_freeform_patch_is_offered(
    tmp_path, mock_model_server
):
    work = tmp_path / "work"
    work.mkdir()
    mock_model_server.enqueue(
        Turn([FunctionCall("s1", "shell", {"command": ["echo", "hi"]})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, cwd=work, model="gpt-5.5")
    _run(config)
    out = mock_model_server.requests[1].function_call_output("s1")["output"]
    assert out.startswith("Exit code: 0\nWall time: ")
    assert out.endswith("Output:\nhi\n")
