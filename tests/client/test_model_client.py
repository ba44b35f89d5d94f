"""ModelClient against the real loopback mock server: every scenario, both wire APIs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.client.conftest import CONVERSATION_ID, Sleeps, stream_all
from tests.support.mock_model_server import MockModelServer, scenario
from tests.support.model_stream import FunctionCall as ScriptedCall
from tests.support.model_stream import HttpError, JsonReply, RawSSE, Turn, repeated_deltas
from tests.support.model_stream import Message as ScriptedMessage

from codex.client import (
    Completed,
    ContextWindowExceeded,
    Created,
    EnvVarError,
    InternalServerError,
    ModelClient,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    Prompt,
    QuotaExceeded,
    RateLimits,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    Retrying,
    RetryLimit,
    StreamDisconnected,
    Unauthorized,
    UnexpectedStatus,
    aclose_shared,
    run,
)
from codex.protocol.items import (
    CustomToolCall,
    FunctionCall,
    Message,
    Reasoning,
    function_call_output,
    user_message,
)

WIRES = ["responses", "chat"]
MakeClient = Callable[..., ModelClient]


def _done_items(events: list[Any]) -> list[Any]:
    return [e.item for e in events if isinstance(e, OutputItemDone)]


def _text(events: list[Any]) -> str:
    return "".join(e.delta for e in events if isinstance(e, OutputTextDelta))


# ---- successful streams ---------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_message(mock_model_server: MockModelServer, make_client: MakeClient, wire: str) -> None:
    mock_model_server.enqueue(scenario("message"))
    out = stream_all(make_client(wire))
    assert out.error is None
    assert isinstance(out.events[0], RateLimits)
    assert isinstance(out.events[-1], Completed)
    kinds = [type(e) for e in out.events if not isinstance(e, (RateLimits, Created))]
    assert kinds == [
        OutputItemAdded,
        OutputTextDelta,
        OutputTextDelta,
        OutputTextDelta,
        OutputItemDone,
        Completed,
    ]
    assert _text(out.events) == "hello from the mock"
    (message,) = _done_items(out.events)
    assert isinstance(message, Message)
    assert message.role == "assistant"
    assert message.text() == "hello from the mock"
    usage = out.events[-1].usage
    assert (usage.input_tokens, usage.cached_input_tokens, usage.output_tokens) == (100, 10, 20)
    assert usage.total_tokens == 120
    assert len(mock_model_server.requests) == 1


def test_responses_created_carries_the_response_id(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.enqueue(Turn([ScriptedMessage("x")], response_id="resp_42"))
    out = stream_all(make_client())
    assert out.of(Created) == [Created("resp_42")]
    assert out.events[-1].response_id == "resp_42"


def test_reasoning(mock_model_server: MockModelServer, make_client: MakeClient) -> None:
    mock_model_server.enqueue(scenario("reasoning"))
    out = stream_all(make_client())
    assert out.of(ReasoningSummaryPartAdded) == [ReasoningSummaryPartAdded(0)]
    assert out.of(ReasoningSummaryDelta) == [ReasoningSummaryDelta("**Thinking** about it", 0)]
    reasoning, message = _done_items(out.events)
    assert isinstance(reasoning, Reasoning)
    assert reasoning.encrypted_content == "enc-opaque"
    assert [s.text for s in reasoning.summary] == ["**Thinking** about it"]
    assert message.text() == "reasoned answer"


def test_chat_reasoning_becomes_a_reasoning_item(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.enqueue(scenario("reasoning"))
    out = stream_all(make_client("chat"))
    reasoning, message = _done_items(out.events)
    assert isinstance(reasoning, Reasoning)
    assert [c.text for c in reasoning.content] == ["**Thinking** about it"]
    assert message.text() == "reasoned answer"


@pytest.mark.parametrize("wire", WIRES)
def test_function_call(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str
) -> None:
    mock_model_server.enqueue(scenario("function_call:call_B1"))
    out = stream_all(make_client(wire))
    (call,) = _done_items(out.events)
    assert isinstance(call, FunctionCall)
    assert (call.name, call.call_id) == ("exec_command", "call_B1")
    assert call.arguments == '{"cmd":"echo hello"}'


def test_custom_tool_call_apply_patch(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.enqueue(scenario("custom_tool_call:call_P"))
    out = stream_all(make_client())
    (call,) = _done_items(out.events)
    assert isinstance(call, CustomToolCall)
    assert (call.name, call.call_id) == ("apply_patch", "call_P")
    assert call.input.startswith("*** Begin Patch\n*** Add File: hello.txt\n")


def test_chat_tool_calls_aggregate_by_index(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.enqueue(
        Turn([ScriptedCall("c1", "first", {"a": 1}), ScriptedCall("c2", "second", {"b": [2]})])
    )
    out = stream_all(make_client("chat"))
    calls = _done_items(out.events)
    assert [(c.call_id, c.name, c.arguments) for c in calls] == [
        ("c1", "first", '{"a":1}'),
        ("c2", "second", '{"b":[2]}'),
    ]


@pytest.mark.parametrize("wire", WIRES)
def test_many_deltas(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str
) -> None:
    mock_model_server.enqueue(Turn([repeated_deltas(20_000, "ab ")]))
    out = stream_all(make_client(wire))
    deltas = out.of(OutputTextDelta)
    assert len(deltas) == 20_000
    assert _text(out.events) == "ab " * 20_000
    assert _done_items(out.events)[0].text() == "ab " * 20_000


@pytest.mark.parametrize("wire", WIRES)
def test_slow_chunks(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str
) -> None:
    mock_model_server.enqueue(scenario("slow:0.01"))
    out = stream_all(make_client(wire))
    assert out.error is None
    assert [e.delta for e in out.of(OutputTextDelta)] == ["s", "l", "o", "w"]


def test_minimal_streams_follow_the_completeness_rules(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    content = [{"type": "output_text", "text": "x"}]
    item = {"type": "message", "role": "assistant", "content": content}
    completed = {"type": "response.completed", "response": {"id": "r"}}
    delta = {"type": "response.output_text.delta", "delta": "lost"}
    mock_model_server.enqueue(
        # M1: only output_item.done + completed: the item, usage absent
        RawSSE([{"type": "response.output_item.done", "item": item}, completed]),
        # M2: deltas without an open item are dropped
        RawSSE([delta, delta, completed]),
        # M3: items only inside response.completed are ignored
        RawSSE([{"type": "response.completed", "response": {"id": "r", "output": [item]}}]),
        # M4: unknown event types and non-JSON payloads are ignored
        RawSSE([{"type": "response.some_future_event"}, "not json", completed]),
    )
    client = make_client()
    m1, m2, m3, m4 = (stream_all(client) for _ in range(4))
    assert [i.text() for i in _done_items(m1.events)] == ["x"]
    assert m1.events[-1] == Completed("r", None)
    assert m2.of(OutputTextDelta) == [] and m2.error is None
    assert _done_items(m3.events) == [] and m3.error is None
    assert m4.error is None and isinstance(m4.events[-1], Completed)


def test_rate_limit_headers(mock_model_server: MockModelServer, make_client: MakeClient) -> None:
    headers = {
        "x-codex-primary-used-percent": "12.5",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-at": "1795553287",
        "x-codex-secondary-used-percent": "0",
        "x-codex-credits-has-credits": "true",
        "x-codex-credits-unlimited": "0",
        "x-codex-credits-balance": " 9.5 ",
    }
    mock_model_server.enqueue(Turn([ScriptedMessage("x")], headers=headers))
    snapshot = stream_all(make_client()).events[0].snapshot
    assert snapshot.primary.used_percent == 12.5
    assert snapshot.primary.window_minutes == 300
    assert snapshot.primary.resets_at == 1795553287
    assert snapshot.secondary is None
    assert (snapshot.credits.has_credits, snapshot.credits.unlimited) == (True, False)
    assert snapshot.credits.balance == "9.5"


# ---- what goes on the wire ------------------------------------------------------------------


def test_responses_request_matches_the_official_cli(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.enqueue(scenario("message"))
    client = make_client(
        env={"MOCK_KEY": "sk-mock-123", "MOCK_ORG": "org-1", "EMPTY": " "},
        http_headers={"x-static": "1"},
        env_http_headers={"OpenAI-Organization": "MOCK_ORG", "x-empty": "EMPTY"},
        query_params={"api-version": "2025-04-01"},
    )
    prompt = Prompt(
        input=[user_message("hi")],
        tools=[{"type": "function", "name": "exec_command", "parameters": {"type": "object"}}],
        reasoning={"effort": "medium"},
        verbosity="low",
        output_schema={"type": "object"},
        client_metadata={"turn_id": "t1"},
    )
    assert stream_all(client, prompt).error is None
    request = mock_model_server.single_request()
    assert request.method == "POST"
    assert request.path == "/v1/responses"
    assert request.query == {"api-version": "2025-04-01"}
    assert request.header("authorization") == "Bearer sk-mock-123"
    assert request.header("accept") == "text/event-stream"
    assert request.header("content-type") == "application/json"
    assert request.header("originator") == "codex_exec"
    assert request.header("user-agent").startswith("codex_exec/0.169.0 (")
    assert request.header("user-agent").endswith(" (codex_exec; 0.169.0)")
    for name in ("session-id", "thread-id", "x-client-request-id"):
        assert request.header(name) == CONVERSATION_ID
    assert request.header("x-static") == "1"
    assert request.header("openai-organization") == "org-1"
    assert request.header("x-empty") is None
    body = request.json
    assert list(body) == [
        "model",
        "stream",
        "input",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "reasoning",
        "store",
        "include",
        "prompt_cache_key",
        "text",
        "client_metadata",
    ]
    assert body["stream"] is True and body["store"] is False
    assert body["tool_choice"] == "auto" and body["parallel_tool_calls"] is False
    assert body["include"] == ["reasoning.encrypted_content"]
    assert body["prompt_cache_key"] == CONVERSATION_ID
    assert body["text"] == {
        "verbosity": "low",
        "format": {
            "type": "json_schema",
            "strict": True,
            "schema": {"type": "object"},
            "name": "codex_output_schema",
        },
    }
    assert body["input"] == [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
    ]


def test_chat_request_maps_history_and_tools(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.enqueue(scenario("message"))
    history = [
        user_message("run it"),
        FunctionCall("exec_command", '{"cmd":"ls"}', "call_1"),
        function_call_output("call_1", "a.txt"),
        CustomToolCall("call_2", "apply_patch", "*** Begin Patch"),
        {"type": "custom_tool_call_output", "call_id": "call_2", "output": "ok"},
        {"type": "reasoning", "summary": [], "encrypted_content": "x"},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "d"}]},
    ]
    tools = [
        {"type": "function", "name": "exec_command", "description": "run", "parameters": {}},
        {"type": "custom", "name": "apply_patch"},
        {"type": "web_search"},
    ]
    prompt = Prompt(input=history, tools=tools, instructions="be brief")
    assert stream_all(make_client("chat"), prompt).error is None
    request = mock_model_server.single_request()
    assert request.path == "/v1/chat/completions"
    assert request.header("accept") == "text/event-stream"
    body = request.json
    assert body["stream"] is True and body["model"] == "gpt-5.5"
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "exec_command", "description": "run", "parameters": {}},
        }
    ]
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "run it"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "exec_command", "arguments": '{"cmd":"ls"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "a.txt"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_2",
                    "type": "custom",
                    "custom": {"name": "apply_patch", "input": "*** Begin Patch"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_2", "content": "ok"},
        {"role": "assistant", "content": "d"},
    ]


def test_multi_turn_conversation_with_a_tool_call(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    """The shape the agent loop uses: call → run the tool → send history + output → answer."""
    mock_model_server.enqueue(scenario("function_call:call_1"), scenario("message"))
    client = make_client()
    history: list[Any] = [user_message("run a command")]
    first = stream_all(client, Prompt(input=history))
    (call,) = _done_items(first.events)
    history += [call, function_call_output(call.call_id, "hello\n")]
    second = stream_all(client, Prompt(input=history))
    assert _done_items(second.events)[0].text() == "hello from the mock"
    turn1, turn2 = mock_model_server.requests
    assert turn1.tool_pairing_problems() == []
    assert turn1.message_texts("user") == ["run a command"]
    assert turn2.tool_pairing_problems() == []
    assert turn2.function_call_output("call_1")["output"] == "hello\n"
    kinds = [i["type"] for i in turn2.input()]
    assert kinds == ["message", "function_call", "function_call_output"]


def test_missing_env_key_is_one_clear_line(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    client = make_client(env={}, env_key_instructions="Create a key at https://example.test.")
    out = stream_all(client)
    assert isinstance(out.error, EnvVarError)
    assert str(out.error) == (
        "Missing environment variable: `MOCK_KEY`. Create a key at https://example.test."
    )
    assert mock_model_server.requests == []


def test_bearer_token_and_credential_provider(mock_model_server: MockModelServer) -> None:
    from tests.client.conftest import mock_provider

    mock_model_server.enqueue(scenario("message"), scenario("message"))
    token_provider = mock_provider(mock_model_server, experimental_bearer_token="tok-1")
    stream_all(ModelClient(token_provider, "m", conversation_id="c", env={}))

    class Auth:
        async def bearer(self) -> tuple[str, str | None]:
            return ("chatgpt-token", "acct-9")

    no_key = mock_provider(mock_model_server, env_key=None)
    stream_all(ModelClient(no_key, "m", conversation_id="c", auth=Auth(), env={}))
    first, second = mock_model_server.requests
    assert first.header("authorization") == "Bearer tok-1"
    assert second.header("authorization") == "Bearer chatgpt-token"
    assert second.header("chatgpt-account-id") == "acct-9"


# ---- faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_http_500_retries_both_budgets_then_fails(
    mock_model_server: MockModelServer, make_client: MakeClient, sleeps: Sleeps, wire: str
) -> None:
    mock_model_server.repeat(scenario("http500"))
    out = stream_all(make_client(wire, request_max_retries=2, stream_max_retries=1))
    assert isinstance(out.error, InternalServerError)
    assert str(out.error).startswith("We\u2019re currently experiencing high demand")
    assert len(mock_model_server.requests) == (2 + 1) * (1 + 1)
    retries = out.of(Retrying)
    assert [(r.scope, r.attempt, r.max_attempts) for r in retries] == [
        ("request", 1, 2),
        ("request", 2, 2),
        ("stream", 1, 1),
        ("request", 1, 2),
        ("request", 2, 2),
    ]
    assert retries[2].message.startswith("Reconnecting... 1/1 (We\u2019re currently")
    # exponential backoff, jitter pinned to 1.0
    assert sleeps.delays == pytest.approx([0.2, 0.4, 0.2, 0.2, 0.4])


def test_default_budgets_match_the_official_cli(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.repeat(scenario("http500"))
    out = stream_all(make_client())
    assert len(mock_model_server.requests) == 30  # rust-anchor §3.5: 6 × 5
    assert [r.message[:16] for r in out.of(Retrying) if r.scope == "stream"] == [
        f"Reconnecting... {n}/5"[:16] for n in range(1, 6)
    ]


@pytest.mark.parametrize("wire", WIRES)
def test_429_honours_retry_after(
    mock_model_server: MockModelServer, make_client: MakeClient, sleeps: Sleeps, wire: str
) -> None:
    mock_model_server.enqueue(scenario("http429:7"), scenario("message"))
    out = stream_all(make_client(wire))
    assert out.error is None
    assert sleeps.delays == [7.0]
    (retry,) = out.of(Retrying)
    assert (retry.scope, retry.status, retry.delay) == ("request", 429, 7.0)
    assert len(mock_model_server.requests) == 2


def test_429_budget_exhausted_is_retry_limit(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.repeat(scenario("http429:1"))
    out = stream_all(make_client(request_max_retries=1, stream_max_retries=0))
    assert isinstance(out.error, RetryLimit)
    assert "exceeded retry limit, last status: 429" in str(out.error)
    assert len(mock_model_server.requests) == 2


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (
            HttpError(429, {"error": {"type": "usage_limit_reached", "message": "limit hit"}}),
            "limit hit",
        ),
        (HttpError(429, {"error": {"code": "insufficient_quota", "message": "q"}}), "Quota"),
    ],
)
def test_fatal_429s(
    mock_model_server: MockModelServer, make_client: MakeClient, reply: HttpError, error: str
) -> None:
    mock_model_server.repeat(reply)
    out = stream_all(make_client())
    assert error in str(out.error)
    assert not out.error.retryable
    assert len(mock_model_server.requests) == 1


@pytest.mark.parametrize("wire", WIRES)
def test_400_is_fatal_with_the_server_message(
    mock_model_server: MockModelServer, make_client: MakeClient, sleeps: Sleeps, wire: str
) -> None:
    mock_model_server.repeat(scenario("http400"))
    out = stream_all(make_client(wire))
    assert isinstance(out.error, UnexpectedStatus)
    assert str(out.error) == (
        '{"error":{"message":"bad request from mock","type":"invalid_request_error"}}'
    )
    assert out.error.status == 400
    assert len(mock_model_server.requests) == 1
    assert sleeps.delays == [] and out.of(Retrying) == []


@pytest.mark.parametrize("wire", WIRES)
def test_401_is_fatal(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str
) -> None:
    mock_model_server.repeat(scenario("http401"))
    out = stream_all(make_client(wire))
    assert isinstance(out.error, Unauthorized)
    assert "Incorrect API key provided" in str(out.error)
    assert len(mock_model_server.requests) == 1


def test_401_recovers_once_through_the_credential_provider(
    mock_model_server: MockModelServer,
) -> None:
    from tests.client.conftest import mock_provider

    class Auth:
        token = "stale"

        async def bearer(self) -> tuple[str, None]:
            return (self.token, None)

        async def recover_unauthorized(self) -> None:
            self.token = "fresh"

    mock_model_server.enqueue(scenario("http401"), scenario("message"))
    provider = mock_provider(mock_model_server, env_key=None)
    out = stream_all(ModelClient(provider, "m", conversation_id="c", auth=Auth(), env={}))
    assert out.error is None
    assert [r.header("authorization") for r in mock_model_server.requests] == [
        "Bearer stale",
        "Bearer fresh",
    ]


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("cut", "stream closed before"),
        ("drop", ""),
        ("failed", "mock failure"),
        ("incomplete", "Incomplete response returned, reason: max_output_tokens"),
    ],
)
def test_broken_streams_are_retried(
    mock_model_server: MockModelServer,
    make_client: MakeClient,
    sleeps: Sleeps,
    wire: str,
    fault: str,
    reason: str,
) -> None:
    mock_model_server.enqueue(scenario(fault), scenario("message"))
    out = stream_all(make_client(wire))
    assert out.error is None
    (retry,) = out.of(Retrying)
    assert retry.scope == "stream" and (retry.attempt, retry.max_attempts) == (1, 5)
    assert retry.reason.startswith("stream disconnected before completion: ")
    assert reason in retry.reason
    assert sleeps.delays == [0.2]
    assert isinstance(out.events[-1], Completed)
    assert len(mock_model_server.requests) == 2


def test_cut_stream_gives_up_after_the_stream_budget(
    mock_model_server: MockModelServer, make_client: MakeClient
) -> None:
    mock_model_server.repeat(scenario("cut"))
    out = stream_all(make_client(stream_max_retries=2))
    assert isinstance(out.error, StreamDisconnected)
    assert str(out.error) == (
        "stream disconnected before completion: stream closed before response.completed"
    )
    assert len(mock_model_server.requests) == 3
    # the partial message is re-emitted by every attempt, as upstream does
    assert [i.text() for i in _done_items(out.events)] == ["partial"] * 3


@pytest.mark.parametrize("fault", ["context_window", "quota"])
def test_fatal_response_failed(
    mock_model_server: MockModelServer, make_client: MakeClient, fault: str
) -> None:
    mock_model_server.repeat(scenario(fault))
    out = stream_all(make_client())
    expected = ContextWindowExceeded if fault == "context_window" else QuotaExceeded
    assert isinstance(out.error, expected)
    assert len(mock_model_server.requests) == 1


def test_rate_limit_failure_uses_the_try_again_hint(
    mock_model_server: MockModelServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    error = {"code": "rate_limit_exceeded", "message": "Slow down. Please try again in 1.5s."}
    mock_model_server.enqueue(Turn([], fault="failed", error=error), scenario("message"))
    out = stream_all(make_client())
    assert out.error is None
    assert sleeps.delays == [1.5]


def test_idle_timeout(mock_model_server: MockModelServer, make_client: MakeClient) -> None:
    mock_model_server.enqueue(Turn([ScriptedMessage("x")], chunk_delay=2.0))
    out = stream_all(make_client(stream_idle_timeout_ms=100, stream_max_retries=0))
    assert isinstance(out.error, StreamDisconnected)
    assert str(out.error).endswith("idle timeout waiting for SSE")


def test_connection_refused_is_retried_then_reported(make_client: MakeClient) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = make_client(
        base_url=f"http://127.0.0.1:{port}/v1", request_max_retries=1, stream_max_retries=1
    )
    out = stream_all(client)
    assert out.error is not None and out.error.codex_error_info == "http_connection_failed"
    assert [(r.scope, r.attempt) for r in out.of(Retrying)] == [
        ("request", 1),
        ("stream", 1),
        ("request", 1),
    ]


def test_remote_compaction(mock_model_server: MockModelServer, make_client: MakeClient) -> None:
    summary = {"type": "compaction_summary", "encrypted_content": "opaque"}
    mock_model_server.enqueue(JsonReply({"output": [summary]}))
    client = make_client()

    async def go() -> list[Any]:
        try:
            return await client.compact(Prompt(input=[user_message("hi")], instructions="sum up"))
        finally:
            await aclose_shared()

    (item,) = run(go())
    assert item.to_dict() == summary
    request = mock_model_server.single_request()
    assert request.path == "/v1/responses/compact"
    assert request.json["instructions"] == "sum up" and request.json["model"] == "gpt-5.5"
    assert request.header("authorization") == "Bearer sk-mock-123"
