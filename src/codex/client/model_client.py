"""`ModelClient`: one conversation's connection to its model provider.

`stream(prompt)` POSTs the prompt (Responses or Chat Completions, by the provider's `wire_api`)
and yields typed events, retrying the way the official CLI does (spec-core §1.6, rust-anchor
§3.5): HTTP-level retries for 5xx/429/connection errors inside one attempt (`request_max_retries`),
whole-prompt retries for broken streams and exhausted HTTP budgets (`stream_max_retries`), each
announced by a `Retrying` event; fatal errors are raised at once as `ModelError`s. Bytes go from
the socket through the C SSE parser straight into the decoders: no per-event Python framing.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson

from codex._native.sse import DEFAULT_MAX_EVENT_SIZE, SSEError, SSEParser
from codex.client.errors import (
    ConnectionFailed,
    EnvVarError,
    InternalServerError,
    ModelError,
    QuotaExceeded,
    RetryLimit,
    StreamDisconnected,
    Unauthorized,
    UnexpectedStatus,
    UnsupportedOperation,
    UsageLimitReached,
)
from codex.client.events import Failed, RateLimits, ResponseEvent, Retrying
from codex.client.http_errors import is_http_error, transport_failure
from codex.client.lean_request import lean_post
from codex.client.providers import ModelProvider
from codex.client.rate_limits import parse_rate_limits
from codex.client.request import (
    Prompt,
    chat_body,
    item_dict,
    request_headers,
    responses_body,
)
from codex.client.responses_decoder import ResponsesDecoder
from codex.client.retry import RetryPolicy, parse_retry_after
from codex.client.streamed_body import StreamedJson, encode_body
from codex.client.transport import CONNECT_TIMEOUT, lean_client, shared_client
from codex.protocol.items import parse_item
from codex.protocol.originator import resolve_originator

if TYPE_CHECKING:
    import httpx

    from codex.client.chat_decoder import ChatDecoder
    from codex.client.lean_http import LeanResponse

    Response = httpx.Response | LeanResponse

AuthSource = Any
"""Where stored credentials come from: an object with `async bearer()` (and optionally `async
recover_unauthorized()`) such as `codex.auth.AuthManager`, or a (sync or async) callable. Either
returns None, a `(token, account_id)` pair, or an object with `token`, `account_id` and `mode`."""


class _Bearer:
    __slots__ = ("account_id", "chatgpt", "token")

    def __init__(self, token: str, account_id: str | None, chatgpt: bool) -> None:
        self.token = token
        self.account_id = account_id
        self.chatgpt = chatgpt

    def headers(self) -> dict[str, str]:
        out = {"authorization": f"Bearer {self.token}"}
        if self.chatgpt and self.account_id:
            out["chatgpt-account-id"] = self.account_id
        return out


def _as_bearer(value: Any) -> _Bearer | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        token, account_id = value
        return _Bearer(token, account_id, account_id is not None)
    mode = getattr(value, "mode", None)
    account_id = getattr(value, "account_id", None)
    chatgpt = mode == "chatgpt" if mode is not None else account_id is not None
    return _Bearer(value.token, account_id, chatgpt)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class ModelClient:
    """Streams prompts to one provider/model for one conversation (its id is the session id,
    thread id and prompt cache key). `originator` is the already-resolved name the front end
    announces; None: this process's default (`resolve_originator()`)."""

    def __init__(
        self,
        provider: ModelProvider,
        model: str,
        *,
        conversation_id: str,
        auth: AuthSource | None = None,
        originator: str | None = None,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        env: Mapping[str, str] | None = None,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        self.provider = provider
        self.model = model
        self.conversation_id = conversation_id
        self._auth = auth
        self._originator = resolve_originator() if originator is None else originator
        self._http = http
        self.retry = retry or RetryPolicy()
        self._env = os.environ if env is None else env
        self._max_event_size = max_event_size

    # -- public

    async def stream(self, prompt: Prompt) -> AsyncIterator[ResponseEvent]:
        """Events of one sampling request, retried until it completes or fails for good."""
        async for batch in self.batches(prompt):
            for event in batch:
                yield event

    async def batches(self, prompt: Prompt) -> AsyncIterator[list[ResponseEvent]]:
        """`stream()`'s events, a list at a time (the events of one network read): a turn
        takes them this way, one generator step per read instead of one per event, and no
        generator between the retries and the reads (they ran through three, each passing
        every event on)."""
        json_mode = None
        if self.provider.tool_call_mode == "json":
            from codex.client.json_tools import JsonToolMode

            json_mode = JsonToolMode(prompt, max_reply_tokens=self.provider.max_output_tokens)
            prompt = json_mode.prompt
        body: bytes | StreamedJson
        if json_mode is not None:
            body = json_mode.constrain(self._body(prompt, stream=False))  # type: ignore[arg-type]
        else:
            body = self._body(prompt)
        max_retries = self.provider.stream_retries
        # JSON tool mode sets the output limit itself, so a reply that reaches it is finished
        # (truncated), not a broken stream: retrying would only regenerate the same tokens.
        length_completes = json_mode is not None
        attempt = 0
        while True:
            try:
                # The request, with its HTTP-level retries (its own budget); a failure that
                # ends them is a stream failure for the loop around it.
                response = None
                request_retries = self.provider.request_retries
                recovered = False
                request_attempt = 0
                while response is None:
                    try:
                        response = await self._open(body, prompt)
                    except _Recoverable401 as err:
                        if recovered:
                            raise err.error from None
                        recovered = True
                        await _maybe_await(self._auth.recover_unauthorized())  # type: ignore[union-attr]
                        continue
                    except ModelError as err:
                        if not err.retryable:
                            raise
                        if request_attempt >= request_retries:
                            raise _exhausted(err) from None
                        request_attempt += 1
                        delay = err.retry_after
                        if delay is None:
                            delay = self.retry.backoff(request_attempt)
                        notice: list[Any] = [
                            Retrying(
                                "request",
                                request_attempt,
                                request_retries,
                                str(err),
                                delay,
                                err.status,
                            )
                        ]
                        yield json_mode.translate(notice) if json_mode is not None else notice
                        await self.retry.sleep(delay)
                async for batch in self._read(response, length_completes):
                    if json_mode is not None:
                        batch = json_mode.translate(batch)
                    yield batch
                    if json_mode is not None and json_mode.failure is not None:
                        raise json_mode.failure
                return
            except ModelError as err:
                if not err.retryable or attempt >= max_retries:
                    raise
                attempt += 1
                delay = err.retry_after
                if delay is None:
                    delay = self.retry.backoff(attempt)
                if json_mode is not None:
                    json_mode.reset()
                yield [Retrying("stream", attempt, max_retries, str(err), delay, err.status)]
                await self.retry.sleep(delay)

    async def compact(self, prompt: Prompt) -> list[Any]:
        """Remote compaction (spec-core §1.8): POST `{base}/responses/compact` with
        `{model, input, instructions}`; the returned items replace the history. Responses wire
        only; non-2xx statuses raise like a stream request's would (no retries here)."""
        if self.provider.wire_api != "responses":
            raise UnsupportedOperation("remote compaction needs the Responses API")
        body: dict[str, Any] = {
            "model": self.model,
            "input": [item_dict(i) for i in prompt.input],
            "instructions": prompt.instructions or "",
        }
        bearer = await self._credentials()
        chatgpt = bearer is not None and bearer.chatgpt
        headers = request_headers(
            origin=self._originator,
            session_id=self.conversation_id,
            provider_headers=self.provider.headers(self._env),
            credentials=bearer.headers() if bearer else {},
            extra=prompt.extra_headers,
        )
        headers["accept"] = "application/json"
        url = self.provider.url(chatgpt_auth=chatgpt, endpoint="responses/compact")
        content = orjson.dumps(body)
        response: Response
        try:
            lean = await self._send_lean(url, content, headers, CONNECT_TIMEOUT, CONNECT_TIMEOUT)
            if lean is not None:
                await lean.aread()
                response = lean
            else:
                response = await (self._http or shared_client()).post(
                    url, content=content, headers=headers
                )
        except Exception as exc:
            if transport_failure(exc) is None:
                raise
            raise ConnectionFailed(f"error sending request for url ({url}): {exc}") from exc
        if not 200 <= response.status_code < 300:
            error = self._status_error(response, response.text)
            raise error.error if isinstance(error, _Recoverable401) else error
        output = orjson.loads(response.content).get("output") or []
        return [parse_item(item) for item in output if isinstance(item, dict)]

    # -- one attempt

    def _body(self, prompt: Prompt, *, stream: bool = True) -> bytes | StreamedJson:
        """The encoded request; a big one (a long resumed history) streams in pieces."""
        if self.provider.wire_api == "chat":
            body, key = chat_body(self.model, prompt), "messages"
        else:
            body = responses_body(
                self.model,
                prompt,
                prompt_cache_key=self.conversation_id,
                azure=self.provider.is_azure_responses_endpoint(),
            )
            key = "input"
        return encode_body(body, key) if stream else orjson.dumps(body)

    async def _send_lean(
        self,
        url: str,
        body: bytes | StreamedJson,
        headers: dict[str, str],
        connect: float,
        timeout: float | None,
    ) -> LeanResponse | None:
        """The request on this loop's lean client (codex.client.lean_http), or None when it must
        take httpx: a client was given to this ModelClient, proxies are configured, or the URL
        or headers are ones only httpx sends as they are today."""
        if self._http is not None:
            return None
        lean = lean_client()
        if lean is None:
            return None
        return await lean_post(lean, url, body, headers, connect=connect, timeout=timeout)

    async def _open(self, body: bytes | StreamedJson, prompt: Prompt) -> Response:
        provider = self.provider
        bearer = await self._credentials()
        chatgpt = bearer is not None and bearer.chatgpt
        url = provider.url(chatgpt_auth=chatgpt)
        headers = request_headers(
            origin=self._originator,
            session_id=self.conversation_id,
            provider_headers=provider.headers(self._env),
            credentials=bearer.headers() if bearer else {},
            extra=prompt.extra_headers,
        )
        if isinstance(body, StreamedJson):
            headers["content-length"] = str(body.length)  # not chunked: same framing as bytes
        idle = provider.stream_idle_timeout
        response: Response | None
        try:
            response = await self._send_lean(url, body, headers, CONNECT_TIMEOUT, idle)
            if response is None:
                from codex.client.lean_send import send_stream

                http = self._http or shared_client()
                response = await send_stream(
                    http, url, body, headers, idle=idle, connect=CONNECT_TIMEOUT
                )
        except Exception as exc:
            failure = transport_failure(exc)
            if failure is None:
                raise
            if failure != "transport":
                raise ConnectionFailed(f"timeout connecting to {url}: {exc}") from exc
            raise ConnectionFailed(f"error sending request for url ({url}): {exc}") from exc
        if 200 <= response.status_code < 300:
            return response
        try:
            text = (await response.aread()).decode("utf-8", "replace")
        except Exception as exc:
            if not is_http_error(exc):
                raise
            text = ""
        finally:
            await response.aclose()
        raise self._status_error(response, text)

    def _status_error(self, response: Response, text: str) -> Exception:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status == 401:
            err = Unauthorized(status, text)
            if self._auth is not None and hasattr(self._auth, "recover_unauthorized"):
                return _Recoverable401(err)
            return err
        if status == 429:
            error = _error_object(text)
            kind = error.get("type")
            if kind in ("usage_limit_reached", "usage_not_included"):
                plan = error.get("plan_type")
                return UsageLimitReached(str(error.get("message") or text), plan_type=plan)
            if error.get("code") == "insufficient_quota" or kind == "insufficient_quota":
                return QuotaExceeded()
            return _RetryableStatus(status, text, retry_after)
        if status >= 500:
            return _RetryableStatus(status, text, retry_after)
        return UnexpectedStatus(status, text)

    async def _read(
        self, response: Response, length_completes: bool = False
    ) -> AsyncIterator[list[Any]]:
        """`length_completes`: an output-limit stop ends the reply instead of failing it."""
        decoder: ChatDecoder | ResponsesDecoder
        if self.provider.wire_api == "chat":
            from codex.client.chat_decoder import ChatDecoder  # Chat Completions providers only

            decoder = ChatDecoder(length_completes=length_completes)
        else:
            decoder = ResponsesDecoder(length_completes=length_completes)
        feed = SSEParser(self._max_event_size).feed_data
        decode = decoder.decode
        try:
            yield [RateLimits(parse_rate_limits(response.headers))]
            async for chunk in response.aiter_bytes():
                out: list[Any] = []
                for data in feed(chunk):
                    decode(data, out)
                if decoder.terminal is not None:
                    yield [e for e in out if e is not decoder.terminal]
                    terminal = decoder.terminal
                    if isinstance(terminal, Failed):
                        raise terminal.error
                    raise StreamDisconnected(
                        f"Incomplete response returned, reason: {terminal.reason}"
                    )
                if out:
                    yield out
            yield [decoder.finish()]
        except SSEError as exc:
            raise StreamDisconnected(str(exc)) from None
        except Exception as exc:
            failure = transport_failure(exc)
            if failure is None:
                raise
            if failure == "read_timeout":
                raise StreamDisconnected("idle timeout waiting for SSE") from None
            raise StreamDisconnected(str(exc) or type(exc).__name__) from None
        finally:
            await response.aclose()

    # -- credentials

    async def _credentials(self) -> _Bearer | None:
        """experimental_bearer_token, else the env_key value, else stored auth (Responses only)."""
        provider = self.provider
        if provider.experimental_bearer_token:
            return _Bearer(provider.experimental_bearer_token, None, False)
        try:
            key = provider.api_key(self._env)
        except EnvVarError:
            if self._auth is None or provider.wire_api == "chat":
                raise
            key = None
        if key is not None:
            return _Bearer(key, None, False)
        if self._auth is None or provider.wire_api == "chat":
            return None
        source: Callable[[], Awaitable[Any] | Any] = getattr(self._auth, "bearer", self._auth)
        return _as_bearer(await _maybe_await(source()))


class _RetryableStatus(ModelError):
    retryable = True
    codex_error_info = "response_stream_connection_failed"

    def __init__(self, status: int, body: str, retry_after: float | None) -> None:
        super().__init__(
            f"unexpected status {status}: {body}", status=status, retry_after=retry_after
        )
        self.body = body


class _Recoverable401(Exception):
    def __init__(self, error: Unauthorized) -> None:
        super().__init__(str(error))
        self.error = error


def _exhausted(err: ModelError) -> ModelError:
    """The error a request reports once its HTTP retry budget is spent."""
    if isinstance(err, _RetryableStatus):
        if err.status is not None and err.status >= 500:
            return InternalServerError(err.status)
        return RetryLimit(err.status or 0, err.body)
    return err


def _error_object(text: str) -> dict[str, Any]:
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}
