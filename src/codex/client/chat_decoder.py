"""Chat Completions stream chunks → the same response events as the Responses API. Sans-IO.

Content deltas open an assistant message (`OutputItemAdded`) and stream as `OutputTextDelta`;
`delta.reasoning` (a string, or an object with `text`/`content`) streams as `ReasoningTextDelta`
into a reasoning item; tool-call fragments are accumulated per `index` (first id and name win,
arguments are concatenated). A `finish_reason` closes everything as `OutputItemDone` (reasoning,
then the message, then the calls in index order); `usage` chunks are kept; `Completed` comes at
EOF once a finish_reason or `[DONE]` arrived. Unlike upstream v0.63 (which completes on any EOF),
a body that ends before either is a disconnect and is retried, like a cut Responses stream;
finish_reason "length" is reported as `Incomplete` (a terminal failure, retried like upstream's
`response.incomplete`), unless the caller asked for `length_completes`: then the reply is a
finished, truncated one and the stream goes on to its usage chunk and `Completed`.
"""

from __future__ import annotations

from typing import Any

import orjson

from codex.client.errors import StreamDisconnected
from codex.client.events import (
    Completed,
    Failed,
    Incomplete,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    ReasoningTextDelta,
)
from codex.client.responses_decoder import classify_failure
from codex.protocol.items import parse_item
from codex.protocol.usage import TokenUsage

_loads = orjson.loads


def chat_usage(usage: Any) -> TokenUsage | None:
    if not isinstance(usage, dict):
        return None
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    return TokenUsage(
        input_tokens=int(usage.get("prompt_tokens") or 0),
        cached_input_tokens=int(prompt_details.get("cached_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
        reasoning_output_tokens=int(completion_details.get("reasoning_tokens") or 0),
        total_tokens=int(usage.get("total_tokens") or 0),
    )


class _ToolCall:
    __slots__ = ("arguments", "call_id", "name")

    def __init__(self) -> None:
        self.call_id: str | None = None
        self.name: str | None = None
        self.arguments: list[str] = []


class ChatDecoder:
    """Feed each SSE `data` payload to `decode`; call `finish()` when the body ended."""

    __slots__ = (
        "_finished",
        "_reasoning",
        "_response_id",
        "_text",
        "_tool_calls",
        "_usage",
        "length_completes",
        "terminal",
    )

    def __init__(self, *, length_completes: bool = False) -> None:
        self.length_completes = length_completes
        self._text: list[str] | None = None
        self._reasoning: list[str] | None = None
        self._tool_calls: dict[int, _ToolCall] = {}
        self._usage: TokenUsage | None = None
        self._response_id = ""
        self._finished = False
        self.terminal: Failed | Incomplete | None = None

    def decode(self, data: str, out: list[Any]) -> None:
        if data == "[DONE]":
            self._flush(out)
            return
        try:
            chunk = _loads(data)
        except orjson.JSONDecodeError:
            return
        if type(chunk) is not dict:
            return
        choices = chunk.get("choices")
        if choices:
            choice = choices[0]
            delta = choice.get("delta")
            if delta:
                content = delta.get("content")
                if content:
                    if self._text is None:
                        self._text = []
                        out.append(OutputItemAdded(_message("")))
                    self._text.append(content)
                    out.append(OutputTextDelta(content))
                if delta.get("reasoning") is not None:
                    self._reasoning_delta(delta["reasoning"], out)
                if delta.get("tool_calls"):
                    self._tool_call_deltas(delta["tool_calls"])
            message = choice.get("message")
            if isinstance(message, dict) and message.get("reasoning") is not None:
                self._reasoning_delta(message["reasoning"], out)
            finish = choice.get("finish_reason")
            if finish:
                self._flush(out)
                if finish == "length":
                    cut = Incomplete("max_output_tokens")
                    if not self.length_completes:
                        self.terminal = cut
                    out.append(cut)
        if chunk.get("id") and not self._response_id:
            self._response_id = str(chunk["id"])
        if chunk.get("usage"):
            self._usage = chat_usage(chunk["usage"])
        if chunk.get("error") is not None:
            self.terminal = Failed(classify_failure(chunk["error"]))
            out.append(self.terminal)

    def finish(self) -> Completed:
        if not self._finished:
            raise StreamDisconnected("stream closed before finish_reason or [DONE]")
        return Completed(self._response_id, self._usage)

    def _reasoning_delta(self, value: Any, out: list[Any]) -> None:
        if isinstance(value, dict):
            value = value.get("text") or value.get("content")
        if not isinstance(value, str) or not value:
            return
        if self._reasoning is None:
            self._reasoning = []
            out.append(OutputItemAdded(_reasoning([])))
        self._reasoning.append(value)
        out.append(ReasoningTextDelta(value, 0))

    def _tool_call_deltas(self, deltas: Any) -> None:
        for position, delta in enumerate(deltas):
            if not isinstance(delta, dict):
                continue
            index = delta.get("index", position)
            call = self._tool_calls.get(index)
            if call is None:
                call = self._tool_calls[index] = _ToolCall()
            if delta.get("id") and call.call_id is None:
                call.call_id = delta["id"]
            function = delta.get("function") or {}
            if function.get("name") and call.name is None:
                call.name = function["name"]
            if function.get("arguments"):
                call.arguments.append(function["arguments"])

    def _flush(self, out: list[Any]) -> None:
        """Close every open item, once."""
        if self._finished:
            return
        self._finished = True
        if self._reasoning is not None:
            out.append(OutputItemDone(_reasoning(self._reasoning)))
        if self._text is not None:
            out.append(OutputItemDone(_message("".join(self._text))))
        for index in sorted(self._tool_calls):
            call = self._tool_calls[index]
            item = {
                "type": "function_call",
                "name": call.name or "",
                "arguments": "".join(call.arguments),
                "call_id": call.call_id or "",
            }
            out.append(OutputItemDone(parse_item(item)))


def _message(text: str) -> Any:
    content = [{"type": "output_text", "text": text}] if text else []
    return parse_item({"type": "message", "role": "assistant", "content": content})


def _reasoning(parts: list[str]) -> Any:
    content = [{"type": "reasoning_text", "text": "".join(parts)}] if parts else []
    return parse_item({"type": "reasoning", "summary": [], "content": content})
