"""Collaboration modes through a real core session and the mock model server, against what
0.169 was seen doing (tests/fixtures/plan_mode_official.json): the mode message appears only
when a turn's mode differs from the one the model last heard, right before the user message;
request_user_input is answered in Plan mode; the rollout records the mode per turn."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import SAMPLES

from codex.core import Session, modes
from codex.core.front_end import FrontEnd
from codex.core.open import open_session
from codex.protocol import ops

FACTS = json.loads((SAMPLES.parent / "plan_mode_official.json").read_text())
OFFICIAL = FACTS["app_server_experimental"]
QUESTIONS = {
    "questions": [
        {
            "id": "color",
            "header": "Color",
            "question": "Which color?",
            "options": [
                {"label": "Red (Recommended)", "description": "warm"},
                {"label": "Blue", "description": "cool"},
            ],
        }
    ]
}
ANSWER = {"answers": {"color": {"answers": ["Blue"]}}}


def _sequence(request: Any) -> list[str]:
    """The request's input as 0.169's facts list it: role and opening tag (or first words)."""
    out = []
    for item in request.input():
        if item.get("type") != "message":
            out.append(str(item.get("type")))
            continue
        text = (item.get("content") or [{}])[0].get("text", "")
        tag = "<collaboration_mode>" if text.startswith(modes.OPEN_TAG) else text[:12]
        out.append(f"{item['role']}:{tag}")
    return out


def _mode_texts(request: Any) -> list[str]:
    """The mode parts of the developer messages (a first turn in Plan mode adds one to the
    opening developer message, after the permissions part)."""
    return [
        part.get("text", "")
        for item in request.input()
        if item.get("role") == "developer"
        for part in item.get("content") or ()
        if part.get("text", "").startswith(modes.OPEN_TAG)
    ]


async def _turns(config: Any, plan: list[str | None], *, on_event: Any = None) -> list[Any]:
    """One turn per entry of `plan`, each after an OverrideTurnContext to that mode (None: no
    override), in a session that keeps a rollout."""
    events: list[Any] = []
    async with open_session(config, FrontEnd(originator="codex_exec", source="exec")) as session:
        await session.next_event()
        session.approvals.answers_user_input = True
        for i, mode in enumerate(plan):
            if mode is not None:
                await session.submit(ops.OverrideTurnContext(collaboration_mode=mode))
            hook = on_event(session) if on_event else None
            events.append(await run_turn(session, f"t{i}", on_event=hook))
    return events


def test_mode_message_only_when_the_mode_changes(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("done")]))
    config = make_config(tmp_path, mock_model_server)
    sent = [None, "plan", "plan", "default", "plan"]
    asyncio.run(_turns(config, sent))
    requests = mock_model_server.requests
    assert len(requests) == 5
    # 0.169: the first Default turn carries no mode text at all (our exec shape is unchanged).
    assert _mode_texts(requests[0]) == []
    counts = [len(_mode_texts(r)) for r in requests]
    official = [
        sum(1 for m in t["developer_messages_in_input"] if m[0]["opening_tag"] == modes.OPEN_TAG)
        for t in OFFICIAL["turns"]
    ]
    assert counts == official == [0, 1, 1, 2, 3]
    # The message sits right before the turn's user message, as in 0.169.
    for request, theirs in zip(requests, OFFICIAL["turns"], strict=True):
        official_announces = theirs["input_sequence"][-2] == "developer:'<collaboration_mode>'"
        assert (_sequence(request)[-2] == "developer:<collaboration_mode>") == official_announces
    plan_text, default_text = _mode_texts(requests[3])
    assert "request_user_input" in plan_text and "<proposed_plan>" in plan_text
    assert "request_user_input" in default_text and "<proposed_plan>" not in default_text
    assert plan_text.endswith(modes.CLOSE_TAG) and default_text.endswith(modes.CLOSE_TAG)
    # Same tools in both modes (0.169 offers request_user_input on every turn).
    assert [t.get("name") for t in requests[1].json["tools"]] == [
        t.get("name") for t in requests[0].json["tools"]
    ]


def _user_input_turn(tmp_path: Path, server: Any, mode: str | None) -> str:
    server.enqueue(
        Turn([FunctionCall("c1", "request_user_input", QUESTIONS)]), Turn([Message("done")])
    )
    config = make_config(tmp_path, server)

    def answering(session: Any) -> Any:
        async def on_event(ev: Any) -> None:
            if ev.msg.TAG == "request_user_input":
                await session.submit(ops.UserInputAnswer(ev.msg.call_id, ANSWER))

        return on_event

    asyncio.run(_turns(config, [mode], on_event=answering))
    return server.requests[1].function_call_output("c1")["output"]


def test_request_user_input_is_answered_in_plan_mode(tmp_path, mock_model_server):
    output = _user_input_turn(tmp_path, mock_model_server, "plan")
    assert json.loads(output) == ANSWER


def test_request_user_input_still_refused_in_default_mode(tmp_path, mock_model_server):
    output = _user_input_turn(tmp_path, mock_model_server, "default")
    assert output == "request_user_input is unavailable in Default mode"


def test_user_turn_op_carries_the_mode(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("done")]))
    config = make_config(tmp_path, mock_model_server)

    async def main() -> list[Any]:
        async with Session(config) as session:
            await session.next_event()
            s = session.settings
            op = ops.UserTurn(
                [ops.InputText("x")],
                cwd=str(s.cwd),
                approval_policy=s.approval_policy,
                sandbox_policy=s.sandbox_policy,
                model=s.model,
                collaboration_mode="plan",
            )
            return await run_turn(session, "", op=op)

    events = asyncio.run(main())
    (started,) = of_type(events, "task_started")
    assert started.collaboration_mode_kind == "plan"
    assert len(_mode_texts(mock_model_server.requests[0])) == 1


def test_ops_carry_the_mode_on_the_wire():
    op = ops.parse_op({"type": "override_turn_context", "collaboration_mode": "plan"})
    assert op.collaboration_mode == "plan"
    assert "collaboration_mode" not in ops.OverrideTurnContext(model="m").to_dict()


def test_rollout_records_the_mode_per_turn(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("done")]))
    config = make_config(tmp_path, mock_model_server)
    asyncio.run(_turns(config, [None, "plan", "default"]))
    lines = [
        json.loads(x)
        for path in sorted((Path(config.codex_home) / "sessions").rglob("*.jsonl"))
        for x in path.read_text().splitlines()
    ]
    kinds = [
        x["payload"]["collaboration_mode_kind"]
        for x in lines
        if x["payload"].get("type") == "task_started"
    ]
    contexts = [x["payload"]["collaboration_mode"] for x in lines if x["type"] == "turn_context"]
    official = [r for r in OFFICIAL["rollout"] if "turn_context.collaboration_mode" in r]
    assert kinds == ["default", "plan", "default"]
    assert [c["mode"] for c in contexts] == ["default", "plan", "default"]
    # As 0.169: no instructions while the thread never left Default, the mode's text after.
    theirs = [r["turn_context.collaboration_mode"] for r in official]
    assert contexts[0]["settings"]["developer_instructions"] is None
    assert theirs[0]["settings"]["developer_instructions"] is None
    assert contexts[1]["settings"]["developer_instructions"] == modes.PLAN_INSTRUCTIONS
    assert contexts[2]["settings"]["developer_instructions"] == modes.DEFAULT_INSTRUCTIONS
    assert set(contexts[1]["settings"]) == set(theirs[1]["settings"])
