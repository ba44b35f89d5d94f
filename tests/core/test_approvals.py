"""The approval matrix of spec-platform §5.6, row by row, through a real session, the real
sandbox launcher and real commands. "OUT" is a directory outside every writable root (/tmp and
$TMPDIR are excluded so the test's tmp dir is not a root); "WS" is the workspace (cwd)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call

from codex.core import Session

NO_TMP_ROOTS = (
    "[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n"
)
NET_ON = NO_TMP_ROOTS + "network_access = true\n"


@dataclass
class Row:
    approval: str
    sandbox: str
    action: str  # "write_out" | "write_ws" | "echo" | "fetch" | "compound_ws"
    escalated: bool = False
    justification: str | None = None
    answers: list[str] = field(default_factory=list)
    prompts: int = 0
    created: bool | None = None  # expected existence of the written file
    output_has: str | None = None
    reasons: list[str | None] | None = None
    extra: str = NO_TMP_ROOTS


ROWS = {
    "on-request/danger/write-out": Row(
        "on-request", "danger-full-access", "write_out", created=True
    ),
    "untrusted/danger/echo": Row("untrusted", "danger-full-access", "echo", output_has="hi"),
    "untrusted/danger/write-out approved": Row(
        "untrusted",
        "danger-full-access",
        "write_out",
        answers=["approved"],
        prompts=1,
        created=True,
    ),
    "on-failure/danger/write-out": Row(
        "on-failure", "danger-full-access", "write_out", created=True
    ),
    "never/danger/write-out": Row("never", "danger-full-access", "write_out", created=True),
    "untrusted/ws/write-out denied": Row(
        "untrusted",
        "workspace-write",
        "write_out",
        answers=["denied"],
        prompts=1,
        created=False,
        output_has="exec command rejected by user",
    ),
    "on-request/ws/write-out RE denied": Row(
        "on-request",
        "workspace-write",
        "write_out",
        escalated=True,
        answers=["denied"],
        prompts=1,
        created=False,
        output_has="exec command rejected by user",
    ),
    "on-request/read-only/write-ws RE approved": Row(
        "on-request",
        "read-only",
        "write_ws",
        escalated=True,
        answers=["approved"],
        prompts=1,
        created=True,
    ),
    "on-request/read-only/write-ws RE denied": Row(
        "on-request",
        "read-only",
        "write_ws",
        escalated=True,
        answers=["denied"],
        prompts=1,
        created=False,
        output_has="exec command rejected by user",
    ),
    "on-request/read-only/echo": Row("on-request", "read-only", "echo", output_has="hi"),
    "on-request/read-only/fetch fails": Row(
        "on-request", "read-only", "fetch", output_has="no-network"
    ),
    "on-request/read-only/fetch RE approved": Row(
        "on-request",
        "read-only",
        "fetch",
        escalated=True,
        answers=["approved"],
        prompts=1,
        output_has="connected",
    ),
    "on-failure/read-only/write-ws retry": Row(
        "on-failure",
        "read-only",
        "write_ws",
        answers=["approved"],
        prompts=1,
        created=True,
        reasons=["command failed; retry without sandbox?"],
    ),
    "untrusted/read-only/write-ws approved": Row(
        "untrusted", "read-only", "write_ws", answers=["approved"], prompts=1, created=True
    ),
    "never/read-only/write-ws fails": Row(
        "never", "read-only", "write_ws", created=False, output_has="Read-only file system"
    ),
    "never/read-only/echo": Row("never", "read-only", "echo", output_has="hi"),
    "on-request/ws/write-ws": Row("on-request", "workspace-write", "write_ws", created=True),
    "on-request/ws net off/fetch fails": Row(
        "on-request", "workspace-write", "fetch", output_has="no-network"
    ),
    "on-request/ws net on/fetch works": Row(
        "on-request", "workspace-write", "fetch", output_has="connected", extra=NET_ON
    ),
    "on-request/ws/write-out RE approved": Row(
        "on-request",
        "workspace-write",
        "write_out",
        escalated=True,
        answers=["approved"],
        prompts=1,
        created=True,
    ),
    "on-failure/ws/write-out retry": Row(
        "on-failure",
        "workspace-write",
        "write_out",
        answers=["approved"],
        prompts=1,
        created=True,
        reasons=["command failed; retry without sandbox?"],
    ),
    "untrusted/ws/write-out approved": Row(
        "untrusted", "workspace-write", "write_out", answers=["approved"], prompts=1, created=True
    ),
    "never/ws/write-out fails": Row("never", "workspace-write", "write_out", created=False),
    "on-request/read-only/RE justification is the reason": Row(
        "on-request",
        "read-only",
        "write_ws",
        escalated=True,
        justification="Need to write it?",
        answers=["approved"],
        prompts=1,
        created=True,
        reasons=["Need to write it?"],
    ),
    "on-request/ws/compound cat && touch RE prompts": Row(
        "on-request",
        "workspace-write",
        "compound_ws",
        escalated=True,
        answers=["approved"],
        prompts=1,
        created=True,
    ),
    "untrusted/danger/git reset --hard denied": Row(
        "untrusted",
        "danger-full-access",
        "git_reset",
        answers=["denied"],
        prompts=1,
        output_has="exec command rejected by user",
    ),
    "never/ws/RE is refused outright": Row(
        "never",
        "workspace-write",
        "write_ws",
        escalated=True,
        created=False,
        output_has="approval policy is Never; reject command — you cannot ask for escalated",
    ),
}


def _command(row: Row, target, port: int) -> str:
    if row.action in ("write_out", "write_ws"):
        return f"echo data > {target}"
    if row.action == "git_reset":
        return "git reset --hard"
    if row.action == "compound_ws":
        return f"cat /dev/null && touch {target}"
    if row.action == "fetch":
        return (
            f"(exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && echo connected || echo no-network"
        )
    return "echo hi"


@pytest.mark.parametrize("name", list(ROWS))
def test_approval_matrix(name, tmp_path, mock_model_server):
    row = ROWS[name]
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    target = (outside if row.action == "write_out" else work) / "out.txt"
    args = {"cmd": _command(row, target, mock_model_server.port), "login": False}
    if row.escalated:
        args["sandbox_permissions"] = "require_escalated"
    if row.justification:
        args["justification"] = row.justification
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("ok")])
    )
    config = make_config(
        tmp_path,
        mock_model_server,
        approval=row.approval,
        sandbox=row.sandbox,
        cwd=work,
        extra=row.extra,
    )
    answers = iter(row.answers)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go", decide=lambda _m: next(answers))

    events = asyncio.run(main())
    requests = of_type(events, "exec_approval_request")
    assert len(requests) == row.prompts, [r.reason for r in requests]
    if row.reasons is not None:
        assert [r.reason for r in requests] == row.reasons
    if row.created is not None and row.action != "fetch":
        assert target.exists() == row.created
    output = mock_model_server.requests[1].function_call_output("c1")["output"]
    if row.output_has is not None:
        assert row.output_has in output


def test_approved_for_session_is_remembered(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    args = {"cmd": "touch once.txt", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]),
        Turn([FunctionCall("c2", "exec_command", args)]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, approval="untrusted", cwd=work)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go", decide=lambda _m: "approved_for_session")

    events = asyncio.run(main())
    assert len(of_type(events, "exec_approval_request")) == 1
    assert len(of_type(events, "exec_command_end")) == 2


def test_patch_on_request_danger_auto_applies_outside(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    patch = f"*** Begin Patch\n*** Add File: {outside}/p.txt\n+p\n*** End Patch\n"
    mock_model_server.enqueue(Turn([apply_patch_call("p1", patch)]), Turn([Message("ok")]))
    config = make_config(
        tmp_path, mock_model_server, approval="on-request", sandbox="danger-full-access", cwd=work
    )

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go")

    events = asyncio.run(main())
    assert of_type(events, "apply_patch_approval_request") == []
    assert (outside / "p.txt").read_text() == "p\n"


def test_patch_untrusted_asks_even_inside(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    patch = "*** Begin Patch\n*** Add File: in.txt\n+i\n*** End Patch\n"
    mock_model_server.enqueue(Turn([apply_patch_call("p1", patch)]), Turn([Message("ok")]))
    config = make_config(tmp_path, mock_model_server, approval="untrusted", cwd=work)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go", decide=lambda _m: "approved")

    events = asyncio.run(main())
    assert len(of_type(events, "apply_patch_approval_request")) == 1
    assert (work / "in.txt").read_text() == "i\n"
    assert of_type(events, "patch_apply_begin")[0].auto_approved is False


def test_execpolicy_amendment_is_persisted_and_used(tmp_path, mock_model_server):
    from codex.protocol import ops

    work = tmp_path / "work"
    work.mkdir()
    args = {"cmd": "touch amended.txt", "login": False, "prefix_rule": ["touch"]}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]),
        Turn([FunctionCall("c2", "exec_command", args)]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, approval="untrusted", cwd=work)
    seen = []

    def decide(msg):
        seen.append(msg.proposed_execpolicy_amendment)
        return ops.ApprovedExecpolicyAmendment(tuple(msg.proposed_execpolicy_amendment))

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go", decide=decide)

    events = asyncio.run(main())
    assert seen == [["touch"]]
    assert len(of_type(events, "exec_approval_request")) == 1
    rules = (tmp_path / "home" / "rules" / "default.rules").read_text()
    assert 'decision="allow"' in rules


def test_execpolicy_forbidden_rule_rejects(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "home" / "rules").mkdir(parents=True)
    (tmp_path / "home" / "rules" / "default.rules").write_text(
        'prefix_rule(pattern=["touch"], decision="forbidden", justification="no touching")\n'
    )
    args = {"cmd": "touch nope.txt", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("ok")])
    )
    config = make_config(tmp_path, mock_model_server, approval="on-request", cwd=work)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go")

    asyncio.run(main())
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert "rejected: no touching" in out
    assert not (work / "nope.txt").exists()


def test_untrusted_patch_through_shell_asks_patch_approval(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    script = (
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: via_shell.txt\n+s\n"
        "*** End Patch\nEOF\n"
    )
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": script})]), Turn([Message("ok")])
    )
    config = make_config(tmp_path, mock_model_server, approval="untrusted", cwd=work)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go", decide=lambda _m: "approved")

    events = asyncio.run(main())
    assert len(of_type(events, "apply_patch_approval_request")) == 1
    assert of_type(events, "exec_approval_request") == []
    assert (work / "via_shell.txt").read_text() == "s\n"


def test_abort_decision_ends_the_turn(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    args = {"cmd": "touch aborted.txt", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("next turn")])
    )
    config = make_config(tmp_path, mock_model_server, approval="untrusted", cwd=work)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            first = await run_turn(s, "go", decide=lambda _m: "abort")
            second = await run_turn(s, "again")
            return first, second

    first, second = asyncio.run(main())
    assert of_type(first, "turn_aborted")[0].reason == "interrupted"
    assert of_type(first, "task_complete") == []
    assert not (work / "aborted.txt").exists()
    assert of_type(second, "task_complete")[0].last_agent_message == "next turn"
    assert mock_model_server.requests[1].tool_pairing_problems() == []
