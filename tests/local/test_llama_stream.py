"""The Responses stream as llama.cpp's server writes it (captured from xllamacpp 2026.10): no
`sequence_number`, no `output_index`/`content_index`, reasoning deltas without indexes. The
decoder must yield the same events as for OpenAI's stream."""

from __future__ import annotations

import orjson

from codex.client.events import (
    Completed,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    ReasoningTextDelta,
)
from codex.client.responses_decoder import ResponsesDecoder

LLAMA_STREAM = [
    {"type": "response.created",
     "response": {"id": "resp_1", "object": "response", "status": "in_progress"}},
    {"type": "response.in_progress",
     "response": {"id": "resp_1", "object": "response", "status": "in_progress"}},
    {"type": "response.output_item.added",
     "item": {"id": "rs_1", "type": "reasoning", "summary": [], "status": "in_progress"}},
    {"type": "response.reasoning_text.delta", "item_id": "rs_1", "delta": "think"},
    {"type": "response.output_item.done",
     "item": {"id": "rs_1", "type": "reasoning", "summary": [],
              "content": [{"type": "reasoning_text", "text": "think"}]}},
    {"type": "response.output_item.added",
     "item": {"content": [], "id": "msg_1", "role": "assistant", "status": "in_progress",
              "type": "message"}},
    {"type": "response.content_part.added", "item_id": "msg_1",
     "part": {"type": "output_text", "text": ""}},
    {"type": "response.output_text.delta", "item_id": "msg_1", "delta": "Hi"},
    {"type": "response.output_text.delta", "item_id": "msg_1", "delta": " there"},
    {"type": "response.output_item.done",
     "item": {"type": "message", "status": "completed", "id": "msg_1", "role": "assistant",
              "content": [{"type": "output_text", "annotations": [], "logprobs": [],
                           "text": "Hi there"}]}},
    {"type": "response.completed",
     "response": {"id": "resp_1", "object": "response", "status": "completed",
                  "usage": {"input_tokens": 20, "output_tokens": 3, "total_tokens": 23,
                            "input_tokens_details": {"cached_tokens": 3}}},
     "timings": {"predicted_per_second": 90.9}},
]  # fmt: skip


def test_llama_cpp_responses_stream_decodes_fully() -> None:
    decoder = ResponsesDecoder()
    out: list[object] = []
    for event in LLAMA_STREAM:
        decoder.decode(orjson.dumps(event).decode(), out)
    out.append(decoder.finish())
    kinds = [type(e).__name__ for e in out]
    assert kinds == [
        "Created",
        "OutputItemAdded",
        "ReasoningTextDelta",
        "OutputItemDone",
        "OutputItemAdded",
        "OutputTextDelta",
        "OutputTextDelta",
        "OutputItemDone",
        "Completed",
    ]
    reasoning = [e for e in out if isinstance(e, ReasoningTextDelta)]
    assert reasoning[0].content_index == 0 and reasoning[0].delta == "think"
    assert "".join(e.delta for e in out if isinstance(e, OutputTextDelta)) == "Hi there"
    assert isinstance(out[4], OutputItemAdded) and isinstance(out[7], OutputItemDone)
    done = out[-1]
    assert isinstance(done, Completed) and done.usage is not None
    assert done.usage.input_tokens == 20 and done.usage.output_tokens == 3
