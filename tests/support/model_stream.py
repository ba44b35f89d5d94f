"""Scripted model replies, rendered as the bytes a Responses or Chat Completions server streams.

A `Turn` describes what the model "says" in one sampling request (messages, reasoning, function and
custom tool calls, usage) and how the stream misbehaves (cut, dropped, failed, slow). The mock
server renders it for whichever wire API the request used, so one script drives both. `HttpError`
is a non-2xx reply, `RawSSE` sends hand-built events verbatim (for the minimal-stream experiments).

Event JSON follows what the official CLI's own mock and the Responses API send (spec-core §1.5,
§8.1; rust-anchor §3.2). Rendering is cached per turn and wire so a 100k-delta reply costs one
`orjson.dumps` per distinct delta, not per event.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Wire = Literal["responses", "chat"]
Fault = Literal["none", "cut", "drop", "failed", "incomplete"]

_ids = itertools.count(1)


def _next_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids)}"


# ---- what the model says --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    """An assistant message. `deltas` splits the text for streaming (default: one delta)."""

    text: str
    deltas: Sequence[str] | None = None
    id: str | None = None

    def pieces(self) -> Sequence[str]:
        return self.deltas if self.deltas is not None else ([self.text] if self.text else [])


def repeated_deltas(n: int, piece: str = "tok ") -> Message:
    """A message streamed as `n` equal deltas (the 100k-delta benchmark and stress tests)."""
    return Message(piece * n, deltas=[piece] * n)


@dataclass(frozen=True, slots=True)
class Reasoning:
    """A reasoning item: summary parts (streamed as summary deltas), optional raw text and the
    opaque `encrypted_content` the client must echo back."""

    summary: Sequence[str] = ()
    raw: Sequence[str] = ()
    encrypted_content: str | None = "enc-opaque"
    id: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionCall:
    call_id: str
    name: str
    arguments: str | Mapping[str, Any] = "{}"
    id: str | None = None

    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return orjson.dumps(self.arguments).decode()


@dataclass(frozen=True, slots=True)
class CustomToolCall:
    """A freeform tool call (apply_patch is one: `input` is the raw patch text)."""

    call_id: str
    name: str
    input: str
    id: str | None = None


def apply_patch_call(call_id: str, patch: str) -> CustomToolCall:
    return CustomToolCall(call_id, "apply_patch", patch)


Output = Message | Reasoning | FunctionCall | CustomToolCall


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def responses_json(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "input_tokens_details": {"cached_tokens": self.cached_input_tokens},
            "output_tokens": self.output_tokens,
            "output_tokens_details": {"reasoning_tokens": self.reasoning_output_tokens},
            "total_tokens": self.total_tokens,
        }

    def chat_json(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
            "prompt_tokens_details": {"cached_tokens": self.cached_input_tokens},
            "completion_tokens_details": {"reasoning_tokens": self.reasoning_output_tokens},
        }


# ---- replies --------------------------------------------------------------------------------


@dataclass(slots=True)
class Turn:
    """One successful (or deliberately broken) streamed reply.

    fault: "cut" ends the body cleanly before `response.completed` (chat: before `[DONE]`);
    "drop" closes the socket mid-body (a transport error); "failed" sends `response.failed` with
    `error` instead of completing; "incomplete" sends `response.incomplete`.
    chunk_delay: seconds between written chunks (each event is then its own chunk) — "slow chunks".
    """

    outputs: Sequence[Output] = ()
    usage: Usage | None = field(default_factory=Usage)
    response_id: str | None = None
    fault: Fault = "none"
    error: Mapping[str, Any] = field(
        default_factory=lambda: {"code": "server_error", "message": "mock failure"}
    )
    chunk_delay: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[Wire, list[bytes]] = field(default_factory=dict, repr=False)

    def render(self, wire: Wire) -> list[bytes]:
        """The body as a list of SSE event frames (bytes), cached."""
        frames = self._cache.get(wire)
        if frames is None:
            frames = _render_responses(self) if wire == "responses" else _render_chat(self)
            self._cache[wire] = frames
        return frames


@dataclass(frozen=True, slots=True)
class HttpError:
    """A non-2xx reply with a JSON (or text) body and headers such as Retry-After."""

    status: int
    body: Mapping[str, Any] | str = field(
        default_factory=lambda: {"error": {"message": "mock error", "type": "server_error"}}
    )
    headers: Mapping[str, str] = field(default_factory=dict)

    def body_bytes(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else orjson.dumps(self.body)


@dataclass(frozen=True, slots=True)
class RawSSE:
    """Hand-built events sent as `event: <type>\\ndata: <json>\\n\\n` (chat: `data:` only)."""

    events: Sequence[Mapping[str, Any] | str]
    chunk_delay: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)
    fault: Literal["none", "drop"] = "none"

    def render(self, wire: Wire) -> list[bytes]:
        return [
            _chat_frame(e) if wire == "chat" else _frame(e) if not isinstance(e, str) else _text(e)
            for e in self.events
        ]


@dataclass(frozen=True, slots=True)
class JsonReply:
    """A plain JSON 200 reply (the `/responses/compact` endpoint)."""

    body: Mapping[str, Any]
    status: int = 200


Reply = Turn | HttpError | RawSSE | JsonReply


# ---- Responses rendering ----------------------------------------------------------------------


def _frame(event: Mapping[str, Any]) -> bytes:
    return b"event: " + str(event["type"]).encode() + b"\ndata: " + orjson.dumps(event) + b"\n\n"


def _text(data: str) -> bytes:
    return b"data: " + data.encode() + b"\n\n"


def _item_json(out: Output) -> dict[str, Any]:
    if isinstance(out, Message):
        return {
            "type": "message",
            "id": out.id,
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": out.text, "annotations": []}],
        }
    if isinstance(out, Reasoning):
        item: dict[str, Any] = {
            "type": "reasoning",
            "id": out.id,
            "summary": [{"type": "summary_text", "text": s} for s in out.summary],
        }
        if out.raw:
            item["content"] = [{"type": "reasoning_text", "text": t} for t in out.raw]
        if out.encrypted_content is not None:
            item["encrypted_content"] = out.encrypted_content
        return item
    if isinstance(out, FunctionCall):
        return {
            "type": "function_call",
            "id": out.id,
            "status": "completed",
            "call_id": out.call_id,
            "name": out.name,
            "arguments": out.arguments_json(),
        }
    return {
        "type": "custom_tool_call",
        "id": out.id,
        "status": "completed",
        "call_id": out.call_id,
        "name": out.name,
        "input": out.input,
    }


def _in_progress(item: dict[str, Any]) -> dict[str, Any]:
    added = dict(item)
    if added["type"] == "message":
        added["content"] = []
        added["status"] = "in_progress"
    elif added["type"] == "reasoning":
        added["summary"] = []
        added.pop("content", None)
    elif added["type"] == "function_call":
        added["arguments"] = ""
        added["status"] = "in_progress"
    else:
        added["input"] = ""
        added["status"] = "in_progress"
    return added


def _output_frames(index: int, out: Output) -> Iterable[bytes]:
    item = _item_json(out)
    if item["id"] is None:
        item["id"] = _next_id({"message": "msg", "reasoning": "rs"}.get(item["type"], "fc"))
    item_id = item["id"]
    added = _in_progress(item)
    yield _frame({"type": "response.output_item.added", "output_index": index, "item": added})
    if isinstance(out, Message):
        yield _frame(
            {
                "type": "response.content_part.added",
                "item_id": item_id,
                "output_index": index,
                "content_index": 0,
                "part": {"type": "output_text", "text": "", "annotations": []},
            }
        )
        cache: dict[str, bytes] = {}
        for piece in out.pieces():
            frame = cache.get(piece)
            if frame is None:
                frame = cache[piece] = _frame(
                    {
                        "type": "response.output_text.delta",
                        "item_id": item_id,
                        "output_index": index,
                        "content_index": 0,
                        "delta": piece,
                    }
                )
            yield frame
        yield _frame(
            {
                "type": "response.output_text.done",
                "item_id": item_id,
                "output_index": index,
                "content_index": 0,
                "text": out.text,
            }
        )
    elif isinstance(out, Reasoning):
        for si, text in enumerate(out.summary):
            yield _frame(
                {
                    "type": "response.reasoning_summary_part.added",
                    "item_id": item_id,
                    "output_index": index,
                    "summary_index": si,
                    "part": {"type": "summary_text", "text": ""},
                }
            )
            yield _frame(
                {
                    "type": "response.reasoning_summary_text.delta",
                    "item_id": item_id,
                    "output_index": index,
                    "summary_index": si,
                    "delta": text,
                }
            )
            yield _frame(
                {
                    "type": "response.reasoning_summary_text.done",
                    "item_id": item_id,
                    "output_index": index,
                    "summary_index": si,
                    "text": text,
                }
            )
        for ci, text in enumerate(out.raw):
            yield _frame(
                {
                    "type": "response.reasoning_text.delta",
                    "item_id": item_id,
                    "output_index": index,
                    "content_index": ci,
                    "delta": text,
                }
            )
    elif isinstance(out, FunctionCall):
        args = out.arguments_json()
        yield _frame(
            {
                "type": "response.function_call_arguments.delta",
                "item_id": item_id,
                "output_index": index,
                "delta": args,
            }
        )
        yield _frame(
            {
                "type": "response.function_call_arguments.done",
                "item_id": item_id,
                "output_index": index,
                "arguments": args,
            }
        )
    else:
        yield _frame(
            {
                "type": "response.custom_tool_call_input.delta",
                "item_id": item_id,
                "output_index": index,
                "delta": out.input,
            }
        )
        yield _frame(
            {
                "type": "response.custom_tool_call_input.done",
                "item_id": item_id,
                "output_index": index,
                "input": out.input,
            }
        )
    yield _frame({"type": "response.output_item.done", "output_index": index, "item": item})


def _render_responses(turn: Turn) -> list[bytes]:
    rid = turn.response_id or _next_id("resp")
    base = {"id": rid, "object": "response", "status": "in_progress", "output": []}
    frames = [
        _frame({"type": "response.created", "response": base}),
        _frame({"type": "response.in_progress", "response": base}),
    ]
    for index, out in enumerate(turn.outputs):
        frames.extend(_output_frames(index, out))
    if turn.fault == "failed":
        failed = {**base, "status": "failed", "error": dict(turn.error)}
        frames.append(_frame({"type": "response.failed", "response": failed}))
    elif turn.fault == "incomplete":
        incomplete = {
            **base,
            "status": "incomplete",
            "incomplete_details": {"reason": "max_output_tokens"},
        }
        if turn.usage is not None:  # the real API reports what the cut reply used
            incomplete["usage"] = turn.usage.responses_json()
        frames.append(_frame({"type": "response.incomplete", "response": incomplete}))
    elif turn.fault == "none":
        done: dict[str, Any] = {**base, "status": "completed"}
        if turn.usage is not None:
            done["usage"] = turn.usage.responses_json()
        frames.append(_frame({"type": "response.completed", "response": done}))
    return frames


# ---- Chat Completions rendering ---------------------------------------------------------------


def _chat_frame(chunk: Mapping[str, Any] | str) -> bytes:
    if isinstance(chunk, str):
        return _text(chunk)
    return b"data: " + orjson.dumps(chunk) + b"\n\n"


def _render_chat(turn: Turn) -> list[bytes]:
    cid = turn.response_id or _next_id("chatcmpl")

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": cid,
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    frames = [_chat_frame(chunk({"role": "assistant", "content": ""}))]
    tool_index = 0
    for out in turn.outputs:
        if isinstance(out, Message):
            cache: dict[str, bytes] = {}
            for piece in out.pieces():
                frame = cache.get(piece)
                if frame is None:
                    frame = cache[piece] = _chat_frame(chunk({"content": piece}))
                frames.append(frame)
        elif isinstance(out, Reasoning):
            for text in [*out.summary, *out.raw]:
                frames.append(_chat_frame(chunk({"reasoning": text})))
        else:
            # Chat Completions knows only function tools; a freeform call travels as one whose
            # arguments are the raw input.
            args = out.arguments_json() if isinstance(out, FunctionCall) else out.input
            half = len(args) // 2
            head = {
                "index": tool_index,
                "id": out.call_id,
                "type": "function",
                "function": {"name": out.name, "arguments": args[:half]},
            }
            frames.append(_chat_frame(chunk({"tool_calls": [head]})))
            tail = {"index": tool_index, "function": {"arguments": args[half:]}}
            frames.append(_chat_frame(chunk({"tool_calls": [tail]})))
            tool_index += 1
    if turn.fault in ("none", "failed", "incomplete"):
        if turn.fault == "failed":
            frames.append(_chat_frame({"error": dict(turn.error)}))
            return frames
        finish = "tool_calls" if tool_index else "stop"
        if turn.fault == "incomplete":
            finish = "length"
        frames.append(_chat_frame(chunk({}, finish)))
        if turn.usage is not None:
            frames.append(
                _chat_frame(
                    {
                        "id": cid,
                        "object": "chat.completion.chunk",
                        "choices": [],
                        "usage": turn.usage.chat_json(),
                    }
                )
            )
        frames.append(_text("[DONE]"))
    return frames
