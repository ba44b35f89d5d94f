"""Responses API SSE payloads → response events (spec-core §1.5; rust-anchor §3.2). Sans-IO.

Rules: dispatch on the JSON `type` (the SSE event name is ignored); payloads that are not JSON and
unknown types are skipped; `output_item.done` is the source of truth for items; text and reasoning
deltas need an item opened by `output_item.added` (otherwise dropped, as upstream logs and drops
them); `response.completed` is remembered and becomes `Completed` only when the body ends.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from codex.client.errors import (
    ContextWindowExceeded,
    ModelError,
    QuotaExceeded,
    StreamDisconnected,
    UsageLimitReached,
)
from codex.client.events import (
    Completed,
    Created,
    Failed,
    Incomplete,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    ReasoningTextDelta,
)
from codex.client.retry import retry_after_from_message
from codex.protocol.items import parse_item
from codex.protocol.usage import TokenUsage

log = logging.getLogger("codex.client")

_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError


def token_usage(usage: Any) -> TokenUsage | None:
    """Responses `usage` → TokenUsage (missing details count as 0)."""
    if not isinstance(usage, dict):
        return None
    input_details = usage.get("input_tokens_details") or {}
    output_details = usage.get("output_tokens_details") or {}
    return TokenUsage(
        input_tokens=int(usage.get("input_tokens") or 0),
        cached_input_tokens=int(input_details.get("cached_tokens") or 0),
        output_tokens=int(usage.get("output_tokens") or 0),
        reasoning_output_tokens=int(output_details.get("reasoning_tokens") or 0),
        total_tokens=int(usage.get("total_tokens") or 0),
    )


def classify_failure(error: Any) -> ModelError:
    """`response.failed`'s `error` object → the error the turn acts on."""
    error = error if isinstance(error, dict) else {}
    code = error.get("code") or error.get("type")
    message = str(error.get("message") or "response.failed event received")
    if code == "context_length_exceeded":
        return ContextWindowExceeded()
    if code == "insufficient_quota":
        return QuotaExceeded()
    if code in ("usage_limit_reached", "usage_not_included"):
        return UsageLimitReached(message)
    retry_after = retry_after_from_message(message) if code == "rate_limit_exceeded" else None
    return StreamDisconnected(message, retry_after=retry_after)


class ResponsesDecoder:
    """Feed each SSE `data` payload to `decode`; call `finish()` when the body ended."""

    __slots__ = ("_active", "_completed", "length_completes", "terminal")

    def __init__(self, *, length_completes: bool = False) -> None:
        # True: `response.incomplete` for max_output_tokens ends a finished, truncated reply
        # (JSON tool mode, where codex itself set the limit) instead of failing the attempt.
        self.length_completes = length_completes
        self._active = False
        self._completed: Completed | None = None
        self.terminal: Failed | Incomplete | None = None
        """Set when the stream reported failure; the caller stops reading and raises."""

    def decode(self, data: str, out: list[Any]) -> None:
        try:
            event = _loads(data)
        except _JSONDecodeError:
            log.debug("skipping SSE payload that is not JSON: %.80r", data)
            return
        if type(event) is not dict:
            return
        kind = event.get("type")
        if kind == "response.output_text.delta":  # the hot path: most events are this one
            if self._active:
                out.append(OutputTextDelta(event.get("delta", "")))
            else:
                log.error("OutputTextDelta without active item")
            return
        handler = _HANDLERS.get(kind)  # type: ignore[arg-type]
        if handler is not None:
            handler(self, event, out)

    def finish(self) -> Completed:
        """At EOF: the completion, or the error that explains why there is none."""
        if self._completed is not None:
            return self._completed
        raise StreamDisconnected("stream closed before response.completed")

    # -- handlers

    def _created(self, event: dict[str, Any], out: list[Any]) -> None:
        response = event.get("response")
        if isinstance(response, dict):
            out.append(Created(response.get("id")))

    def _item(self, event: dict[str, Any]) -> Any:
        item = event.get("item")
        if not isinstance(item, dict):
            return None
        try:
            return parse_item(item)
        except Exception as exc:  # a malformed item must not kill the stream
            log.debug("skipping unparsable output item: %s", exc)
            return None

    def _item_added(self, event: dict[str, Any], out: list[Any]) -> None:
        item = self._item(event)
        if item is not None:
            self._active = True
            out.append(OutputItemAdded(item))

    def _item_done(self, event: dict[str, Any], out: list[Any]) -> None:
        item = self._item(event)
        if item is not None:
            self._active = False
            out.append(OutputItemDone(item))

    # llama.cpp's /v1/responses omits sequence numbers and indexes: a missing index means 0.

    def _summary_delta(self, event: dict[str, Any], out: list[Any]) -> None:
        index = event.get("summary_index", 0)
        if "delta" in event and index is not None and self._active:
            out.append(ReasoningSummaryDelta(event["delta"], int(index)))

    def _reasoning_delta(self, event: dict[str, Any], out: list[Any]) -> None:
        index = event.get("content_index", 0)
        if "delta" in event and index is not None and self._active:
            out.append(ReasoningTextDelta(event["delta"], int(index)))

    def _summary_part(self, event: dict[str, Any], out: list[Any]) -> None:
        index = event.get("summary_index", 0)
        if index is not None:
            out.append(ReasoningSummaryPartAdded(int(index)))

    def _completed_event(self, event: dict[str, Any], out: list[Any]) -> None:
        response = event.get("response")
        if not isinstance(response, dict):
            return
        usage = token_usage(response.get("usage"))
        self._completed = Completed(str(response.get("id") or ""), usage)

    def _failed(self, event: dict[str, Any], out: list[Any]) -> None:
        response = event.get("response")
        error = response.get("error") if isinstance(response, dict) else None
        self.terminal = Failed(classify_failure(error))
        out.append(self.terminal)

    def _incomplete(self, event: dict[str, Any], out: list[Any]) -> None:
        response = event.get("response")
        details = response.get("incomplete_details") if isinstance(response, dict) else None
        reason = details.get("reason") if isinstance(details, dict) else None
        cut = Incomplete(str(reason or "unknown"))
        out.append(cut)
        if self.length_completes and cut.reason == "max_output_tokens":
            usage = token_usage(response.get("usage")) if isinstance(response, dict) else None
            rid = response.get("id") if isinstance(response, dict) else None
            self._completed = Completed(str(rid or ""), usage)
            return
        self.terminal = cut


_HANDLERS = {
    "response.created": ResponsesDecoder._created,
    "response.output_item.added": ResponsesDecoder._item_added,
    "response.output_item.done": ResponsesDecoder._item_done,
    "response.reasoning_summary_text.delta": ResponsesDecoder._summary_delta,
    "response.reasoning_text.delta": ResponsesDecoder._reasoning_delta,
    "response.reasoning_summary_part.added": ResponsesDecoder._summary_part,
    "response.completed": ResponsesDecoder._completed_event,
    "response.failed": ResponsesDecoder._failed,
    "response.incomplete": ResponsesDecoder._incomplete,
}
