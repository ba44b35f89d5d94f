"""The seam between the turn loop and the model client: a `Prompt` goes in, a stream of small
typed events comes out (`ItemAdded`, `ItemDone`, `TextDelta`, `ReasoningDelta`, `Completed`).

`open_model()` uses codex.client when it is installed; `MiniResponsesClient` is a small, direct
Responses-API streamer (httpx + the native SSE parser) that the session falls back to, so the
loop never depends on a client detail. Per-delta work is one JSON parse and one tiny object.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from codex.protocol.items import ResponseItem, parse_item
from codex.protocol.usage import TokenUsage


@dataclass(slots=True)
class Prompt:
    model: str
    instructions: str
    input: list[ResponseItem]
    tools: list[dict[str, Any]]
    parallel_tool_calls: bool = False
    output_schema: dict[str, Any] | None = None
    reasoning: dict[str, Any] | None = None
    conversation_id: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ItemAdded:
    item: ResponseItem


@dataclass(slots=True)
class ItemDone:
    item: ResponseItem


@dataclass(slots=True)
class TextDelta:
    delta: str


@dataclass(slots=True)
class ReasoningDelta:
    delta: str
    raw: bool = False


@dataclass(slots=True)
class SectionBreak:
    pass


@dataclass(slots=True)
class Completed:
    response_id: str | None
    usage: TokenUsage | None


ModelEvent = ItemAdded | ItemDone | TextDelta | ReasoningDelta | SectionBreak | Completed


class ModelError(Exception):
    """The model request failed for good (after retries); str() is shown to the user."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class ModelStreamer(Protocol):
    def stream(
        self, prompt: Prompt, on_retry: Callable[[str], None]
    ) -> AsyncIterator[ModelEvent]: ...

    async def aclose(self) -> None: ...


def _usage(data: Any) -> TokenUsage | None:
    if not isinstance(data, dict):
        return None
    cached = (data.get("input_tokens_details") or {}).get("cached_tokens") or 0
    reasoning = (data.get("output_tokens_details") or {}).get("reasoning_tokens") or 0
    return TokenUsage(
        input_tokens=int(data.get("input_tokens") or 0),
        cached_input_tokens=int(cached),
        output_tokens=int(data.get("output_tokens") or 0),
        reasoning_output_tokens=int(reasoning),
        total_tokens=int(data.get("total_tokens") or 0),
    )


def request_body(prompt: Prompt) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": prompt.model,
        "instructions": prompt.instructions,
        "input": [item.to_dict() for item in prompt.input],
        "tools": prompt.tools,
        "tool_choice": "auto",
        "parallel_tool_calls": prompt.parallel_tool_calls,
        "store": False,
        "stream": True,
        "include": ["reasoning.encrypted_content"] if prompt.reasoning else [],
        "prompt_cache_key": prompt.conversation_id,
    }
    if prompt.reasoning:
        body["reasoning"] = prompt.reasoning
    if prompt.output_schema is not None:
        body["text"] = {
            "format": {
                "type": "json_schema",
                "strict": True,
                "schema": prompt.output_schema,
                "name": "codex_output_schema",
            }
        }
    return body


class MiniResponsesClient:
    """Streams `POST {base_url}/responses`; retries failed streams up to `max_retries` times."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        headers: dict[str, str] | None = None,
        max_retries: int = 5,
        idle_timeout_s: float = 300.0,
    ) -> None:
        import httpx

        self._url = base_url.rstrip("/") + "/responses"
        self._headers = {"content-type": "application/json", "accept": "text/event-stream"}
        if api_key:
            self._headers["authorization"] = f"Bearer {api_key}"
        self._headers.update(headers or {})
        self._max_retries = max_retries
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(idle_timeout_s, connect=10.0))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def stream(
        self, prompt: Prompt, on_retry: Callable[[str], None]
    ) -> AsyncIterator[ModelEvent]:
        body = orjson.dumps(request_body(prompt))
        attempt = 0
        while True:
            try:
                async for event in self._one_attempt(body, prompt):
                    yield event
                return
            except ModelError as exc:
                if not exc.retryable or attempt >= self._max_retries:
                    raise
                attempt += 1
                on_retry(f"Reconnecting... {attempt}/{self._max_retries} ({exc})")
                await asyncio.sleep(min(0.2 * 2 ** (attempt - 1), 2.0) * _retry_scale())

    async def _one_attempt(self, body: bytes, prompt: Prompt) -> AsyncIterator[ModelEvent]:
        import httpx

        from codex._native.sse import SSEParser

        headers = dict(self._headers)
        if prompt.conversation_id:
            headers["session_id"] = prompt.conversation_id
        headers.update(prompt.extra_headers)
        try:
            async with self._http.stream("POST", self._url, content=body, headers=headers) as resp:
                if resp.status_code >= 400:
                    text = (await resp.aread()).decode("utf-8", "replace")
                    retryable = resp.status_code >= 500 or resp.status_code == 429
                    raise ModelError(
                        f"unexpected status {resp.status_code}: {text}", retryable=retryable
                    )
                parser = SSEParser()
                completed: Completed | None = None
                failure: str | None = None
                async for chunk in resp.aiter_bytes():
                    for sse in parser.feed(chunk):
                        try:
                            data = orjson.loads(sse.data)
                        except orjson.JSONDecodeError:
                            continue
                        kind = data.get("type")
                        if kind == "response.output_text.delta":
                            yield TextDelta(data.get("delta", ""))
                        elif kind == "response.output_item.done":
                            yield ItemDone(parse_item(data["item"]))
                        elif kind == "response.output_item.added":
                            yield ItemAdded(parse_item(data["item"]))
                        elif kind == "response.reasoning_summary_text.delta":
                            yield ReasoningDelta(data.get("delta", ""))
                        elif kind == "response.reasoning_text.delta":
                            yield ReasoningDelta(data.get("delta", ""), raw=True)
                        elif kind == "response.reasoning_summary_part.added":
                            yield SectionBreak()
                        elif kind == "response.completed":
                            response = data.get("response") or {}
                            completed = Completed(response.get("id"), _usage(response.get("usage")))
                        elif kind == "response.failed":
                            error = (data.get("response") or {}).get("error") or {}
                            failure = str(error.get("message") or "response.failed")
                            if error.get("code") in (
                                "context_length_exceeded",
                                "insufficient_quota",
                            ):
                                raise ModelError(failure)
        except httpx.HTTPError as exc:
            raise ModelError(
                f"stream disconnected before completion: {exc}", retryable=True
            ) from exc
        if completed is None:
            message = failure or "stream closed before response.completed"
            raise ModelError(f"stream disconnected before completion: {message}", retryable=True)
        yield completed


def _retry_scale() -> float:
    try:
        return float(os.environ.get("CODEX_RETRY_BACKOFF_SCALE", "1"))
    except ValueError:
        return 1.0


def open_model(config: Any, *, originator: str, conversation_id: str) -> ModelStreamer:
    """The streamer for `config`'s provider: codex.client when present, else the mini client."""
    try:
        from codex.core import client_adapter

        return client_adapter.open_client(
            config, originator=originator, conversation_id=conversation_id
        )
    except ImportError:
        pass
    provider = config.model_providers.get(config.model_provider)
    base_url = None
    api_key = None
    headers = {"originator": originator}
    if provider is not None:
        base_url = provider.base_url
        if provider.env_key:
            api_key = os.environ.get(provider.env_key)
        api_key = api_key or provider.experimental_bearer_token
        headers.update(provider.http_headers or {})
        retries = provider.stream_max_retries if provider.stream_max_retries is not None else 5
    else:
        retries = 5
    if base_url is None:
        base_url = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
    if api_key is None:
        api_key = os.environ.get("OPENAI_API_KEY") or os.environ.get("CODEX_API_KEY")
    return MiniResponsesClient(base_url, api_key=api_key, headers=headers, max_retries=retries)
