"""`Session(stream_deltas=False)` (what `codex exec` opens): no delta events at all, everything
else — final messages, reasoning, command begin/end, the recorded rollout — as with deltas on."""

from __future__ import annotations

import asyncio

from tests.core.harness import ListRecorder, make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Reasoning, Turn

from codex.core import Session

DELTA_TAGS = {
    "agent_message_delta",
    "agent_reasoning_delta",
    "agent_reasoning_raw_content_delta",
    "agent_reasoning_section_break",
    "exec_command_output_delta",
}


def _run(tmp_path, server, stream_deltas):
    server.enqueue(
        Turn(
            [
                Reasoning(summary=["think ", "more"], raw=["raw thought"]),
                FunctionCall("c1", "exec_command", {"cmd": "echo out-line", "login": False}),
            ]
        ),
        Turn([Message("all done", deltas=["all", " ", "done"])]),
    )
    tmp_path.mkdir()
    config = make_config(tmp_path, server)
    recorder = ListRecorder()

    async def main():
        async with Session(config, recorder=recorder, stream_deltas=stream_deltas) as s:
            await s.next_event()
            return await run_turn(s, "go")

    return asyncio.run(main()), recorder


def test_no_delta_events_and_the_same_everything_else(tmp_path, mock_model_server):
    on_events, on_rec = _run(tmp_path / "on", mock_model_server, True)
    off_events, off_rec = _run(tmp_path / "off", mock_model_server, False)

    on_tags = [ev.msg.TAG for ev in on_events]
    off_tags = [ev.msg.TAG for ev in off_events]
    # The stream with deltas on has every kind, so the comparison below is not vacuous.
    assert DELTA_TAGS - {"agent_reasoning_raw_content_delta"} <= set(on_tags)
    assert not DELTA_TAGS & set(off_tags)
    assert off_tags == [t for t in on_tags if t not in DELTA_TAGS]

    assert [m.message for m in of_type(off_events, "agent_message")] == ["all done"]
    assert [m.text for m in of_type(off_events, "agent_reasoning")] == ["think ", "more"]
    end = of_type(off_events, "exec_command_end")[0]
    assert "out-line" in end.aggregated_output
    assert of_type(off_events, "task_complete")[0].last_agent_message == "all done"

    assert [e["type"] for e in off_rec.events] == [e["type"] for e in on_rec.events]
    assert [i["type"] for i in off_rec.items] == [i["type"] for i in on_rec.items]
    answer_off, answer_on = dict(off_rec.items[-1]), dict(on_rec.items[-1])
    answer_off.pop("id"), answer_on.pop("id")  # the mock numbers its items
    assert answer_off == answer_on  # the answer, recorded whole
