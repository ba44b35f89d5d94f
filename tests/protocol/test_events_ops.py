"""Event and Op wire forms: `{"type": snake_case, ...}` inside `{id, msg}` / `{id, op}`."""

from __future__ import annotations

import orjson
import pytest

from codex.protocol.events import (
    AgentMessage,
    AgentMessageDelta,
    ApplyPatchApprovalRequest,
    Duration,
    ErrorEvent,
    Event,
    ExecApprovalRequest,
    ExecCommandBegin,
    ExecCommandEnd,
    ExecCommandOutputDelta,
    FileAdd,
    FileDelete,
    FileUpdate,
    PatchApplyBegin,
    PatchApplyEnd,
    PlanItem,
    PlanUpdate,
    RawEvent,
    SessionConfigured,
    ShutdownComplete,
    StreamError,
    TaskComplete,
    TaskStarted,
    TokenCount,
    TurnAborted,
    TurnAbortReason,
    TurnDiff,
    TurnStarted,
    parse_event,
    parse_event_msg,
)
from codex.protocol.ops import (
    ApprovedExecpolicyAmendment,
    Compact,
    ExecApproval,
    InputLocalImage,
    InputText,
    Interrupt,
    OverrideTurnContext,
    PatchApproval,
    RawOp,
    ReviewDecision,
    Shutdown,
    Submission,
    UserInput,
    UserTurn,
    parse_op,
)
from codex.protocol.usage import TokenUsage, TokenUsageInfo

EVENTS = [
    (
        SessionConfigured(
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "codex-mini-latest",
            "openai",
            "never",
            {"type": "read-only"},
            "/home/user/project",
            rollout_path="/tmp/r.jsonl",
            reasoning_effort="medium",
        ),
        {
            "type": "session_configured",
            "session_id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "model": "codex-mini-latest",
            "model_provider_id": "openai",
            "approval_policy": "never",
            "sandbox_policy": {"type": "read-only"},
            "cwd": "/home/user/project",
            "reasoning_effort": "medium",
            "history_log_id": 0,
            "history_entry_count": 0,
            "rollout_path": "/tmp/r.jsonl",
        },
    ),
    (
        TaskStarted("t1", 258400),
        {"type": "task_started", "turn_id": "t1", "model_context_window": 258400},
    ),
    (
        TaskComplete("t1", "bye"),
        {"type": "task_complete", "turn_id": "t1", "last_agent_message": "bye"},
    ),
    (TurnAborted(TurnAbortReason.INTERRUPTED), {"type": "turn_aborted", "reason": "interrupted"}),
    (AgentMessage("hello"), {"type": "agent_message", "message": "hello"}),
    (AgentMessageDelta("he"), {"type": "agent_message_delta", "delta": "he"}),
    (
        ExecCommandBegin("c1", "t1", ["/bin/bash", "-lc", "ls"], "/repo"),
        {
            "type": "exec_command_begin",
            "call_id": "c1",
            "turn_id": "t1",
            "command": ["/bin/bash", "-lc", "ls"],
            "cwd": "/repo",
            "parsed_cmd": [],
            "source": "agent",
        },
    ),
    (
        ExecCommandOutputDelta("call21", "stdout", b"\x01\x02\x03\x04\x05"),
        {
            "type": "exec_command_output_delta",
            "call_id": "call21",
            "stream": "stdout",
            "chunk": "AQIDBAU=",
        },
    ),
    (
        ExecCommandEnd("c1", "t1", ["ls"], "/repo", 0, Duration.from_seconds(1.5), stdout="a"),
        {
            "type": "exec_command_end",
            "call_id": "c1",
            "turn_id": "t1",
            "command": ["ls"],
            "cwd": "/repo",
            "parsed_cmd": [],
            "source": "agent",
            "stdout": "a",
            "stderr": "",
            "aggregated_output": "",
            "exit_code": 0,
            "duration": {"secs": 1, "nanos": 500000000},
            "formatted_output": "",
        },
    ),
    (
        ExecApprovalRequest("c1", "t1", ["rm", "x"], "/repo", reason="why"),
        {
            "type": "exec_approval_request",
            "call_id": "c1",
            "turn_id": "t1",
            "command": ["rm", "x"],
            "cwd": "/repo",
            "reason": "why",
            "parsed_cmd": [],
        },
    ),
    (
        ApplyPatchApprovalRequest("c2", "t1", {"/r/a": FileAdd("x\n")}),
        {
            "type": "apply_patch_approval_request",
            "call_id": "c2",
            "turn_id": "t1",
            "changes": {"/r/a": {"type": "add", "content": "x\n"}},
        },
    ),
    (
        PatchApplyBegin(
            "c2",
            "t1",
            True,
            {"/r/b": FileDelete("y\n"), "/r/c": FileUpdate("@@ -1 +1 @@\n-a\n+b\n")},
        ),
        {
            "type": "patch_apply_begin",
            "call_id": "c2",
            "turn_id": "t1",
            "auto_approved": True,
            "changes": {
                "/r/b": {"type": "delete", "content": "y\n"},
                "/r/c": {
                    "type": "update",
                    "unified_diff": "@@ -1 +1 @@\n-a\n+b\n",
                    "move_path": None,
                },
            },
        },
    ),
    (
        PatchApplyEnd("c2", "t1", "Success.\n", "", True),
        {
            "type": "patch_apply_end",
            "call_id": "c2",
            "turn_id": "t1",
            "stdout": "Success.\n",
            "stderr": "",
            "success": True,
            "changes": {},
        },
    ),
    (
        PlanUpdate([PlanItem("write code", "in_progress")], explanation=None),
        {
            "type": "plan_update",
            "explanation": None,
            "plan": [{"step": "write code", "status": "in_progress"}],
        },
    ),
    (
        TurnDiff("diff --git a/x b/x\n"),
        {"type": "turn_diff", "unified_diff": "diff --git a/x b/x\n"},
    ),
    (
        TokenCount(
            TokenUsageInfo(
                TokenUsage(10, 0, 0, 5, 0, 15), TokenUsage(10, 0, 0, 5, 0, 15), False, 1000
            ),
            None,
        ),
        {
            "type": "token_count",
            "info": {
                "total_token_usage": {
                    "input_tokens": 10,
                    "cached_input_tokens": 0,
                    "cache_write_input_tokens": 0,
                    "output_tokens": 5,
                    "reasoning_output_tokens": 0,
                    "total_tokens": 15,
                },
                "last_token_usage": {
                    "input_tokens": 10,
                    "cached_input_tokens": 0,
                    "cache_write_input_tokens": 0,
                    "output_tokens": 5,
                    "reasoning_output_tokens": 0,
                    "total_tokens": 15,
                },
                "last_usage_includes_reasoning": False,
                "model_context_window": 1000,
            },
            "rate_limits": None,
        },
    ),
    (
        StreamError("Reconnecting... 1/5"),
        {
            "type": "stream_error",
            "message": "Reconnecting... 1/5",
            "codex_error_info": None,
            "additional_details": None,
        },
    ),
    (ErrorEvent("boom"), {"type": "error", "message": "boom", "codex_error_info": None}),
    (ShutdownComplete(), {"type": "shutdown_complete"}),
]


@pytest.mark.parametrize(("msg", "expected"), EVENTS)
def test_event_wire_shape_and_round_trip(msg, expected) -> None:
    assert orjson.dumps(msg.to_dict()) == orjson.dumps(expected)
    again = parse_event_msg(orjson.loads(orjson.dumps(expected)))
    assert type(again) is type(msg)
    assert again == msg or again.to_dict() == expected


def test_event_envelope() -> None:
    ev = Event("sub-1", AgentMessage("hi"))
    data = ev.to_dict()
    assert data == {"id": "sub-1", "msg": {"type": "agent_message", "message": "hi"}}
    assert parse_event(data) == ev


def test_newer_turn_names_parse_as_the_lifecycle_types() -> None:
    started = parse_event_msg(
        {"type": "turn_started", "turn_id": "t", "model_context_window": None}
    )
    assert isinstance(started, TaskStarted) and isinstance(started, TurnStarted)
    assert started.to_dict()["type"] == "turn_started"


def test_unknown_events_are_kept_verbatim() -> None:
    data = {"type": "something_new", "x": [1, 2]}
    msg = parse_event_msg(data)
    assert isinstance(msg, RawEvent) and msg.to_dict() == data


OPS = [
    (Interrupt(), {"type": "interrupt"}),
    (
        UserInput([InputText("hi"), InputLocalImage("/tmp/a.png")]),
        {
            "type": "user_input",
            "items": [
                {"type": "text", "text": "hi"},
                {"type": "local_image", "path": "/tmp/a.png"},
            ],
        },
    ),
    (
        UserTurn(
            [InputText("go")],
            "/repo",
            "on-request",
            {"type": "workspace-write"},
            "gpt-5.5",
            effort="high",
        ),
        {
            "type": "user_turn",
            "items": [{"type": "text", "text": "go"}],
            "cwd": "/repo",
            "approval_policy": "on-request",
            "sandbox_policy": {"type": "workspace-write"},
            "model": "gpt-5.5",
            "effort": "high",
            "summary": "auto",
            "final_output_json_schema": None,
        },
    ),
    (OverrideTurnContext(model="o3"), {"type": "override_turn_context", "model": "o3"}),
    (
        ExecApproval("c1", ReviewDecision.APPROVED_FOR_SESSION),
        {"type": "exec_approval", "id": "c1", "decision": "approved_for_session"},
    ),
    (
        ExecApproval("c1", ApprovedExecpolicyAmendment(("git", "pull"))),
        {
            "type": "exec_approval",
            "id": "c1",
            "decision": {
                "approved_execpolicy_amendment": {"proposed_execpolicy_amendment": ["git", "pull"]}
            },
        },
    ),
    (
        PatchApproval("c2", ReviewDecision.ABORT),
        {"type": "patch_approval", "id": "c2", "decision": "abort"},
    ),
    (
        PatchApproval("c2", ReviewDecision.DENIED),
        {"type": "patch_approval", "id": "c2", "decision": "denied"},
    ),
    (
        PatchApproval("c2", ReviewDecision.APPROVED),
        {"type": "patch_approval", "id": "c2", "decision": "approved"},
    ),
    (Compact(), {"type": "compact"}),
    (Shutdown(), {"type": "shutdown"}),
]


@pytest.mark.parametrize(("op", "expected"), OPS)
def test_op_wire_shape_and_round_trip(op, expected) -> None:
    assert orjson.dumps(op.to_dict()) == orjson.dumps(expected)
    again = parse_op(orjson.loads(orjson.dumps(expected)))
    assert type(again) is type(op)
    assert again.to_dict() == expected


def test_decisions_parse_to_enum() -> None:
    op = parse_op({"type": "exec_approval", "id": "x", "decision": "denied"})
    assert op.decision is ReviewDecision.DENIED


def test_submission_envelope_and_unknown_op() -> None:
    sub = Submission.from_dict({"id": "7", "op": {"type": "future_op", "a": 1}})
    assert isinstance(sub.op, RawOp) and sub.op.type == "future_op"
    assert sub.to_dict() == {"id": "7", "op": {"type": "future_op", "a": 1}}


def test_sandbox_policies_parse_into_the_policy_type() -> None:
    from codex.protocol.sandbox_policy import SandboxPolicy

    ws = {
        "type": "workspace-write",
        "network_access": False,
        "exclude_tmpdir_env_var": False,
        "exclude_slash_tmp": False,
    }
    op = parse_op(
        {
            "type": "user_turn",
            "items": [],
            "cwd": "/r",
            "approval_policy": "never",
            "sandbox_policy": ws,
            "model": "m",
            "summary": "auto",
            "final_output_json_schema": None,
        }
    )
    assert op.sandbox_policy == SandboxPolicy.workspace_write()
    assert op.to_dict()["sandbox_policy"] == ws
    built = OverrideTurnContext(sandbox_policy=SandboxPolicy.read_only())
    assert built.to_dict() == {
        "type": "override_turn_context",
        "sandbox_policy": {"type": "read-only"},
    }
    odd = {"type": "future-mode", "x": 1}
    assert parse_op({"type": "override_turn_context", "sandbox_policy": odd}).sandbox_policy == odd
