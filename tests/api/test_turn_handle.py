"""`Session.run_turn` / `TurnHandle`, `Session.subscribe`, `is_turn_end` and the settings snapshot,
through a real session against the real loopback mock model server."""

from __future__ import annotations

import asyncio

import pytest
from tests.core.harness import make_config
from tests.support.model_stream import FunctionCall, HttpError, Message, Turn, Usage

from codex.core import FrontEnd, is_turn_end, open_session
from codex.core.subscribe import EventsDropped
from codex.protocol.events import (
    AgentMessage,
    ErrorEvent,
    Event,
    TaskComplete,
    TurnAborted,
    TurnAbortReason,
)

TOOL = FrontEnd(originator="codex_api_test", source="cli")


def test_is_turn_end_takes_an_event_its_msg_or_the_wire_dict():
    ends = [TaskComplete(turn_id="1"), TurnAborted(TurnAbortReason.INTERRUPTED, "1")]
    for msg in ends:
        assert is_turn_end(msg) and is_turn_end(Event("1", msg)) and is_turn_end(msg.to_dict())
    assert is_turn_end({"type": "turn_complete"})
    for msg in (AgentMessage("x"), ErrorEvent("boom")):
        assert not is_turn_end(msg) and not is_turn_end(Event("1", msg))
    assert not is_turn_end({"type": "error", "message": "x"})


def test_run_turn_events_end_with_the_turn_end_and_result_holds_the_outcome(
    tmp_path, mock_model_server
):
    mock_model_server.enqueue(Turn([Message("the answer")], usage=Usage(3, 0, 4)))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL) as session:
            handle = await session.run_turn("question")
            assert handle.result is None
            events = [event async for event in handle.events()]
            return handle, events

    handle, events = asyncio.run(main())
    assert all(event.id == handle.sub_id for event in events)
    assert is_turn_end(events[-1]) and not any(is_turn_end(e) for e in events[:-1])
    result = handle.result
    assert result is not None
    assert result.last_agent_message == "the answer"
    assert result.usage is not None and result.usage.total_tokens == 7
    assert result.error is None and not result.aborted


def test_run_turn_result_carries_the_error(tmp_path, mock_model_server):
    body = {"error": {"message": "bad request from mock", "type": "invalid_request_error"}}
    mock_model_server.enqueue(HttpError(400, body))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL) as session:
            return await (await session.run_turn("x")).wait()

    result = asyncio.run(main())
    assert result.error is not None and "bad request from mock" in result.error
    assert result.last_agent_message is None


def test_run_turn_refuses_what_is_not_user_input(tmp_path, mock_model_server):
    from codex.protocol.ops import Interrupt

    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL) as session:
            await session.run_turn(Interrupt())

    with pytest.raises(TypeError):
        asyncio.run(main())


def test_two_subscribers_each_see_every_event(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("m1")]), Turn([Message("m2")]))
    config = make_config(tmp_path, mock_model_server)

    async def read_all(subscription):
        return [event async for event in subscription]

    async def main():
        async with open_session(config, TOOL) as session:
            readers = [asyncio.ensure_future(read_all(session.subscribe())) for _ in range(2)]
            await (await session.run_turn("one")).wait()
            await (await session.run_turn("two")).wait()
        return await asyncio.gather(*readers)

    first, second = asyncio.run(main())
    tags = [e.msg.TAG for e in first]
    assert [e.msg.TAG for e in second] == tags
    assert [e.id for e in second] == [e.id for e in first]
    assert tags.count("task_complete") == 2 and tags[-1] == "shutdown_complete"
    assert [m.message for m in (e.msg for e in first) if m.TAG == "agent_message"] == ["m1", "m2"]


def test_a_reader_that_falls_behind_gets_a_marker_and_never_loses_the_turn_end(
    tmp_path, mock_model_server
):
    mock_model_server.enqueue(Turn([Message("a"), Message("b"), Message("c")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL) as session:
            slow = session.subscribe(maxsize=2)  # never read until the turn is over
            await (await session.run_turn("go")).wait()
            queued = []
            while slow._queue:  # what it holds now, without waiting
                queued.append(await slow.next())
            slow.close()
            return queued

    queued = asyncio.run(main())
    tags = [e.msg.TAG for e in queued]
    assert len(queued) <= 4  # two kept, one marker, the turn end
    assert tags[-1] == "task_complete"
    [marker] = [e.msg for e in queued if isinstance(e.msg, EventsDropped)]
    assert marker.count >= 1 and tags.index("events_dropped") == 2


def test_first_subscriber_turns_the_unread_classic_queue_off(tmp_path, mock_model_server):
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL) as session:
            session.subscribe().close()
            with pytest.raises(RuntimeError, match="next_event"):
                await session.next_event()

    asyncio.run(main())


def test_settings_snapshot_is_read_only_and_builds_the_same_user_turn(tmp_path, mock_model_server):
    import dataclasses

    mock_model_server.enqueue(Turn([Message("ok")]))
    config = make_config(tmp_path, mock_model_server, approval="on-request")

    async def main():
        async with open_session(config, TOOL) as session:
            settings = session.settings
            with pytest.raises(dataclasses.FrozenInstanceError):
                settings.model = "other"  # type: ignore[misc]
            from codex.protocol.ops import InputText

            op = settings.user_turn([InputText("hi")], final_output_json_schema={"type": "object"})
            result = await (await session.run_turn(op)).wait()
            return settings, op, result

    settings, op, result = asyncio.run(main())
    assert settings.model == "gpt-5.5" and settings.approval_policy == "on-request"
    assert str(settings.cwd) == op.cwd and op.summary == settings.summary
    assert result.last_agent_message == "ok"
    request = mock_model_server.single_request()
    assert request.json["text"]["format"]["schema"] == {"type": "object"}


def test_the_approval_callback_answers_the_turns_requests(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    args = {"cmd": "touch approved.txt", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("done")])
    )
    config = make_config(tmp_path, mock_model_server, approval="untrusted", cwd=work)
    asked = []

    async def approve(request):
        asked.append(request.TAG)
        return "approved"

    async def main():
        async with open_session(config, TOOL) as session:
            handle = await session.run_turn("go", on_approval=approve)
            return await handle.wait()

    result = asyncio.run(main())
    assert asked == ["exec_approval_request"]
    assert (work / "approved.txt").exists()
    assert result.last_agent_message == "done"
