"""Compaction end to end: auto-compaction at `model_auto_compact_token_limit` through
`codex exec`, the `compacted` rollout line, resuming that session (the next request carries the
rebuilt history), usage that stays above the limit (one compaction per turn, none after a final
answer), and the manual compact's guard (never twice without new content)."""

from __future__ import annotations

import asyncio

import orjson
from tests.core.harness import make_config, of_type, run_turn
from tests.exec.harness import rollout_files, run_codex, write_config
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

from codex.config import ConfigOverrides, load_config
from codex.core import Session
from codex.core.compact import COMPACT_PROMPT, MANUAL_SKIPPED, SUMMARY_PREFIX
from codex.core.manager import ConversationManager
from codex.protocol import ops

BIG = Usage(input_tokens=400, output_tokens=100)


def rollout_lines(home):
    [path] = rollout_files(home)
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_auto_compaction_at_the_limit_then_resume(tmp_path, mock_model_server):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    (work / "AGENTS.md").write_text("project rules\n")
    write_config(home, mock_model_server.base_url)
    # The limit is crossed while the model still has work to do (a tool call): 0.169 compacts
    # between the two requests of the turn.
    mock_model_server.enqueue(
        Turn([FunctionCall("call_big", "exec_command", {"cmd": "echo big"})], usage=BIG),
        Turn([Message("THE SUMMARY")]),
        Turn([Message("continued")]),
    )
    limit = ("-c", "model_auto_compact_token_limit=500")
    first = run_codex(
        "exec", "--json", "--skip-git-repo-check", *limit, "work hard", home=home, cwd=work
    )
    assert first.rc == 0, first.stderr
    thread_id = first.events()[0]["thread_id"]

    _turn, compact_request, follow_up = mock_model_server.requests
    assert compact_request.json["tools"] == []
    assert compact_request.message_texts("user")[-1] == COMPACT_PROMPT
    summary = f"{SUMMARY_PREFIX}\nTHE SUMMARY"
    users = follow_up.message_texts("user")
    assert users[-2:] == ["work hard", summary]
    assert any(t.startswith("# AGENTS.md instructions for ") for t in users)
    assert follow_up.message_texts("assistant") == []

    lines = rollout_lines(home)
    compacted = [line["payload"] for line in lines if line["type"] == "compacted"]
    assert compacted == [{"message": summary, "replacement_history": follow_up.input()}]
    kinds = [line["type"] for line in lines]
    at = kinds.index("compacted")
    assert "turn_context" in kinds[at:]  # the follow-up request's context

    mock_model_server.enqueue(Turn([Message("resumed answer")]))
    second = run_codex(
        "exec",
        "--json",
        "--skip-git-repo-check",
        "resume",
        thread_id,
        "next question",
        home=home,
        cwd=work,
    )
    assert second.rc == 0, second.stderr
    resumed = mock_model_server.requests[3]
    # The rebuilt history: what the follow-up sent, the follow-up's answer, the new question.
    assert resumed.input()[: len(follow_up.input())] == follow_up.input()
    rest = resumed.input()[len(follow_up.input()) :]
    assert [(i["type"], i["role"]) for i in rest] == [("message", "assistant"), ("message", "user")]
    assert resumed.message_texts("user")[-1] == "next question"
    assert "call_big" not in orjson.dumps(resumed.input()).decode()

    # The library path (app-server style) rebuilds the same history.
    mock_model_server.enqueue(Turn([Message("library answer")]))
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=work)

    async def via_manager():
        manager = ConversationManager()
        [path] = rollout_files(home)
        session = await manager.resume_from_rollout(config, path, approval_policy="never")
        await session.next_event()
        await run_turn(session, "library question")
        await manager.close_all()
        return session.conversation_id

    assert asyncio.run(via_manager()) == thread_id
    library = mock_model_server.requests[4]
    assert library.input()[: len(follow_up.input())] == follow_up.input()
    assert library.message_texts("user")[-2:] == ["next question", "library question"]


def test_usage_above_the_limit_compacts_once_per_turn(tmp_path, mock_model_server):
    """Usage stays above the limit: a final answer is never followed by a compaction (no loop);
    the next turn compacts once, before its input, silently (as 0.169)."""
    mock_model_server.enqueue(
        Turn([Message("a1")], usage=BIG),
        Turn([Message("S1")]),
        Turn([Message("a2")], usage=BIG),
    )
    config = make_config(tmp_path, mock_model_server, extra="model_auto_compact_token_limit = 100")

    async def main():
        async with Session(config) as s:
            await s.next_event()
            one = await run_turn(s, "first")
            two = await run_turn(s, "second")
            return one, two

    one, two = asyncio.run(main())
    assert [m.message for m in of_type(one, "agent_message")] == ["a1"]
    assert [m.message for m in of_type(two, "agent_message")] == ["a2"]
    for events in (one, two):
        assert of_type(events, "warning") == []
        assert events[-1].msg.TAG == "task_complete"
    assert len(mock_model_server.requests) == 3
    assert mock_model_server.requests[1].message_texts("user")[-1] == COMPACT_PROMPT
    assert mock_model_server.requests[2].message_texts("user")[-2:] == [
        f"{SUMMARY_PREFIX}\nS1",
        "second",
    ]
    assert mock_model_server.pending == 0


def test_manual_compact_twice_without_new_content(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("answer")]), Turn([Message("SUMMARY")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await run_turn(s, "question")
            first = await run_turn(s, "", op=ops.Compact())
            second = await run_turn(s, "", op=ops.Compact())
            return first, second

    first, second = asyncio.run(main())
    assert "Compact task completed" in [m.message for m in of_type(first, "agent_message")]
    assert [w.message for w in of_type(second, "warning")] == [MANUAL_SKIPPED]
    assert of_type(second, "agent_message") == []
    assert second[-1].msg.TAG == "task_complete"
    assert len(mock_model_server.requests) == 2


def test_no_compaction_below_the_limit(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("answer")], usage=BIG))
    config = make_config(tmp_path, mock_model_server, extra="model_auto_compact_token_limit = 501")

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "q")

    events = asyncio.run(main())
    assert [m.message for m in of_type(events, "agent_message")] == ["answer"]
    assert len(mock_model_server.requests) == 1
