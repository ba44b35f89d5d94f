"""Both `codex exec` output formats through the one `EventProcessor` interface, as any front end
drives them: `handled`, `render(msg)` per event, `finish(final)` at the end."""

from __future__ import annotations

import orjson

from codex.api import EventProcessor, HumanEventProcessor, JsonlEventProcessor
from codex.thread_events.human import Palette

CONFIGURED = {
    "type": "session_configured",
    "session_id": "0199a7c2-0000-7000-8000-000000000001",
    "model": "gpt-5.5",
}
TURN = [
    {"type": "task_started", "turn_id": "1"},
    {"type": "agent_message", "message": "the answer"},
    {
        "type": "token_count",
        "info": {"total_token_usage": {"input_tokens": 7, "output_tokens": 5, "total_tokens": 12}},
    },
    {"type": "task_complete", "turn_id": "1", "last_agent_message": "the answer"},
]


def drive(processor: EventProcessor) -> tuple[bytes, str]:
    stdout, stderr = b"", ""
    assert CONFIGURED["type"] in processor.handled
    for msg in [CONFIGURED, *TURN]:
        if msg["type"] not in processor.handled:
            continue  # as a front end does: unhandled types never reach render
        out = processor.render(msg)
        stdout, stderr = stdout + out.stdout, stderr + out.stderr
    end = processor.finish("the answer")
    return stdout + end.stdout, stderr + end.stderr


def test_jsonl_writes_whole_thread_event_lines_to_stdout_only():
    stdout, stderr = drive(JsonlEventProcessor())
    assert stderr == ""
    events = [orjson.loads(line) for line in stdout.splitlines()]
    assert [e["type"] for e in events] == [
        "thread.started",
        "turn.started",
        "item.completed",
        "turn.completed",
    ]
    assert events[0]["thread_id"] == CONFIGURED["session_id"]
    assert events[2]["item"]["text"] == "the answer"
    assert events[3]["usage"]["output_tokens"] == 5
    assert stdout.endswith(b"\n")


def test_human_writes_progress_to_stderr_and_only_the_answer_to_stdout():
    processor = HumanEventProcessor(color=Palette(False), header_for=lambda m: "HEADER\n")
    stdout, stderr = drive(processor)
    assert stdout == b"the answer\n"
    assert stderr.startswith("HEADER\n")
    assert "tokens used\n12\n" in stderr
    assert "the answer" in stderr
